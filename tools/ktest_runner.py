#!/usr/bin/env python3
"""
tools/ktest_runner.py - boot sublet's self-tests in QEMU and judge their KTAP output.

Booted with `ktest` (or `ktest=<glob>`) on its command line, the kernel runs its tests
(tests/ktest.c) and prints KTAP version 1 on the serial console, exactly as Linux's KUnit
does, then ends QEMU through the isa-debug-exit port with a code saying how it went.
This script builds one ISO (tools/mkiso.sh; the user programs of --modules ride along as
boot modules, GRUB's command line is empty), boots it under TCG with the command line in
QEMU's fw_cfg, copies the console to build/test.log, then boots the same ISO again once
for each death test the kernel listed and once for each boot check in BOOT_CHECKS. It prints every failure with its diagnostics and ends
with a single line "N passed, N failed, N skipped"; its exit status is 0 only if
nothing failed.

Parsing and judging are pure functions of the log lines (judge_main() and friends), so
`--parse-only LOG` re-judges a saved log and tools/ktest_runner_test.py tests them
without QEMU. The QEMU environment variable names another QEMU binary (default
qemu-system-x86_64), CC the compiler whose version heads the log. Standard library
only. See docs/testing.md.
"""

import argparse
import fnmatch
import glob
import os
import re
import select
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Optional

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The user programs every ISO carries as boot modules unless --modules says otherwise.
DEFAULT_MODULES = os.path.join(REPO, "build", "user", "*.elf")

# Codes the kernel writes to the isa-debug-exit port; QEMU then exits with (code << 1) | 1.
KTEST_EXIT_PASS = 0x10   # every test passed
KTEST_EXIT_FAIL = 0x11   # some test failed
KTEST_EXIT_PANIC = 0x12  # kernel panic
STATUS_PASS = (KTEST_EXIT_PASS << 1) | 1    # 33
STATUS_FAIL = (KTEST_EXIT_FAIL << 1) | 1    # 35
STATUS_PANIC = (KTEST_EXIT_PANIC << 1) | 1  # 37
STATUS_RESET = 0  # QEMU's own exit: with -no-reboot, a triple fault or reset ends it so

KTAP_HEADER = "KTAP version 1"
PANIC_TEXT = "Kernel panic - not syncing"
PANIC_CONTEXT_LINES = 30  # lines shown after the panic line (the backtrace)
STOP_GRACE_S = 2.0        # after the awaited text, time left for the backtrace to come out
BOOT_CHECK_GRACE_S = 0.5
READ_SIZE = 65536

# The serial console on stdout, no screen, no monitor; a triple fault ends QEMU instead of
# rebooting; the exit port the kernel writes its verdict to. No -accel: QEMU then uses TCG,
# never KVM, so runs are deterministic (and `-icount` works for benchmarks).
CONSOLE_ARGS = ("-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04")
# Options given once; the same option in extra arguments replaces the default.
SINGLE_VALUED = ("-m", "-smp", "-cpu")

# OVMF code and variable store, in the places distributions install them.
OVMF_PAIRS = (
    ("/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd"),            # Debian
    ("/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd"),      # Ubuntu
    ("/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd"),  # Fedora
    ("/usr/share/edk2/x64/OVMF_CODE.fd", "/usr/share/edk2/x64/OVMF_VARS.fd"),    # Arch
)
OVMF_COMBINED = ("/usr/share/ovmf/OVMF.fd", "/usr/share/qemu/OVMF.fd")

# Lines the runner itself writes to a log, around what QEMU printed.
RUNNER_PREFIXES = ("# qemu: ", "# cc: ", "# command: ", "# cmdline: ", "# runner: ",
                   "# qemu stderr: ")


@dataclass(frozen=True)
class BootCheck:
    """A boot that must print `expect`: a check of the early boot path, not a ktest."""
    name: str
    qemu_args: tuple  # added to the command; -m, -smp or -cpu here replace the defaults
    cmdline: str
    expect: str
    firmware: tuple   # the firmware ("bios", "uefi") it applies to


BOOT_CHECKS = (
    # boot/entry32.S must refuse a CPU without long mode with a message, not a triple
    # fault. BIOS only: 64-bit OVMF cannot run on a 32-bit CPU at all, so a UEFI test run
    # boots this check through the BIOS (the code under test is the same either way).
    BootCheck("boot:no_long_mode", ("-cpu", "qemu32"), "", "no 64-bit long mode", ("bios",)),
)


class RunnerError(Exception):
    """A run could not be set up (ISO build failed, QEMU missing, ...)."""


