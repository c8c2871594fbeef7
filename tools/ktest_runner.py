#!/usr/bin/env python3
"""
tools/ktest_runner.py - boot sublet's self-tests in QEMU and judge what they print.

Booted with `ktest[=<glob>]`, the kernel runs its tests (tests/ktest.c), prints KTAP
version 1 on the serial console as Linux's KUnit does, and ends QEMU through the
isa-debug-exit port with a code saying how it went. This script builds one ISO and boots
it (tools/qemu_launch.py) with each boot's command line in QEMU's fw_cfg: the main run
(log build/test.log); the VARIANTS (the scheduler and active_mm suites with `nolazytlb`);
the SMP_VARIANTS (the smp suite on other CPU counts);
once per death test the main run listed (`ktest_death=<suite>.<name>`); the BOOT_CHECKS.
It trusts the kernel's KTAP result lines and exit code, and checks what the kernel cannot
say itself: a panic, a triple fault, a timeout, output cut short, zero tests. It prints
each failure with its diagnostics and ends with one line "N passed, N failed, N skipped";
its exit status is 0 only if nothing failed. Judging is a pure function of the lines, so
`--parse-only LOG` re-judges a saved log and tools/ktest_runner_test.py tests it without
QEMU. Standard library only. See docs/testing.md.
"""

import argparse
import fnmatch
import os
import re
import shlex
import shutil
import sys
import time
from collections import namedtuple
from dataclasses import dataclass, field
from functools import partial
from typing import Optional

import qemu_launch as ql
from qemu_launch import STATUS_FAIL, STATUS_PANIC, STATUS_PASS, STATUS_RESET

KTAP_HEADER = "KTAP version 1"
PANIC_TEXT = "Kernel panic - not syncing"
DEATH_PREFIX = "# ktest-death:"
PANIC_CONTEXT_LINES = 30  # lines shown after the panic line (the backtrace)
STOP_GRACE_S = 2.0        # after the awaited texts, time left for the backtrace
BOOT_CHECK_GRACE_S = 0.5
NESTED = "    "           # a suite's lines are indented by four spaces
RUNNER_PREFIXES = ("# qemu: ", "# cc: ", "# command: ", "# cmdline: ", "# runner: ",
                   "# qemu stderr: ")

ANSI_RE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
RESULT_RE = re.compile(r"^(ok|not ok) (\d+) (\S+)(?: # SKIP ?(.*))?$")
DEATH_RE = re.compile(r"^# ktest-death: ([^\s.]+)\.(\S+) expect: (.*)$")


# A boot that must print every text of `expect`: a check of the early boot path. qemu_args
# are added to the command (-m, -smp or -cpu there replace the defaults); cmdline goes in
# fw_cfg as every boot's; firmware lists those ("bios", "uefi") it applies to.
BootCheck = namedtuple("BootCheck", "name qemu_args cmdline expect firmware")


BOOT_CHECKS = (
    # boot/entry32.S must refuse a CPU without long mode with a message, not a triple
    # fault. BIOS only: 64-bit OVMF cannot run on a 32-bit CPU at all, so a UEFI test run
    # boots this check through the BIOS (the code under test is the same either way).
    BootCheck("boot:no_long_mode", ("-cpu", "qemu32"), "", ("no 64-bit long mode",),
              ("bios",)),
    # A fw_cfg command line over CMDLINE_MAX_LEN is refused whole, with a message, and the
    # kernel boots on GRUB's line (empty here) as far as running init.
    BootCheck("boot:fw_cfg_too_long", (), "x" * 600,
              ("fw_cfg: opt/sublet/cmdline refused (the text is longer",
               "init: hello from ring 3"), ("bios", "uefi")),
    # `scenario=<name>` runs a switch scenario as pid 1 and prints its trace, then boots
    # on: the zombie's last drop shows as "freed" on the switch to a real task.
    # Without ACPI tables (so without a MADT) the kernel says so and runs on the boot CPU
    # alone, though QEMU started two.
    BootCheck("boot:smp_without_acpi", ("-machine", "acpi=off", "-smp", "2"), "",
              ("running on the boot CPU alone", "smp: 1 CPU online: 0 (APIC ID 0)",
               "init: hello from ring 3"), ("bios",)),
    # A CPU that never calls in (the test-only option stops the first AP just before) is
    # reported and left out, the next one takes its number, and nothing of the first is
    # left behind: no idle task, no bit in init_mm's cpumask (the smp test checks).
    BootCheck("boot:smp_ap_stalls", ("-smp", "3"),
              "smp_stall_first_ap ktest=smp.every_cpu_idles_on_init_mm",
              ("smp: CPU 1 (APIC ID 1) did not come up within 2000 ms; left out",
               "smp: 2 CPUs online: 0 (APIC ID 0) 1 (APIC ID 2)",
               "# smp: pass:1 fail:0"), ("bios",)),
    BootCheck("boot:scenario_zombie_mm", (), "scenario=zombie_mm",
              ("mm_count of A 1 -> freed (parked in rq->prev_mm",
               "scenario zombie_mm: done (0)", "init: hello from ring 3"), ("bios",)),
)

