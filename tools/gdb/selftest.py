# tools/gdb/selftest.py - make test-gdb's checks, run inside GDB against a live kernel.
#
# tools/gdb_test.py starts QEMU (halted, gdb stub) with the debug kernel and a switch
# scenario, named in $sl_scenario, and GDB in batch mode with this file sourced after
# tools/gdb/sublet.py (whose functions it uses: both live in GDB's __main__).
# zombie_mm: watchpoints follow mm_users to 0 and mm_count to the last mmdrop and the
# free (check_zombie_mm); use_mm: kthread_use_mm / kthread_unuse_mm (check_use_mm);
# smp (two CPUs, no scenario): the per-CPU helpers against each CPU's own cpu_state
# (check_smp).
# all_cases, the rest of this comment: it follows
# switches until it has seen every case of context_switch and one from an exited task,
# and a zombie mm (its exited last real user leaving it), and checks at each:
#   - sl-case names the case the kernel itself recorded (switch_trace's pending record);
#   - CR3 changes exactly when the real address space changes, and equals the PML4 of
#     next's active_mm afterwards; active_mm is borrowed and given back; mm_users and
#     mm_count move as docs/active_mm.md says;
# it runs every helper and compares its output with the kernel's state read directly;
# each conditional breakpoint of docs/gdb.md's table holds at every switch exactly when
# the switch is its case;
# and it steps line by line through one switch of each kind, context_switch to the end
# of finish_task_switch, failing if a step lands in trace, test or benchmark source.
# Then, with sl-user-symbols, it follows init's sched_yield() into the kernel, to hello
# and back, checking at each stop in ring 3 that GDB names the right program's source.
# Each wait is announced on a "WAITING:" line, for the driver's timeout message; the
# verdict is the last line, "GDB-TEST: PASS" or "GDB-TEST: FAIL ...".

import os
import re

import gdb

MAX_SWITCHES = 120  # all_cases shows every case within its first round (6 switches)
MAX_STEPS = 20000   # line steps through one switch, callees included (freeing a stack: many)
FORBIDDEN_SOURCES = re.compile(r"(switch_trace|switch_scenario|^tests/|/tests/|bench)")
checks = []
# docs/gdb.md's table: one `break context_switch if CONDITION` per case.
GDB_DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "gdb.md")
CASE_ROW = re.compile(r"^\| ([^|`]+?) \| `break context_switch if (.+)` \|$", re.M)
# init's call of sched_yield() in user/init.c, whose line the user side must show.
YIELD_CALL = "sched_yield(); /* let hello run first"
# init's time slice from its main on, in ticks (10 s): no tick preempts it before its
# sched_yield(), whatever QEMU's speed, so its child runs only from that switch (the
# kernel's 5-tick slice may end anywhere on the way, and the child exec hello first).
INIT_SLICE_TICKS = 1000


class Failed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failed(what)
    checks.append(what)


def say(text):
    gdb.write(text + "\n")
    gdb.flush()


def run(command):
    """A GDB command's output; a Python error in a helper fails the test."""
    try:
        return gdb.execute(command, to_string=True)
    except gdb.error as err:
        raise Failed(f"`{command}` raised: {err}") from err


def cont(waiting_for):
    say(f"WAITING: {waiting_for}")
    run("continue")


def source_line(function, text):
    """The line of `function`'s source that contains `text`."""
    symbol = gdb.lookup_global_symbol(function)
    with open(symbol.symtab.fullname()) as source:
        lines = source.read().splitlines()
    for number in range(symbol.line, len(lines) + 1):
        if text in lines[number - 1]:
            return number
    raise Failed(f"no '{text}' in {function}")


def line_in_file(symtab, text):
    """The one line of `symtab`'s file that contains `text`."""
    with open(symtab.fullname()) as source:
        numbers = [n + 1 for n, line in enumerate(source) if text in line]
    if len(numbers) != 1:
        raise Failed(f"'{text}' is on lines {numbers} of {symtab.filename}, not on one")
    return numbers[0]


def here():
    frame = gdb.selected_frame()
    sal = frame.find_sal()
    name = frame.function().name if frame.function() else "?"
    filename = sal.symtab.filename if sal.symtab else "?"
    return name, filename, sal.line


# ---- the kernel's state, read directly (not through the helpers) --------------------------

def task_list_directly():
    """(pid, comm) of every task, walking all_tasks with GDB expressions alone."""
    offset = int(gdb.parse_and_eval("(unsigned long)&((struct task_struct *)0)->tasks"))
    head = int(gdb.parse_and_eval("(unsigned long)&all_tasks"))
    node = int(gdb.parse_and_eval("(unsigned long)all_tasks.next"))
    found = []
    while node != head:
        task = gdb.parse_and_eval(f"(struct task_struct *){node - offset}")
        found.append((int(task["pid"]), task["comm"].string()))
        node = int(gdb.parse_and_eval(f"(unsigned long)((struct list_head *){node})->next"))
    return found