# ---------------------------------------------------------------------------------------
# KTAP parsing: pure functions of the console lines.
# ---------------------------------------------------------------------------------------

ANSI_RE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
RESULT_RE = re.compile(r"^(ok|not ok) (\d+)(?: (?:- )?(.*?))?(?: # ((?i:skip|todo))(?: (.*))?)?$")
PLAN_RE = re.compile(r"^1\.\.(\d+)$")
SUBTEST_RE = re.compile(r"^# Subtest: (.*)$")
DEATH_RE = re.compile(r"^# ktest-death: ([^\s.]+)\.(\S+) expect: (.*)$")
DEATH_PREFIX = "# ktest-death:"
TRAILER_RE = re.compile(r"^# runner: (?:(exit) status (-?\d+)|(timeout)|(stopped)) "
                        r"after ([\d.]+) s")


def normalize(line):
    """`line` without carriage returns and ANSI escapes (firmware and GRUB print both)."""
    return ANSI_RE.sub("", line.replace("\r", "")).rstrip("\n")


def kernel_output(lines):
    """The normalized lines of `lines` that QEMU printed, without the runner's own."""
    out = (normalize(line) for line in lines)
    return [line for line in out if not line.startswith(RUNNER_PREFIXES)]


def is_death_listing(line):
    """Lines the kernel prints about death tests quote their expected panic text; they
    must never count as the panic itself."""
    return line.lstrip().startswith(DEATH_PREFIX)


def find_ktap_start(lines):
    """Index of the first line that is exactly "KTAP version 1", or None."""
    for index, line in enumerate(lines):
        if line == KTAP_HEADER:
            return index
    return None


@dataclass
class Block:
    """One KTAP document or subtest block: its header, plan and result lines."""
    indent: int
    name: str = ""
    plan: Optional[int] = None
    results: list = field(default_factory=list)
    pending: list = field(default_factory=list)  # diagnostics since the last result


@dataclass
class Result:
    """One `ok`/`not ok` line, with the diagnostics before it and the block it closes."""
    number: Optional[int]
    name: str
    ok: bool
    directive: str = ""  # "SKIP", "TODO" or ""
    reason: str = ""
    diagnostics: list = field(default_factory=list)
    subtests: Optional[Block] = None
    missing: bool = False  # made up for a block whose own result line never came


class KtapParser:
    """Builds the tree of Blocks from KTAP lines, fed one at a time.

    Nesting is by indentation. A block stays open until its parent's result line, so a
    suite's summary ("# vsprintf: pass:1 ...", printed one level up before the suite's
    result) does not end it early. Blocks still open at the end were cut off: they are
    attached to their parent under a Result with missing=True."""

    def __init__(self):
        self.documents = []
        self.stack = []

    def feed(self, text):
        """Take one normalized line."""
        body = text.strip()
        indent = len(text) - len(text.lstrip(" "))
        if body == KTAP_HEADER:
            self._open(indent)
        elif self.stack and not self._structural(indent, body):
            self._diagnostic(indent, text)

    def finish(self):
        """End of input: close what is still open; returns the top-level documents."""
        if self.stack:
            self._cut_off_above(self.stack[0].indent - 1)
        return self.documents

    def _open(self, indent):
        if not self.stack or indent <= self.stack[0].indent:
            self._cut_off_above(-1)
            self.documents.append(Block(indent))
            self.stack = [self.documents[-1]]
        else:
            self._cut_off_above(indent - 1)
            self.stack.append(Block(indent))

    def _structural(self, indent, body):
        """Handle a result, plan or "# Subtest:" line; False if `body` is none of them."""
        match = RESULT_RE.match(body)
        if match:
            return self._result(indent, match)
        plan, subtest = PLAN_RE.match(body), SUBTEST_RE.match(body)
        block = self._header_block(indent, naming=bool(subtest)) if plan or subtest else None
        if block is None:
            return False
        if plan:
            block.plan = int(plan[1])
        else:
            block.name = subtest[1]
        return True

    def _header_block(self, indent, naming):
        """The block a plan or "# Subtest:" line at `indent` belongs to: the innermost
        one if only its header came yet, a new one if the line is deeper, else None."""
        top = self.stack[-1]
        if indent > top.indent:  # a subtest block printed without "KTAP version 1"
            self.stack.append(Block(indent))
            return self.stack[-1]
        if indent == top.indent and not top.results and top.plan is None:
            return None if naming and top.name else top
        return None

    def _result(self, indent, match):
        if indent > self.stack[-1].indent:
            self.stack.append(Block(indent))
        target = next((b for b in reversed(self.stack) if b.indent == indent), None)
        if target is None:
            return False
        child = self._child_of(target)
        target.results.append(Result(
            number=int(match[2]), name=match[3] or "", ok=match[1] == "ok",
            directive=(match[4] or "").upper(), reason=match[5] or "",
            diagnostics=target.pending, subtests=child))
        target.pending = []
        return True

    def _child_of(self, target):
        """Close the blocks above `target`: the one right above is the subtest block of
        target's next result; any deeper ones never got their result line."""
        child = None
        while self.stack[-1] is not target:
            block = self.stack.pop()
            if self.stack[-1] is target:
                child = block
            else:
                self._attach_cut_off(block)
        return child

    def _cut_off_above(self, indent):
        """Close every open block deeper than `indent` as cut off."""
        while len(self.stack) > 1 and self.stack[-1].indent > indent:
            self._attach_cut_off(self.stack.pop())
        if self.stack and self.stack[-1].indent > indent:
            self.stack = []  # only the document itself was left: it ends here

    def _attach_cut_off(self, block):
        """Give `block`, which never got its result line, a made-up one in its parent."""
        self.stack[-1].results.append(Result(None, block.name or "(unnamed)", False,
                                             subtests=block, missing=True))

    def _diagnostic(self, indent, text):
        """A line that is not KTAP structure: it belongs to the next result of the block
        it was printed in. A "#" comment less indented than the innermost block belongs to
        the outer block at its level; any other text to the innermost block."""
        target = self.stack[-1]
        if text.lstrip().startswith("#") and indent < target.indent:
            target = next((b for b in reversed(self.stack) if b.indent <= indent),
                          self.stack[0])
        prefix = " " * target.indent
        target.pending.append(text[len(prefix):] if text.startswith(prefix) else text.strip())


