/*
 * tests/nmi_test.c - NMIs: delivered on their IST stack, resumed, and safe even where
 * the live GS base is the user's.
 *
 * An NMI cannot be masked, so it can arrive between a swapgs and the instruction after
 * it, where the saved CS says "kernel" but GS points at the user's base: entry.S's
 * paranoid path reads MSR_GS_BASE to decide (see the top of entry.S). The test makes
 * that window on purpose: interrupts off, swapgs, an NMI sent to this CPU through its
 * local APIC, swapgs back. A handler that finds `current` proves the kernel's GS base
 * was loaded for it; trusting CS instead would read `current` through the user's base.
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "sched/sched.h"
#include "tests/ktest.h"

#define NMI_WAIT_LOOPS 10000000 /* pause loops to wait for delivery: far more than needed */

static volatile int nmi_hits;
static struct task_struct *volatile nmi_saw_current;
static volatile bool nmi_on_ist_stack;
static struct trap_frame nmi_frame;

static bool record_nmi(struct trap_frame *tf)
{
	int here;

	nmi_saw_current = current;
	nmi_on_ist_stack = addr_on_ist_stack((u64)&here);
	nmi_frame = *tf;
	nmi_hits++;
	return true;
}

/* Wait for the NMI to have been handled; touches no per-CPU data. */
static void wait_for_nmi(int hits_before)
{
	for (long i = 0; i < NMI_WAIT_LOOPS && nmi_hits == hits_before; i++)
		cpu_relax();
}

/* Send an NMI and wait for it, with the handler `handler` in place. */
static void send_nmi_with(trap_handler_t handler)
{
	trap_handler_t old = get_trap_handler(X86_TRAP_NMI);
	int before = nmi_hits;

	set_trap_handler(X86_TRAP_NMI, handler);
	apic_send_nmi_to_self();
	wait_for_nmi(before);
	set_trap_handler(X86_TRAP_NMI, old);
}

KTEST(nmi, handled_on_its_ist_stack_and_resumed)
{
	int before = nmi_hits;

	nmi_saw_current = NULL;
	send_nmi_with(record_nmi);
	KEXPECT_EQ(t, nmi_hits, before + 1);
	KEXPECT_PTR_EQ(t, nmi_saw_current, current);
	KEXPECT_TRUE(t, nmi_on_ist_stack);
	KEXPECT_EQ(t, nmi_frame.vector, X86_TRAP_NMI);
	KEXPECT_EQ(t, nmi_frame.cs, KERNEL_CS);
}

KTEST(nmi, unclaimed_nmi_is_counted_and_ignored)
{
	int before = atomic_read(&nmi_unknown_count);
	trap_handler_t old = get_trap_handler(X86_TRAP_NMI);

	set_trap_handler(X86_TRAP_NMI, NULL);
	apic_send_nmi_to_self();
	for (long i = 0; i < NMI_WAIT_LOOPS && atomic_read(&nmi_unknown_count) == before; i++)
		cpu_relax();
	set_trap_handler(X86_TRAP_NMI, old);
	KEXPECT_EQ(t, atomic_read(&nmi_unknown_count), before + 1);
}

/*
 * The window: between the two swapgs, MSR_GS_BASE holds what MSR_KERNEL_GS_BASE held
 * (0 here: a user GS base) and nothing may touch per-CPU data; wait_for_nmi and
 * apic_send_nmi_to_self do not.
 */
KTEST(nmi, nmi_between_swapgs_finds_the_kernel_gs_base)
{
	trap_handler_t old = get_trap_handler(X86_TRAP_NMI);
	u64 kernel_gs = rdmsr(MSR_GS_BASE), user_gs = rdmsr(MSR_KERNEL_GS_BASE);
	struct task_struct *me = current;
	int before = nmi_hits;
	unsigned long flags;

	nmi_saw_current = NULL;
	set_trap_handler(X86_TRAP_NMI, record_nmi);
	flags = local_irq_save();
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	__asm__ __volatile__("swapgs" ::: "memory");
	apic_send_nmi_to_self();
	wait_for_nmi(before);
	__asm__ __volatile__("swapgs" ::: "memory");
	wrmsr(MSR_KERNEL_GS_BASE, user_gs);
	local_irq_restore(flags);
	set_trap_handler(X86_TRAP_NMI, old);

	KEXPECT_EQ(t, nmi_hits, before + 1);
	KEXPECT_PTR_EQ(t, nmi_saw_current, me);
	KEXPECT_EQ(t, rdmsr(MSR_GS_BASE), kernel_gs); /* the NMI swapped back on its way out */
	KEXPECT_PTR_EQ(t, current, me);
}
