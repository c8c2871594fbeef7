#!/usr/bin/env python3
"""
tools/qemu_launch.py - how sublet boots in QEMU, in one place.

tools/ktest_runner.py (make test), tools/bench.py (make bench) and the Makefile's `make run`
and `make debug` all boot through this module, so they agree on:

- the ISO: tools/mkiso.sh with the user programs (build/user/*.elf) as boot modules;
- the machine: -m, -smp, -cpu, -no-reboot (a triple fault ends QEMU instead of rebooting),
  the isa-debug-exit device at port 0xf4 the kernel writes its verdict to, no -accel (TCG,
  never KVM: runs are deterministic and `-icount` works);
- the firmware: SeaBIOS, or OVMF found where distributions install it;
- the command line: besides GRUB's (fixed when the ISO is made), each boot may pass one in
  QEMU's fw_cfg device (`-fw_cfg name=opt/sublet/cmdline,string=...`), which the kernel
  appends (arch/x86_64/fw_cfg.c); so one ISO serves every boot;
- what QEMU's exit status means.

Run as a script it boots an ISO on this terminal (make run, make debug): with --gdb
halted with a gdb stub; with --gdb-client too, QEMU runs in the background (its serial
console going to --serial-log) while the given GDB command has this terminal, and QEMU
ends with GDB. Standard library only. See docs/testing.md.
"""

import argparse
import glob
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The user programs an ISO carries as boot modules unless told otherwise.
DEFAULT_MODULES = os.path.join(REPO, "build", "user", "*.elf")
MKISO = os.path.join(REPO, "tools", "mkiso.sh")

# Codes the kernel writes to the isa-debug-exit port; QEMU then exits with (code << 1) | 1.
QEMU_EXIT_PASS, QEMU_EXIT_FAIL, QEMU_EXIT_PANIC = 0x10, 0x11, 0x12
STATUS_PASS = (QEMU_EXIT_PASS << 1) | 1    # 33: every test passed, or the benchmarks ended
STATUS_FAIL = (QEMU_EXIT_FAIL << 1) | 1    # 35: some test failed
STATUS_PANIC = (QEMU_EXIT_PANIC << 1) | 1  # 37: kernel panic
STATUS_RESET = 0  # QEMU's own exit: with -no-reboot, a triple fault or reset ends it so
STATUS_MEANING = {STATUS_PASS: "all tests passed", STATUS_FAIL: "some test failed",
                  STATUS_PANIC: "kernel panic",
                  STATUS_RESET: "no exit code: triple fault, reset or quit"}

EXIT_DEVICE = ("-device", "isa-debug-exit,iobase=0xf4,iosize=0x04")
# Headless with the console on stdout (tests, benchmarks), or on this terminal with
# QEMU's monitor behind Ctrl-A C (make run, make debug).
HEADLESS_ARGS = ("-display", "none", "-monitor", "none", "-serial", "stdio")
TERMINAL_ARGS = ("-display", "none", "-serial", "mon:stdio")
SINGLE_VALUED = ("-m", "-smp", "-cpu")  # in extra arguments, these replace the defaults

FW_CFG_CMDLINE = "opt/sublet/cmdline"  # arch/x86_64/fw_cfg.h: FW_CFG_CMDLINE_FILE

# OVMF code and variable store, in the places distributions install them; a combined
# image (code and variables in one file) last.
OVMF_PAIRS = (
    ("/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"),            # Debian
    ("/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"),      # Ubuntu
    ("/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd"),  # Fedora
    ("/usr/share/edk2/x64/OVMF_CODE.fd", "/usr/share/edk2/x64/OVMF_VARS.fd"),    # Arch
)
OVMF_COMBINED = ("/usr/share/ovmf/OVMF.fd", "/usr/share/qemu/OVMF.fd")


class LaunchError(Exception):
    """A boot could not be set up (ISO build failed, QEMU or OVMF missing, ...)."""


def find_modules(spec=None):
    """The files `spec` names (shell words, each a file or glob), in order; every pattern
    must match. None means DEFAULT_MODULES, which may match nothing (user programs not
    built)."""
    if spec is None:
        return sorted(glob.glob(DEFAULT_MODULES))
    files = []
    for pattern in shlex.split(spec):
        matches = sorted(glob.glob(pattern))
        if not matches:
            raise LaunchError(f"--modules: no file matches {pattern}")
        files += matches
    return files


def build_iso(elf, iso, modules, grub_cmdline="", mkiso=MKISO):
    """Make `iso` (GRUB boots `elf` with `grub_cmdline`, `modules` as boot modules)."""
    os.makedirs(os.path.dirname(iso) or ".", exist_ok=True)
    cmd = [mkiso, elf, iso, grub_cmdline] + list(modules)
    try:
        done = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as err:
        raise LaunchError(f"cannot run {mkiso}: {err}") from err
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip().splitlines()[-20:]
        raise LaunchError(f"{shlex.join(cmd)} failed with status {done.returncode}" +
                          "".join("\n    " + line for line in output))
    return iso


