#!/usr/bin/env python3
"""
tools/gdb_test.py - `make test-gdb`: the GDB helpers (tools/gdb/sublet.py) against a live kernel.

Boots the debug kernel (build/debug/, -Og) in QEMU halted with a gdb stub on a free local
port, with a switch scenario on the command line (fw_cfg; all_cases by default), and
runs GDB in batch mode (gdb -batch -nx -x ...) with the helpers and tools/gdb/selftest.py,
which does the checks (see there). This script only sets the two programs up, enforces
the time limit and reads the verdict: the last "GDB-TEST:" line of GDB's output. On a
timeout it says what GDB was waiting for (the last "WAITING:" line).

With --docs docs/gdb.md it boots once more and replays the document's ```gdb-session
blocks: every "(gdb) " line is run in order, and the output, with kernel virtual
addresses normalised, must be what the document shows under it; --write-docs rewrites
the transcripts from the replay instead. GDB's output goes to LOG.checks and LOG.docs,
QEMU's console to the same with .console appended.

Standard library only; tools/gdb_test_test.py tests its logic. See docs/gdb.md.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import time

import qemu_launch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HELPERS = os.path.join(REPO, "tools", "gdb", "sublet.py")
SELFTEST = os.path.join(REPO, "tools", "gdb", "selftest.py")
VERDICT = "GDB-TEST:"
WAITING = "WAITING:"


DOCS = os.path.join(REPO, "docs", "gdb.md")
SESSION_FENCE = "```gdb-session"  # a block of docs/gdb.md replayed and checked
PROMPT = "(gdb) "
BEGIN, END = "@@@ begin", "@@@ end"
# Kernel virtual addresses (pointers, text): they move when the code does. Physical
# addresses (CR3, page-table entries) stay: they are what the session is about.
KERNEL_ADDRESS = re.compile(r"0x(?:ffff[0-9a-f]{12}|ffffffff[0-9a-f]{8})")


def normalise(line):
    return KERNEL_ADDRESS.sub("0xffff...", line.rstrip())


def session_blocks(text):
    """The gdb-session blocks of a document: (start line index, end line index, the
    commands) for each, the lines between the fences being the transcript."""
    lines = text.split("\n")
    blocks, start = [], None
    for number, line in enumerate(lines):
        if line.strip() == SESSION_FENCE:
            start = number + 1
        elif start is not None and line.strip() == "```":
            commands = [l[len(PROMPT):] for l in lines[start:number] if l.startswith(PROMPT)]
            blocks.append((start, number, commands))
            start = None
    return blocks


def replay_script(commands):
    """GDB commands that run `commands`, each output framed by BEGIN and END lines."""
    out = []
    for command in commands:
        out += [f"echo {BEGIN}\\n", command, f"echo {END}\\n"]
    return "\n".join(out) + "\n"


def replay_outputs(lines):
    """Each command's output from the replay's output, normalised."""
    outputs, current = [], None
    for line in lines:
        if line == BEGIN:
            current = []
        elif line == END and current is not None:
            outputs.append([normalise(l) for l in current])
            current = None
        elif current is not None:
            current.append(line)
    return outputs


def render_docs(text, outputs):
    """The document with each session block's transcript made of its commands and
    `outputs` (in order over all blocks)."""
    lines = text.split("\n")
    queue = list(outputs)
    for start, end, commands in reversed(session_blocks(text)):
        mine = queue[-len(commands):] if commands else []
        del queue[len(queue) - len(commands):]
        body = []
        for command, output in zip(commands, mine):
            body += [PROMPT + command] + output
        lines[start:end] = body
    return "\n".join(lines)


def free_port():
    """A TCP port nobody listens on now (the kernel picks it; QEMU binds it next)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gdb_script(elf, port, then):
    """The commands GDB runs: the architecture before connecting (QEMU's stub starts in
    32-bit mode), the kernel, the helpers, the stub, then `then`."""
    return "\n".join([
        "set architecture i386:x86-64",
        "set pagination off",
        "set confirm off",
        "set width 0",
        f"file {elf}",
        f"source {HELPERS}",
        f"target remote 127.0.0.1:{port}",
    ]) + "\n" + then


def verdict(lines, timed_out, seconds):
    """(passed, message) from GDB's output lines."""
    waiting = [line[len(WAITING):].strip() for line in lines if line.startswith(WAITING)]
    if timed_out:
        what = waiting[-1] if waiting else "GDB to connect and start the checks"
        return False, f"timeout after {seconds:.0f} s waiting for: {what}"
    results = [line for line in lines if line.startswith(VERDICT)]
    if not results:
        tail = "".join("\n    " + line for line in lines[-15:])
        return False, f"GDB ended without a verdict (a Python error?); its last lines:{tail}"
    last = results[-1][len(VERDICT):].strip()
    return last.startswith("PASS"), last