def pending_kind():
    record = gdb.parse_and_eval("switch_trace[0].pending")
    check(ptr(record) != 0, "the trace has a pending record at context_switch")
    return int(record["kind"])


def counts_or_none(mm):
    return mm_counts(mm) if ptr(mm) else None


# ---- one switch ---------------------------------------------------------------------------

def check_switch(seen):
    """At context_switch: note the state, run to finish_task_switch's drop, check."""
    frame = gdb.selected_frame()
    prev, nxt = frame.read_var("prev").dereference(), frame.read_var("next").dereference()
    kind, exited = switch_case(prev, nxt)
    check(kind == pending_kind(), f"case of {comm(prev)} -> {comm(nxt)} is the kernel's")
    out = run("sl-case")
    check(out.startswith(f"{int(prev['pid'])} {comm(prev)} -> {int(nxt['pid'])} {comm(nxt)}: "
                         f"{case_text(kind, exited)}"), f"sl-case names the case: {out!r}")
    before_cr3 = cr3()
    prev_amm, next_mm = ptr(prev["active_mm"]), ptr(nxt["mm"])
    amm_counts = counts_or_none(prev["active_mm"])
    next_counts = counts_or_none(nxt["mm"])
    prev_addr, next_addr = ptr(prev.address), ptr(nxt.address)
    if exited and amm_counts[0] == 0:  # the exited task was its mm's last real user
        out = run(f"sl-mm (struct mm_struct *){prev_amm:#x}")
        check("ZOMBIE (mm_users == 0)" in out and f"lazy users: {int(prev['pid'])} " in out,
              f"sl-mm names a zombie mm and its lazy user: {out!r}")
        seen.add("zombie")

    gdb.Breakpoint(finish_line(), temporary=True, internal=True)
    cont(f"finish_task_switch after {comm(prev)} -> {comm(nxt)}")
    name = f"{comm(prev)} -> {comm(nxt)} ({CASE_NAMES[kind]})"
    check(ptr(current_task().address) == next_addr, f"{name}: next is current")
    after_cr3 = cr3()
    next_amm = ptr(nxt["active_mm"])
    check(after_cr3 & CR3_ADDR_MASK == pgd_phys(nxt["active_mm"]),
          f"{name}: CR3 is next->active_mm's PML4")
    space_changes = next_mm != 0 and next_mm != prev_amm
    check((after_cr3 != before_cr3) == space_changes,
          f"{name}: CR3 changes ({before_cr3:#x} -> {after_cr3:#x}) exactly when the real "
          f"address space does ({space_changes})")
    prev_now = gdb.parse_and_eval(f"(struct task_struct *){prev_addr}").dereference()
    if kind in (0, 1):
        check(next_amm == prev_amm, f"{name}: next borrows prev's active_mm")
    else:
        check(next_amm == next_mm, f"{name}: next runs on its own mm")
    if kind in (1, 2):
        check(ptr(prev_now["active_mm"]) == 0, f"{name}: prev gives its active_mm back")
    amm_ptr = gdb.parse_and_eval(f"(struct mm_struct *){prev_amm}")
    if kind == 0:
        check(mm_counts(amm_ptr) == (amm_counts[0], amm_counts[1] + 1),
              f"{name}: mmgrab: mm_count {amm_counts[1]} -> +1, mm_users same")
    elif kind == 2:
        freed = amm_counts[0] == 0 and amm_counts[1] == 1
        if not freed:
            check(mm_counts(amm_ptr) == (amm_counts[0], amm_counts[1] - 1),
                  f"{name}: the parked mm is dropped: mm_count {amm_counts[1]} -> -1")
    else:
        check(mm_counts(amm_ptr) == amm_counts, f"{name}: prev's active_mm counts stay")
        if next_mm:
            check(counts_or_none(nxt["mm"]) == next_counts, f"{name}: next's mm counts stay")
    out = run("sl-case")
    check("has happened" in out, f"sl-case in finish_task_switch: {out!r}")
    seen.add((kind, exited))
    return kind, exited


def in_finish_task_switch():
    """Is finish_task_switch on the stack (the step has not returned from it)?"""
    frame = gdb.selected_frame()
    while frame is not None:
        if frame.function() is not None and frame.function().name == "finish_task_switch":
            return True
        frame = frame.older()
    return False