# Suites the main run boots again with another option: `nolazytlb` makes a kernel thread
# load init_mm instead of borrowing the previous mm, a path the main run never takes.
VARIANTS = (("nolazytlb", ("sched*", "active_mm")),)

# Suites the main run boots again on each of these CPU counts but its own (--smp): CPU
# bring-up must work alone, with a few CPUs and with many. A boot of the smp suite takes
# about two seconds.
SMP_VARIANTS = (("smp", (1, 2, 4, 8)),)


# ---- KTAP: pure functions of the console lines -----------------------------------------

def kernel_output(lines):
    """The lines QEMU printed, without the runner's own, and without carriage returns and
    ANSI escapes (firmware and GRUB print both)."""
    out = (ANSI_RE.sub("", line.replace("\r", "")).rstrip("\n") for line in lines)
    return [line for line in out if not line.startswith(RUNNER_PREFIXES)]


def is_death_listing(line):  # the list of death tests quotes panic texts: never a panic
    return line.lstrip().startswith(DEATH_PREFIX)


def find_ktap_start(lines):
    """Index of the first line that is exactly "KTAP version 1", or None."""
    return next((i for i, line in enumerate(lines) if line == KTAP_HEADER), None)


@dataclass
class Case:
    name: str    # "suite.test"
    status: str  # "pass", "fail" or "skip"
    reason: str = ""
    diagnostics: list = field(default_factory=list)  # the lines printed before the result
    number: int = 0


@dataclass
class Suite:
    name: str = ""
    plan: Optional[int] = None
    cases: list = field(default_factory=list)
    number: Optional[int] = None  # from its result line; None: the line never came
    ok: bool = False
    diagnostics: list = field(default_factory=list)


def parse_ktap(lines):
    """(top-level plan, suites) from the lines after the KTAP header. The kernel prints
    one level of suites, indented by four spaces, each closed by a top-level result line;
    a result line with no block before it (init could not run a program) is a suite too."""
    plan, suites, current, pending = None, [], None, []
    for line in lines:
        nested, body = line.startswith(NESTED), line.strip()
        result = RESULT_RE.match(body)
        if nested and body == KTAP_HEADER:
            current, pending = Suite(), []
            suites.append(current)
        elif nested and current and not current.name and body.startswith("# Subtest: "):
            current.name = body[len("# Subtest: "):]
        elif nested and current and current.plan is None and re.match(r"^1\.\.\d+$", body):
            current.plan = int(body[3:])
        elif result and nested and current:
            status = "skip" if result[4] is not None else "pass" if result[1] == "ok" else "fail"
            current.cases.append(Case(f"{current.name}.{result[3]}", status,
                                      (result[4] or "").strip(), pending, int(result[2])))
            pending = []
        elif result and not nested:
            if current is None or current.name not in ("", result[3]):
                current = Suite(result[3])
                suites.append(current)
            current.name, current.number, current.ok = result[3], int(result[2]), result[1] == "ok"
            current.diagnostics, current, pending = pending, None, []
        elif not nested and plan is None and re.match(r"^1\.\.\d+$", body):
            plan = int(body[3:])
        else:
            pending.append(line[len(NESTED):] if nested else line)
    return plan, suites


