# tools/gdb/sublet.py - GDB helper commands for sublet, in the spirit of Linux's scripts/gdb.
#
# Loaded by build/gdbinit (`source`) or by hand: `source tools/gdb/sublet.py`. It reads the
# kernel's own structures through GDB (the task list of sched/task.c, struct mm_struct,
# the per-CPU struct cpu_state, the switch trace) and prints them for people, so that a
# context switch can be followed without knowing where each field lives:
#
#   sl-ps  sl-cpus  sl-mm [MM]  sl-cr3 [CPU]  sl-pt ADDR  sl-case  sl-switches [N]  sl-trace [N]
#   sl-step-switch  sl-user-symbols [off|sync]
#   $current([CPU])  $task(PID)  $mm(PID)
#
# Every per-CPU read goes through cpus(), which walks the online CPUs (cpu_online_mask,
# cpu_states[]). QEMU's stub shows one GDB thread per CPU; a thread's CPU is the one
# whose struct cpu_state its GS base points at (thread_cpu()), so "current", CR3 and
# the default mm are those of the selected thread's CPU, as with Linux's lx_current(). `help sl-ps` etc. say what each prints. make test-gdb (tools/gdb_test.py)
# runs every command against a live kernel and checks its output against the kernel's
# own state; docs/gdb.md is a guided session.

import os

import gdb

PAGE_OFFSET = 0xFFFF888000000000  # arch/x86_64/x86.h: the direct map of physical memory
KERNEL_VIRT_BASE = 0xFFFFFFFF80000000  # maps physical 0 (the kernel image)
CR3_ADDR_MASK = 0x000FFFFFFFFFF000  # CR3 bits 51:12: the PML4's physical address
PTE_ADDR_MASK = 0x000FFFFFFFFFF000  # a table entry's physical address bits
PTRS_PER_TABLE = 512
# Page-table entry bits (SDM vol. 3, 4-level paging).
PTE_FLAGS = ((1 << 0, "P"), (1 << 1, "RW"), (1 << 2, "US"), (1 << 3, "PWT"), (1 << 4, "PCD"),
             (1 << 5, "A"), (1 << 6, "D"), (1 << 7, "PS"), (1 << 8, "G"), (1 << 63, "NX"))
PTE_PRESENT, PTE_PS = 1 << 0, 1 << 7
# (level name, shift of the index in the address) from the PML4 down.
LEVELS = (("PML4", 39), ("PDPT", 30), ("PD", 21), ("PT", 12))

PF_EXITING = 0x00000004  # sched/sched.h
PF_KTHREAD = 0x00200000
TASK_STATES = ((0x0, "R"), (0x1, "S"), (0x2, "D"), (0x80, "X"), (0x100 | 0x2, "K"))

# sched/switch_trace.h: enum switch_case, as the trace names it.
CASE_NAMES = ("real->kernel", "kernel->kernel", "kernel->real", "real->real same mm",
              "real->real other mm")
CASE_FROM_EXITED = "from an exited task"


# ---- reading the kernel -------------------------------------------------------------------

def ptr(value):
    """A pointer value as a Python int (0 for NULL)."""
    return int(value.cast(gdb.lookup_type("unsigned long")))