def step_switch(switch_to_line):
    """From context_switch's breakpoint, step every line to switch_to, then from next's
    finish_task_switch to its return: no step may land in trace, test or bench code."""
    visited = []

    def step_and_check(inside):
        """One `step`; returns where it landed, unless `inside` says it has left the
        code under test (then its landing place is not checked)."""
        run("step")
        name, filename, line = here()
        if not inside():
            return None, line
        visited.append(f"{filename}:{line}")
        check(not FORBIDDEN_SOURCES.search(filename),
              f"step stays out of trace/test/bench code: {filename}:{line} ({name})")
        return name, line

    for _ in range(MAX_STEPS):
        name, line = step_and_check(lambda: True)
        if name == "context_switch" and line == switch_to_line:
            break
    else:
        raise Failed(f"stepping never reached switch_to: {visited[-5:]}")
    gdb.Breakpoint("finish_task_switch", temporary=True, internal=True)
    cont("finish_task_switch on next's side of switch_to")
    for _ in range(MAX_STEPS):
        name, _ = step_and_check(in_finish_task_switch)
        if name is None:
            return visited
    raise Failed(f"stepping never left finish_task_switch: {visited[-5:]}")


# ---- the helpers against the kernel's state -----------------------------------------------

def check_helpers():
    cur = current_task()
    out = run("sl-ps")
    rows = re.findall(r"^([* ])\s+(\d+) (\S+)", out, re.M)
    check([(int(pid), name) for _, pid, name in rows] == task_list_directly(),
          "sl-ps lists the kernel's task list")
    check([int(pid) for mark, pid, _ in rows if mark == "*"] == [int(cur["pid"])],
          "sl-ps marks current")
    for task in tasks():
        line = next(l for l in out.splitlines() if re.match(rf"^[* ]\s+{int(task['pid'])} ", l))
        check(f" {mm_kind(task)} " in line + " ", f"sl-ps kind of {comm(task)}")

    out = run("sl-cr3")
    amm = cur["active_mm"]
    check(f"mm {mm_name(amm)} at {ptr(amm):#x}" in out, f"sl-cr3 names current->active_mm: {out!r}")

    out = run("sl-mm")
    users, count = mm_counts(amm)
    check(f"mm_users={users} mm_count={count}" in out, "sl-mm's counters")
    check(f"PML4 phys {pgd_phys(amm):#x}" in out, "sl-mm's PML4")
    who = "real users" if ptr(cur["mm"]) else "lazy users"
    check(re.search(rf"{who}: .*\b{int(cur['pid'])} {re.escape(comm(cur))}", out),
          "sl-mm lists current among its users")
    check("loaded on CPUs: 0" in out, "sl-mm: loaded on CPU 0")
    out = run("sl-mm &init_mm")
    check("mm init_mm" in out or "mm_users=" in out, "sl-mm &init_mm")

    for expr, expected in (("&jiffies", int(gdb.parse_and_eval("(unsigned long)&jiffies"))
                            - KERNEL_VIRT_BASE),
                           ("0x400000", None)):
        out = run(f"sl-pt {expr}")
        found = re.search(r"-> phys (0x[0-9a-f]+)", out)
        check(found, f"sl-pt {expr} ends at a page: {out!r}")
        phys = int(found.group(1), 16)
        if expected is not None:
            check(phys == expected, f"sl-pt {expr}: the kernel image maps physical 0 up")
        address = int(gdb.parse_and_eval(f"(unsigned long){expr}"))
        check(read_u64(address) == read_phys_u64(phys),
              f"sl-pt {expr}: the page it names holds what {expr} reads")
    out = run("sl-pt 0x1000")
    check("not mapped" in out, "sl-pt 0x1000: not mapped")

    check(ptr(gdb.parse_and_eval("$current()")) == ptr(cur.address), "$current()")
    pid = int(cur["pid"])
    check(ptr(gdb.parse_and_eval(f"$task({pid})")) == ptr(cur.address), "$task(pid)")
    check(ptr(gdb.parse_and_eval(f"$mm({pid})")) == ptr(cur["mm"]), "$mm(pid)")


def check_trace_and_switches(at_switch):
    """sl-switches and sl-trace against the trace's own records (while it records)."""
    at_switch.enabled = False
    say("WAITING: six switches for sl-switches 6")
    out = run("sl-switches 6")
    at_switch.enabled = True
    logged = re.findall(r"^(\d+) \S+ -> (\d+) \S+: ", out, re.M)
    check(len(logged) == 6, f"sl-switches 6 logs six switches: {out!r}")
    count = int(gdb.parse_and_eval("switch_trace[0].count"))
    records = [gdb.parse_and_eval(f"switch_trace[0].records[{n % 256}]")
               for n in range(count - 6, count)]
    check([(int(r["prev_pid"]), int(r["next_pid"])) for r in records] ==
          [(int(a), int(b)) for a, b in logged],
          f"sl-switches logs what the trace records ({count} records): {out!r}")
    out = run("sl-trace 4")
    indexes = [int(i) for i in re.findall(r"^\s+\[\s*(\d+)\]", out, re.M)]
    check(indexes == [n % 256 for n in range(count - 4, count)],
          f"sl-trace 4 shows the last four records, wrapped: {out!r}")


