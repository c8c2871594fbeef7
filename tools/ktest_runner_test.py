#!/usr/bin/env python3
"""
tools/ktest_runner_test.py - unit tests of tools/ktest_runner.py.

They feed synthetic console logs, shaped as the kernel prints them, to the runner's parser
and verdict (pure functions, no QEMU), and drive tools/qemu_launch.py's process plumbing
with small Python child processes standing in for QEMU. Run with
`python3 tools/ktest_runner_test.py`.
"""

import contextlib
import io
import os
import sys
import tempfile
import textwrap
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktest_runner as kr  # noqa: E402
import qemu_launch as ql  # noqa: E402

SUMMARY_RE = r"^\d+ passed, \d+ failed, \d+ skipped$"

ALL_PASS = """\
KTAP version 1
1..2
    KTAP version 1
    # Subtest: vsprintf
    1..2
    ok 1 int64_min
    ok 2 width_padding
# vsprintf: pass:2 fail:0 skip:0 total:2
ok 1 vsprintf
    KTAP version 1
    # Subtest: cmdline
    1..1
    ok 1 bare
# cmdline: pass:1 fail:0 skip:0 total:1
ok 2 cmdline
# Totals: pass:3 fail:0 skip:0 total:3
"""

WITH_FAILURE = """\
KTAP version 1
1..2
    KTAP version 1
    # Subtest: vsprintf
    1..3
    ok 1 int64_min
    # width_padding: EXPECTATION FAILED at tests/vsprintf_test.c:40
    Expected n == 5, but
        n == 4 (0x4)
        5 == 5 (0x5)
    not ok 2 width_padding
    ok 3 needs_feature # SKIP no APIC
# vsprintf: pass:1 fail:1 skip:1 total:3
not ok 1 vsprintf
    KTAP version 1
    # Subtest: cmdline
    1..1
    ok 1 bare
# cmdline: pass:1 fail:0 skip:0 total:1
ok 2 cmdline
# Totals: pass:2 fail:1 skip:1 total:4
# ktest-death: mm.double_free expect: kmem_cache_free: double free
# ktest-death: mm.stack_overflow expect: kernel stack overflow
"""

PANIC_TAIL = "".join(f"    frame {i}\n" for i in range(40))
WITH_PANIC = """\
KTAP version 1
1..1
    KTAP version 1
    # Subtest: slab
    1..2
    ok 1 alloc_free
Kernel panic - not syncing: page fault at 0xdead in kernel mode
""" + PANIC_TAIL


def lines_of(text):
    return text.splitlines()


def report_of(verdict):
    return kr.report_lines(kr.finish(verdict))


def exit_end(status):
    return ql.Run([], "exit", status, 1.0, [])


