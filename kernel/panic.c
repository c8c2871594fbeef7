/*
 * kernel/panic.c - panic(): report a kernel bug as loudly as possible, then stop.
 *
 * Interrupts go off first so nothing else runs. The message, the registers at the call
 * and a backtrace are printed; a second panic while printing (a fault in the backtrace,
 * say) prints only its message, so one bug never hides behind another.
 *
 * With other CPUs online, the first CPU to claim panic_cpu (Linux's name) reports; a
 * CPU that panics while another already reports just stops, and is stopped like the
 * rest. After its own report the panicking CPU stops the others one at a time with an
 * NMI (arch/x86_64/nmi.c): each prints its registers and backtrace and halts for good,
 * and the next is asked only once it answered, or after NMI_ANSWER_WAIT_MS, so their
 * reports never interleave. The end line comes last, after every CPU's report.
 */
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/nmi.h"
#include "arch/x86_64/stacktrace.h"
#include "arch/x86_64/trap.h"
#include "kernel/printk.h"
#include "kernel/smp.h"

bool panic_exits_qemu;
static bool oops_in_progress;
static int panic_depth; /* panic_cpu's own: nested panics on the reporting CPU */

#define PANIC_CPU_INVALID (-1)
/* The CPU reporting a panic (or an oops that leads to one), or PANIC_CPU_INVALID.
 * Claimed once with a compare-and-exchange: every later claimant stops instead. */
static int panic_cpu = PANIC_CPU_INVALID;

bool panic_in_progress(void)
{
	return __atomic_load_n(&panic_cpu, __ATOMIC_ACQUIRE) != PANIC_CPU_INVALID;
}

/* This CPU's number, also before the GS base is set: until a second CPU is online, 0. */
static int panic_this_cpu(void)
{
	return num_online_cpus() > 1 ? smp_processor_id() : 0;
}

/* Another CPU reports: wait, interrupts off, for its stop NMI, which shows this CPU's
 * state and halts it inside the NMI handler. */
static __noreturn void panic_smp_self_stop(void)
{
	for (;;)
		halt();
}

/* Become the reporting CPU, or stop if another CPU already is. */
static void panic_claim(void)
{
	int me = panic_this_cpu();
	int old = PANIC_CPU_INVALID;

	if (!__atomic_compare_exchange_n(&panic_cpu, &old, me, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE) &&
	    old != me)
		panic_smp_self_stop();
}

/* Stop every other online CPU, one at a time; name those that did not answer. */
static void smp_stop_other_cpus(void)
{
	int me = panic_this_cpu();
	int cpu;

	for_each_online_cpu(cpu)
	{
		if (cpu == me)
			continue;
		if (!nmi_request_cpu(cpu, NMI_REQ_STOP, NMI_ANSWER_WAIT_MS))
			printk("panic: CPU %d did not answer the stop NMI within %d ms\n", cpu,
			       NMI_ANSWER_WAIT_MS);
	}
}

void qemu_exit(unsigned int code)
{
	outl(QEMU_EXIT_PORT, code);
	/* Not under QEMU with isa-debug-exit: stop here. */
	local_irq_disable();
	for (;;)
		halt();
}

void oops_begin(void)
{
	local_irq_disable();
	panic_claim();
	oops_in_progress = true;
}

/* Capture the caller's callee-saved registers, stack and frame pointer for the dump. */
static __noinline void capture_registers(struct trap_frame *tf)
{
	__asm__ __volatile__("movq %%rbx, %0\n\t"
			     "movq %%r12, %1\n\t"
			     "movq %%r13, %2\n\t"
			     "movq %%r14, %3\n\t"
			     "movq %%r15, %4\n\t"
			     : "=m"(tf->rbx), "=m"(tf->r12), "=m"(tf->r13), "=m"(tf->r14),
			       "=m"(tf->r15));
	u64 *frame = __builtin_frame_address(0);

	tf->rbp = frame[0];	   /* the caller's frame pointer, saved by our prologue */
	tf->rsp = (u64)frame + 16; /* the caller's stack pointer before the call */
	tf->rip = (u64)__builtin_return_address(0);
	__asm__ __volatile__("movq %%cs, %0\n\tmovq %%ss, %1\n\tpushfq\n\tpopq %2"
			     : "=r"(tf->cs), "=r"(tf->ss), "=r"(tf->rflags));
}

void panic(const char *fmt, ...)
{
	struct trap_frame regs = {0};
	va_list ap;
	char msg[256];

	local_irq_disable();
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	panic_claim();
	if (++panic_depth > 1) {
		printk("Kernel panic - not syncing: (nested) %s\n", msg);
		qemu_exit(QEMU_EXIT_PANIC);
	}
	printk("Kernel panic - not syncing: %s\n", msg);
	if (!oops_in_progress) {
		capture_registers(&regs);
		show_regs(&regs);
		show_backtrace(regs.rbp, regs.rip);
	}
	smp_stop_other_cpus();
	printk("---[ end Kernel panic - not syncing: %s ]---\n", msg);
	if (panic_exits_qemu)
		qemu_exit(QEMU_EXIT_PANIC);
	for (;;)
		halt();
}