def boot_with_gdb(args, name, then):
    """Boot the kernel halted with a stub, run GDB's script (ending with `then`) against
    it; returns GDB's output lines and whether it timed out."""
    port = args.port or free_port()
    iso = os.path.join(os.path.dirname(args.elf), "gdb-test.iso")
    if not os.path.exists(iso) or os.path.getmtime(iso) < os.path.getmtime(args.elf):
        qemu_launch.build_iso(args.elf, iso, qemu_launch.find_modules(args.modules))
    cmd = qemu_launch.qemu_command(iso, mem=args.mem, cmdline=f"scenario={args.scenario}",
                                   extra=["-gdb", f"tcp:127.0.0.1:{port}", "-S"])
    script = os.path.join(os.path.dirname(args.elf), f"gdb-test-{name}.gdb")
    with open(script, "w") as out:
        out.write(gdb_script(os.path.abspath(args.elf), port, then))
    log_path = f"{args.log}.{name}"
    with open(log_path + ".console", "w") as console, open(log_path, "w") as log:
        qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=console,
                                stderr=subprocess.STDOUT)
        try:
            time.sleep(0.3)  # let QEMU open its port
            gdb = subprocess.Popen([args.gdb, "-batch", "-nx", "-x", script],
                                   stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT)
            try:
                gdb.wait(timeout=args.timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                gdb.kill()
                gdb.wait()
                timed_out = True
        finally:  # never leave a QEMU behind
            qemu.kill()
            qemu.wait()
    with open(log_path) as log:
        return log.read().splitlines(), timed_out, log_path


def check_docs(args):
    """Replay docs/gdb.md's sessions; compare (or, --write-docs, rewrite) them."""
    with open(args.docs) as doc:
        text = doc.read()
    commands = [c for _, _, block in session_blocks(text) for c in block]
    if not commands:
        return False, f"no {SESSION_FENCE} block in {args.docs}"
    lines, timed_out, log = boot_with_gdb(args, "docs", replay_script(commands))
    outputs = replay_outputs(lines)
    if timed_out or len(outputs) != len(commands):
        failed = commands[len(outputs)] if len(outputs) < len(commands) else "?"
        return False, (f"{args.docs}: replay stopped at `{failed}`"
                       f"{' (timeout)' if timed_out else ''}; see {log}")
    rendered = render_docs(text, outputs)
    if args.write_docs:
        with open(args.docs, "w") as doc:
            doc.write(rendered)
        return True, f"{args.docs} rewritten from the replay"
    if rendered != text:
        old, new = text.split("\n"), rendered.split("\n")
        diff = next(i for i, (a, b) in enumerate(zip(old + [""], new + [""])) if a != b)
        return False, (f"{args.docs}:{diff + 1}: the transcript differs from the replay: "
                       f"doc says {old[diff]!r}, GDB says {new[diff]!r} (make test-gdb "
                       f"WRITE_DOCS=1 regenerates it)")
    return True, f"{args.docs}: {len(commands)} commands replayed as written"


def run(args):
    start = time.monotonic()
    passed, message = True, ""
    if not args.write_docs:
        lines, timed_out, log = boot_with_gdb(args, "checks", f"source {SELFTEST}\n")
        passed, message = verdict(lines, timed_out, time.monotonic() - start)
        message += f" (GDB's log: {log})"
    if passed and args.docs:
        passed, doc_message = check_docs(args)
        message += "; " + doc_message
    print(f"test-gdb: {'PASS' if passed else 'FAIL'}: {message} "
          f"({time.monotonic() - start:.1f} s)")
    return 0 if passed else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--elf", default=os.path.join(REPO, "build", "debug", "sublet.elf"))
    parser.add_argument("--modules", metavar="GLOBS", help="user programs for the ISO")
    parser.add_argument("--scenario", default="all_cases")
    parser.add_argument("--mem", default="256M")
    parser.add_argument("--port", type=int, default=0, help="gdb stub port (0: a free one)")
    parser.add_argument("--gdb", default="gdb")
    parser.add_argument("--timeout", type=float, default=240, help="seconds for GDB's checks")
    parser.add_argument("--log", default=os.path.join(REPO, "build", "test-gdb.log"),
                        help="GDB's output goes to LOG.checks and LOG.docs")
    parser.add_argument("--docs", help="replay this document's gdb-session blocks")
    parser.add_argument("--write-docs", action="store_true",
                        help="rewrite the blocks' transcripts from the replay")
    args = parser.parse_args(argv)
    try:
        return run(args)
    except qemu_launch.LaunchError as err:
        print(f"test-gdb: FAIL: {err}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