class ParseAndVerdictTest(unittest.TestCase):
    def judge(self, text, end=None):
        verdict = kr.finish(kr.judge_main(lines_of(text), end))
        return verdict, kr.report_lines(verdict)

    def test_all_pass(self):
        verdict, report = self.judge(ALL_PASS, exit_end(kr.STATUS_PASS))
        self.assertEqual((verdict.passed, verdict.failed, verdict.skipped), (3, 0, 0))
        self.assertEqual(report, ["3 passed, 0 failed, 0 skipped"])
        self.assertEqual(kr.exit_status(verdict), 0)

    def test_failing_test_prints_diagnostics(self):
        verdict, report = self.judge(WITH_FAILURE, exit_end(kr.STATUS_FAIL))
        self.assertEqual((verdict.passed, verdict.failed, verdict.skipped), (2, 1, 1))
        start = report.index("FAIL vsprintf.width_padding")
        self.assertEqual(report[start + 1:start + 5], [
            "    # width_padding: EXPECTATION FAILED at tests/vsprintf_test.c:40",
            "    Expected n == 5, but",
            "        n == 4 (0x4)",
            "        5 == 5 (0x5)",
        ])
        self.assertNotIn("ok 1 int64_min", "\n".join(report))
        self.assertEqual(report[-1], "2 passed, 1 failed, 1 skipped")
        self.assertNotEqual(kr.exit_status(verdict), 0)

    def test_skip_is_counted_as_skipped(self):
        verdict, report = self.judge(WITH_FAILURE, exit_end(kr.STATUS_FAIL))
        self.assertEqual(verdict.skipped, 1)
        self.assertIn("SKIP vsprintf.needs_feature: no APIC", report)

    def test_all_skipped_counts_as_no_tests(self):
        text = ("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: apic\n    1..1\n"
                "    ok 1 timer # SKIP no APIC\nok 1 apic\n")
        verdict, report = self.judge(text, exit_end(kr.STATUS_PASS))
        self.assertEqual(verdict.skipped, 1)
        self.assertIn("ERROR: no tests ran (1 skipped)", report)
        self.assertNotEqual(kr.exit_status(verdict), 0)

    def test_panic_detected(self):
        verdict, report = self.judge(WITH_PANIC, exit_end(kr.STATUS_PANIC))
        start = report.index("PANIC: Kernel panic - not syncing: page fault at 0xdead "
                             "in kernel mode")
        self.assertEqual(report[start + 1], "        frame 0")
        self.assertEqual(report[start + kr.PANIC_CONTEXT_LINES], "        frame 29")
        self.assertNotIn("        frame 30", report)
        self.assertIn("main run did not end cleanly: counted as 1 more failed test", report)
        self.assertEqual(report[-1], "1 passed, 1 failed, 0 skipped")
        self.assertNotEqual(kr.exit_status(verdict), 0)

    def test_truncated_suite(self):
        verdict, report = self.judge(WITH_PANIC)
        self.assertIn("TRUNCATED: suite 'slab' has only 1 of 2 planned results", report)
        self.assertIn("TRUNCATED: suite 'slab' was cut off before its result line", report)

    def test_truncated_suite_with_result_line(self):
        text = ("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: a\n    1..3\n"
                "    ok 1 x\nok 1 a\n")
        verdict, report = self.judge(text, exit_end(kr.STATUS_PASS))
        self.assertIn("TRUNCATED: suite 'a' has only 1 of 3 planned results", report)
        self.assertEqual(report[-1], "1 passed, 1 failed, 0 skipped")

    def test_truncated_top_level(self):
        text = ALL_PASS.replace("1..2\n", "1..3\n", 1)
        verdict, report = self.judge(text, exit_end(kr.STATUS_PASS))
        self.assertIn("TRUNCATED: the log has only 2 of 3 planned suites", report)
        self.assertEqual(report[-1], "3 passed, 1 failed, 0 skipped")
        self.assertNotEqual(kr.exit_status(verdict), 0)

    def test_no_ktap_header(self):
        verdict, report = self.judge("SeaBIOS (version 1.16)\nBooting from DVD/CD...\n")
        self.assertIn("ERROR: no 'KTAP version 1' line: the tests never started", report)
        self.assertEqual(report[-1], "0 passed, 1 failed, 0 skipped")
        self.assertNotEqual(kr.exit_status(verdict), 0)

    def test_indented_header_is_not_the_start(self):
        self.assertIsNone(kr.find_ktap_start(["    KTAP version 1", "KTAP version 12"]))

    def test_zero_tests(self):
        verdict, report = self.judge("KTAP version 1\n1..0\n", exit_end(kr.STATUS_PASS))
        self.assertIn("ERROR: no tests ran", report)
        self.assertEqual(report[-1], "0 passed, 1 failed, 0 skipped")
        self.assertNotEqual(kr.exit_status(verdict), 0)

    def test_junk_and_ansi_before_header(self):
        junk = ("\x1b[2J\x1b[01;01H\x1b[=3h\x1b[2J\x1b[01;01HBdsDxe: loading Boot0001\r\n"
                "ok 1 not_a_test\r\n1..7\r\n\x1b[0m\x1b[37m\x1b[40m")
        text = junk + ALL_PASS.replace("\n", "\r\n")
        verdict, report = self.judge(text, exit_end(kr.STATUS_PASS))
        self.assertEqual(report, ["3 passed, 0 failed, 0 skipped"])

    def test_death_line_parsing(self):
        specs = kr.find_death_specs(lines_of(WITH_FAILURE))
        self.assertEqual(specs, [
            kr.DeathSpec("mm", "double_free", "kmem_cache_free: double free"),
            kr.DeathSpec("mm", "stack_overflow", "kernel stack overflow"),
        ])
        self.assertEqual(specs[0].test_name, "death:mm.double_free")

    def test_death_lines_only_exact_and_after_header(self):
        text = ("# ktest-death: early.one expect: x\nKTAP version 1\n1..0\n"
                "    # ktest-death: indented.one expect: x\n"
                "# ktest-death: no_dot expect: x\n# ktest-death: ok.two expect: b c\n")
        self.assertEqual(kr.find_death_specs(lines_of(text)),
                         [kr.DeathSpec("ok", "two", "b c")])

    def test_final_line_format(self):
        for text in (ALL_PASS, WITH_FAILURE, WITH_PANIC, "", "KTAP version 1\n1..0\n"):
            report = report_of(kr.judge_main(lines_of(text)))
            self.assertRegex(report[-1], SUMMARY_RE)
            self.assertEqual(sum(1 for line in report if "passed," in line), 1)

    def test_suite_init_failure_counts_nested_tests(self):
        text = ("KTAP version 1\n1..1\n    KTAP version 1\n    # Subtest: mm\n    1..2\n"
                "    # mm: suite_init failed\n    not ok 1 a\n    not ok 2 b\nnot ok 1 mm\n")
        verdict, report = self.judge(text, exit_end(kr.STATUS_FAIL))
        self.assertEqual(report[-1], "0 passed, 2 failed, 0 skipped")
        self.assertEqual(report[report.index("FAIL mm.a") + 1], "    # mm: suite_init failed")

    def test_suite_not_ok_without_failing_test(self):
        text = ALL_PASS.replace("ok 2 cmdline", "not ok 2 cmdline")
        verdict, report = self.judge(text, exit_end(kr.STATUS_FAIL))
        self.assertTrue(any(p.startswith("ERROR: suite 'cmdline' says 'not ok'")
                            for p in verdict.problems))
        self.assertNotEqual(kr.exit_status(verdict), 0)

    def test_result_without_block_is_a_suite(self):
        # init prints only "not ok" for a program it could not run.
        text = ALL_PASS.replace("1..2\n", "1..3\n", 1).replace(
            "# Totals", "# utest_x: exec failed\nnot ok 3 utest_x\n# Totals")
        verdict, report = self.judge(text, exit_end(kr.STATUS_FAIL))
        self.assertIn("ERROR: suite 'utest_x' says 'not ok' but none of its tests failed"
                      "\n    # utest_x: exec failed", report)
        self.assertEqual(report[-1], "3 passed, 1 failed, 0 skipped")

    def test_unindented_noise_inside_a_suite(self):
        text = ALL_PASS.replace("    ok 2 width_padding\n",
                                "utest[3]: segfault at 0 ip 4002d0\n    ok 2 width_padding\n")
        verdict, report = self.judge(text, exit_end(kr.STATUS_PASS))
        self.assertEqual(report, ["3 passed, 0 failed, 0 skipped"])

    def test_variant_run_names_its_tests(self):
        verdict = kr.judge_main(lines_of(WITH_FAILURE), exit_end(kr.STATUS_FAIL), "nolazytlb:")
        self.assertEqual(verdict.failures[0][0], "nolazytlb:vsprintf.width_padding")

    def test_misnumbered_result(self):
        text = ALL_PASS.replace("ok 2 cmdline", "ok 3 cmdline")
        verdict, _ = self.judge(text, exit_end(kr.STATUS_PASS))
        self.assertIn("ERROR: the log has result 3 where 2 was due", verdict.problems)
        text = ALL_PASS.replace("    ok 2 width_padding", "    ok 1 width_padding")
        verdict, _ = self.judge(text, exit_end(kr.STATUS_PASS))
        self.assertIn("ERROR: suite 'vsprintf' has result 1 where 2 was due",
                      verdict.problems)