def find_ovmf(exists=os.path.exists):
    """("pflash", code, vars) or ("bios", combined image): the UEFI firmware."""
    for code, nvram in OVMF_PAIRS:
        if exists(code) and exists(nvram):
            return ("pflash", code, nvram)
    for image in OVMF_COMBINED:
        if exists(image):
            return ("bios", image)
    looked = [path for pair in OVMF_PAIRS for path in pair] + list(OVMF_COMBINED)
    raise LaunchError("no OVMF firmware for UEFI (install the ovmf package); looked for " +
                      ", ".join(looked))


def firmware_args(firmware, nvram_copy, ovmf=None):
    """QEMU arguments for "bios" or "uefi"; UEFI gets a fresh copy of the variable store
    at `nvram_copy`, so no boot sees what an earlier one stored."""
    if firmware == "bios":
        return []
    ovmf = ovmf or find_ovmf()
    if ovmf[0] == "bios":
        return ["-bios", ovmf[1]]
    os.makedirs(os.path.dirname(nvram_copy) or ".", exist_ok=True)
    shutil.copyfile(ovmf[2], nvram_copy)
    return ["-drive", f"if=pflash,format=raw,readonly=on,file={ovmf[1]}",
            "-drive", f"if=pflash,format=raw,file={nvram_copy}"]


def fw_cfg_args(cmdline):
    """Pass `cmdline` to the kernel in fw_cfg; QEMU's option syntax doubles a comma."""
    if not cmdline:
        return []
    return ["-fw_cfg", f"name={FW_CFG_CMDLINE},string=" + cmdline.replace(",", ",,")]


def qemu_command(iso, mem="256M", smp=1, cpu="max", cmdline="", firmware=(), extra=(),
                 console=HEADLESS_ARGS, qemu=None):
    """The QEMU command that boots `iso`; -m/-smp/-cpu in `extra` replace the given ones."""
    cmd = [qemu or os.environ.get("QEMU", "qemu-system-x86_64")]
    for option, value in (("-m", mem), ("-smp", str(smp)), ("-cpu", cpu)):
        if option not in extra:
            cmd += [option, value]
    return (cmd + list(console) + ["-no-reboot"] + list(EXIT_DEVICE) + list(firmware) +
            ["-cdrom", iso] + fw_cfg_args(cmdline) + list(extra))


TRAILER_RE = re.compile(r"^# runner: (?:exit status (-?\d+)|(timeout)|(stopped)) "
                        r"after ([\d.]+) s")


def describe_status(status):
    return f"QEMU exit status {status} ({STATUS_MEANING.get(status, 'QEMU error')})"


class Run:
    """A finished headless boot: its console lines and how it ended: kind "exit" (with
    status), "timeout", or "stopped" once the awaited texts had appeared."""

    def __init__(self, lines, kind, status, seconds, stderr):
        self.lines, self.kind, self.status = lines, kind, status
        self.seconds, self.stderr = seconds, stderr

    def describe(self):
        if self.kind == "timeout":
            return f"no verdict within {self.seconds:g} s"
        if self.kind == "stopped":
            return "stopped by the runner once the awaited text was seen"
        return describe_status(self.status)

    def trailer(self):
        """The lines recording this end at the bottom of a log (read by from_trailer)."""
        what = f"exit status {self.status}" if self.kind == "exit" else self.kind
        return [f"# runner: {what} after {self.seconds:.1f} s"] + \
            [f"# qemu stderr: {line}" for line in self.stderr]

    @staticmethod
    def from_trailer(lines):
        """The Run (without its lines) a log's trailer records, or None."""
        run = None
        for line in lines:
            match = TRAILER_RE.match(line)
            if match:
                status = int(match[1]) if match[1] else None
                run = Run([], match[2] or match[3] or "exit", status, float(match[4]), [])
            elif run and line.startswith("# qemu stderr: "):
                run.stderr.append(line[len("# qemu stderr: "):])
        return run


def run_qemu(cmd, log, timeout, stop_after=(), ignore=lambda line: False, grace=2.0,
             echo=False):
    """Run `cmd`, copying each console line to the open file `log` (and stdout if `echo`),
    until QEMU exits, `timeout` seconds pass, or `grace` seconds after every text of
    `stop_after` has appeared on some line (not counting lines `ignore` is true for); QEMU
    is killed in the last two cases. Writes the trailer to the log; returns a Run."""
    start = time.monotonic()
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    except OSError as err:
        raise LaunchError(f"cannot run {cmd[0]}: {err}") from err
    lines, stderr, missing, seen = [], [], set(stop_after), []

    def read_console():
        for raw in proc.stdout:
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            lines.append(line)
            log.write(line + "\n")
            if echo:
                print(line, flush=True)
            if missing and not ignore(line):
                missing.difference_update([text for text in missing if text in line])
                if not missing:
                    seen.append(time.monotonic())

    readers = [threading.Thread(target=read_console),
               threading.Thread(target=lambda: stderr.append(proc.stderr.read()))]
    for reader in readers:
        reader.start()
    kind = "exit"
    try:
        while proc.poll() is None:
            now = time.monotonic()
            if now >= start + timeout or (stop_after and seen and now >= seen[0] + grace):
                kind = "timeout" if now >= start + timeout else "stopped"
                proc.kill()
            time.sleep(0.05)
    finally:  # never leave a QEMU behind, even when interrupted (Ctrl-C)
        if proc.poll() is None:
            proc.kill()
        for reader in readers:
            reader.join()
    proc.stdout.close()
    proc.stderr.close()
    text = b"".join(stderr).decode("utf-8", errors="replace")
    run = Run(lines, kind, proc.returncode if kind == "exit" else None,
              timeout if kind == "timeout" else time.monotonic() - start, text.splitlines())
    log.write("\n".join(run.trailer()) + "\n")
    log.flush()
    return run


