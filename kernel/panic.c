/*
 * kernel/panic.c - panic(): report a kernel bug as loudly as possible, then stop.
 *
 * Interrupts go off first so nothing else runs. The message, the registers at the call
 * and a backtrace are printed; a second panic while printing (a fault in the backtrace,
 * say) prints only its message, so one bug never hides behind another.
 */
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/stacktrace.h"
#include "arch/x86_64/trap.h"
#include "kernel/printk.h"

bool panic_exits_qemu;
static bool oops_in_progress;
static int panic_depth;

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
	printk("---[ end Kernel panic - not syncing: %s ]---\n", msg);
	if (panic_exits_qemu)
		qemu_exit(QEMU_EXIT_PANIC);
	for (;;)
		halt();
}