def ktap_problems(plan, suites):
    """Truncation, numbering, and suites saying "not ok" with no failed test in them (a
    failing suite_exit, a test program killed after its tests): nothing else shows those."""
    problems = []
    if plan is None:
        problems.append("TRUNCATED: no top-level plan line (1..N) after 'KTAP version 1'")
    elif len(suites) < plan:
        problems.append(f"TRUNCATED: the log has only {len(suites)} of {plan} planned suites")
    elif len(suites) > plan:
        problems.append(f"ERROR: the log has {len(suites)} suites but planned {plan}")
    for index, suite in enumerate(suites, 1):
        name = suite.name or "(unnamed)"
        if suite.number is None:
            problems.append(f"TRUNCATED: suite '{name}' was cut off before its result line")
        elif suite.number != index:
            problems.append(f"ERROR: the log has result {suite.number} where {index} was due")
        if suite.plan is not None and len(suite.cases) < suite.plan:
            problems.append(f"TRUNCATED: suite '{name}' has only {len(suite.cases)} of "
                            f"{suite.plan} planned results")
        for case_index, case in enumerate(suite.cases, 1):
            if case.number != case_index:
                problems.append(f"ERROR: suite '{name}' has result {case.number} where "
                                f"{case_index} was due")
        failed = any(case.status == "fail" for case in suite.cases)
        if suite.number is not None and not suite.ok and not failed:
            detail = "".join("\n    " + line for line in suite.diagnostics)
            problems.append(f"ERROR: suite '{name}' says 'not ok' but none of its tests "
                            f"failed{detail}")
    return problems


def find_panic(lines):
    """The first panic line and the PANIC_CONTEXT_LINES after it, or []."""
    for index, line in enumerate(lines):
        if PANIC_TEXT in line and not is_death_listing(line):
            return lines[index:index + 1 + PANIC_CONTEXT_LINES]
    return []


DEATH_SMP_RE = re.compile(r"^smp=(\d+) (.*)$")
DEATH_AND = " && "
DEATH_ONCE = "once:"


class DeathSpec(namedtuple("DeathSpec", "suite name expect")):
    """A death test the kernel listed: `# ktest-death: <suite>.<name> expect: <text>`.
    The text may start with `smp=N ` (boot it with N CPUs) and join several texts with
    ` && `, each of which must be printed; a text `once:T` must start exactly one line."""
    test_name = property(lambda self: f"death:{self.suite}.{self.name}")

    @property
    def smp(self):
        match = DEATH_SMP_RE.match(self.expect)
        return int(match[1]) if match else None

    @property
    def texts(self):
        match = DEATH_SMP_RE.match(self.expect)
        return (match[2] if match else self.expect).split(DEATH_AND)

    @property
    def awaited(self):
        """The texts to wait for before stopping QEMU (without their `once:`)."""
        return [text.removeprefix(DEATH_ONCE) for text in self.texts]


def find_death_specs(lines):
    """The death tests listed after the KTAP header of normalized `lines`, in order."""
    start = find_ktap_start(lines)
    matches = (DEATH_RE.match(line) for line in lines[start:]) if start is not None else ()
    return [DeathSpec(m[1], m[2], m[3]) for m in matches if m]


# ---- verdicts: also pure; a Verdict holds one run or the sum of several ----------------

