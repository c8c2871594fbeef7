/*
 * arch/x86_64/fault.c - the page-fault (#PF) and double-fault (#DF) handlers: what the
 * x86 hardware says about a fault, and what the kernel does with a fault it cannot fix.
 *
 * The #PF handler reads the faulting address from CR2 and the kind of access from the
 * error code the CPU pushed (X86_PF_*), rules out what paging can never fix (a
 * reserved-bit violation, a kernel fetch from a user page under SMEP, a kernel data
 * access to a user page outside a user-access window under SMAP, an implicit
 * supervisor access from ring 3), and hands the rest on a user address to the generic
 * resolver, resolve_user_fault() in mm/fault.c (demand paging, copy-on-write, the OOM
 * killer). This is the split of Linux's arch/x86/mm/fault.c and mm/memory.c.
 *
 * Every kernel page fault is either expected or a bug. Expected ones come from the
 * fault-safe probes (arch/x86_64/extable.h): their instruction is in the exception
 * table, and traps.c resumes at its fixup once this handler returns false. Anything
 * else is reported (address, decoded error code, registers with the symbolized RIP,
 * backtrace, task) and panics; a fault inside a stack guard page is named "kernel stack
 * overflow".
 *
 * Most overflows never reach the #PF handler, though. When a push (a call, or the CPU
 * pushing an exception frame) hits the guard page, the CPU tries to deliver the #PF on
 * that same stack, which faults again: a fault while delivering a fault is a double fault.
 * #DF runs on its own stack (IST1, see arch/x86_64/gdt.c), so it still works; CR2 then
 * holds the guard address, which is how the #DF handler tells an overflow from other
 * double faults. See docs/memory.md, "Guard pages and the double fault".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/stacktrace.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "mm/mm.h"
#include "mm/mm_struct.h"
#include "mm/vmalloc.h"
#include "sched/process.h"

/* Which task the fault hit. */
static void print_fault_task(void)
{
	printk("task: %s (pid %d)\n", current->comm, current->pid);
}

static void show_fault_context(const struct trap_frame *tf)
{
	print_fault_task();
	show_regs(tf);
	show_backtrace(tf->rbp, tf->rip);
}

/* If addr is in a guard page, panic naming the overflowed stack; else return. */
static void check_stack_overflow(unsigned long addr)
{
	struct kstack stack;

	if (kstack_guard_owner(addr, &stack))
		panic("kernel stack overflow: guard page hit at 0x%lx (stack 0x%lx-0x%lx)", addr,
		      stack.bottom, stack.top);
}

/* An unexpected page fault: report it and panic. */
static __noreturn void page_fault_oops(const struct trap_frame *tf, unsigned long addr)
{
	char bits[96];

	oops_begin();
	decode_pf_error(tf->error_code, bits, sizeof(bits));
	if (addr < PAGE_SIZE)
		printk("BUG: kernel NULL pointer dereference, address: %016lx\n", addr);
	else
		printk("BUG: unable to handle page fault for address: %016lx\n", addr);
	printk("CR2: %016lx (%s)\n", addr, bits);
	show_fault_context(tf);
	check_stack_overflow(addr);
	panic("unhandled page fault at 0x%lx (%s)", addr, bits);
}

/*
 * Could mapping a page make this fault go away? If so, return true and the access as
 * resolve_user_fault's FAULT_FLAG_* bits.
 */
static bool user_fault_flags(const struct trap_frame *tf, unsigned int *flags)
{
	if (tf->error_code & X86_PF_RSVD)
		return false;
	/*
	 * From kernel mode, only a missing page or a copy-on-write page is ours to fix.
	 * An instruction fetch from a user page (SMEP) is a kernel bug or a probe: retrying
	 * it would fault forever. So is an access to a present user page outside a
	 * user-access window (SMAP, EFLAGS.AC clear), but the caller has ruled that out
	 * (smap_violation): AC means something only when SMAP is on, so it is not tested
	 * here, or a copy_to_user into a COW page would fail on a CPU without SMAP.
	 */
	if (!trap_from_user(tf) && (tf->error_code & X86_PF_INSTR))
		return false;
	/*
	 * From user mode, a fault without X86_PF_USER was an implicit supervisor access:
	 * the CPU itself reading a descriptor table or, under QEMU's emulation, the frame
	 * of a user lretq/iretq, which SMAP then refuses. No page we could map changes
	 * that, so the process gets SIGSEGV instead of retrying for ever.
	 */
	if (trap_from_user(tf) && !(tf->error_code & X86_PF_USER))
		return false;
	*flags = 0;
	if (tf->error_code & X86_PF_WRITE)
		*flags |= FAULT_FLAG_WRITE;
	if (tf->error_code & X86_PF_INSTR)
		*flags |= FAULT_FLAG_INSTRUCTION;
	if (trap_from_user(tf))
		*flags |= FAULT_FLAG_USER;
	/* Interrupts were off where it faulted (a user copy in an interrupts-off section):
	 * the resolver may not sleep. */
	if (!(tf->rflags & X86_EFLAGS_IF))
		*flags |= FAULT_FLAG_ATOMIC;
	return true;
}

/*
 * A fault on a user address, from user mode or from a user-copy routine in the kernel
 * (covered by the exception table): may it be resolved in the address space (demand
 * paging, copy-on-write)? Never an SMAP violation: that page is present, the kernel
 * just may not touch it, so paging would retry for ever.
 */
static bool fault_in_user_space(const struct trap_frame *tf, unsigned long addr)
{
	return addr < TASK_SIZE && current->mm &&
	       (trap_from_user(tf) || search_exception_tables(tf->rip)) && !smap_violation(tf);
}

static bool page_fault_handler(struct trap_frame *tf)
{
	/* First: CR2 is overwritten by the next page fault, even one while reporting. */
	unsigned long addr = read_cr2();
	unsigned int flags;

	/* Interrupts were off in the trap: the resolution may allocate, so it turns them
	 * on (and off again before it returns) when the fault allows it. */
	if (fault_in_user_space(tf, addr) && user_fault_flags(tf, &flags) &&
	    resolve_user_fault(addr, flags))
		return true;
	if (trap_from_user(tf))
		force_sig_fault(tf, SIGSEGV, "segfault", addr); /* kills only the process */

	if (search_exception_tables(tf->rip))
		return false; /* a probe: traps.c resumes at its fixup */
	if (fixup_exec_probe(tf))
		return true;
	page_fault_oops(tf, addr);
}

/*
 * #DF is an abort: the saved RIP may not point at the faulting instruction (SDM 6.15,
 * interrupt 8), and there is no way back. CR2 is the address of the last page fault: for
 * a stack overflow, the guard page the push hit.
 */
static bool double_fault_handler(struct trap_frame *tf)
{
	unsigned long addr = read_cr2();

	oops_begin();
	printk("sublet: double fault (a fault while delivering a fault), CR2: %016lx\n", addr);
	show_fault_context(tf);
	check_stack_overflow(addr);
	panic("double fault");
}

/* page_fault_init - install the #PF and #DF handlers (the last step of mm_init). */
void page_fault_init(void)
{
	set_trap_handler(X86_TRAP_PF, page_fault_handler);
	set_trap_handler(X86_TRAP_DF, double_fault_handler);
}
