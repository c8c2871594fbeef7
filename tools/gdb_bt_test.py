#!/usr/bin/env python3
"""
tools/gdb_bt_test.py - `make test-gdb-bt`: GDB's `bt` through sublet's assembly is clean.

The assembly that starts, switches and enters tasks (arch/x86_64/switch_to.S, entry.S,
syscall.S, boot/entry64.S) carries CFI in .debug_frame so that GDB can unwind through
it. This boots one ISO halted under QEMU's gdb stub, drives GDB in batch mode through
the places where a wrong CFI shows (each stepi through switch_to, a new task's first
frames, timer interrupts, a trap and an NMI from ring 3, a system call) and checks every
backtrace:

- no frame GDB cannot name (`??`), no "Backtrace stopped", no unreadable memory;
- the innermost frames are the expected ones (switch_to called by context_switch, ...);
- the outermost frame is the first frame of a task or of an entry from user mode
  (OUTERMOST): the backtrace ends there, cleanly.

A breakpoint that is never hit ends the run after --timeout seconds, saying what it was
waiting for. Standard library only; QEMU is started through tools/qemu_launch.py.
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_launch  # noqa: E402

# Where a backtrace may end: code with no caller the kernel can describe.
OUTERMOST = {"start64", "ret_from_fork", "new_task_first_frame", "entry_SYSCALL_64",
             "trap_from_user"}
# Instructions in switch_to from its first to its `ret`, and one more: past it.
SWITCH_TO_STEPS = 21
TIMER_STOPS = 4
MARK = "@@bt "
FRAME_RE = re.compile(r"^#(\d+)\s+(?:(?:0x[0-9a-f]+ in )?(\S+) \(|(<signal handler called>))")
TRAP_FRAME = "<signal handler called>"  # how GDB shows a .cfi_signal_frame: a trap frame
BAD_TEXT = ("??", "Backtrace stopped", "Cannot access memory", "previous frame")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bt(name):
    """GDB commands printing one marked backtrace."""
    return [f"echo {MARK}{name}\\n", "bt", f"echo {MARK}end\\n"]


def script(elf, port):
    """The GDB session, and what each marked backtrace must start with."""
    cmds = ["set pagination off", "set confirm off", "set architecture i386:x86-64",
            f"file {elf}", f"target remote 127.0.0.1:{port}"]
    expect = {}
    cmds += ["hbreak switch_to", "continue"] + bt("switch_to")
    expect["switch_to"] = ["switch_to", "context_switch"]
    for step in range(SWITCH_TO_STEPS):
        cmds += ["stepi"] + bt(f"switch_to+stepi{step + 1}")
        expect[f"switch_to+stepi{step + 1}"] = []
    cmds += ["delete", "hbreak schedule_tail", "continue"] + bt("schedule_tail")
    expect["schedule_tail"] = ["schedule_tail", "ret_from_fork"]
    # A trap from ring 3, init's first page faults (rdi: the trap frame, at the entry).
    cmds += ["delete", "hbreak trap_dispatch if (((struct trap_frame *)$rdi)->cs & 3) == 3",
             "continue"] + bt("trap-from-user")
    expect["trap-from-user"] = ["trap_dispatch", "trap_from_user"]
    # An NMI in ring 3 (QEMU's monitor `nmi`, when the faulting instruction runs again):
    # the paranoid path too must end the backtrace at trap_from_user, not in user frames.
    cmds += ["set $user_rip = ((struct trap_frame *)$rdi)->rip", "delete",
             "hbreak *$user_rip", "continue", "monitor nmi", "delete",
             "hbreak trap_dispatch if ((struct trap_frame *)$rdi)->vector == 2",
             "continue"] + bt("nmi-from-user")
    expect["nmi-from-user"] = ["trap_dispatch", "trap_from_user"]
    cmds += ["delete", "hbreak syscall_dispatch", "continue"] + bt("syscall")
    expect["syscall"] = ["syscall_dispatch", "entry_SYSCALL_64"]
    cmds += ["delete", "hbreak timer_interrupt"]
    for stop in range(TIMER_STOPS):
        cmds += ["continue"] + bt(f"timer{stop + 1}")
        expect[f"timer{stop + 1}"] = ["timer_interrupt", "trap_dispatch"]
    cmds += ["kill"]
    return cmds, expect


def check_bt(name, lines, want_first):
    """Problems with one backtrace (an empty list when it is clean)."""
    problems = [f"{name}: {line!r}" for line in lines if any(b in line for b in BAD_TEXT)]
    frames = []
    for line in lines:
        match = FRAME_RE.match(line)
        if match:
            frames.append(match.group(2) or match.group(3))
        elif line.startswith("#"):
            problems.append(f"{name}: unparsed frame {line!r}")
    if not frames:
        return problems + [f"{name}: no frames"]
    if frames[:len(want_first)] != want_first:
        problems.append(f"{name}: starts {frames[:len(want_first)]}, want {want_first}")
    if frames[-1] not in OUTERMOST:
        problems.append(f"{name}: ends in {frames[-1]}, not the first frame of a task "
                        f"({', '.join(sorted(OUTERMOST))})")
    return problems


def parse(output):
    """{name: [lines]} of the marked backtraces in GDB's output."""
    found, current = {}, None
    for line in output.splitlines():
        if line.startswith(MARK):
            tag = line[len(MARK):].strip()
            current = None if tag == "end" else tag
            if current:
                found[current] = []
        elif current:
            found[current].append(line)
    return found