class RunEndTest(unittest.TestCase):
    def problems(self, end, text=ALL_PASS):
        return kr.judge_main(lines_of(text), end).problems

    def test_fail_status_without_failure(self):
        self.assertEqual(self.problems(exit_end(kr.STATUS_FAIL)), [
            "ERROR: the kernel's exit code says a test failed, but the log shows none"])

    def test_reset(self):
        self.assertEqual(self.problems(exit_end(kr.STATUS_RESET)), [
            "ERROR: QEMU exited without the kernel's exit code: triple fault or "
            "unexpected reset"])

    def test_qemu_error_shows_stderr(self):
        end = ql.Run([], "exit", 1, 0.1, ["qemu: could not open disk image"])
        self.assertEqual(self.problems(end, ""), [
            "ERROR: no 'KTAP version 1' line: the tests never started",
            "ERROR: QEMU error: exit status 1\n    qemu: could not open disk image"])

    def test_timeout_names_last_line(self):
        end = ql.Run([], "timeout", None, 10.0, [])
        problems = self.problems(end, "KTAP version 1\n1..1\n    ok 1 spin\n\n")
        self.assertIn("TIMEOUT: kernel gave no verdict within 10 s (last line: ok 1 spin)",
                      problems)

    def test_trailer_round_trip(self):
        for end in (ql.Run([], "exit", 35, 3.25, []), ql.Run([], "timeout", None, 10.0, []),
                    ql.Run([], "stopped", None, 4.5, []), ql.Run([], "exit", 1, 0.5, ["x"])):
            back = ql.Run.from_trailer(["# qemu: QEMU 7.2", "KTAP version 1"] + end.trailer())
            self.assertEqual((back.kind, back.status, back.stderr),
                             (end.kind, end.status, end.stderr))

    def test_parse_only_uses_the_trailer(self):
        log = ["# qemu: QEMU emulator version 7.2", "# cc: gcc 12", "# command: qemu ...",
               "# cmdline: ktest"] + lines_of(ALL_PASS) + ["# runner: exit status 0 after 1.0 s"]
        with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as file:
            file.write("\n".join(log) + "\n")
        try:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                status = kr.main(["--parse-only", file.name])
        finally:
            os.unlink(file.name)
        report = out.getvalue().splitlines()
        self.assertIn("ERROR: QEMU exited without the kernel's exit code: triple fault or "
                      "unexpected reset", report)
        self.assertEqual(report[-1], "3 passed, 1 failed, 0 skipped")
        self.assertEqual(status, 1)


