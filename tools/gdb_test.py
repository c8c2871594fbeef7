#!/usr/bin/env python3
"""
tools/gdb_test.py - `make test-gdb`: the GDB helpers (tools/gdb/sublet.py) against a live kernel.

Boots the debug kernel (build/debug/, -Og) in QEMU halted with a gdb stub on a free local
port, once per switch scenario (--scenario: all_cases, zombie_mm, use_mm; fw_cfg) and
once with two CPUs and no scenario (--scenario's "smp": the per-CPU helpers), and
runs GDB in batch mode (gdb -batch -nx -x ...) with the helpers and tools/gdb/selftest.py,
told the scenario in $sl_scenario, which does the checks (see there). This script only
sets the two programs up, enforces the time limit and reads each verdict: the last
"GDB-TEST:" line of GDB's output. On a timeout it says what GDB was waiting for (the
last "WAITING:" line).

With --docs docs it replays every GDB block of docs/*.md, one boot per session: a
fenced ```gdb-session block's transcript must be what GDB prints (kernel virtual
addresses normalised), a ```gdb block's commands must each work (and no `print` may say
<optimized out>); the first block of a document, and any block that starts a new boot,
begins with a `make debug CMDLINE=... KTEST=... SMP=N` line naming the kernel's command
line and the number of CPUs.
A "(gdb) " line anywhere else in a doc fails the test before anything boots, naming
file:line, so no GDB command shown in the docs goes unreplayed. --write-docs rewrites
the gdb-session transcripts from the replay instead. GDB's output goes to
LOG.checks-SCENARIO and LOG.docs-DOC-N, QEMU's console to the same with .console appended.

Standard library only; tools/gdb_test_test.py tests its logic. See docs/gdb.md.
"""

import argparse
import os
import re
import shlex
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


DOCS = os.path.join(REPO, "docs")
# The fences of the docs' GDB blocks: a gdb-session block's transcript is replayed and
# must be what GDB prints; a gdb block shows commands only, each replayed and required
# to work. A "(gdb) " line anywhere else in docs/*.md is an error.
SESSION_FENCE, COMMANDS_FENCE = "gdb-session", "gdb"
FENCE = "```"
PROMPT = "(gdb) "
# The line that starts a session (a boot): `make debug` with the variables that choose
# the kernel's command line, and SMP the number of CPUs QEMU starts. The first GDB block
# of each document starts with one.
BOOT_LINE = "make debug"
BOOT_VARIABLES = {"CMDLINE": "{}", "KTEST": "ktest={}"}
SMP_VARIABLE = "SMP"
BEGIN, END = "@@@ begin", "@@@ end"
# Kernel virtual addresses (pointers, text): they move when the code does. Physical
# addresses (CR3, page-table entries) stay: they are what the session is about.
KERNEL_ADDRESS = re.compile(r"0x(?:ffff[0-9a-f]{12}|ffffffff[0-9a-f]{8})")
# docs/gdb.md's table of one conditional breakpoint per case: | case | `break ... if C` |
CASE_ROW = re.compile(r"^\| ([^|`]+?) \| `break context_switch if (.+)` \|$", re.M)
# What a `print` must never say in a doc: the command does not work as written.
BAD_PRINT = ("<optimized out>", "Cannot access memory")


def normalise(line):
    """A line of GDB's output as a doc shows it: kernel addresses and the checkout's
    path (GDB names user ELFs by absolute path) left out."""
    return KERNEL_ADDRESS.sub("0xffff...", line.rstrip()).replace(REPO + os.sep, "")


class Block:
    """One GDB block of a document: lines [start, end) between its fences (0-based),
    whether its transcript is checked, the boot its first line asks for (None: it
    continues the session before it) and its commands with their line numbers."""

    def __init__(self, path, start, end, session, boot, commands, smp=1):
        self.path, self.start, self.end, self.session = path, start, end, session
        self.boot, self.commands, self.smp = boot, commands, smp