def check_step_switch(new_task=False):
    """At context_switch: sl-step-switch stops in next, with next current; for a task
    that never ran, in schedule_tail (from ret_from_fork)."""
    frame = gdb.selected_frame()
    prev, nxt = frame.read_var("prev").dereference(), frame.read_var("next").dereference()
    name = f"{comm(prev)} -> {comm(nxt)}"
    say(f"WAITING: sl-step-switch to {comm(nxt)}'s side of {name}")
    out = run("sl-step-switch")
    check(ptr(current_task().address) == ptr(nxt.address),
          f"sl-step-switch {name}: $current() is next")
    where, _, _ = here()
    check(where in ("finish_task_switch", "schedule_tail"),
          f"sl-step-switch {name}: stops in finish_task_switch or schedule_tail, not {where}")
    check((where == "schedule_tail") == new_task,
          f"sl-step-switch {name}: schedule_tail exactly for a new task ({where})")
    check(f"now in {int(nxt['pid'])} {comm(nxt)} ({where})" in out and
          "current is next: yes" in out, f"sl-step-switch says where it is: {out!r}")


def check_user_symbols():
    """sl-user-symbols, then run until init is exec'd: init's main resolves to
    user/init.c, and a hardware breakpoint there stops in user source. Then init's
    sched_yield() is followed into the kernel, to hello (a task that never ran), into
    hello's main and back to init's source after the call: at each stop GDB holds the
    symbols of the program stopped in."""
    run("sl-user-symbols")
    gdb.Breakpoint("exec_prepared_mm", temporary=True, internal=True)
    cont("exec_prepared_mm (kernel_init execs init)")
    program = gdb.selected_frame().read_var("name").string()
    check(program == "init", f"the first exec is init, not {program}")
    symbol = gdb.lookup_global_symbol("main")
    check(symbol is not None and symbol.symtab.filename.endswith("user/init.c"),
          f"sl-user-symbols: main is init's, in user/init.c")
    out = run("info symbol main")
    check("init.elf" in out, f"info symbol main names init.elf: {out!r}")
    out = run("list main")
    check("main(int argc" in out, f"list main shows user/init.c: {out!r}")
    run("hbreak main")
    cont("init's main in ring 3")
    name, filename, _ = here()
    check(name == "main" and filename.endswith("user/init.c"),
          f"stopped in init's main with its source: {name} {filename}")
    run("delete")
    run(f"set var $current()->time_slice = {INIT_SLICE_TICKS}")
    back = check_yield_to_kernel()
    check_step_switch(new_task=True)
    check_program_stop("hello", "hello: hello, world")
    run(f"hbreak *{back:#x} if $current()->pid == 1")
    cont("init back in user/init.c from its sched_yield()")
    check_program_stop("init", YIELD_CALL)
    name, filename, _ = here()
    check(name == "normal_mode" and filename.endswith("user/init.c"),
          f"back from sched_yield() in init's normal_mode with its source: {name} {filename}")
    run("delete")


def check_program_stop(program, source_text):
    """Stopped in ring 3 in `program`'s own code (any stop: the symbols are swapped at the
    stop): `info symbol $pc` names its ELF and `list *$pc` shows its source."""
    if program != comm(current_task()):  # run there first: a breakpoint on its main
        gdb.Breakpoint("exec_prepared_mm", internal=True).condition = \
            f'$_streq(name, "{program}")'
        cont(f"exec_prepared_mm of {program}")
        run("delete")
        run("finish")  # out of exec: the task is `program` now, its mm loaded
        symbol = gdb.lookup_global_symbol("main")
        check(symbol is not None and symbol.symtab.filename.endswith(f"user/{program}.c"),
              f"after {program}'s exec, in the kernel, main is {program}'s")
        address = int(gdb.parse_and_eval("(unsigned long)&main"))
        run(f'hbreak *{address:#x} if $_streq($current()->comm, "{program}")')
        cont(f"{program}'s main in ring 3")
        run("delete")
    check(comm(current_task()) == program and int(gdb.parse_and_eval("$cs")) & 3 == 3,
          f"stopped in ring 3 in {program}")
    out = run("info symbol $pc")
    check(f"build/user/{program}.elf" in out,
          f"stopped in {program}: info symbol $pc names its ELF: {out!r}")
    out = run("list *$pc")
    check(source_text in out, f"stopped in {program}: list shows its source: {out!r}")


