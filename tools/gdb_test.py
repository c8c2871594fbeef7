#!/usr/bin/env python3
"""
tools/gdb_test.py - `make test-gdb`: the GDB helpers (tools/gdb/sublet.py) against a live kernel.

Boots the debug kernel (build/debug/, -Og) in QEMU halted with a gdb stub on a free local
port, with a switch scenario on the command line (fw_cfg; all_cases by default), and
runs GDB in batch mode (gdb -batch -nx -x ...) with the helpers and tools/gdb/selftest.py,
which does the checks (see there). This script only sets the two programs up, enforces
the time limit and reads the verdict: the last "GDB-TEST:" line of GDB's output. On a
timeout it says what GDB was waiting for (the last "WAITING:" line). GDB's output goes
to --log, QEMU's console to the same path with .console appended.

Standard library only; tools/gdb_test_test.py tests its logic. See docs/gdb.md.
"""

import argparse
import os
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


def free_port():
    """A TCP port nobody listens on now (the kernel picks it; QEMU binds it next)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gdb_script(elf, port):
    """The commands GDB runs: the architecture before connecting (QEMU's stub starts in
    32-bit mode), the kernel, the helpers, the stub, the checks."""
    return "\n".join([
        "set architecture i386:x86-64",
        "set pagination off",
        "set confirm off",
        f"file {elf}",
        f"source {HELPERS}",
        f"target remote 127.0.0.1:{port}",
        f"source {SELFTEST}",
    ]) + "\n"


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


def run(args):
    port = args.port or free_port()
    iso = os.path.join(os.path.dirname(args.elf), "gdb-test.iso")
    qemu_launch.build_iso(args.elf, iso, qemu_launch.find_modules(args.modules))
    cmd = qemu_launch.qemu_command(iso, mem=args.mem, cmdline=f"scenario={args.scenario}",
                                   extra=["-gdb", f"tcp:127.0.0.1:{port}", "-S"])
    script = os.path.join(os.path.dirname(args.elf), "gdb-test.gdb")
    with open(script, "w") as out:
        out.write(gdb_script(os.path.abspath(args.elf), port))
    start = time.monotonic()
    with open(args.log + ".console", "w") as console, open(args.log, "w") as log:
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
    with open(args.log) as log:
        lines = log.read().splitlines()
    passed, message = verdict(lines, timed_out, time.monotonic() - start)
    print(f"test-gdb: {'PASS' if passed else 'FAIL'}: {message} "
          f"({time.monotonic() - start:.1f} s; GDB's log: {args.log})")
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
    parser.add_argument("--log", default=os.path.join(REPO, "build", "test-gdb.log"))
    args = parser.parse_args(argv)
    try:
        return run(args)
    except qemu_launch.LaunchError as err:
        print(f"test-gdb: FAIL: {err}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