def boot_cmdline(line):
    """The kernel command line a `make debug VAR=VALUE ...` line asks for, or an error."""
    words = shlex.split(line)[2:]
    parts = []
    for word in words:
        name, _, value = word.partition("=")
        if name == SMP_VARIABLE and value.isdigit() and int(value) > 0:
            continue  # QEMU's, not the kernel's: boot_smp()
        if name not in BOOT_VARIABLES or not value:
            return None, f"`{word}`: a boot line takes only " + \
                ", ".join(f"{v}=..." for v in list(BOOT_VARIABLES) + [SMP_VARIABLE])
        parts.append(BOOT_VARIABLES[name].format(value))
    return " ".join(parts), None


def boot_smp(line):
    """The number of CPUs a `make debug ... SMP=N` line asks QEMU for (default 1)."""
    for word in shlex.split(line)[2:]:
        name, _, value = word.partition("=")
        if name == SMP_VARIABLE:
            return int(value)
    return 1


def doc_blocks(path, text):
    """The GDB blocks of a document and the problems found: a "(gdb) " line outside a
    gdb or gdb-session block, a block that boots nothing where none runs yet, output
    under a command in a gdb block. Each problem names path:line."""
    lines = text.split("\n")
    blocks, problems = [], []
    fence, start = None, None
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(FENCE):
            if fence is None:
                fence, start = stripped[len(FENCE):].strip(), number + 1
                continue
            if stripped == FENCE:
                if fence in (SESSION_FENCE, COMMANDS_FENCE):
                    block, found = parse_block(path, lines, start, number, fence)
                    problems += found
                    if block is not None:
                        blocks.append(block)
                fence = None
                continue
        if stripped.startswith(PROMPT.strip()) and fence not in (SESSION_FENCE, COMMANDS_FENCE):
            problems.append(f"{path}:{number + 1}: a GDB command no replay claims (put it in "
                            f"a ```{COMMANDS_FENCE} or ```{SESSION_FENCE} block)")
    if blocks and blocks[0].boot is None:
        problems.append(f"{path}:{blocks[0].start + 1}: the first GDB block must start with "
                        f"a `{BOOT_LINE} ...` line (the boot its commands run against)")
    return blocks, problems


def parse_block(path, lines, start, end, fence):
    """One fenced GDB block: a Block, and its problems."""
    boot, commands, problems, smp = None, [], [], 1
    body = lines[start:end]
    if body and body[0].strip().startswith(BOOT_LINE):
        boot, error = boot_cmdline(body[0].strip())
        if error:
            return None, [f"{path}:{start + 1}: {error}"]
        smp = boot_smp(body[0].strip())
    for offset, line in enumerate(body):
        if line.startswith(PROMPT):
            commands.append((start + offset + 1, line[len(PROMPT):]))
        elif fence == COMMANDS_FENCE and line.strip() and not (offset == 0 and boot is not None):
            problems.append(f"{path}:{start + offset + 1}: a ```{COMMANDS_FENCE} block holds "
                            f"commands only (output goes in a ```{SESSION_FENCE} block)")
    if not commands:
        problems.append(f"{path}:{start + 1}: a GDB block without a (gdb) command")
    return Block(path, start, end, fence == SESSION_FENCE, boot, commands, smp), problems


def doc_sessions(blocks):
    """The blocks grouped into sessions, one per boot: a list of (cmdline, blocks)."""
    sessions = []
    for block in blocks:
        if block.boot is not None or not sessions:
            sessions.append((block.boot or "", []))
        sessions[-1][1].append(block)
    return sessions


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


def render_doc(text, blocks, outputs):
    """The document with each gdb-session block's transcript made of its boot line, its
    commands and their outputs (`outputs`: one list per command of `blocks`, in order)."""
    lines = text.split("\n")
    queue = list(outputs)
    mine = []
    for block in blocks:
        mine.append(queue[:len(block.commands)])
        del queue[:len(block.commands)]
    for block, block_outputs in reversed(list(zip(blocks, mine))):
        if not block.session:
            continue
        body = lines[block.start:block.start + 1] if block.boot is not None else []
        for (_, command), output in zip(block.commands, block_outputs):
            body += [PROMPT + command] + output
        lines[block.start:block.end] = body
    return "\n".join(lines)