def check_yield_to_kernel():
    """With init's symbols: init's sched_yield() is musl's, without line information, but
    its caller is init's own source, the line of the call. From there across `syscall`
    into the kernel's entry (its source), then to context_switch from sys_sched_yield
    (init -> its child, which never ran). Returns the address in init's code that
    sched_yield() returns to."""
    run("hbreak sched_yield")
    cont("init's sched_yield() (after forking hello)")
    run("delete")
    frame = gdb.selected_frame()
    check(frame.name() == "sched_yield" and frame.function() is None and
          frame.find_sal().symtab is None,
          f"sched_yield() is musl's, without source: {frame.name()} {frame.find_sal().symtab}")
    caller = frame.older()
    sal = caller.find_sal()
    check(caller.name() == "normal_mode" and sal.symtab is not None and
          sal.symtab.filename.endswith("user/init.c") and
          sal.line == line_in_file(sal.symtab, YIELD_CALL),
          f"sched_yield()'s caller is init.c's line of the call: {caller.name()} {sal}")
    back = caller.pc()
    pushed = int(gdb.parse_and_eval("*(unsigned long *)$rsp"))
    check(back == pushed, f"the caller's pc is the return address the call pushed: "
                          f"{back:#x} {pushed:#x}")
    code = run("x/8i $pc")
    found = re.search(r"(0x[0-9a-f]+) <sched_yield\+\d+>:\s+syscall", code)
    check(found, f"a syscall instruction in sched_yield(): {code!r}")
    run(f"hbreak *{found.group(1)} if $current()->pid == 1")
    cont("the syscall instruction of init's sched_yield()")
    run("delete")
    run("stepi")
    _, filename, _ = here()
    name = gdb.selected_frame().name()  # an assembly routine: a minimal symbol only
    check(name == "entry_SYSCALL_64" and filename.endswith("arch/x86_64/syscall.S"),
          f"stepi over syscall lands in entry_SYSCALL_64 with source: {name} {filename}")
    run("break context_switch")
    cont("context_switch from init's sched_yield()")
    run("delete")
    out = run("bt")
    check(re.search(r"sys_sched_yield.*\n.*syscall_dispatch.*\n.*entry_SYSCALL_64", out),
          f"bt at context_switch: sys_sched_yield, syscall_dispatch, entry_SYSCALL_64: {out!r}")
    frame = gdb.selected_frame()
    prev, nxt = (frame.read_var(v).dereference() for v in ("prev", "next"))
    check(int(prev["pid"]) == 1 and int(nxt["pid"]) > 1 and comm(nxt) == "init",
          f"init yields to its child: {int(prev['pid'])} -> {int(nxt['pid'])} {comm(nxt)}")
    return back


def case_conditions():
    """[(case, condition)] from docs/gdb.md's table."""
    with open(GDB_DOC) as doc:
        rows = CASE_ROW.findall(doc.read())
    check(sorted(case for case, _ in rows) == sorted(CASE_NAMES + (CASE_FROM_EXITED,)),
          f"docs/gdb.md has a conditional breakpoint for every case: {rows}")
    return rows


def macros_known():
    """Does GDB know the kernel's macros (the debug build's -g3)?"""
    try:
        return int(gdb.parse_and_eval("PF_EXITING")) == PF_EXITING
    except gdb.error:
        return False


def check_conditions(rows, kind, exited):
    """At context_switch: each documented condition holds exactly for its case."""
    for case, condition in rows:
        if not macros_known():  # the -O2 kernel (-g): the values, as the doc says
            for name, value in (("PF_EXITING", PF_EXITING), ("PF_KTHREAD", PF_KTHREAD)):
                condition = condition.replace(name, hex(value))
        holds = bool(int(gdb.parse_and_eval(condition)))
        wanted = exited if case == CASE_FROM_EXITED else case == CASE_NAMES[kind]
        check(holds == wanted, f"`break context_switch if {condition}` stops exactly at "
                               f"{case} (a {case_text(kind, exited)} switch: {holds})")


def all_seen(seen):
    """Every case, one from an exited task, and a zombie mm: `seen` holds (case, exited)
    pairs and "zombie"."""
    cases = [entry for entry in seen if entry != "zombie"]
    return ({(kind, False) for kind in range(5)} | {"zombie"}) <= seen and \
        any(exited for _, exited in cases)


# ---- zombie_mm and use_mm ----------------------------------------------------------------

