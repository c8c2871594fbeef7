#!/usr/bin/env python3
"""tools/gdb_test_test.py - unit tests of tools/gdb_test.py's logic (no QEMU, no GDB):
the verdict read from GDB's output, and the GDB script's order. `make test-gdb` runs them
before booting."""

import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gdb_test  # noqa: E402


class Verdict(unittest.TestCase):
    def test_pass_is_the_last_verdict_line(self):
        lines = ["WAITING: context_switch", "GDB-TEST: PASS (12 checks)"]
        self.assertEqual(gdb_test.verdict(lines, False, 3), (True, "PASS (12 checks)"))

    def test_fail_line_is_reported(self):
        lines = ["WAITING: x", "GDB-TEST: FAIL sl-ps lists the kernel's task list"]
        self.assertEqual(gdb_test.verdict(lines, False, 3),
                         (False, "FAIL sl-ps lists the kernel's task list"))

    def test_timeout_names_the_last_wait(self):
        lines = ["WAITING: switch_scenario_run", "WAITING: finish_task_switch after A -> B"]
        passed, message = gdb_test.verdict(lines, True, 240)
        self.assertFalse(passed)
        self.assertEqual(message,
                         "timeout after 240 s waiting for: finish_task_switch after A -> B")

    def test_timeout_before_any_wait(self):
        passed, message = gdb_test.verdict([], True, 5)
        self.assertFalse(passed)
        self.assertIn("GDB to connect", message)

    def test_no_verdict_is_a_failure_with_the_tail(self):
        lines = ["Traceback (most recent call last):", "NameError: name 'x'"]
        passed, message = gdb_test.verdict(lines, False, 1)
        self.assertFalse(passed)
        self.assertIn("NameError: name 'x'", message)


DOC = "\n".join(["text", "```gdb-session", "make debug CMDLINE='scenario=all_cases'",
                 "(gdb) p 1", "stale", "(gdb) p 2", "```", "more",
                 "```gdb-session", "(gdb) sl-cr3", "```", "", "```gdb", "make debug KTEST=sched",
                 "(gdb) hbreak switch_to", "```", ""])