@dataclass
class Verdict:
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list = field(default_factory=list)  # (name, details)
    skips: list = field(default_factory=list)     # (name, reason)
    panic: list = field(default_factory=list)     # a main run's panic and what follows
    problems: list = field(default_factory=list)  # run-level failures, one message each
    notes: list = field(default_factory=list)

    def record(self, name, status, reason="", details=()):
        if status == "pass":
            self.passed += 1
        elif status == "skip":
            self.skipped += 1
            self.skips.append((name, reason))
        else:
            self.failed += 1
            self.failures.append((name, list(details)))

    def merge(self, other):
        for name in ("passed", "failed", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("failures", "skips", "panic", "problems", "notes"):
            getattr(self, name).extend(getattr(other, name))


def end_problems(end, any_failed, panicked, output):
    """What is wrong with how a main run ended (nothing if `end` is unknown)."""
    if end is None or (end.kind == "exit" and end.status == STATUS_PASS):
        return []
    if end.kind == "timeout":
        last = next((line.strip() for line in reversed(output) if line.strip()), "(no output)")
        return [f"TIMEOUT: kernel gave no verdict within {end.seconds:g} s "
                f"(last line: {last[:160]})"]
    if end.kind == "stopped":
        return ["ERROR: the kernel did not end QEMU after its panic; the runner stopped it"]
    if end.status == STATUS_FAIL:
        return [] if any_failed else [
            "ERROR: the kernel's exit code says a test failed, but the log shows none"]
    if end.status == STATUS_PANIC:
        return [] if panicked else [
            f"ERROR: the kernel exited with its panic code but printed no '{PANIC_TEXT}'"]
    if end.status == STATUS_RESET:
        return ["ERROR: QEMU exited without the kernel's exit code: triple fault or "
                "unexpected reset"]
    stderr = "".join("\n    " + line for line in end.stderr)
    return [f"ERROR: QEMU error: exit status {end.status}{stderr}"]


def judge_main(lines, end=None, prefix=""):
    """The verdict on a main (or variant) run from its console `lines` and how QEMU ended
    (None: judge the log alone). A run that did not end cleanly counts as one more failed
    test, on top of the cases it printed. `prefix` names a variant run's tests."""
    output = kernel_output(lines)
    verdict = Verdict()
    start = find_ktap_start(output)
    if start is None:
        verdict.problems.append(f"ERROR: no '{KTAP_HEADER}' line: the tests never started")
    else:
        plan, suites = parse_ktap(output[start + 1:])
        for case in (case for suite in suites for case in suite.cases):
            verdict.record(prefix + case.name, case.status, case.reason, case.diagnostics)
        verdict.problems += ktap_problems(plan, suites)
    verdict.panic = find_panic(output)
    if verdict.panic:
        verdict.problems.append("ERROR: kernel panic during the main run (PANIC above)")
    verdict.problems += end_problems(end, verdict.failed > 0, bool(verdict.panic), output)
    if verdict.problems:
        verdict.problems = [prefix + problem for problem in verdict.problems]
        verdict.failed += 1
        verdict.notes.append(f"{prefix.rstrip(':') or 'main'} run did not end cleanly: "
                             "counted as 1 more failed test")
    return verdict


def judge_death(spec, lines, end=None):
    """A death test passes if the kernel panicked, printed the expected text, and QEMU
    ended with the panic status or was stopped (or timed out) after both texts."""
    output = [line for line in kernel_output(lines) if not is_death_listing(line)]
    reasons = [] if any(PANIC_TEXT in line for line in output) else [f"no '{PANIC_TEXT}' line"]
    for text in spec.texts:
        if text.startswith(DEATH_ONCE):
            count = sum(line.lstrip().startswith(text[len(DEATH_ONCE):]) for line in output)
            if count != 1:
                reasons.append(f"expected exactly one line starting '{text[len(DEATH_ONCE):]}'"
                               f", saw {count}")
        elif not any(text in line for line in output):
            reasons.append(f"expected text not seen: '{text}'")
    if end is not None and end.kind == "exit" and end.status != STATUS_PANIC:
        reasons.append(end.describe())
    return one_test(spec.test_name, reasons, output)


def judge_boot_check(check, lines, end=None):
    """A boot check passes if each of its texts was printed, however QEMU ended."""
    output = kernel_output(lines)
    reasons = [f"expected text not seen: '{text}'" for text in check.expect
               if not any(text in line for line in output)]
    if reasons and end is not None:
        reasons.append(end.describe())
    return one_test(check.name, reasons, output)


def one_test(name, reasons, output):
    """A single-test run's verdict: failed if there are reasons, with the last lines."""
    verdict, tail = Verdict(), [line for line in output if line.strip()][-10:]
    context = ["last console lines:"] + ["    " + line for line in tail] if tail else \
        ["no console output"]
    verdict.record(name, "fail" if reasons else "pass", details=reasons + context)
    return verdict


def finish(verdict):
    """The last check, on the sum of all runs: some test must have run."""
    if verdict.passed == 0 and verdict.failed == 0:
        skipped = f" ({verdict.skipped} skipped)" if verdict.skipped else ""
        verdict.problems.append(f"ERROR: no tests ran{skipped}")
        verdict.failed += 1
        verdict.notes.append("an empty run counts as 1 failed test")
    return verdict


def report_lines(verdict):
    """Skips, failures with their diagnostics, the panic, the run-level problems, and the
    summary as the very last line."""
    out = [f"SKIP {name}" + (f": {reason}" if reason else "") for name, reason in verdict.skips]
    for name, details in verdict.failures:
        out += [f"FAIL {name}"] + ["    " + line for line in details]
    if verdict.panic:
        out += ["PANIC: " + verdict.panic[0].strip()] + ["    " + l for l in verdict.panic[1:]]
    out += verdict.problems + verdict.notes
    out.append(f"{verdict.passed} passed, {verdict.failed} failed, {verdict.skipped} skipped")
    return out


def exit_status(verdict):
    return 1 if verdict.failed else 0


# ---- booting ----------------------------------------------------------------------------

class Session:
    """The boots of one run: one ISO, and logs named after the main one
    (build/test.log -> build/test-iso/test.iso, build/test-death-<suite>.<name>.log)."""

    def __init__(self, args):
        self.args = args
        self.stem = args.log[:-4] if args.log.endswith(".log") else args.log
        self.extra = shlex.split(args.qemu_extra)
        self.modules = ql.find_modules(args.modules)
        self.iso = None
        self.versions, self.boots = ql.versions(), 0

    def log_path(self, name):
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name.replace(":", "-"))
        return self.args.log if name == "main" else f"{self.stem}-{safe}.log"

    def boot(self, name, cmdline, firmware=None, qemu_args=(), stop_after=(),
             grace=STOP_GRACE_S):
        """Boot the ISO with `cmdline` (plus --cmdline-extra) in fw_cfg; returns a Run."""
        if self.iso is None:  # built once; what earlier runs left goes first
            shutil.rmtree(f"{self.stem}-iso", ignore_errors=True)
            self.iso = ql.build_iso(self.args.elf, f"{self.stem}-iso/test.iso", self.modules)
        cmdline = " ".join(part for part in (cmdline, self.args.cmdline_extra) if part)
        firmware = ql.firmware_args(firmware or self.args.firmware, f"{self.stem}-ovmf-vars.fd")
        cmd = ql.qemu_command(self.iso, self.args.mem, self.args.smp, self.args.cpu, cmdline,
                              firmware, self.extra + list(qemu_args))
        self.boots += 1
        with open(self.log_path(name), "w", encoding="utf-8") as log:
            log.write("\n".join(self.versions + [f"# command: {shlex.join(cmd)}",
                                                 f"# cmdline: {cmdline}"]) + "\n")
            return ql.run_qemu(cmd, log, self.args.timeout, stop_after, is_death_listing,
                               grace, self.args.verbose)