def frames():
    """The function names of the current backtrace, innermost first."""
    names, frame = [], gdb.newest_frame()
    while frame is not None:
        names.append(frame.name() or "?")
        frame = frame.older()
    return names


def lazy_users(mm):
    return [comm(t) for t in tasks() if not ptr(t["mm"]) and ptr(t["active_mm"]) == mm]


def mm_at(address):
    return gdb.parse_and_eval(f"(struct mm_struct *){address:#x}")


def check_zombie_mm():
    """scenario=zombie_mm: A's mm_users reaches 0 in exit_mm while A, then kernel threads,
    keep it lazily (mm_count); the last mmdrop, in finish_task_switch when the last lazy
    user switches to B, frees it."""
    run("hbreak exit_mm")
    cont("exit_mm (A exits at once)")
    run("delete")
    a = ptr(current_task()["mm"])
    check(comm(current_task()) == "A" and mm_counts(mm_at(a)) == (1, 1),
          f"A exits, its mm's only user: {mm_counts(mm_at(a))}")
    run(f"watch -l ((struct mm_struct *){a:#x})->mm_users.counter")
    cont("A's mm_users reaching 0")
    check(mm_counts(mm_at(a))[0] == 0 and "exit_mm" in frames() and "mmput" in frames(),
          f"mm_users reaches 0 in mmput from exit_mm: {frames()}")
    out = run(f"sl-mm (struct mm_struct *){a:#x}")
    check("ZOMBIE (mm_users == 0)" in out and "lazy users: 2 A" in out,
          f"sl-mm: a zombie, A its lazy user: {out!r}")
    run("delete")
    run(f"watch -l ((struct mm_struct *){a:#x})->mm_count.counter")
    cont("A's mm_count dropping (the users' reference, in __mmput)")
    check(mm_counts(mm_at(a)) == (0, 1) and "__mmput" in frames() and
          lazy_users(a) == ["A"], f"the users' reference goes; A's lazy one keeps mm_count "
                                  f"at 1: {mm_counts(mm_at(a))}, {lazy_users(a)}")
    cont("A's mm_count reaching 0 (the last mmdrop)")
    check(mm_counts(mm_at(a))[1] == 0 and frames()[:2] == ["mmdrop", "finish_task_switch"],
          f"the last mmdrop is finish_task_switch's: {frames()[:3]}")
    prev = gdb.newest_frame().older().read_var("prev").dereference()
    check(not ptr(prev["mm"]) and comm(current_task()) == "B" and lazy_users(a) == [],
          f"the last lazy user (a kernel thread) switched to B, none is left: "
          f"{comm(prev)} -> {comm(current_task())}, {lazy_users(a)}")
    cont("A's mm_struct freed (poisoned by the slab)")
    check("__mmdrop" in frames() and "kmem_cache_free" in frames(),
          f"__mmdrop frees the struct: {frames()}")
    run("delete")


def check_use_mm():
    """scenario=use_mm: kthread_use_mm makes K1 a real user of U (CR3 written, outside
    any switch), switched as a real task; kthread_unuse_mm leaves it lazy on U."""
    run("hbreak kthread_use_mm")
    cont("kthread_use_mm (K1 adopts U)")
    run("delete")
    k1 = current_task()
    u = ptr(gdb.selected_frame().read_var("mm"))
    borrowed = ptr(k1["active_mm"])
    check(comm(k1) == "K1" and not ptr(k1["mm"]) and borrowed and borrowed != u,
          "K1, a kernel thread lazy on another mm, adopts U")
    users, count = mm_counts(mm_at(u))
    borrowed_count = mm_counts(mm_at(borrowed))[1]
    writes = int(gdb.parse_and_eval("boot_cpu_state.nr_cr3_writes"))
    run("finish")
    k1 = current_task()
    check(ptr(k1["mm"]) == u and ptr(k1["active_mm"]) == u, "K1's mm and active_mm are U")
    check(cr3() & CR3_ADDR_MASK == pgd_phys(mm_at(u)) and
          int(gdb.parse_and_eval("boot_cpu_state.nr_cr3_writes")) == writes + 1,
          "kthread_use_mm writes CR3 (once), U's PML4")
    check(mm_counts(mm_at(u)) == (users, count + 1),
          f"U: mm_count +1 (K1's reference), mm_users same: {mm_counts(mm_at(u))}")
    check(mm_counts(mm_at(borrowed))[1] == borrowed_count - 1,
          "the lazy reference on the mm K1 borrowed is dropped")
    out = run("sl-mm")
    check("real users: 2 K1" in out, f"sl-mm: K1 is U's real user: {out!r}")
    at_switch = gdb.Breakpoint("context_switch", internal=True)
    seen = set()
    for _ in range(2):  # K1 -> K2 and back: K1 switched as a real task
        cont("context_switch (K1, a real task now)")
        check_switch(seen)
    at_switch.delete()
    check({kind for kind, _ in seen} == {0, 2},
          f"K1 -> K2 real->kernel, back kernel->real: {seen}")
    run("hbreak kthread_unuse_mm")
    cont("kthread_unuse_mm (K1 gives U back)")
    run("delete")
    users, count = mm_counts(mm_at(u))
    before = cr3()
    run("finish")
    k1 = current_task()
    check(not ptr(k1["mm"]) and ptr(k1["active_mm"]) == u and cr3() == before,
          "after kthread_unuse_mm K1 is lazy on U, CR3 unchanged")
    check(mm_counts(mm_at(u)) == (users, count),
          f"U's counts: K1's reference becomes the lazy one: {mm_counts(mm_at(u))}")
    out = run("sl-ps")
    check(re.search(r"^\*\s+2 K1 .* lazy\s+U:", out, re.M), f"sl-ps: K1 lazy on U: {out!r}")