def parse_ktap(lines):
    """The KTAP documents (top-level Blocks) in normalized `lines`."""
    parser = KtapParser()
    for line in lines:
        parser.feed(line)
    return parser.finish()


@dataclass
class Case:
    """One test case: a result line with no results nested under it."""
    name: str    # "suite.test" (names along the path, joined with dots)
    status: str  # "pass", "fail" or "skip"
    reason: str
    diagnostics: list


def case_status(result):
    """"skip" for "# SKIP" (and "# TODO"), else "pass" or "fail"."""
    if result.directive:
        return "skip"
    return "pass" if result.ok else "fail"


def collect_cases(block, path=()):
    """Every test case under `block`, in order. Counting is per test case, not per
    suite; a block cut off before its result line still contributes what it printed."""
    cases = []
    for result in block.results:
        name = path + (result.name or f"#{result.number}",)
        if result.subtests is not None and result.subtests.results:
            cases += collect_cases(result.subtests, name)
        elif not result.missing:
            reason = result.reason if result.directive != "TODO" else "TODO " + result.reason
            cases.append(Case(".".join(name), case_status(result), reason.strip(),
                              result.diagnostics))
    return cases


def structure_problems(block, path=""):
    """Truncation and numbering errors in `block` and below (path: its suite name)."""
    problems = []
    got = len(block.results)
    where = f"suite '{path}' has" if path else "the log has"
    what = "results" if path else "top-level suites"
    if not path and block.plan is None:
        problems.append("TRUNCATED: no top-level plan line (1..N) after 'KTAP version 1'")
    elif block.plan is not None and got < block.plan:
        problems.append(f"TRUNCATED: {where} only {got} of {block.plan} planned {what}")
    elif block.plan is not None and got > block.plan:
        problems.append(f"ERROR: {where} {got} {what} but planned {block.plan}")
    for index, result in enumerate(block.results, 1):
        name = f"{path}.{result.name}" if path else result.name
        if result.missing:
            problems.append(f"TRUNCATED: suite '{name}' was cut off before its result line")
        elif result.number != index:
            problems.append(f"ERROR: {where} result {result.number} where {index} was due")
        if result.subtests is not None:
            problems += structure_problems(result.subtests, name)
    return problems


def suite_problems(block, path=""):
    """Suites that say "not ok" although none of their test cases failed (a failing
    suite_exit, say): nothing else would show that failure."""
    problems = []
    for result in block.results:
        if result.subtests is None or not result.subtests.results:
            continue
        name = f"{path}.{result.name}" if path else result.name
        failed = any(c.status == "fail" for c in collect_cases(result.subtests))
        if not result.ok and not result.directive and not failed and not result.missing:
            detail = "".join("\n    " + line for line in result.diagnostics)
            problems.append(f"ERROR: suite '{name}' says 'not ok' but none of its tests "
                            f"failed{detail}")
        problems += suite_problems(result.subtests, name)
    return problems