def first_line_of(cmd):
    """The first line `cmd` prints (its version), or why there is none."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as err:
        return f"unavailable ({err})"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else f"unavailable (exit status {done.returncode})"


def versions():
    """The log header naming QEMU and the compiler (the QEMU and CC variables, if set)."""
    qemu = os.environ.get("QEMU", "qemu-system-x86_64")
    cc = shlex.split(os.environ.get("CC") or "gcc")
    return [f"# qemu: {first_line_of([qemu, '--version'])}",
            f"# cc: {first_line_of(cc + ['--version'])}"]


def add_machine_args(parser):
    """The options the test runner and the benchmarks share."""
    parser.add_argument("--elf", default=os.path.join(REPO, "build", "sublet.elf"))
    parser.add_argument("--firmware", choices=("bios", "uefi"), default="bios")
    parser.add_argument("--mem", default="256M")
    parser.add_argument("--smp", type=int, default=1)
    parser.add_argument("--cpu", default="max")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per boot")
    parser.add_argument("--modules", metavar="GLOBS",
                        help="user programs to boot as modules: shell words, each a file or "
                             "glob (default: build/user/*.elf, if built; '' for none)")


def run_with_gdb(qemu_cmd, gdb_cmd):
    """QEMU in the background, GDB on this terminal; QEMU ends when GDB does. QEMU gets a
    session of its own and we ignore SIGINT, so that Ctrl-C reaches GDB alone (which then
    interrupts the kernel) instead of killing QEMU or us."""
    try:
        vm = subprocess.Popen(qemu_cmd, stdin=subprocess.DEVNULL, start_new_session=True)
    except OSError as err:
        print(f"qemu_launch: cannot run {qemu_cmd[0]}: {err}", file=sys.stderr)
        return 2
    try:
        client = subprocess.Popen(gdb_cmd)
    except OSError as err:
        vm.kill()
        vm.wait()
        print(f"qemu_launch: cannot run {gdb_cmd[0]}: {err}", file=sys.stderr)
        return 2
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        client.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
        if vm.poll() is None:
            vm.terminate()
        vm.wait()
    return client.returncode


def main(argv=None):
    """make run / make debug: boot an ISO with the console on this terminal."""
    parser = argparse.ArgumentParser(description="Boot a sublet ISO on this terminal.")
    parser.add_argument("--iso", default=os.path.join(REPO, "build", "sublet.iso"))
    parser.add_argument("--firmware", choices=("bios", "uefi"), default="bios")
    parser.add_argument("--mem", default="256M")
    parser.add_argument("--smp", type=int, default=1)
    parser.add_argument("--cmdline", default="", help="passed in fw_cfg, after GRUB's line")
    parser.add_argument("--gdb", action="store_true", help="halt with a GDB stub")
    parser.add_argument("--gdb-port", type=int, default=1234, help="the stub's TCP port")
    parser.add_argument("--gdb-client", metavar="COMMAND", help="run this GDB command on "
                        "this terminal, QEMU in the background; implies --gdb")
    parser.add_argument("--serial-log", default=None, help="with --gdb-client: the file "
                        "the serial console goes to")
    parser.add_argument("--qemu-extra", default="", help="more QEMU arguments (shell words)")
    args = parser.parse_args(argv)
    gdb = args.gdb or bool(args.gdb_client)
    console = TERMINAL_ARGS
    if args.gdb_client:
        log = args.serial_log or os.path.join(os.path.dirname(args.iso), "serial.log")
        console = ("-display", "none", "-monitor", "none", "-serial", f"file:{log}")
    try:
        nvram = os.path.join(os.path.dirname(args.iso), "ovmf-vars.fd")
        stub = ["-gdb", f"tcp::{args.gdb_port}", "-S"] if gdb else []
        cmd = qemu_command(args.iso, args.mem, args.smp, cmdline=args.cmdline,
                           firmware=firmware_args(args.firmware, nvram),
                           extra=shlex.split(args.qemu_extra) + stub, console=console)
    except LaunchError as err:
        print(f"qemu_launch: {err}", file=sys.stderr)
        return 2
    print(shlex.join(cmd), flush=True)
    if args.gdb_client:
        return run_with_gdb(cmd, shlex.split(args.gdb_client))
    try:
        status = subprocess.call(cmd)
    except OSError as err:
        print(f"qemu_launch: cannot run {cmd[0]}: {err}", file=sys.stderr)
        return 2
    if status not in (STATUS_PASS, STATUS_RESET):
        print(describe_status(status), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