class DeathAndBootCheckTest(unittest.TestCase):
    SPEC = kr.DeathSpec("mm", "double_free", "kmem_cache_free: double free")
    CHECK = kr.BOOT_CHECKS[0]

    def test_death_passes_on_panic_status(self):
        out = ["Kernel panic - not syncing: kmem_cache_free: double free", " rip ..."]
        verdict = kr.judge_death(self.SPEC, out, exit_end(kr.STATUS_PANIC))
        self.assertEqual((verdict.passed, verdict.failed), (1, 0))

    def test_death_passes_when_stopped_after_texts(self):
        out = ["kmem_cache_free: double free", "Kernel panic - not syncing: Fatal exception"]
        verdict = kr.judge_death(self.SPEC, out, ql.Run([], "stopped", None, 3.0, []))
        self.assertEqual(verdict.passed, 1)

    def test_death_fails_without_expected_text(self):
        out = ["Kernel panic - not syncing: something else"]
        verdict = kr.judge_death(self.SPEC, out, exit_end(kr.STATUS_PANIC))
        self.assertEqual(verdict.failed, 1)
        self.assertIn("expected text not seen: 'kmem_cache_free: double free'",
                      verdict.failures[0][1])
        self.assertEqual(verdict.failures[0][0], "death:mm.double_free")

    def test_death_fails_on_other_status(self):
        out = ["Kernel panic - not syncing: kmem_cache_free: double free"]
        verdict = kr.judge_death(self.SPEC, out, exit_end(kr.STATUS_PASS))
        self.assertEqual(verdict.failed, 1)

    def test_death_spec_with_cpus_and_several_texts(self):
        spec = kr.DeathSpec("smp_stop", "race", "smp=2 once:Kernel panic - not syncing: x && "
                            "NMI backtrace for CPU")
        self.assertEqual(spec.smp, 2)
        self.assertEqual(spec.awaited, ["Kernel panic - not syncing: x", "NMI backtrace for CPU"])
        self.assertIsNone(self.SPEC.smp)
        self.assertEqual(self.SPEC.texts, ["kmem_cache_free: double free"])
        good = ["Kernel panic - not syncing: x on CPU 0", "NMI backtrace for CPU 1",
                "---[ end Kernel panic - not syncing: x on CPU 0 ]---"]
        self.assertEqual(kr.judge_death(spec, good, exit_end(kr.STATUS_PANIC)).passed, 1)
        twice = good + ["Kernel panic - not syncing: x on CPU 1"]
        verdict = kr.judge_death(spec, twice, exit_end(kr.STATUS_PANIC))
        self.assertEqual(verdict.failed, 1)
        self.assertIn("expected exactly one line starting 'Kernel panic - not syncing: x', "
                      "saw 2", verdict.failures[0][1])
        verdict = kr.judge_death(spec, good[:1], exit_end(kr.STATUS_PANIC))
        self.assertIn("expected text not seen: 'NMI backtrace for CPU'", verdict.failures[0][1])

    def test_boot_check(self):
        seen = ["Booting...", "sublet: this CPU has no 64-bit long mode"]
        self.assertEqual(kr.judge_boot_check(self.CHECK, seen, exit_end(37)).passed, 1)
        verdict = kr.judge_boot_check(self.CHECK, ["Booting..."], exit_end(0))
        self.assertEqual(verdict.failed, 1)

    def test_boot_check_needs_every_text(self):
        check = kr.BOOT_CHECKS[1]
        self.assertEqual(kr.judge_boot_check(check, [check.expect[0]]).failed, 1)
        self.assertEqual(kr.judge_boot_check(check, list(check.expect)).passed, 1)

    def test_boot_check_selection(self):
        self.assertEqual(kr.selected_boot_checks(None), list(kr.BOOT_CHECKS))
        self.assertEqual(kr.selected_boot_checks("boot:*"), list(kr.BOOT_CHECKS))
        self.assertEqual(kr.selected_boot_checks("vsprintf.*"), [])

    def test_variant_runs_follow_the_suites_that_ran(self):
        self.assertEqual(kr.variant_runs(None, ["sched", "sched_stress", "active_mm", "elf"]), [
            ("nolazytlb-sched", "ktest=sched* nolazytlb", "nolazytlb:"),
            ("nolazytlb-active_mm", "ktest=active_mm nolazytlb", "nolazytlb:")])
        self.assertEqual(kr.variant_runs("sched.yield*", ["sched"]),
                         [("nolazytlb-sched", "ktest=sched*.yield* nolazytlb", "nolazytlb:")])
        self.assertEqual(kr.variant_runs("vsprintf", ["vsprintf"]), [])

    def test_smp_variant_runs_skip_the_main_runs_count(self):
        self.assertEqual(kr.smp_variant_runs(None, ["smp", "elf"], 1), [
            ("smp2-smp", "ktest=smp", "smp2:", ("-smp", "2")),
            ("smp4-smp", "ktest=smp", "smp4:", ("-smp", "4")),
            ("smp8-smp", "ktest=smp", "smp8:", ("-smp", "8"))])
        self.assertEqual([run[0] for run in kr.smp_variant_runs("smp.every*", ["smp"], 4)],
                         ["smp1-smp", "smp2-smp", "smp8-smp"])
        self.assertEqual(kr.smp_variant_runs("smp.every*", ["smp"], 4)[0][1],
                         "ktest=smp.every*")
        self.assertEqual(kr.smp_variant_runs("vsprintf", ["vsprintf"], 1), [])