# ---- smp: every CPU's state ----------------------------------------------------------------

SL_CPUS_ROW = re.compile(r"^([* ])\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+) (\S+)\s+(\S+)\s+(yes|no)"
                         r"\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)$", re.M)
COUNTERS = ("nr_switches", "nr_cr3_writes", "nr_lazy_switches", "nr_ticks")


def cpu_field(cpu, field):
    """cpu_states[cpu]->field, read with a GDB expression (not through the helpers)."""
    return gdb.parse_and_eval(f"cpu_states[{cpu}]->{field}")


def online_directly():
    mask = int(gdb.parse_and_eval("cpu_online_mask"))
    return [cpu for cpu in range(64) if mask & (1 << cpu)]


def thread_of_cpu_directly(cpu):
    """The GDB thread whose $gs_base is cpu_states[cpu] (all stopped in the kernel)."""
    area = int(gdb.parse_and_eval(f"(unsigned long)cpu_states[{cpu}]"))
    selected, found = gdb.selected_thread(), None
    for thread in gdb.selected_inferior().threads():
        thread.switch()
        if int(gdb.parse_and_eval("$gs_base")) & 0xFFFFFFFFFFFFFFFF == area:
            found = thread
    selected.switch()
    check(found is not None, f"a GDB thread runs as CPU {cpu}")
    return found


def check_sl_cpus(online, selected_cpu):
    """sl-cpus: one row per online CPU, each field the kernel's own."""
    out = run("sl-cpus")
    rows = SL_CPUS_ROW.findall(out)
    check([int(row[1]) for row in rows] == online, f"sl-cpus lists the online CPUs {online}: "
                                                   f"{out!r}")
    for mark, cpu, apic, thread, pid, name, mm, lazy, *counters in rows:
        cpu = int(cpu)
        cur = cpu_field(cpu, "current_task").dereference()
        check((mark == "*") == (cpu == selected_cpu), f"sl-cpus marks the selected CPU: {out!r}")
        check(int(apic) == int(cpu_field(cpu, "apic_id")), f"sl-cpus: CPU {cpu}'s APIC ID")
        check(int(thread) == thread_of_cpu_directly(cpu).num, f"sl-cpus: CPU {cpu}'s thread")
        check((int(pid), name) == (int(cur["pid"]), cur["comm"].string()),
              f"sl-cpus: CPU {cpu}'s current task")
        check(mm == cpu_field(cpu, "loaded_mm")["name"].string(), f"sl-cpus: CPU {cpu}'s loaded_mm")
        check((lazy == "yes") == bool(cpu_field(cpu, "is_lazy")), f"sl-cpus: CPU {cpu}'s is_lazy")
        check([int(c) for c in counters] == [int(cpu_field(cpu, f)) for f in COUNTERS],
              f"sl-cpus: CPU {cpu}'s counters {COUNTERS}")