def find_panic(lines):
    """The first panic line and the PANIC_CONTEXT_LINES after it, or []."""
    for index, line in enumerate(lines):
        if PANIC_TEXT in line and not is_death_listing(line):
            return lines[index:index + 1 + PANIC_CONTEXT_LINES]
    return []


@dataclass(frozen=True)
class DeathSpec:
    """A death test the kernel listed: `# ktest-death: <suite>.<name> expect: <text>`."""
    suite: str
    name: str
    expect: str

    @property
    def test_name(self):
        return f"death:{self.suite}.{self.name}"


def find_death_specs(lines):
    """The death tests listed after the KTAP header of normalized `lines`, in order."""
    start = find_ktap_start(lines)
    if start is None:
        return []
    matches = (DEATH_RE.match(line) for line in lines[start:])
    return [DeathSpec(m[1], m[2], m[3]) for m in matches if m]


# ---------------------------------------------------------------------------------------
# Verdicts: also pure. A Verdict can hold one run or the sum of several.
# ---------------------------------------------------------------------------------------

@dataclass
class RunEnd:
    """How a QEMU run ended: "exit" with a status, "timeout", or "stopped" by the runner
    after the text it waited for."""
    kind: str
    status: Optional[int] = None
    seconds: float = 0.0  # wall time of the run
    timeout: float = 0.0
    stderr: list = field(default_factory=list)

    def trailer(self):
        """The lines that record this end at the bottom of the log (see end_from_log)."""
        what = f"exit status {self.status}" if self.kind == "exit" else self.kind
        seconds = self.timeout if self.kind == "timeout" else self.seconds
        return [f"# runner: {what} after {seconds:.1f} s"] + \
            [f"# qemu stderr: {line}" for line in self.stderr]


def end_from_log(lines):
    """The RunEnd recorded in a log's trailer, or None if the log has none."""
    end = None
    for line in lines:
        match = TRAILER_RE.match(line)
        if match:
            kind = match[1] or match[3] or match[4]
            status = int(match[2]) if match[2] else None
            end = RunEnd(kind, status, float(match[5]), float(match[5]))
        elif end and line.startswith("# qemu stderr: "):
            end.stderr.append(line[len("# qemu stderr: "):])
    return end


def last_line(lines):
    """The last non-blank line of `lines`, shortened, for messages."""
    text = next((line.strip() for line in reversed(lines) if line.strip()), "(no output)")
    return text if len(text) <= 160 else text[:157] + "..."


def describe_end(end):
    """One line saying how the run ended."""
    if end.kind == "timeout":
        return f"no verdict within {end.timeout:g} s"
    if end.kind == "stopped":
        return "stopped by the runner once the awaited text was seen"
    meaning = {STATUS_PASS: "all tests passed", STATUS_FAIL: "some test failed",
               STATUS_PANIC: "kernel panic",
               STATUS_RESET: "no exit code: triple fault or unexpected reset"}
    return f"QEMU exit status {end.status} ({meaning.get(end.status, 'QEMU error')})"


@dataclass
class Failure:
    name: str
    details: list