class LaunchTest(unittest.TestCase):
    """tools/qemu_launch.py: the machine every boot gets."""

    def test_qemu_command(self):
        cmd = ql.qemu_command("x.iso", "256M", 1, "max", "ktest=a,b",
                              extra=["-cpu", "qemu32", "-icount", "shift=0"], qemu="qemu")
        self.assertEqual(cmd[:5], ["qemu", "-m", "256M", "-smp", "1"])
        self.assertEqual(cmd.count("-cpu"), 1)
        self.assertIn("isa-debug-exit,iobase=0xf4,iosize=0x04", cmd)
        self.assertIn("-no-reboot", cmd)
        self.assertEqual(cmd[-8:], ["-cdrom", "x.iso", "-fw_cfg",
                                    "name=opt/sublet/cmdline,string=ktest=a,,b",
                                    "-cpu", "qemu32", "-icount", "shift=0"])

    def test_no_fw_cfg_without_cmdline(self):
        self.assertNotIn("-fw_cfg", ql.qemu_command("x.iso", qemu="qemu"))

    def test_ovmf_lookup(self):
        code, nvram = ql.OVMF_PAIRS[0]
        self.assertEqual(ql.find_ovmf(lambda path: path in (code, nvram)),
                         ("pflash", code, nvram))
        image = ql.OVMF_COMBINED[0]
        self.assertEqual(ql.find_ovmf(lambda path: path == image), ("bios", image))
        with self.assertRaises(ql.LaunchError):
            ql.find_ovmf(lambda path: False)

    def test_uefi_gets_a_fresh_variable_store(self):
        with tempfile.TemporaryDirectory() as tmp:
            vars_in, copy = os.path.join(tmp, "VARS.fd"), os.path.join(tmp, "run", "v.fd")
            with open(vars_in, "w") as file:
                file.write("vars")
            args = ql.firmware_args("uefi", copy, ("pflash", "CODE.fd", vars_in))
            self.assertEqual(args[-1], f"if=pflash,format=raw,file={copy}")
            with open(copy) as file:
                self.assertEqual(file.read(), "vars")
        self.assertEqual(ql.firmware_args("bios", "unused"), [])