def check_smp():
    """Two CPUs, stopped where pid 1 first runs (every AP has called in and idles): the
    helpers see every CPU, and the selected GDB thread decides whose state is "current"."""
    run("hbreak kernel_init")
    cont("kernel_init (every AP called in)")
    run("delete")
    online = online_directly()
    check(online == [0, 1], f"two CPUs online: {online}")
    out = run("info threads")
    check(len(re.findall(r"^[* ]\s+\d+\s+Thread ", out, re.M)) == len(online) ==
          len(gdb.selected_inferior().threads()), f"info threads: one thread per CPU: {out!r}")
    check(thread_of_cpu_directly(0).num == gdb.selected_thread().num, "thread 1 is CPU 0")
    check_sl_cpus(online, 0)
    cr3_of = {}
    for cpu in online:
        thread_of_cpu_directly(cpu).switch()
        cr3_of[cpu] = cr3()
    run(f"thread {thread_of_cpu_directly(1).num}")
    check_sl_cpus(online, 1)
    for expr, cpu in (("$current()", 1), ("$current(0)", 0), ("$current(1)", 1)):
        check(ptr(gdb.parse_and_eval(expr)) == ptr(cpu_field(cpu, "current_task")),
              f"{expr} in thread 2 is CPU {cpu}'s current_task")
    check(gdb.parse_and_eval("$current()")["comm"].string() == "swapper/1",
          "$current() in thread 2 is swapper/1")
    for arg, cpu in (("", 1), ("0", 0), ("1", 1)):
        out = run(f"sl-cr3 {arg}")
        mm = cpu_field(cpu, "loaded_mm")
        check(out.startswith(f"CPU {cpu}: CR3 {cr3_of[cpu]:#x}:") and
              f"mm {mm['name'].string()} at" in out,
              f"sl-cr3 {arg} in thread 2: CPU {cpu}'s CR3, from its thread: {out!r}")
    out = run("sl-ps")
    running = {(int(cpu_field(c, "current_task")["pid"]), cpu_field(c, "current_task")["comm"]
                .string()) for c in online}
    marked = {(int(pid), name) for mark, pid, name in
              re.findall(r"^([* ])\s+(\d+) (\S+)", out, re.M) if mark == "*"}
    check(marked == running, f"sl-ps marks each CPU's running task {running}: {out!r}")
    check(re.search(r"^\*\s+0 swapper/1\s+R\s+1 0x0+ 0x\S+ lazy\s+init_mm:", out, re.M),
          f"sl-ps: swapper/1 runs on CPU 1, lazily on init_mm: {out!r}")
    out = run("sl-mm &init_mm")
    init_mm = ptr(gdb.parse_and_eval("&init_mm"))
    loaded = [c for c in online if ptr(cpu_field(c, "loaded_mm")) == init_mm]
    lazy = [c for c in loaded if bool(cpu_field(c, "is_lazy"))]
    check(1 in loaded and f"loaded on CPUs: {', '.join(map(str, loaded))} (lazily: "
          f"{', '.join(map(str, lazy)) or 'none'};" in out,
          f"sl-mm &init_mm: loaded on CPUs {loaded}, lazily on {lazy}: {out!r}")
    check(re.search(r"lazy users: .*\b0 swapper/1\b", out),
          f"sl-mm &init_mm: swapper/1 is a lazy user: {out!r}")
    run("thread 1")


def main():
    scenario = gdb.convenience_variable("sl_scenario")
    scenario = scenario.string() if scenario is not None else "all_cases"
    if scenario == "smp":
        check_smp()
        return
    say(f"WAITING: switch_scenario_run (the {scenario} scenario starting)")
    gdb.execute("hbreak switch_scenario_run", to_string=True)
    run("continue")
    run("delete")
    if scenario == "zombie_mm":
        check_zombie_mm()
    elif scenario == "use_mm":
        check_use_mm()
    else:
        check_all_cases()


def check_all_cases():
    switch_to_line = source_line("context_switch", "switch_to(prev, next)")
    stepped, seen = set(), set()
    helpers_done = step_switch_done = False
    at_switch = gdb.Breakpoint("context_switch", internal=True)
    conditions = case_conditions()
    for _ in range(MAX_SWITCHES):
        cont("context_switch")
        kind, exited = switch_case(*(gdb.selected_frame().read_var(v).dereference()
                                     for v in ("prev", "next")))
        check_conditions(conditions, kind, exited)
        if (kind, exited) not in stepped:
            stepped.add((kind, exited))
            visited = step_switch(switch_to_line)
            say(f"stepped {CASE_NAMES[kind]}{' (exited)' if exited else ''}: "
                f"{len(visited)} lines")
            continue
        if helpers_done and not step_switch_done:
            check_step_switch()
            step_switch_done = True
            continue
        check_switch(seen)
        if not helpers_done and ptr(current_task()["mm"]):
            check_helpers()
            check_trace_and_switches(at_switch)
            helpers_done = True
        if all_seen(seen) and helpers_done:
            break
    check(all_seen(seen), f"every case, one from an exited task, a zombie mm seen: {seen}")
    check(step_switch_done, "sl-step-switch was checked")
    at_switch.delete()
    check_user_symbols()


try:
    main()
    say(f"GDB-TEST: PASS ({len(set(checks))} distinct checks, {len(checks)} in all)")
except (Failed, gdb.error) as err:
    say(f"GDB-TEST: FAIL {err}")
    gdb.execute("bt 5")