def run_main(session, name, cmdline, prefix="", qemu_args=()):
    """A run of the KTAP suites: (verdict, its kernel output)."""
    print(f"{name} run: '{cmdline}', log {session.log_path(name)}", flush=True)
    try:
        run = session.boot(name, cmdline, qemu_args=qemu_args, stop_after=[PANIC_TEXT])
    except ql.LaunchError as err:
        verdict = Verdict(failed=1, problems=[f"ERROR: {err}"])
        verdict.notes.append(f"{name} run did not start: counted as 1 failed test")
        return verdict, []
    print(f"{name} run: {run.seconds:.1f} s, {run.describe()}", flush=True)
    return judge_main(run.lines, run, prefix), kernel_output(run.lines)


def run_single(session, name, judge, **boot_args):
    """Boot one death test or boot check and judge it with judge(lines, end)."""
    try:
        run = session.boot(name, **boot_args)
    except ql.LaunchError as err:
        print(f"{name}: could not boot", flush=True)
        verdict = Verdict()
        verdict.record(name, "fail", details=[str(err)])
        return verdict
    verdict = judge(run.lines, run)
    print(f"{name}: {run.seconds:.1f} s, {'passed' if verdict.passed else 'FAILED'}", flush=True)
    for _, details in verdict.failures:
        details.append(f"log: {session.log_path(name)}")
    return verdict


def variant_runs(ktest_glob, suites_ran):
    """(name, command line, prefix) of each VARIANTS boot whose suites the main run ran;
    the test part of --ktest ("sched.yield*" -> ".yield*") narrows it the same way."""
    tests = "." + ktest_glob.split(".", 1)[1] if ktest_glob and "." in ktest_glob else ""
    return [(f"{option}-{suites.rstrip('*')}", f"ktest={suites}{tests} {option}", f"{option}:")
            for option, globs in VARIANTS for suites in globs
            if any(fnmatch.fnmatchcase(name, suites) for name in suites_ran)]