class PlumbingTest(unittest.TestCase):
    """run_qemu() with a Python child process standing in for QEMU."""

    def run_fake(self, script, timeout=10.0, stop_after=(), grace=0.2):
        cmd = [sys.executable, "-c", textwrap.dedent(script)]
        with tempfile.TemporaryFile("w+") as log:
            end = ql.run_qemu(cmd, log, timeout, stop_after, kr.is_death_listing, grace)
            log.seek(0)
            return end.lines, end, log.read().splitlines()

    def test_exit_status_and_split_lines(self):
        lines, end, log = self.run_fake("""
            import os, sys, time
            os.write(1, b"KTAP ver")
            time.sleep(0.1)
            os.write(1, b"sion 1\\r\\n\\xff junk\\nno newline")
            os.write(2, b"a warning\\n")
            sys.exit(33)
        """)
        self.assertEqual(lines, ["KTAP version 1", "\ufffd junk", "no newline"])
        self.assertEqual((end.kind, end.status, end.stderr), ("exit", 33, ["a warning"]))
        self.assertEqual(log[-2:], ["# runner: exit status 33 after %.1f s" % end.seconds,
                                    "# qemu stderr: a warning"])

    def test_timeout_kills(self):
        lines, end, _ = self.run_fake("""
            import time
            print("stuck", flush=True)
            time.sleep(60)
        """, timeout=1.0)
        self.assertEqual((end.kind, lines), ("timeout", ["stuck"]))
        self.assertLess(end.seconds, 5)

    def test_stop_after_watched_texts(self):
        lines, end, _ = self.run_fake("""
            import time
            print("# ktest-death: a.b expect: boom", flush=True)
            time.sleep(0.5)
            print("Kernel panic - not syncing: boom", flush=True)
            print("backtrace", flush=True)
            time.sleep(60)
        """, stop_after=[kr.PANIC_TEXT, "boom"])
        self.assertEqual(end.kind, "stopped")
        self.assertEqual(lines[1:], ["Kernel panic - not syncing: boom", "backtrace"])
        self.assertGreater(end.seconds, 0.5)  # the death listing alone did not stop it
        self.assertLess(end.seconds, 5)

    def test_gdb_client_owns_the_terminal_and_qemu_ends_with_it(self):
        """make debug: QEMU (a fake that would run for a minute, writing its pid) runs in
        the background while the client runs; the client's status is returned and QEMU
        is gone once it ends."""
        with tempfile.TemporaryDirectory() as tmp:
            pidfile = os.path.join(tmp, "qemu.pid")
            qemu = [sys.executable, "-c", "import os, sys, time\n"
                    f"open({pidfile!r}, 'w').write(str(os.getpid()))\n" "time.sleep(60)"]
            client = [sys.executable, "-c", "import os, sys, time\n"
                      f"while not os.path.exists({pidfile!r}): time.sleep(0.05)\n"
                      "sys.exit(7)"]
            start = time.monotonic()
            self.assertEqual(ql.run_with_gdb(qemu, client), 7)
            self.assertLess(time.monotonic() - start, 10)
            pid = int(open(pidfile).read())
            with self.assertRaises(ProcessLookupError):
                os.kill(pid, 0)

    def test_gdb_stub_port_and_serial_log(self):
        """--gdb-client puts the stub on --gdb-port and the console in --serial-log."""
        seen = {}

        def fake_run_with_gdb(qemu_cmd, gdb_cmd):
            seen["qemu"], seen["gdb"] = qemu_cmd, gdb_cmd
            return 0

        saved = ql.run_with_gdb
        ql.run_with_gdb = fake_run_with_gdb
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                ql.main(["--iso", "x.iso", "--gdb-port", "4321", "--serial-log", "s.log",
                         "--gdb-client", "gdb -q -x build/gdbinit"])
        finally:
            ql.run_with_gdb = saved
        self.assertIn("-gdb tcp::4321 -S", " ".join(seen["qemu"]))
        self.assertIn("-serial file:s.log", " ".join(seen["qemu"]))
        self.assertEqual(seen["gdb"], ["gdb", "-q", "-x", "build/gdbinit"])


if __name__ == "__main__":
    unittest.main()
