#!/usr/bin/env python3
"""
tools/bench.py - boot sublet's in-kernel benchmarks under QEMU and print one table.

`make bench` runs this. The kernel, booted with `bench` on its command line, runs every
KBENCH (kernel/bench.h) and prints lines of the form

    # bench: <name> <ticks per op> <what one op is> | <note>

then ends QEMU through the isa-debug-exit port. Under `-icount shift=0` QEMU advances
the TSC by one per guest instruction, so ticks are instructions: deterministic, the
same on any host, whatever its load. The boots go through tools/qemu_launch.py, as the
tests' do: one ISO, each boot's command line in QEMU's fw_cfg. Three boots, as many at
once as the host has CPUs:

    lazy        `bench`            at 128M   the main column
    nolazytlb   `bench nolazytlb`  at 128M   kernel threads load init_mm eagerly
    8G          `bench`            at 8G     mm_init's cost with much more memory

With --host-time, two more boots without -icount give the scheduler rows in host TSC
cycles, which is where the cost of a CR3 write under TCG shows (see HOST_TIME_BOOTS).

The table (markdown) has one row per benchmark with instructions per operation in
each mode, and the notes: CR3 writes per 1000 switches for the scheduler rows (from the
kernel's per-CPU counters), the kernel's own note otherwise. A boot that panics, times
out or ends without its "# bench: end" line is reported, with its log, and makes the
exit status 1; the rows it did print still appear. Standard library only. See
docs/benchmarks.md.
"""

import argparse
import os
import re
import shlex
import sys
import threading

import qemu_launch as ql

ICOUNT_ARGS = ("-icount", "shift=0")

BENCH_LINE = re.compile(r"^# bench: (\S+) (\d+) (.*?)(?: \| (.*))?\s*$")
BENCH_END = "# bench: end"
PANIC_TEXT = "Kernel panic - not syncing"

# (key, command line, memory, icount): the boots, in the order their columns appear.
BOOTS = (
    ("lazy", "bench", "128M", True),
    ("nolazytlb", "bench nolazytlb", "128M", True),
    ("8G", "bench", "8G", True),
)
# With --host-time: the same two modes without -icount. The TSC then follows the host's
# clock, so ticks measure what the emulation costs in time (a CR3 write flushes QEMU's
# software TLB, and every page touched afterwards is looked up again): noisy, and
# dependent on the host, but the only way to see that cost at all.
HOST_TIME_BOOTS = (
    ("lazy-host", "bench", "128M", False),
    ("nolazytlb-host", "bench nolazytlb", "128M", False),
)
SCHED_PREFIX = "sched_switch_"

# Rows in this order first (the scheduler, then the memory rows); any
# other benchmark the kernel prints follows, in the kernel's order.
ROW_ORDER = (
    "sched_switch_kthreads",
    "sched_switch_threads",
    "sched_switch_processes",
    "sched_switch_real_kthread",
    "sched_switch_kthreads_traced",
    "page_alloc_order0",
    "page_alloc_order4",
    "kmalloc_kfree_64",
)
CR3_NOTE = re.compile(r"CR3 writes per 1000 switches: (\d+)")


class Boot:
    """One QEMU boot of the benchmark kernel and what it printed."""

    def __init__(self, key, cmdline, mem, icount, iso, log_path):
        self.key, self.cmdline, self.mem, self.icount = key, cmdline, mem, icount
        self.iso, self.log_path = iso, log_path
        self.results = {}  # name -> (ticks, what, note)
        self.order = []
        self.error = None
        self.seconds = 0.0

    def command(self):
        """The machine of tools/qemu_launch.py, one CPU, the command line in fw_cfg."""
        return ql.qemu_command(self.iso, self.mem, 1, "max", self.cmdline,
                               extra=ICOUNT_ARGS if self.icount else ())

    def run(self, timeout):
        cmd = self.command()
        try:
            with open(self.log_path, "w") as log:
                log.write(f"# command: {shlex.join(cmd)}\n")
                run = ql.run_qemu(cmd, log, timeout)
        except ql.LaunchError as err:
            self.error = str(err)
            return
        self.seconds = run.seconds
        self.parse(run.lines)
        self.judge(run)

    def parse(self, lines):
        for line in lines:
            m = BENCH_LINE.match(line.strip("\r"))
            if m:
                name = m.group(1)
                if name not in self.results:
                    self.order.append(name)
                self.results[name] = (int(m.group(2)), m.group(3), m.group(4) or "")

    def judge(self, run):
        panic = next((line for line in run.lines if PANIC_TEXT in line), None)
        if run.kind == "timeout":
            self.error = f"timed out after {run.seconds:g} s"
        elif panic:
            self.error = f"kernel panic: {panic.strip()}"
        elif not any(BENCH_END in line for line in run.lines):
            self.error = f"{run.describe()} before '{BENCH_END}'"
        elif run.status != ql.STATUS_PASS:
            self.error = f"{run.describe()}, expected {ql.STATUS_PASS}"


def cell(boot, name):
    result = boot.results.get(name)
    return f"{result[0]:,}" if result else "–"


