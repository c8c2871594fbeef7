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


DOC = "\n".join(["text", "```gdb-session", "(gdb) p 1", "stale", "(gdb) p 2", "```", "more",
                 "```gdb-session", "(gdb) sl-cr3", "```", ""])


class Docs(unittest.TestCase):
    def test_blocks_and_their_commands(self):
        self.assertEqual(gdb_test.session_blocks(DOC),
                         [(2, 5, ["p 1", "p 2"]), (8, 9, ["sl-cr3"])])

    def test_render_puts_each_output_under_its_command(self):
        out = gdb_test.render_docs(DOC, [["$1 = 1"], [], ["CR3 0x2d7000", "x"]])
        self.assertEqual(out.split("\n"), ["text", "```gdb-session", "(gdb) p 1", "$1 = 1",
                                           "(gdb) p 2", "```", "more", "```gdb-session",
                                           "(gdb) sl-cr3", "CR3 0x2d7000", "x", "```", ""])

    def test_a_rendered_doc_is_stable(self):
        outputs = [["$1 = 1"], ["$2 = 2"], ["CR3 0x2d7000"]]
        once = gdb_test.render_docs(DOC, outputs)
        self.assertEqual(gdb_test.render_docs(once, outputs), once)

    def test_replay_outputs_are_framed_and_normalised(self):
        lines = ["noise", "@@@ begin", "prev=0xffff8880002d0340 at 0xffffffff8010e913",
                 "CR3 0x2d7000  ", "@@@ end", "@@@ begin", "@@@ end"]
        self.assertEqual(gdb_test.replay_outputs(lines),
                         [["prev=0xffff... at 0xffff...", "CR3 0x2d7000"], []])

    def test_replay_script_frames_each_command(self):
        self.assertEqual(gdb_test.replay_script(["sl-ps"]).splitlines(),
                         ["echo @@@ begin\\n", "sl-ps", "echo @@@ end\\n"])


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