@dataclass
class Verdict:
    """Counts and messages for one or more runs."""
    passed: int = 0
    failed: int = 0
    skipped: int = 0
    failures: list = field(default_factory=list)  # Failure, printed with their details
    skips: list = field(default_factory=list)     # (name, reason)
    panic: list = field(default_factory=list)     # the main run's panic and what follows
    problems: list = field(default_factory=list)  # run-level failures, one message each
    notes: list = field(default_factory=list)

    def record(self, name, status, reason="", details=()):
        """Count one test."""
        if status == "pass":
            self.passed += 1
        elif status == "skip":
            self.skipped += 1
            self.skips.append((name, reason))
        else:
            self.failed += 1
            self.failures.append(Failure(name, list(details)))

    def merge(self, other):
        for name in ("passed", "failed", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("failures", "skips", "panic", "problems", "notes"):
            getattr(self, name).extend(getattr(other, name))


def end_problems(end, any_failed, panicked, output):
    """What is wrong with how the main run ended (nothing if `end` is unknown)."""
    if end is None or (end.kind == "exit" and end.status == STATUS_PASS):
        return []
    if end.kind == "timeout":
        return [f"TIMEOUT: kernel gave no verdict within {end.timeout:g} s "
                f"(last line: {last_line(output)})"]
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


def judge_main(lines, end=None):
    """The verdict on the main run, from its console `lines` (or the whole log) and how
    QEMU ended (None: unknown, judge the log alone). A run that did not end cleanly
    counts as one more failed test, on top of the test cases it printed."""
    output = kernel_output(lines)
    verdict = Verdict()
    start = find_ktap_start(output)
    if start is None:
        verdict.problems.append(f"ERROR: no '{KTAP_HEADER}' line: the tests never started")
    else:
        for document in parse_ktap(output[start:]):
            for case in collect_cases(document):
                verdict.record(case.name, case.status, case.reason, case.diagnostics)
            verdict.problems += structure_problems(document) + suite_problems(document)
    verdict.panic = find_panic(output)
    if verdict.panic:
        verdict.problems.append("ERROR: kernel panic during the main run (PANIC above)")
    verdict.problems += end_problems(end, verdict.failed > 0, bool(verdict.panic), output)
    if verdict.problems:
        verdict.failed += 1
        verdict.notes.append("main run did not end cleanly: counted as 1 more failed test")
    return verdict


def judge_death(spec, lines, end=None):
    """A death test passes if the kernel panicked, printed the expected text, and QEMU
    ended with the panic status or was stopped (or timed out) after both texts."""
    output = [line for line in kernel_output(lines) if not is_death_listing(line)]
    reasons = []
    if not any(PANIC_TEXT in line for line in output):
        reasons.append(f"no '{PANIC_TEXT}' line")
    if not any(spec.expect in line for line in output):
        reasons.append(f"expected text not seen: '{spec.expect}'")
    if end is not None and not (end.kind != "exit" or end.status == STATUS_PANIC):
        reasons.append(describe_end(end))
    return one_test(spec.test_name, reasons, output)


def judge_boot_check(check, lines, end=None):
    """A boot check passes if its text was printed, however QEMU ended afterwards."""
    output = kernel_output(lines)
    reasons = []
    if not any(check.expect in line for line in output):
        reasons.append(f"expected text not seen: '{check.expect}'")
        if end is not None:
            reasons.append(describe_end(end))
    return one_test(check.name, reasons, output)


def one_test(name, reasons, output):
    """The verdict of a single-test run: failed, with reasons and the last console lines,
    if there are reasons."""
    verdict = Verdict()
    if not reasons:
        verdict.record(name, "pass")
    else:
        tail = [line for line in output if line.strip()][-10:]
        context = ["last console lines:"] + ["    " + line for line in tail] if tail else \
            ["no console output"]
        verdict.record(name, "fail", details=reasons + context)
    return verdict


def finish(verdict):
    """The last check, on the sum of all runs: some test must have run."""
    if verdict.passed == 0 and verdict.failed == 0:
        skipped = f" ({verdict.skipped} skipped)" if verdict.skipped else ""
        verdict.problems.append(f"ERROR: no tests ran{skipped}")
        verdict.failed += 1
        verdict.notes.append("an empty run counts as 1 failed test")
    return verdict


def summary_line(verdict):
    return f"{verdict.passed} passed, {verdict.failed} failed, {verdict.skipped} skipped"


def report_lines(verdict):
    """What to print: skips, failures with their diagnostics, the panic, the run-level
    problems, and the summary as the very last line."""
    out = [f"SKIP {name}" + (f": {reason}" if reason else "") for name, reason in verdict.skips]
    for failure in verdict.failures:
        out.append(f"FAIL {failure.name}")
        out += ["    " + line for line in failure.details]
    if verdict.panic:
        out.append("PANIC: " + verdict.panic[0].strip())
        out += ["    " + line for line in verdict.panic[1:]]
    out += verdict.problems + verdict.notes
    out.append(summary_line(verdict))
    return out


def exit_status(verdict):
    """0 if nothing failed (every run-level problem counts as a failed test), else 1."""
    return 1 if verdict.failed else 0


def judge_log_file(path):
    """--parse-only: judge a saved main-run log, using the end its trailer records."""
    with open(path, encoding="utf-8", errors="replace") as log:
        lines = log.read().splitlines()
    return judge_main(lines, end_from_log(lines))


# ---------------------------------------------------------------------------------------
# Running QEMU.
# ---------------------------------------------------------------------------------------

class TextWatch:
    """Says when every one of `texts` has appeared in the lines fed to it."""

    def __init__(self, texts):
        self.missing = set(texts)

    def feed(self, line):
        if is_death_listing(line):
            return not self.missing
        self.missing = {text for text in self.missing if text not in line}
        return not self.missing


class LineSplitter:
    """Cuts a byte stream into text lines; a line split across reads waits for its end."""

    def __init__(self):
        self.partial = b""

    def feed(self, chunk):
        *complete, self.partial = (self.partial + chunk).split(b"\n")
        return [self.decode(raw) for raw in complete]

    def flush(self):
        rest, self.partial = self.partial, b""
        return [self.decode(rest)] if rest else []

    @staticmethod
    def decode(raw):
        return raw.decode("utf-8", errors="replace").rstrip("\r")


class ConsoleCapture:
    """Collects QEMU's console lines, copies them to the log (and our stdout if `echo`),
    and sets stop_at once `watch` has seen its texts."""

    def __init__(self, log, watch, grace, echo):
        self.log, self.watch, self.grace, self.echo = log, watch, grace, echo
        self.lines = []
        self.stop_at = None

    def take(self, line):
        self.lines.append(line)
        self.log.write(line + "\n")
        self.log.flush()
        if self.echo:
            print(line, flush=True)
        if self.watch and self.stop_at is None and self.watch.feed(normalize(line)):
            self.stop_at = time.monotonic() + self.grace


def stop_process(proc):
    """End `proc`: SIGTERM, then SIGKILL if it is still there a second later."""
    proc.terminate()
    try:
        proc.wait(timeout=1)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def pump(proc, capture, deadline):
    """Read proc's stdout (into `capture`) and stderr until both close or the deadline
    (or capture.stop_at) passes. Returns (stderr bytes, "exit"/"timeout"/"stopped")."""
    streams = {proc.stdout.fileno(): "stdout", proc.stderr.fileno(): "stderr"}
    splitter, stderr = LineSplitter(), b""
    while streams:
        now = time.monotonic()
        limit = deadline if capture.stop_at is None else min(deadline, capture.stop_at)
        if now >= limit:
            break
        ready, _, _ = select.select(list(streams), [], [], limit - now)
        for fd in ready:
            chunk = os.read(fd, READ_SIZE)
            if not chunk:
                del streams[fd]
            elif streams[fd] == "stderr":
                stderr += chunk
            else:
                for line in splitter.feed(chunk):
                    capture.take(line)
    for line in splitter.flush():
        capture.take(line)
    if not streams:
        return stderr, "exit"
    stopped = capture.stop_at is not None and time.monotonic() >= capture.stop_at
    return stderr, "stopped" if stopped else "timeout"


def run_qemu(cmd, log, timeout, watch=None, grace=STOP_GRACE_S, echo=False):
    """Run `cmd`, copying its console to the open file `log`, until it exits, `timeout`
    seconds pass, or `grace` seconds after `watch` has seen its texts (QEMU is killed in
    the last two cases). Writes the trailer to the log. Returns (lines, RunEnd)."""
    start = time.monotonic()
    capture = ConsoleCapture(log, watch, grace, echo)
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
    except OSError as err:
        raise RunnerError(f"cannot run {cmd[0]}: {err}") from err
    try:
        stderr, kind = pump(proc, capture, start + timeout)
        if kind == "exit":
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                stop_process(proc)
    finally:
        if proc.poll() is None:
            stop_process(proc)
        proc.stdout.close()
        proc.stderr.close()
    end = RunEnd(kind, proc.returncode if kind == "exit" else None,
                 time.monotonic() - start, timeout,
                 stderr.decode("utf-8", errors="replace").splitlines())
    log.write("\n".join(end.trailer()) + "\n")
    return capture.lines, end


def first_line_of(cmd):
    """First line `cmd` prints (its version), or why there is none."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as err:
        return f"unavailable ({err})"
    text = (done.stdout or done.stderr).strip()
    return text.splitlines()[0] if text else f"unavailable (exit status {done.returncode})"


def find_ovmf(exists=os.path.exists):
    """("pflash", code, vars) or ("bios", combined image) for UEFI runs."""
    for code, nvram in OVMF_PAIRS:
        if exists(code) and exists(nvram):
            return ("pflash", code, nvram)
    for image in OVMF_COMBINED:
        if exists(image):
            return ("bios", image)
    looked = [path for pair in OVMF_PAIRS for path in pair] + list(OVMF_COMBINED)
    raise RunnerError("no OVMF firmware for --firmware uefi (install the ovmf package); "
                      "looked for " + ", ".join(looked))


def build_qemu_command(qemu, iso, mem, smp, cpu, firmware_args=(), extra=()):
    """The QEMU command line; -m/-smp/-cpu in `extra` replace the given ones."""
    cmd = [qemu]
    for option, value in (("-m", mem), ("-smp", str(smp)), ("-cpu", cpu)):
        if option not in extra:
            cmd += [option, value]
    return cmd + list(CONSOLE_ARGS) + list(firmware_args) + ["-cdrom", iso] + list(extra)


def fw_cfg_cmdline_args(cmdline):
    """QEMU arguments passing `cmdline` to the kernel in fw_cfg (arch/x86_64/fw_cfg.h);
    QEMU's option syntax wants a comma in a value doubled."""
    if not cmdline:
        return []
    return ["-fw_cfg", "name=opt/sublet/cmdline,string=" + cmdline.replace(",", ",,")]


def find_modules(spec):
    """The module files `spec` names (shell words, each a file or glob), in order. Every
    pattern given must match something; None means DEFAULT_MODULES, which may match
    nothing (user programs not built)."""
    if spec is None:
        return sorted(glob.glob(DEFAULT_MODULES))
    files = []
    for pattern in shlex.split(spec):
        matches = sorted(glob.glob(pattern))
        if not matches:
            raise RunnerError(f"--modules: no file matches {pattern}")
        files += matches
    return files


def safe_name(name):
    """`name` usable in a file name: "death:mm.double_free" -> "death-mm.double_free"."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name.replace(":", "-"))


class Machine:
    """How to boot the kernel under test: QEMU settings and ISO recipe from the command
    line. Every file a run makes sits next to the main log and is named after it
    (build/test.log -> build/test-iso/, build/test-death-<suite>.<name>.log, ...)."""

    def __init__(self, args, iso=None):
        self.args = args
        self.iso = iso
        self.stem = args.log[:-4] if args.log.endswith(".log") else args.log
        self.qemu = os.environ.get("QEMU", "qemu-system-x86_64")
        self.extra = shlex.split(args.qemu_extra)
        self.ovmf = find_ovmf() if args.firmware == "uefi" else None
        self.modules = find_modules(args.modules)
        cc = shlex.split(os.environ.get("CC") or "gcc")
        self.versions = [f"# qemu: {first_line_of([self.qemu, '--version'])}",
                         f"# cc: {first_line_of(cc + ['--version'])}"]

    def with_firmware(self, firmware):
        """The same machine booting through another firmware."""
        return Machine(argparse.Namespace(**{**vars(self.args), "firmware": firmware}),
                       self.iso)

    def log_path(self, run_name):
        return self.args.log if run_name == "main" else f"{self.stem}-{safe_name(run_name)}.log"

    def build_iso(self):
        """Build the one ISO every boot of this run uses (GRUB's command line empty: each
        boot passes its own through fw_cfg). Stale ISOs of earlier runs go first."""
        iso_dir = f"{self.stem}-iso"
        shutil.rmtree(iso_dir, ignore_errors=True)
        os.makedirs(iso_dir)
        iso = os.path.join(iso_dir, "test.iso")
        cmd = [self.args.mkiso, self.args.elf, iso, ""] + self.modules
        try:
            done = subprocess.run(cmd, capture_output=True, text=True)
        except OSError as err:
            raise RunnerError(f"cannot run {self.args.mkiso}: {err}") from err
        if done.returncode != 0:
            output = (done.stdout + done.stderr).strip().splitlines()[-20:]
            raise RunnerError(f"{shlex.join(cmd)} failed with status {done.returncode}" +
                              "".join("\n    " + line for line in output))
        return iso

    def firmware_args(self):
        """QEMU arguments for the firmware; UEFI gets a fresh copy of the variable store."""
        if self.ovmf is None:
            return []
        if self.ovmf[0] == "bios":
            return ["-bios", self.ovmf[1]]
        nvram = f"{self.stem}-ovmf-vars.fd"
        shutil.copyfile(self.ovmf[2], nvram)
        return ["-drive", f"if=pflash,format=raw,readonly=on,file={self.ovmf[1]}",
                "-drive", f"if=pflash,format=raw,file={nvram}"]

    def boot(self, run_name, cmdline, qemu_args=(), watch=None, grace=STOP_GRACE_S):
        """Boot the kernel with `cmdline` (plus --cmdline-extra); returns (lines, RunEnd)."""
        cmdline = " ".join(part for part in (cmdline, self.args.cmdline_extra) if part)
        if self.iso is None:
            self.iso = self.build_iso()
        cmd = build_qemu_command(self.qemu, self.iso, self.args.mem, self.args.smp,
                                 self.args.cpu, self.firmware_args(),
                                 fw_cfg_cmdline_args(cmdline) + self.extra + list(qemu_args))
        header = self.versions + [f"# command: {shlex.join(cmd)}", f"# cmdline: {cmdline}"]
        os.makedirs(os.path.dirname(self.log_path(run_name)) or ".", exist_ok=True)
        with open(self.log_path(run_name), "w", encoding="utf-8") as log:
            log.write("\n".join(header) + "\n")
            return run_qemu(cmd, log, self.args.timeout, watch, grace, self.args.verbose)


def run_main(machine, ktest_glob):
    """The main run; returns its verdict and the death tests it listed."""
    cmdline = f"ktest={ktest_glob}" if ktest_glob else "ktest"
    print(f"main run: '{cmdline}', log {machine.log_path('main')}", flush=True)
    try:
        lines, end = machine.boot("main", cmdline, watch=TextWatch([PANIC_TEXT]))
    except RunnerError as err:
        verdict = Verdict(failed=1, problems=[f"ERROR: {err}"])
        verdict.notes.append("main run did not start: counted as 1 failed test")
        return verdict, []
    print(f"main run: {end.seconds:.1f} s, {describe_end(end)}", flush=True)
    return judge_main(lines, end), find_death_specs(kernel_output(lines))


def run_single(machine, name, judge, **boot_args):
    """Boot one death test or boot check and judge it with judge(lines, end)."""
    try:
        lines, end = machine.boot(name, **boot_args)
    except RunnerError as err:
        print(f"{name}: could not boot", flush=True)
        verdict = Verdict()
        verdict.record(name, "fail", details=[str(err)])
        return verdict
    verdict = judge(lines, end)
    outcome = "passed" if verdict.passed else "FAILED"
    print(f"{name}: {end.seconds:.1f} s, {outcome}", flush=True)
    for failure in verdict.failures:
        failure.details.append(f"log: {machine.log_path(name)}")
    return verdict


def run_death(machine, spec):
    return run_single(machine, spec.test_name, lambda lines, end: judge_death(spec, lines, end),
                      cmdline=f"ktest_death={spec.suite}.{spec.name}",
                      watch=TextWatch([PANIC_TEXT, spec.expect]))


def run_boot_check(machine, check):
    if machine.args.firmware not in check.firmware:
        print(f"{check.name}: {machine.args.firmware} cannot boot it: "
              f"using {check.firmware[0]}", flush=True)
        machine = machine.with_firmware(check.firmware[0])
    return run_single(machine, check.name,
                      lambda lines, end: judge_boot_check(check, lines, end),
                      cmdline=check.cmdline, qemu_args=check.qemu_args,
                      watch=TextWatch([check.expect]), grace=BOOT_CHECK_GRACE_S)


def selected_boot_checks(ktest_glob):
    """All boot checks without --ktest; with it, those whose name it matches."""
    return [check for check in BOOT_CHECKS
            if not ktest_glob or fnmatch.fnmatchcase(check.name, ktest_glob)]


def run_tests(args):
    """Every run the arguments ask for; returns the summed verdict."""
    machine = Machine(args)
    verdict, death_specs = run_main(machine, args.ktest)
    for spec in death_specs if not args.no_death else []:
        verdict.merge(run_death(machine, spec))
    for check in selected_boot_checks(args.ktest):
        verdict.merge(run_boot_check(machine, check))
    return verdict


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Boot sublet's self-tests in QEMU and judge their KTAP output.")
    build = os.path.join(REPO, "build")
    parser.add_argument("--elf", default=os.path.join(build, "sublet.elf"))
    parser.add_argument("--log", default=os.path.join(build, "test.log"))
    parser.add_argument("--firmware", choices=("bios", "uefi"), default="bios")
    parser.add_argument("--mem", default="256M")
    parser.add_argument("--smp", type=int, default=1)
    parser.add_argument("--cpu", default="max")
    parser.add_argument("--ktest", metavar="GLOB", help="run only the tests matching GLOB")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per boot")
    parser.add_argument("--qemu-extra", default="", help="more QEMU arguments (shell words)")
    parser.add_argument("--cmdline-extra", default="", help="more kernel command line")
    parser.add_argument("--no-death", action="store_true", help="skip the death tests")
    parser.add_argument("--mkiso", default=os.path.join(REPO, "tools", "mkiso.sh"))
    parser.add_argument("--modules", metavar="GLOBS",
                        help="user programs to boot as modules: shell words, each a file or "
                             "glob (default: build/user/*.elf, if built; '' for none)")
    parser.add_argument("--parse-only", metavar="LOGFILE",
                        help="judge an existing main-run log instead of booting")
    parser.add_argument("--verbose", action="store_true", help="echo the serial console")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        if args.parse_only:
            verdict = judge_log_file(args.parse_only)
        else:
            if not os.path.isfile(args.elf):
                raise RunnerError(f"no kernel at {args.elf} (build it first)")
            verdict = run_tests(args)
    except (RunnerError, OSError) as err:
        print(f"ERROR: {err}", file=sys.stderr)
        return 2
    print("\n".join(report_lines(finish(verdict))))
    return exit_status(verdict)


if __name__ == "__main__":
    sys.exit(main())