class Docs(unittest.TestCase):
    def blocks(self, text=DOC):
        blocks, problems = gdb_test.doc_blocks("d.md", text)
        self.assertEqual(problems, [])
        return blocks

    def test_blocks_their_boots_and_commands(self):
        blocks = self.blocks()
        self.assertEqual([(b.start, b.end, b.session, b.boot, b.commands) for b in blocks],
                         [(2, 6, True, "scenario=all_cases", [(4, "p 1"), (6, "p 2")]),
                          (9, 10, True, None, [(10, "sl-cr3")]),
                          (13, 15, False, "ktest=sched", [(15, "hbreak switch_to")])])

    def test_sessions_start_at_boot_lines(self):
        sessions = gdb_test.doc_sessions(self.blocks())
        self.assertEqual([(cmdline, len(blocks)) for cmdline, blocks in sessions],
                         [("scenario=all_cases", 2), ("ktest=sched", 1)])

    def test_a_gdb_line_outside_a_gdb_block_is_an_error(self):
        for text in ("x\n(gdb) p jiffies\n", "```\n(gdb) p jiffies\n```\n",
                     "    (gdb) p jiffies\n", "```sh\n(gdb) p 1\n```\n"):
            _, problems = gdb_test.doc_blocks("d.md", "```gdb\nmake debug\n(gdb) p 0\n```\n"
                                                      + text)
            self.assertEqual(len(problems), 1, text)
            self.assertIn("d.md:", problems[0])
            self.assertIn("no replay claims", problems[0])

    def test_the_first_block_must_boot(self):
        _, problems = gdb_test.doc_blocks("d.md", "```gdb\n(gdb) p 1\n```\n")
        self.assertEqual(problems, ["d.md:2: the first GDB block must start with a "
                                    "`make debug ...` line (the boot its commands run "
                                    "against)"])

    def test_output_in_a_commands_block_is_an_error(self):
        _, problems = gdb_test.doc_blocks("d.md", "```gdb\nmake debug\n(gdb) p 1\n$1 = 1\n```")
        self.assertEqual(len(problems), 1)
        self.assertIn("d.md:4:", problems[0])

    def test_boot_lines(self):
        self.assertEqual(gdb_test.boot_cmdline("make debug"), ("", None))
        self.assertEqual(gdb_test.boot_cmdline("make debug CMDLINE='scenario=use_mm' KTEST=x"),
                         ("scenario=use_mm ktest=x", None))
        self.assertIsNotNone(gdb_test.boot_cmdline("make debug GDB=0")[1])
        self.assertEqual(gdb_test.boot_cmdline("make debug SMP=4 KTEST=smp"), ("ktest=smp", None))
        self.assertIsNotNone(gdb_test.boot_cmdline("make debug SMP=x")[1])
        self.assertEqual(gdb_test.boot_smp("make debug SMP=4 KTEST=smp"), 4)
        self.assertEqual(gdb_test.boot_smp("make debug"), 1)

    def test_check_runs(self):
        self.assertEqual(gdb_test.check_run("zombie_mm"), ("scenario=zombie_mm", 1))
        self.assertEqual(gdb_test.check_run("smp"), ("", 2))

    def test_render_puts_each_output_under_its_command(self):
        out = gdb_test.render_doc(DOC, self.blocks(), [["$1 = 1"], [], ["CR3 0x2d7000", "x"],
                                                       ["Hardware assisted breakpoint 1"]])
        self.assertEqual(out.split("\n")[:13],
                         ["text", "```gdb-session", "make debug CMDLINE='scenario=all_cases'",
                          "(gdb) p 1", "$1 = 1", "(gdb) p 2", "```", "more", "```gdb-session",
                          "(gdb) sl-cr3", "CR3 0x2d7000", "x", "```"])
        self.assertEqual(out.split("\n")[13:], DOC.split("\n")[11:])

    def test_a_rendered_doc_is_stable(self):
        outputs = [["$1 = 1"], ["$2 = 2"], ["CR3 0x2d7000"], []]
        once = gdb_test.render_doc(DOC, self.blocks(), outputs)
        self.assertEqual(gdb_test.render_doc(once, self.blocks(once), outputs), once)

    def test_a_print_of_an_optimized_out_value_fails(self):
        blocks = self.blocks()
        problems = gdb_test.bad_prints(blocks[:1], [["$1 = <optimized out>"], ["$2 = 2"]])
        self.assertEqual(problems, ["d.md:4: `p 1` prints '$1 = <optimized out>'"])

    def test_replay_outputs_are_framed_and_normalised(self):
        lines = ["noise", "@@@ begin", "prev=0xffff8880002d0340 at 0xffffffff8010e913",
                 "CR3 0x2d7000  ", "@@@ end", "@@@ begin", "@@@ end"]
        self.assertEqual(gdb_test.replay_outputs(lines),
                         [["prev=0xffff... at 0xffff...", "CR3 0x2d7000"], []])

    def test_replay_script_frames_each_command(self):
        self.assertEqual(gdb_test.replay_script(["sl-ps"]).splitlines(),
                         ["echo @@@ begin\\n", "sl-ps", "echo @@@ end\\n"])

    def test_each_case_breakpoint_must_stop_at_its_case(self):
        text = "\n".join(["| real->kernel | `break context_switch if prev->mm && !next->mm` |",
                          "| from an exited task | `break context_switch if X` |",
                          "```gdb", "make debug", "(gdb) break context_switch if X",
                          "(gdb) sl-case", "```", ""])
        blocks = self.blocks(text)
        exited = [[], ["2 A -> 3 B: exited->real (from an exited task)", "  CR3: written"]]
        problems = gdb_test.case_stop_problems("d.md", text, blocks, exited)
        self.assertEqual(problems, ["d.md: the condition for real->kernel is never replayed: "
                                    "`break context_switch if prev->mm && !next->mm`"])
        wrong = [[], ["2 A -> 3 B: real->real other mm"]]
        problems = gdb_test.case_stop_problems("d.md", text, blocks, wrong)
        self.assertIn("d.md: `break context_switch if X` stopped at real->real other mm, "
                      "not from an exited task", problems)

    def test_the_docs_have_no_unreplayed_gdb_command(self):
        self.assertEqual(gdb_test.scan_docs(gdb_test.DOCS)[2], [])


class Script(unittest.TestCase):
    def test_architecture_before_connecting_and_helpers_before_checks(self):
        lines = gdb_test.gdb_script("/k.elf", 4321, f"source {gdb_test.SELFTEST}\n").splitlines()
        self.assertLess(lines.index("set architecture i386:x86-64"),
                        lines.index("target remote 127.0.0.1:4321"))
        self.assertLess(lines.index(f"source {gdb_test.HELPERS}"),
                        lines.index(f"source {gdb_test.SELFTEST}"))
        self.assertLess(lines.index("target remote 127.0.0.1:4321"),
                        lines.index(f"source {gdb_test.SELFTEST}"))

    def test_free_port_is_bindable(self):
        port = gdb_test.free_port()
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", port))


if __name__ == "__main__":
    unittest.main()