def container_of(address, type_name, member):
    """The struct `type_name` whose field `member` sits at `address`."""
    struct = gdb.lookup_type(type_name)
    offset = next(f.bitpos // 8 for f in struct.fields() if f.name == member)
    return gdb.Value(address - offset).cast(struct.pointer()).dereference()


def list_entries(head, type_name, member):
    """The entries of a struct list_head ring, `head` being the list_head value."""
    head_addr = ptr(head.address)
    node = ptr(head["next"])
    while node != head_addr:
        yield container_of(node, type_name, member)
        node = ptr(gdb.Value(node).cast(gdb.lookup_type("struct list_head").pointer())["next"])


NR_CPUS = 64  # kernel/smp.h: cpu_online_mask is one u64


def cpus():
    """(cpu number, struct cpu_state) of every online CPU, by number: the one place per-CPU
    state is found. cpu_online_mask says which are up, cpu_states[] (arch/x86_64/smpboot.c)
    holds their areas. Before smp_init records the boot CPU (mask still 0) only the boot
    CPU runs: its area is boot_cpu_state."""
    mask = int(gdb.parse_and_eval("cpu_online_mask"))
    if not mask & 1:
        yield 0, gdb.parse_and_eval("boot_cpu_state")
        return
    states = gdb.lookup_static_symbol("cpu_states").value()
    for cpu in range(NR_CPUS):
        if mask & (1 << cpu):
            yield cpu, states[cpu].dereference()


def cpu_state(cpu=None):
    """`cpu`'s struct cpu_state (default: the CPU of the selected GDB thread)."""
    if cpu is None:
        cpu = thread_cpu()
    found = dict(cpus())
    if cpu not in found:
        raise gdb.GdbError(f"CPU {cpu} is not online (cpu_online_mask "
                           f"{int(gdb.parse_and_eval('cpu_online_mask')):#x})")
    return found[cpu]


def in_thread(thread, read):
    """`read()` with `thread` selected (QEMU's stub: one thread per CPU), then the thread
    and frame selected before are selected again."""
    selected = gdb.selected_thread()
    if thread is None or thread == selected:
        return read()
    frame = gdb.selected_frame()
    thread.switch()
    try:
        return read()
    finally:
        selected.switch()
        frame.select()


def thread_cpu(thread=None):
    """The CPU number a GDB thread (default: the selected one) runs as: its GS base is its
    CPU's struct cpu_state; in ring 3 (swapgs done) the kernel's is in KERNEL_GS_BASE.
    Until smp_init puts the boot CPU online only QEMU's first thread runs, as CPU 0,
    perhaps before its GS base is set; after that a GS base that is no CPU's area is an
    error."""
    thread = thread or gdb.selected_thread()
    areas = {ptr(state.address): cpu for cpu, state in cpus()}

    def read():
        user = int(gdb.parse_and_eval("$cs")) & 3 == 3
        return int(gdb.parse_and_eval("$k_gs_base" if user else "$gs_base"))

    base = in_thread(thread, read) & 0xFFFFFFFFFFFFFFFF
    if base in areas:
        return areas[base]
    booting = not int(gdb.parse_and_eval("cpu_online_mask")) & 1
    if booting and thread.num == min(t.num for t in gdb.selected_inferior().threads()):
        return 0
    raise gdb.GdbError(f"thread {thread.num}: GS base {base:#x} is no online CPU's area "
                       f"(a CPU not up yet?)")


def cpu_thread(cpu):
    """The GDB thread that runs as `cpu`."""
    for thread in gdb.selected_inferior().threads():
        try:
            if thread_cpu(thread) == cpu:
                return thread
        except gdb.GdbError:
            continue
    raise gdb.GdbError(f"no GDB thread runs as CPU {cpu}")


def current_task(cpu=None):
    """The task running on `cpu` (default: the selected GDB thread's CPU)."""
    return cpu_state(cpu)["current_task"].dereference()


def tasks():
    """Every task alive, in the order of the kernel's list (sched/task.c: all_tasks)."""
    head = gdb.lookup_static_symbol("all_tasks")
    if head is None:
        raise gdb.GdbError("no all_tasks symbol: is the kernel's ELF loaded?")
    return list_entries(head.value(), "struct task_struct", "tasks")


def find_task(pid):
    for task in tasks():
        if int(task["pid"]) == pid:
            return task
    raise gdb.GdbError(f"no task with pid {pid}")


def comm(task):
    return task["comm"].string()


def mm_name(mm_ptr):
    """An mm's name for messages, or "-" for NULL."""
    if ptr(mm_ptr) == 0:
        return "-"
    return mm_ptr.dereference()["name"].string()


def mm_counts(mm_ptr):
    mm = mm_ptr.dereference()
    return int(mm["mm_users"]["counter"]), int(mm["mm_count"]["counter"])


def mm_kind(task):
    """real (has its own mm), lazy (runs on a borrowed one) or none (not running, no mm)."""
    if ptr(task["mm"]):
        return "real"
    return "lazy" if ptr(task["active_mm"]) else "none"


def task_state(task):
    state = int(task["state"])
    for value, letter in TASK_STATES:
        if state == value:
            return letter
    return hex(state)


def read_u64(address):
    data = gdb.selected_inferior().read_memory(address, 8)
    return int.from_bytes(bytes(data), "little")


def read_phys_u64(phys):
    """Physical memory, read through the kernel's direct map (works whatever CR3 holds)."""
    return read_u64(PAGE_OFFSET + phys)


def cr3(thread=None):
    """CR3 of a GDB thread (default: the selected one), from its own registers."""
    return in_thread(thread, lambda: int(gdb.parse_and_eval("$cr3"))) & 0xFFFFFFFFFFFFFFFF


def pgd_phys(mm_ptr):
    return ptr(mm_ptr.dereference()["pgd"]) - PAGE_OFFSET


def mm_of_cr3(value):
    """The mm whose PML4 CR3 holds: the loaded_mm of a CPU, else any task's mm, init_mm."""
    phys = value & CR3_ADDR_MASK
    candidates = [state["loaded_mm"] for _, state in cpus()]
    candidates += [t["active_mm"] for t in tasks()] + [t["mm"] for t in tasks()]
    candidates.append(gdb.parse_and_eval("&init_mm"))
    for mm in candidates:
        if ptr(mm) and pgd_phys(mm) == phys:
            return mm
    return None


def flags_text(entry):
    return " ".join(name for bit, name in PTE_FLAGS if entry & bit)


def page_walk(address, root=None):
    """Walk the 4-level tables from CR3 (or `root`, a PML4 physical address) for `address`:
    a list of (level, index, entry address, entry) and the physical address it maps to
    (None if the walk ends at a non-present entry)."""
    table = (cr3() if root is None else root) & CR3_ADDR_MASK
    steps = []
    for level, shift in LEVELS:
        index = (address >> shift) & (PTRS_PER_TABLE - 1)
        entry_phys = table + index * 8
        entry = read_phys_u64(entry_phys)
        steps.append((level, index, entry_phys, entry))
        if not entry & PTE_PRESENT:
            return steps, None
        if entry & PTE_PS and level in ("PDPT", "PD"):
            page_mask = (1 << shift) - 1
            return steps, (entry & PTE_ADDR_MASK & ~page_mask) | (address & page_mask)
        table = entry & PTE_ADDR_MASK
    return steps, table | (address & 0xFFF)


def switch_case(prev, next_task):
    """The case of context_switch for prev -> next, as the kernel decides it (by ->mm), and
    whether prev is an exited task (PF_EXITING, mm already given up in exit_mm)."""
    if not ptr(next_task["mm"]):
        kind = 0 if ptr(prev["mm"]) else 1
    elif not ptr(prev["mm"]):
        kind = 2
    else:
        kind = 3 if ptr(prev["mm"]) == ptr(next_task["mm"]) else 4
    exited = not ptr(prev["mm"]) and bool(int(prev["flags"]) & PF_EXITING) and \
        not int(prev["flags"]) & PF_KTHREAD
    return kind, exited


def case_text(kind, exited):
    name = CASE_NAMES[kind]
    if exited:
        name = name.replace("kernel->", "exited->", 1) + f" ({CASE_FROM_EXITED})"
    return name


def case_expectations(kind, exited, prev, next_task):
    """What the design says this switch must do (docs/active_mm.md), as lines."""
    pam = mm_name(prev["active_mm"])
    owner = "prev's reference from exit_mm" if exited else "the borrowed reference"
    if kind == 0:
        return [f"CR3: stays (next borrows {pam})",
                f"active_mm: next->active_mm = {pam}",
                f"counts: mmgrab({pam}): mm_count +1, mm_users unchanged"]
    if kind == 1:
        return [f"CR3: stays (next borrows {pam})",
                f"active_mm: next->active_mm = {pam}, prev->active_mm = NULL",
                f"counts: none move ({owner} moves from prev to next)"]
    nmm = mm_name(next_task["mm"])
    if kind == 2:
        write = "stays" if ptr(prev["active_mm"]) == ptr(next_task["mm"]) else "written"
        return [f"CR3: {write} (switch_mm to {nmm})",
                f"active_mm: prev->active_mm = NULL, {pam} parked in rq->prev_mm",
                f"counts: finish_task_switch mmdrop({pam}): mm_count -1 ({owner})"]
    if kind == 3:
        return ["CR3: stays (same mm)", "active_mm: unchanged", "counts: none move"]
    return [f"CR3: written (switch_mm to {nmm})", "active_mm: next's own",
            "counts: none move"]


def task_line(task):
    """One task as sl-ps prints it."""
    mm, amm = task["mm"], task["active_mm"]
    counts = ""
    shown = mm if ptr(mm) else amm
    if ptr(shown):
        users, count = mm_counts(shown)
        counts = f"{mm_name(shown)}:users={users},count={count}"
    return (f"{int(task['pid']):>4} {comm(task):<16} {task_state(task):<3} "
            f"{int(task['cpu']):>3} {ptr(mm):#018x} {ptr(amm):#018x} {mm_kind(task):<5} "
            f"{counts}")


# ---- commands -----------------------------------------------------------------------------

class SlPs(gdb.Command):
    """sl-ps: every task of the kernel's task list (sched/task.c, all_tasks).

Columns: pid, comm, state (R running/runnable, S, D, K sleeping, X dead), cpu, mm,
active_mm, kind (real: has its own mm; lazy: runs on a borrowed active_mm; none: a
kernel thread not running), and the mm it uses with mm_users and mm_count. A "*"
marks the task running on its CPU (each online CPU's current_task: one per CPU)."""

    def __init__(self):
        super().__init__("sl-ps", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        running = {ptr(state["current_task"]) for _, state in cpus()}
        gdb.write(f"  {'PID':>4} {'COMM':<16} {'ST':<3} {'CPU':>3} {'MM':<18} "
                  f"{'ACTIVE_MM':<18} {'KIND':<5} USERS/COUNT\n")
        for task in tasks():
            mark = "*" if ptr(task.address) in running else " "
            gdb.write(f"{mark} {task_line(task)}\n")


def parse_mm(arg):
    """An mm from sl-mm's argument: an expression (pointer or struct), or the current
    task's active_mm."""
    if not arg.strip():
        return current_task()["active_mm"]
    value = gdb.parse_and_eval(arg)
    if value.type.strip_typedefs().code != gdb.TYPE_CODE_PTR:
        value = value.address
    return value.cast(gdb.lookup_type("struct mm_struct").pointer())


class SlMm(gdb.Command):
    """sl-mm [MM]: one address space (default: the current task's active_mm).

MM is any expression for a struct mm_struct or a pointer to one (&init_mm, $mm(3),
next->mm). Prints mm_users and mm_count, the PML4's physical address, the VMAs, the
tasks using it really (->mm) or lazily (->active_mm only), the CPUs that have it
loaded in CR3 (each online CPU's cpu_state.loaded_mm) and of those the lazy ones
(is_lazy: a kernel thread runs there on it), and "zombie" if mm_users is 0 (no real
user left; the struct lives on while mm_count holds it)."""

    def __init__(self):
        super().__init__("sl-mm", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, arg, from_tty):
        mm_ptr = parse_mm(arg)
        if not ptr(mm_ptr):
            raise gdb.GdbError("sl-mm: NULL mm")
        mm = mm_ptr.dereference()
        users, count = mm_counts(mm_ptr)
        zombie = "  ZOMBIE (mm_users == 0)" if users == 0 else ""
        gdb.write(f"mm {mm_name(mm_ptr)} at {ptr(mm_ptr):#x}: mm_users={users} "
                  f"mm_count={count}{zombie}\n")
        gdb.write(f"  pgd {ptr(mm['pgd']):#x}  PML4 phys {pgd_phys(mm_ptr):#x}  "
                  f"pages={int(mm['nr_pages'])} pgtables={int(mm['nr_pgtables'])}\n")
        for vma in list_entries(mm["mmap"], "struct vm_area_struct", "vm_list"):
            flags = int(vma["vm_flags"])
            perms = "".join(c if flags & bit else "-" for bit, c in ((1, "r"), (2, "w"), (4, "x")))
            gdb.write(f"  vma {int(vma['vm_start']):#x}-{int(vma['vm_end']):#x} {perms}\n")
        real = [t for t in tasks() if ptr(t["mm"]) == ptr(mm_ptr)]
        lazy = [t for t in tasks() if not ptr(t["mm"]) and ptr(t["active_mm"]) == ptr(mm_ptr)]
        names = lambda ts: ", ".join(f"{int(t['pid'])} {comm(t)}" for t in ts) or "none"
        gdb.write(f"  real users: {names(real)}\n")
        gdb.write(f"  lazy users: {names(lazy)}\n")
        loaded = [(cpu, bool(state["is_lazy"])) for cpu, state in cpus()
                  if ptr(state["loaded_mm"]) == ptr(mm_ptr)]
        lazy_cpus = ", ".join(str(cpu) for cpu, lazy in loaded if lazy) or "none"
        gdb.write(f"  loaded on CPUs: {', '.join(str(cpu) for cpu, _ in loaded) or 'none'} "
                  f"(lazily: {lazy_cpus}; cpumask {int(mm['cpumask']):#x})\n")


class SlCr3(gdb.Command):
    """sl-cr3 [CPU]: decode CR3 (the PML4's physical address, PCD/PWT) and name the mm it is.

CPU defaults to the selected GDB thread's; another CPU's CR3 is read from its own GDB
thread's registers. The mm is found by its PML4: a CPU's loaded_mm, a task's mm or
active_mm, or init_mm."""

    def __init__(self):
        super().__init__("sl-cr3", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cpu = int(gdb.parse_and_eval(arg)) if arg.strip() else thread_cpu()
        value = cr3(cpu_thread(cpu))
        mm = mm_of_cr3(value)
        name = f"mm {mm_name(mm)} at {ptr(mm):#x}" if mm is not None else "no known mm"
        gdb.write(f"CPU {cpu}: CR3 {value:#x}: PML4 phys {value & CR3_ADDR_MASK:#x} "
                  f"PWT={value >> 3 & 1} PCD={value >> 4 & 1}: {name}\n")


class SlCpus(gdb.Command):
    """sl-cpus: every online CPU (cpu_online_mask) and its struct cpu_state.

Columns: CPU number, local APIC ID, the GDB thread that runs as it (its GS base is the
CPU's area), the task running there (current_task), loaded_mm (what its CR3 holds),
LAZY (is_lazy: a kernel thread runs on the borrowed loaded_mm; enter_lazy_tlb leaves it
false on init_mm, the kernel's own tables), and the counters nr_switches, nr_cr3_writes,
nr_lazy_switches, nr_ticks. A "*" marks the selected thread's CPU. sublet keeps no TLB
generation yet, so none is shown."""

    def __init__(self):
        super().__init__("sl-cpus", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        selected = thread_cpu()
        gdb.write(f"  {'CPU':>3} {'APIC':>4} {'THREAD':>6} {'CURRENT':<20} {'LOADED_MM':<12} "
                  f"{'LAZY':<4} {'SWITCHES':>8} {'CR3_WRITES':>10} {'LAZY_SWITCHES':>13} "
                  f"{'TICKS':>6}\n")
        for cpu, state in cpus():
            cur = state["current_task"].dereference()
            mark = "*" if cpu == selected else " "
            running = f"{int(cur['pid'])} {comm(cur)}"
            gdb.write(f"{mark} {cpu:>3} {int(state['apic_id']):>4} {cpu_thread(cpu).num:>6} "
                      f"{running:<20} {mm_name(state['loaded_mm']):<12} "
                      f"{'yes' if state['is_lazy'] else 'no':<4} "
                      f"{int(state['nr_switches']):>8} {int(state['nr_cr3_writes']):>10} "
                      f"{int(state['nr_lazy_switches']):>13} {int(state['nr_ticks']):>6}\n")


class SlPt(gdb.Command):
    """sl-pt ADDR: walk the current page tables (CR3) for virtual address ADDR.

Prints each level (PML4, PDPT, PD, PT) with the index, the entry and its flags (P RW US
PWT PCD A D PS G NX), read through the direct map, and where the walk ends: the physical
address ADDR maps to, a large page, or the level whose entry is not present."""

    def __init__(self):
        super().__init__("sl-pt", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise gdb.GdbError("usage: sl-pt ADDR")
        address = ptr(gdb.parse_and_eval(arg)) & 0xFFFFFFFFFFFFFFFF
        steps, phys = page_walk(address)
        gdb.write(f"{address:#x} under CR3 {cr3():#x}:\n")
        for level, index, entry_phys, entry in steps:
            gdb.write(f"  {level:<4} [{index:3}] at phys {entry_phys:#x}: {entry:#018x} "
                      f"{flags_text(entry)}\n")
        if phys is None:
            gdb.write(f"  not mapped: the walk ends at the {steps[-1][0]} entry (not present)\n")
        else:
            size = {"PDPT": "1G page", "PD": "2M page", "PT": "4K page"}[steps[-1][0]]
            gdb.write(f"  -> phys {phys:#x} ({size})\n")


def frame_var(name):
    try:
        return gdb.selected_frame().read_var(name)
    except ValueError as err:
        raise gdb.GdbError(f"no '{name}' here: {err}") from err


class SlCase(gdb.Command):
    """sl-case: which case of context_switch this is, and what it must do.

Stopped in context_switch (before switch_to): names the case (real->kernel,
kernel->kernel, kernel->real, real->real same mm, real->real other mm; a prev that is an
exited task, PF_EXITING with its mm given up, is named as such) and says what must happen
to CR3, active_mm and the counts. Stopped in finish_task_switch: says the switch has
happened (prev -> current), whether a parked mm is still to be dropped, and whether prev
is dead (its stack freed here)."""

    def __init__(self):
        super().__init__("sl-case", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        function = gdb.selected_frame().function()
        name = function.name if function else "?"
        if name == "context_switch":
            prev, nxt = frame_var("prev").dereference(), frame_var("next").dereference()
            kind, exited = switch_case(prev, nxt)
            gdb.write(f"{int(prev['pid'])} {comm(prev)} -> {int(nxt['pid'])} {comm(nxt)}: "
                      f"{case_text(kind, exited)}\n")
            for line in case_expectations(kind, exited, prev, nxt):
                gdb.write(f"  {line}\n")
        elif name in ("finish_task_switch", "schedule_tail"):
            prev = frame_var("prev").dereference()
            cur = current_task()
            parked = cpu_state()["rq"]["prev_mm"]
            gdb.write(f"the switch {int(prev['pid'])} {comm(prev)} -> {int(cur['pid'])} "
                      f"{comm(cur)} has happened: CR3 {cr3():#x}, current->active_mm "
                      f"{mm_name(cur['active_mm'])}\n")
            if ptr(parked):
                gdb.write(f"  parked mm {mm_name(parked)} (mm_count "
                          f"{mm_counts(parked)[1]}) is still to be dropped\n")
            else:
                gdb.write("  no parked mm (already dropped, or none)\n")
            if int(prev["state"]) == 0x80:
                gdb.write("  prev is dead: its stack is freed here\n")
        else:
            raise gdb.GdbError(f"sl-case: stop in context_switch or finish_task_switch, "
                               f"not {name}")


def finish_line():
    """The line of finish_task_switch right after the parked mm's drop, where a switch's
    "after" state is final; None if the source cannot be read (break at entry then)."""
    symbol = gdb.lookup_global_symbol("finish_task_switch")
    if symbol is None or symbol.symtab is None:
        return None
    try:
        with open(symbol.symtab.fullname()) as source:
            lines = source.read().splitlines()
    except OSError:
        return None
    for number in range(symbol.line, min(symbol.line + 40, len(lines))):
        if "trace_sched_switch_finish(" in lines[number - 1]:
            return f"{symbol.symtab.filename}:{number}"
    return None


class SwitchLogger:
    """Silent breakpoints on context_switch and on finish_task_switch after its drop:
    each switch is logged as prev -> next, case, CR3 before/after, counts."""

    def __init__(self, count):
        self.left = count
        self.pending = {}  # cpu -> the "before" half of its switch in flight
        self.done = []
        logger = self

        class Before(gdb.Breakpoint):
            def stop(self):
                return logger.before()

        class After(gdb.Breakpoint):
            def stop(self):
                return logger.after()

        self.breakpoints = [Before("context_switch", internal=True),
                            After(finish_line() or "finish_task_switch", internal=True)]

    def before(self):
        frame = gdb.selected_frame()
        prev, nxt = frame.read_var("prev").dereference(), frame.read_var("next").dereference()
        kind, exited = switch_case(prev, nxt)
        amm = prev["active_mm"]
        self.pending[thread_cpu()] = dict(prev=f"{int(prev['pid'])} {comm(prev)}",
                               next=f"{int(nxt['pid'])} {comm(nxt)}",
                               case=case_text(kind, exited), cr3=cr3(), amm=amm,
                               counts=mm_counts(amm) if ptr(amm) else None)
        return False

    def after(self):
        start = self.pending.pop(thread_cpu(), None)
        if start is None:  # a switch begun before the logging started
            return False
        cur = current_task()
        amm = start["amm"]
        counts = mm_counts(amm) if ptr(amm) else None
        moved = f"{mm_name(amm)} users/count {start['counts']} -> {counts}" if counts else ""
        line = (f"{start['prev']} -> {start['next']}: {start['case']}; CR3 {start['cr3']:#x} -> "
                f"{cr3():#x}; next active_mm {mm_name(cur['active_mm'])}; {moved}")
        self.done.append(line)
        gdb.write(line + "\n")
        self.left -= 1
        return self.left <= 0

    def delete(self):
        for bp in self.breakpoints:
            bp.delete()


class SlSwitches(gdb.Command):
    """sl-switches [N]: let the kernel run and log its next N switches (default 10).

Silent breakpoints on context_switch and in finish_task_switch (after the parked mm is
dropped) print one line per switch: prev -> next, the case, CR3 before and after, next's
active_mm, and prev's active_mm's mm_users/mm_count before and after. Stops after N."""

    def __init__(self):
        super().__init__("sl-switches", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        count = int(gdb.parse_and_eval(arg)) if arg.strip() else 10
        logger = SwitchLogger(count)
        try:
            gdb.execute("continue")
        finally:
            logger.delete()


class SlTrace(gdb.Command):
    """sl-trace [N]: the last N records of the kernel's switch trace (default 10), per CPU.

The trace (sched/switch_trace.h) is a ring of SWITCH_TRACE_LEN records per CPU, filled
while switch_trace_enabled (the scenarios turn it on). Each line: the record's wrapped
index, prev -> next, the case, CR3 before -> after (hex), the lazy mm's mm_count."""

    def __init__(self):
        super().__init__("sl-trace", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        wanted = int(gdb.parse_and_eval(arg)) if arg.strip() else 10
        on = bool(int(gdb.parse_and_eval("switch_trace_enabled")))
        for cpu, _ in cpus():
            trace = gdb.parse_and_eval("switch_trace")[cpu]
            records = trace["records"]
            length = records.type.range()[1] + 1
            count = int(trace["count"])
            shown = min(wanted, count, length)
            gdb.write(f"CPU {cpu}: {count} switches recorded (trace {'on' if on else 'off'}), "
                      f"last {shown}:\n")
            for n in range(count - shown, count):
                rec = records[n % length]
                kind = int(rec["kind"])
                flight = " (in flight: no after yet)" if ptr(rec.address) == ptr(
                    trace["pending"]) else ""
                gdb.write(f"  [{n % length:3}] {int(rec['prev_pid'])} "
                          f"{rec['prev_comm'].string()} -> {int(rec['next_pid'])} "
                          f"{rec['next_comm'].string()}: {CASE_NAMES[kind]}; CR3 "
                          f"{int(rec['cr3_before']):#x} -> {int(rec['cr3_after']):#x}; lazy "
                          f"count {int(rec['lazy_count_before'])} -> "
                          f"{int(rec['lazy_count_after'])}{flight}\n")


class SwitchFollower(gdb.Breakpoint):
    """A silent breakpoint that stops only once `task` is current: next's side of a
    switch, found from the frame before switch_to runs."""

    def __init__(self, spec, task):
        super().__init__(spec, internal=True)
        self.target = task

    def stop(self):
        return ptr(current_task().address) == self.target


class SlStepSwitch(gdb.Command):
    """sl-step-switch: follow the switch from context_switch to next's side of switch_to.

Stopped in context_switch (before switch_to): reads next from the frame, lets the kernel
run across switch_to and stops where next continues: in finish_task_switch if next was
switched out before, in schedule_tail (from ret_from_fork) if it is a new task. A
`next` over switch_to would return in prev, much later; this stops in next, at once.
Says which task it is now in and that current is next."""

    def __init__(self):
        super().__init__("sl-step-switch", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        function = gdb.selected_frame().function()
        if function is None or function.name != "context_switch":
            raise gdb.GdbError("sl-step-switch: stop in context_switch first")
        prev, nxt = frame_var("prev").dereference(), frame_var("next").dereference()
        target = ptr(nxt.address)
        followers = [SwitchFollower(spec, target)
                     for spec in ("schedule_tail", "finish_task_switch")]
        try:
            gdb.execute("continue")
        finally:
            for follower in followers:
                follower.delete()
        cur = current_task()
        where = gdb.selected_frame().function()
        gdb.write(f"now in {int(cur['pid'])} {comm(cur)} ({where.name if where else '?'}), "
                  f"switched from {int(prev['pid'])} {comm(prev)}: current is next: "
                  f"{'yes' if ptr(cur.address) == target else 'NO'}\n")


def user_elf(name):
    """build/user/NAME.elf, found beside the kernel ELF (build/ or build/debug/) or from
    the source tree GDB read kernel/exec.c from; None if there is none."""
    places = []
    kernel = gdb.current_progspace().filename
    if kernel:
        places += [os.path.join(os.path.dirname(kernel), "user"),
                   os.path.join(os.path.dirname(kernel), os.pardir, "user")]
    symbol = gdb.lookup_global_symbol("exec_prepared_mm")
    if symbol is not None and symbol.symtab is not None:
        tree = os.path.dirname(os.path.dirname(symbol.symtab.fullname()))
        places.append(os.path.join(tree, "build", "user"))
    for place in places:
        path = os.path.normpath(os.path.join(place, f"{name}.elf"))
        if os.path.exists(path):
            return path
    return None


def swap_user_symbols(name, path):
    """Make `path` (the ELF of program `name`) the one user symbol file GDB holds: every
    program is linked at the same addresses (GNU ld's default layout, from 0x400000), so
    two at once would answer for each other."""
    global user_symbols
    if user_symbols == path:
        return
    confirm = gdb.parameter("confirm")
    gdb.execute("set confirm off", to_string=True)
    try:
        if user_symbols:
            gdb.execute(f"remove-symbol-file {user_symbols}", to_string=True)
            user_symbols = None
        gdb.execute(f"add-symbol-file {path}", to_string=True)
    finally:
        gdb.execute(f"set confirm {'on' if confirm else 'off'}", to_string=True)
    user_symbols = path
    gdb.write(f"sl-user-symbols: {name}: symbols from {os.path.relpath(path)}\n")


def loaded_program():
    """The program whose address space the CPU has loaded: the comm (exec sets it to the
    program's name, fork copies it) of current if it has an mm, else of a real user of
    the loaded mm; None for an address space no program owns (init_mm, a scenario's)."""
    cur = current_task()
    if ptr(cur["mm"]):
        return comm(cur)
    loaded = ptr(cpu_state()["loaded_mm"])
    owner = next((t for t in tasks() if ptr(t["mm"]) == loaded), None) if loaded else None
    return comm(owner) if owner is not None else None


def sync_user_symbols():
    """At a stop: the loaded program's symbols, if they are not the ones GDB holds. A stop
    where the kernel's state cannot be read (before it runs) changes nothing."""
    try:
        name = loaded_program()
    except (gdb.error, gdb.MemoryError, gdb.GdbError):
        return
    path = user_elf(name) if name else None
    if path is not None:
        swap_user_symbols(name, path)


class UserSymbolLoader(gdb.Breakpoint):
    """A silent breakpoint on exec_prepared_mm, where the new program's name is known:
    its symbols replace the previous program's."""

    def __init__(self):
        super().__init__("exec_prepared_mm", internal=True)
        self.silent = True

    def stop(self):
        name = gdb.selected_frame().read_var("name").string()
        path = user_elf(name)
        if path is None:
            gdb.write(f"sl-user-symbols: no ELF for {name}\n")
        else:
            swap_user_symbols(name, path)
        return False


user_symbol_loader = None
user_symbols = None  # the user ELF whose symbols GDB holds (at most one)


def set_hook_stop(body):
    """GDB's hook-stop (run at every stop, before the stop is printed) set to `body`."""
    confirm = gdb.parameter("confirm")
    gdb.execute("set confirm off", to_string=True)
    try:
        gdb.execute(f"define hook-stop\n{body}end", to_string=True)
    finally:
        gdb.execute(f"set confirm {'on' if confirm else 'off'}", to_string=True)


class SlUserSymbols(gdb.Command):
    """sl-user-symbols: load each user program's symbols when the kernel execs it, and
keep the right program's at every stop.

Sets a silent breakpoint on exec_prepared_mm (kernel/exec.c), where the program's name is
known, that runs `add-symbol-file build/user/NAME.elf` (no offset: a program is a static,
non-PIE executable, loaded where it is linked), as Linux's lx-symbols does for modules.
Since every program sits at the same addresses (GNU ld's default layout, from 0x400000),
GDB holds one program's symbols at a time: the previous program's are removed first.
And at every stop (GDB's hook-stop, which this command defines, runs before the stop is
printed) the symbols are swapped to those of the program whose address space is loaded
(current's comm, or a real user's of the loaded mm), so `bt`, `list` and `info symbol
$pc` name the source of the program stopped in, even when another one was exec'd since.
Its C library (musl) has neither line information nor CFI: there GDB shows addresses,
and `bt` finds the program's own caller only at a libc function's first instruction. A breakpoint in user code must be a hardware
one (`hbreak main`): the address is mapped only in that program's page tables, and any
program running code at that address hits it (add `if $current()->pid == N`).
`sl-user-symbols sync` does the swap once (hook-stop runs it; a hook-stop of your own is
replaced). `sl-user-symbols off` stops both (and empties hook-stop)."""

    def __init__(self):
        super().__init__("sl-user-symbols", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        global user_symbol_loader
        if arg.strip() == "sync":  # what hook-stop runs
            sync_user_symbols()
            return
        if user_symbol_loader is not None:
            user_symbol_loader.delete()
            user_symbol_loader = None
        if arg.strip() == "off":
            set_hook_stop("")
            gdb.write("sl-user-symbols: off\n")
            return
        user_symbol_loader = UserSymbolLoader()
        set_hook_stop("sl-user-symbols sync\n")
        gdb.write("sl-user-symbols: each exec loads build/user/NAME.elf's symbols, each "
                  "stop the loaded program's\n")


# ---- convenience functions ----------------------------------------------------------------

class Current(gdb.Function):
    """$current([CPU]): the task running on CPU, a struct task_struct * (default: the
selected GDB thread's CPU, as Linux's lx_current())."""

    def __init__(self):
        super().__init__("current")

    def invoke(self, cpu=None):
        return cpu_state(None if cpu is None else int(cpu))["current_task"]


class Task(gdb.Function):
    """$task(PID): the task with that pid, a struct task_struct *."""

    def __init__(self):
        super().__init__("task")

    def invoke(self, pid):
        return find_task(int(pid)).address


class Mm(gdb.Function):
    """$mm(PID): that task's mm (NULL for a kernel thread), a struct mm_struct *."""

    def __init__(self):
        super().__init__("mm")

    def invoke(self, pid):
        return find_task(int(pid))["mm"]


for command in (SlPs, SlCpus, SlMm, SlCr3, SlPt, SlCase, SlSwitches, SlTrace, SlStepSwitch,
                SlUserSymbols, Current, Task, Mm):
    command()
# Stepping through a switch need not enter the switch trace's inline hooks.
gdb.execute("skip file sched/switch_trace.h", to_string=True)
gdb.execute("skip file sched/switch_trace.c", to_string=True)