def smp_variant_runs(ktest_glob, suites_ran, main_smp):
    """(name, command line, prefix, QEMU arguments) of each SMP_VARIANTS boot whose suite
    the main run ran, on every CPU count but main_smp; narrowed as variant_runs does."""
    tests = "." + ktest_glob.split(".", 1)[1] if ktest_glob and "." in ktest_glob else ""
    return [(f"smp{n}-{suite}", f"ktest={suite}{tests}", f"smp{n}:", ("-smp", str(n)))
            for suite, counts in SMP_VARIANTS for n in counts
            if n != main_smp and any(fnmatch.fnmatchcase(name, suite) for name in suites_ran)]


def selected_boot_checks(ktest_glob):
    """All boot checks without --ktest; with it, those whose name it matches."""
    return [check for check in BOOT_CHECKS
            if not ktest_glob or fnmatch.fnmatchcase(check.name, ktest_glob)]


def run_tests(args):
    """Every boot the arguments ask for; returns the summed verdict."""
    session, start = Session(args), time.monotonic()
    verdict, output = run_main(session, "main", f"ktest={args.ktest}" if args.ktest else "ktest")
    ktap = output[find_ktap_start(output) or 0:]
    suites_ran = [m[1] for m in map(re.compile(r"^    # Subtest: (\S+)$").match, ktap) if m]
    for name, cmdline, prefix in variant_runs(args.ktest, suites_ran):
        verdict.merge(run_main(session, name, cmdline, prefix)[0])
    for name, cmdline, prefix, qemu_args in smp_variant_runs(args.ktest, suites_ran, args.smp):
        verdict.merge(run_main(session, name, cmdline, prefix, qemu_args)[0])
    for spec in [] if args.no_death else find_death_specs(output):
        verdict.merge(run_single(session, spec.test_name, partial(judge_death, spec),
                                 cmdline=f"ktest_death={spec.suite}.{spec.name}",
                                 qemu_args=("-smp", str(spec.smp)) if spec.smp else (),
                                 stop_after=[PANIC_TEXT] + spec.awaited))
    for check in selected_boot_checks(args.ktest):
        firmware = args.firmware if args.firmware in check.firmware else check.firmware[0]
        if firmware != args.firmware:
            print(f"{check.name}: {args.firmware} cannot boot it: using {firmware}", flush=True)
        verdict.merge(run_single(session, check.name, partial(judge_boot_check, check),
                                 cmdline=check.cmdline, firmware=firmware,
                                 qemu_args=check.qemu_args, stop_after=check.expect,
                                 grace=BOOT_CHECK_GRACE_S))
    print(f"{session.boots} boots of one ISO in {time.monotonic() - start:.0f} s", flush=True)
    return verdict


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].split(" - ")[1])
    ql.add_machine_args(parser)
    parser.add_argument("--log", default=os.path.join(ql.REPO, "build", "test.log"))
    parser.add_argument("--ktest", metavar="GLOB", help="run only the tests matching GLOB")
    parser.add_argument("--qemu-extra", default="", help="more QEMU arguments (shell words)")
    parser.add_argument("--cmdline-extra", default="", help="more kernel command line")
    parser.add_argument("--no-death", action="store_true", help="skip the death tests")
    parser.add_argument("--parse-only", metavar="LOGFILE",
                        help="judge an existing main-run log instead of booting")
    parser.add_argument("--verbose", action="store_true", help="echo the serial console")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        if args.parse_only:  # judge a saved main-run log, with the end its trailer records
            with open(args.parse_only, encoding="utf-8", errors="replace") as log:
                lines = log.read().splitlines()
            verdict = judge_main(lines, ql.Run.from_trailer(lines))
        elif not os.path.isfile(args.elf):
            raise ql.LaunchError(f"no kernel at {args.elf} (build it first)")
        else:
            verdict = run_tests(args)
    except (ql.LaunchError, OSError) as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 2
    print("\n".join(report_lines(finish(verdict))))
    return exit_status(verdict)


if __name__ == "__main__":
    sys.exit(main())