def cr3_note(boots, name):
    parts = []
    for boot in boots:
        result = boot.results.get(name)
        m = CR3_NOTE.search(result[2]) if result else None
        if m:
            parts.append(f"{boot.key} {m.group(1)}")
    return "CR3 writes/1000 switches: " + ", ".join(parts) if parts else ""


def describe(boots, name):
    """The 'what' text of a row, from whichever boot printed it."""
    for boot in boots:
        if name in boot.results:
            return boot.results[name][1]
    return ""


def table(boots):
    lazy, nolazy, big = boots[:3]
    names = [n for n in ROW_ORDER if any(n in b.results for b in boots)]
    for boot in boots:
        names += [n for n in boot.order if n not in names and n != "mm_init"]
    rows = ["| benchmark | instructions/op (lazy) | instructions/op (nolazytlb) | notes |",
            "|---|---:|---:|---|"]
    for name in names:
        note = cr3_note((lazy, nolazy), name)
        if not note:
            kernel_note = next((b.results[name][2] for b in boots
                                if name in b.results and b.results[name][2]), "")
            note = kernel_note
        what = describe(boots, name)
        notes = "; ".join(x for x in (what, note) if x)
        rows.append(f"| {name} | {cell(lazy, name)} | {cell(nolazy, name)} | {notes} |")
    rows.append(f"| mm_init, {lazy.mem} | {cell(lazy, 'mm_init')} | {cell(nolazy, 'mm_init')} "
                f"| whole mm_init at boot, {lazy.mem} of RAM |")
    rows.append(f"| mm_init, {big.mem} | {cell(big, 'mm_init')} | – "
                f"| whole mm_init at boot, {big.mem} of RAM |")
    return "\n".join(rows)


def host_time_table(boots):
    """The scheduler rows in host TSC cycles (no -icount), lazy and nolazytlb."""
    lazy, nolazy = boots
    names = [n for n in ROW_ORDER if n.startswith(SCHED_PREFIX)]
    rows = ["| benchmark (no -icount) | host TSC cycles/switch (lazy) "
            "| host TSC cycles/switch (nolazytlb) | notes |", "|---|---:|---:|---|"]
    for name in names:
        rows.append(f"| {name} | {cell(lazy, name)} | {cell(nolazy, name)} "
                    f"| {cr3_note((lazy, nolazy), name)} |")
    return "\n".join(rows)


def run_boots(boots, timeout, jobs):
    """Run the boots, at most `jobs` at a time (each QEMU keeps one host CPU busy)."""
    slots = threading.Semaphore(jobs)

    def one(boot):
        with slots:
            boot.run(timeout)

    threads = [threading.Thread(target=one, args=(b,)) for b in boots]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--elf", default=os.path.join(ql.REPO, "build", "sublet.elf"))
    parser.add_argument("--out-dir", default=os.path.join(ql.REPO, "build", "bench"),
                        help="where the ISO and the boot logs go")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per boot")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="boots run at once (default: one per host CPU)")
    parser.add_argument("--host-time", action="store_true",
                        help="also boot without -icount and print the scheduler rows in "
                             "host TSC cycles")
    parser.add_argument("--output", help="also write the table to this file")
    parser.add_argument("--modules", metavar="GLOBS",
                        help="user programs to boot as modules: shell words, each a file or "
                             "glob (default: build/user/*.elf, if built; '' for none)")
    args = parser.parse_args()

    if not os.path.exists(args.elf):
        sys.exit(f"bench: no kernel at {args.elf} (build it first: make)")
    os.makedirs(args.out_dir, exist_ok=True)
    # One ISO for every boot, GRUB's line empty: each boot passes its own in fw_cfg.
    iso = os.path.join(args.out_dir, "bench.iso")
    try:
        ql.build_iso(args.elf, iso, ql.find_modules(args.modules))
    except ql.LaunchError as err:
        sys.exit(f"bench: {err}")
    boots = [Boot(key, cmdline, mem, icount, iso, os.path.join(args.out_dir, f"{key}.log"))
             for key, cmdline, mem, icount in
             BOOTS + (HOST_TIME_BOOTS if args.host_time else ())]

    print(f"bench: {ql.versions()[0][len('# qemu: '):]}; {len(boots)} boots, {max(1, args.jobs)} at a time, "
          f"up to {args.timeout:.0f} s each; -icount shift=0: ticks = instructions",
          flush=True)
    run_boots(boots, args.timeout, max(1, args.jobs))

    failed = False
    for boot in boots:
        state = f"FAILED: {boot.error}" if boot.error else "ok"
        mode = "" if boot.icount else ", no -icount"
        print(f"bench: boot '{boot.cmdline}' at {boot.mem}{mode}: {len(boot.results)} results, "
              f"{boot.seconds:.1f} s, {state} (log {os.path.relpath(boot.log_path)})")
        failed |= boot.error is not None
    text = table(boots)
    if args.host_time:
        text += "\n\n" + host_time_table(boots[len(BOOTS):])
    print()
    print(text)
    if args.output:
        with open(args.output, "w") as out:
            out.write(text + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