def bad_prints(blocks, outputs):
    """Problems in the outputs of `print` commands: a value GDB could not show."""
    commands = [c for block in blocks for c in block.commands]
    problems = []
    for (number, command), output in zip(commands, outputs):
        if re.match(r"p(rint)?(/\w+)?\s", command):
            for line in output:
                if any(bad in line for bad in BAD_PRINT):
                    problems.append(f"{blocks[0].path}:{number}: `{command}` prints {line!r}")
    return problems


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


def boot_with_gdb(args, name, then, cmdline, smp=1):
    """Boot the kernel halted with a stub and `cmdline` in fw_cfg, run GDB's script
    (ending with `then`) against it; returns GDB's output lines, whether it timed out
    and the log's path."""
    port = args.port or free_port()
    iso = os.path.join(os.path.dirname(args.elf), "gdb-test.iso")
    modules = qemu_launch.find_modules(args.modules)
    newest = max([os.path.getmtime(args.elf)] + [os.path.getmtime(m) for m in modules])
    if not os.path.exists(iso) or os.path.getmtime(iso) < newest:
        qemu_launch.build_iso(args.elf, iso, modules)
    cmd = qemu_launch.qemu_command(iso, mem=args.mem, smp=smp, cmdline=cmdline,
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


def scan_docs(directory):
    """Every docs/*.md's text, its GDB blocks (for the documents that have some) and the
    problems found, each naming file:line."""
    paths = sorted(os.path.join(directory, name) for name in os.listdir(directory)
                   if name.endswith(".md"))
    texts = {}
    for path in paths:
        with open(path) as doc:
            texts[path] = doc.read()
    found, problems = {}, []
    for path in paths:
        blocks, doc_problems = doc_blocks(os.path.relpath(path), texts[path])
        problems += doc_problems
        if blocks:
            found[path] = blocks
    return texts, found, problems


def replay_doc(args, path, blocks):
    """Replay one document's sessions, one boot each: (the outputs of its commands in
    order, None) or (None, why the replay stopped)."""
    outputs = []
    for number, (cmdline, session) in enumerate(doc_sessions(blocks)):
        commands = [c for block in session for c in block.commands]
        name = f"docs-{os.path.basename(path)[:-3]}-{number + 1}"
        smp = session[0].smp
        say(f"test-gdb: {os.path.relpath(path)}: session {number + 1} "
            f"({len(commands)} commands, cmdline '{cmdline}', {smp} CPU)")
        lines, timed_out, log = boot_with_gdb(
            args, name, replay_script([c for _, c in commands]), cmdline, smp)
        replayed = replay_outputs(lines)
        if timed_out or len(replayed) != len(commands):
            line, failed = commands[min(len(replayed), len(commands) - 1)]
            why = " (timeout)" if timed_out else ""
            return None, (f"{os.path.relpath(path)}:{line}: replay stopped at `{failed}`"
                          f"{why}; see {log}")
        outputs += replayed
    return outputs, None


def first_difference(path, text, rendered):
    """The message for the first line where a doc's transcript and the replay differ."""
    old, new = text.split("\n"), rendered.split("\n")
    diff = next(i for i, (a, b) in enumerate(zip(old + [""], new + [""])) if a != b)
    return (f"{os.path.relpath(path)}:{diff + 1}: the transcript differs from the replay: "
            f"doc says {old[diff]!r}, GDB says {new[diff]!r} (make test-gdb WRITE_DOCS=1 "
            f"regenerates it)")


def check_docs(args):
    """Replay the GDB blocks of every docs/*.md; check the outputs (no print of an
    optimized-out value, each case's breakpoint stopping at its case) and compare the
    gdb-session transcripts (or, --write-docs, rewrite them). (passed, message)"""
    texts, found, problems = scan_docs(args.docs)
    if problems:
        return False, "; ".join(problems)
    for path, blocks in found.items():
        outputs, failure = replay_doc(args, path, blocks)
        if failure:
            return False, failure
        problems = bad_prints(blocks, outputs) + case_stop_problems(
            os.path.relpath(path), texts[path], blocks, outputs)
        if problems:
            return False, "; ".join(problems)
        rendered = render_doc(texts[path], blocks, outputs)
        if rendered == texts[path]:
            continue
        if not args.write_docs:
            return False, first_difference(path, texts[path], rendered)
        with open(path, "w") as doc:
            doc.write(rendered)
    total = sum(len(block.commands) for blocks in found.values() for block in blocks)
    verb = "rewritten from" if args.write_docs else "as written in"
    return True, (f"{total} commands of {len(found)} docs replayed, transcripts {verb} "
                  f"{', '.join(os.path.relpath(p) for p in found)}")


def case_rows(text):
    """[(case, condition)] of a document's table of conditional breakpoints."""
    return CASE_ROW.findall(text)


def case_stop_problems(path, text, blocks, outputs):
    """Each condition of the table must be replayed (`break context_switch if C`), and
    the next `sl-case` must name its case."""
    commands = [c for block in blocks for _, c in block.commands]
    problems = []
    for case, condition in case_rows(text):
        wanted = f"break context_switch if {condition}"
        if wanted not in commands:
            problems.append(f"{path}: the condition for {case} is never replayed: `{wanted}`")
            continue
        after = commands.index(wanted)
        stop = next((n for n in range(after, len(commands)) if commands[n] == "sl-case"), None)
        named = outputs[stop][0].split(": ", 1)[-1] if stop is not None and outputs[stop] else ""
        if named != case and not named.endswith(f"({case})"):
            problems.append(f"{path}: `{wanted}` stopped at {named or 'no sl-case'}, "
                            f"not {case}")
    return problems


# --scenario names that are not the kernel's scenarios: (kernel command line, CPUs).
CHECK_RUNS = {"smp": ("", 2)}


def check_run(name):
    """The kernel command line and number of CPUs of selftest.py's run `name`."""
    return CHECK_RUNS.get(name, (f"scenario={name}", 1))


def say(text):
    print(text, flush=True)


def run_checks(args):
    """selftest.py against each scenario, one boot each: (passed, message)."""
    messages = []
    for scenario in args.scenario.split(","):
        start = time.monotonic()
        cmdline, smp = check_run(scenario)
        lines, timed_out, log = boot_with_gdb(
            args, f"checks-{scenario}",
            f'set $sl_scenario = "{scenario}"\nsource {SELFTEST}\n', cmdline, smp)
        passed, message = verdict(lines, timed_out, time.monotonic() - start)
        messages.append(f"{scenario}: {message} (GDB's log: {log})")
        if not passed:
            return False, "; ".join(messages)
    return True, "; ".join(messages)


def run(args):
    start = time.monotonic()
    passed, message = True, ""
    if args.docs:  # before any boot: a GDB command no replay claims fails at once
        problems = scan_docs(args.docs)[2]
        if problems:
            print("test-gdb: FAIL: the docs' GDB blocks:\n  " + "\n  ".join(problems))
            return 1
    if not args.write_docs:
        passed, message = run_checks(args)
    if passed and args.docs:
        passed, doc_message = check_docs(args)
        message = f"{message}; {doc_message}" if message else doc_message
    print(f"test-gdb: {'PASS' if passed else 'FAIL'}: {message} "
          f"({time.monotonic() - start:.1f} s)")
    return 0 if passed else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--elf", default=os.path.join(REPO, "build", "debug", "sublet.elf"))
    parser.add_argument("--modules", metavar="GLOBS", help="user programs for the ISO")
    parser.add_argument("--scenario", default="all_cases,zombie_mm,use_mm,smp",
                        help="the scenarios selftest.py checks, one boot each (smp: two "
                             "CPUs, no scenario)")
    parser.add_argument("--mem", default="256M")
    parser.add_argument("--port", type=int, default=0, help="gdb stub port (0: a free one)")
    parser.add_argument("--gdb", default="gdb")
    parser.add_argument("--timeout", type=float, default=240, help="seconds for GDB's checks")
    parser.add_argument("--log", default=os.path.join(REPO, "build", "test-gdb.log"),
                        help="GDB's output goes to LOG.checks-SCENARIO and LOG.docs-DOC-N")
    parser.add_argument("--docs", metavar="DIR",
                        help="replay the GDB blocks of every DIR/*.md (docs/)")
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