def run(args):
    port = args.port or free_port()
    cmds, expect = script(args.elf, port)
    with tempfile.TemporaryDirectory(prefix="sublet-gdb-bt-") as tmp:
        serial = os.path.join(tmp, "serial.log")
        gdb_script = os.path.join(tmp, "bt.gdb")
        with open(gdb_script, "w") as out:
            out.write("\n".join(cmds) + "\n")
        qemu = qemu_launch.qemu_command(
            args.iso, cmdline=args.cmdline,
            console=("-display", "none", "-monitor", "none", "-serial", f"file:{serial}"),
            extra=["-gdb", f"tcp:127.0.0.1:{port}", "-S"])
        qemu_err = open(os.path.join(tmp, "qemu.err"), "w+")
        vm = subprocess.Popen(qemu, stdin=subprocess.DEVNULL, stderr=qemu_err)
        try:
            done = subprocess.run([args.gdb, "-batch", "-nx", "-x", gdb_script],
                                  capture_output=True, text=True, timeout=args.timeout)
            output = done.stdout + done.stderr
        except subprocess.TimeoutExpired as err:
            output = (err.stdout or b"").decode() if isinstance(err.stdout, bytes) \
                else (err.stdout or "")
            seen = parse(output)
            waiting = next((name for name in expect if name not in seen), "the end")
            print("\n".join(output.splitlines()[-20:]))
            print(f"gdb_bt_test: FAIL: timeout after {args.timeout:g} s waiting for the "
                  f"breakpoint of '{waiting}'")
            return 1
        finally:
            vm.kill()
            vm.wait()
            qemu_err.seek(0)
            qemu_stderr = "\n".join(line for line in qemu_err.read().splitlines()
                                     if "Terminated via GDBstub" not in line)
            qemu_err.close()
            if qemu_stderr:
                print(f"gdb_bt_test: QEMU said: {qemu_stderr}")
    seen = parse(output)
    problems = []
    for name, want_first in expect.items():
        if name not in seen:
            problems.append(f"{name}: never reached")
        else:
            problems += check_bt(name, seen[name], want_first)
    if args.verbose or problems:
        print(output)
    for problem in problems:
        print(f"gdb_bt_test: FAIL: {problem}")
    print(f"gdb_bt_test: {args.elf}: {len(expect) - len({p.split(':')[0] for p in problems})}"
          f" of {len(expect)} backtraces clean")
    return 1 if problems else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--elf", required=True, help="the kernel the ISO boots")
    parser.add_argument("--iso", required=True)
    parser.add_argument("--cmdline", default="", help="kernel command line, in fw_cfg")
    parser.add_argument("--port", type=int, default=0, help="gdb stub port (0: a free one)")
    parser.add_argument("--gdb", default="gdb")
    parser.add_argument("--timeout", type=float, default=60, help="seconds for the session")
    parser.add_argument("-v", "--verbose", action="store_true", help="print GDB's output")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
