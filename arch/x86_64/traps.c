/*
 * arch/x86_64/traps.c - what happens after entry.S has built a trap frame.
 *
 * trap_dispatch() routes a vector to its registered handler (the page-fault handler,
 * the timer, a test's int3 hook...). An exception nobody handles is looked up in the
 * exception table (extable.c); failing that it is a kernel bug: die() prints the
 * vector's name, the error code, CR2 with the page-fault bits decoded, CR3, every
 * register and a symbolized backtrace, then panics.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/nmi.h"
#include "arch/x86_64/stacktrace.h"
#include "arch/x86_64/trap.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "sched/process.h"
#include "sched/sched.h"

static trap_handler_t trap_handlers[X86_NR_VECTORS];

static const char *const exception_names[X86_NR_EXCEPTIONS] = {
    [X86_TRAP_DE] = "#DE Divide Error",
    [X86_TRAP_DB] = "#DB Debug",
    [X86_TRAP_NMI] = "NMI Non-Maskable Interrupt",
    [X86_TRAP_BP] = "#BP Breakpoint",
    [X86_TRAP_OF] = "#OF Overflow",
    [X86_TRAP_BR] = "#BR BOUND Range Exceeded",
    [X86_TRAP_UD] = "#UD Invalid Opcode",
    [X86_TRAP_NM] = "#NM Device Not Available",
    [X86_TRAP_DF] = "#DF Double Fault",
    [X86_TRAP_OLD_MF] = "Coprocessor Segment Overrun",
    [X86_TRAP_TS] = "#TS Invalid TSS",
    [X86_TRAP_NP] = "#NP Segment Not Present",
    [X86_TRAP_SS] = "#SS Stack-Segment Fault",
    [X86_TRAP_GP] = "#GP General Protection",
    [X86_TRAP_PF] = "#PF Page Fault",
    [X86_TRAP_SPURIOUS] = "Reserved (15)",
    [X86_TRAP_MF] = "#MF x87 Floating-Point Error",
    [X86_TRAP_AC] = "#AC Alignment Check",
    [X86_TRAP_MC] = "#MC Machine Check",
    [X86_TRAP_XF] = "#XM SIMD Floating-Point",
    [X86_TRAP_VE] = "#VE Virtualization Exception",
    [X86_TRAP_CP] = "#CP Control Protection",
    [22] = "Reserved (22)",
    [23] = "Reserved (23)",
    [24] = "Reserved (24)",
    [25] = "Reserved (25)",
    [26] = "Reserved (26)",
    [27] = "Reserved (27)",
    [28] = "#HV Hypervisor Injection",
    [29] = "#VC VMM Communication",
    [30] = "#SX Security Exception",
    [31] = "Reserved (31)",
};

const char *trap_name(unsigned int vector)
{
	if (vector < X86_NR_EXCEPTIONS)
		return exception_names[vector];
	return "External interrupt";
}

void set_trap_handler(unsigned int vector, trap_handler_t handler)
{
	if (vector < X86_NR_VECTORS)
		trap_handlers[vector] = handler;
}

trap_handler_t get_trap_handler(unsigned int vector)
{
	return vector < X86_NR_VECTORS ? trap_handlers[vector] : NULL;
}

void decode_pf_error(u64 error_code, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s %s%s%s",
		 error_code & X86_PF_PROT ? "protection-violation" : "not-present",
		 error_code & X86_PF_INSTR ? "instruction-fetch"
					   : (error_code & X86_PF_WRITE ? "write" : "read"),
		 error_code & X86_PF_USER ? "user-mode" : "kernel-mode",
		 error_code & X86_PF_RSVD ? " reserved-bit" : "", "");
}

void show_regs(const struct trap_frame *tf)
{
	printk("RIP: %04lx:%016lx ", (unsigned long)tf->cs, (unsigned long)tf->rip);
	print_symbol(tf->rip);
	printk("\nRSP: %04lx:%016lx EFLAGS: %08lx\n", (unsigned long)tf->ss, (unsigned long)tf->rsp,
	       (unsigned long)tf->rflags);
	printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", (unsigned long)tf->rax,
	       (unsigned long)tf->rbx, (unsigned long)tf->rcx);
	printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", (unsigned long)tf->rdx,
	       (unsigned long)tf->rsi, (unsigned long)tf->rdi);
	printk("RBP: %016lx R08: %016lx R09: %016lx\n", (unsigned long)tf->rbp,
	       (unsigned long)tf->r8, (unsigned long)tf->r9);
	printk("R10: %016lx R11: %016lx R12: %016lx\n", (unsigned long)tf->r10,
	       (unsigned long)tf->r11, (unsigned long)tf->r12);
	printk("R13: %016lx R14: %016lx R15: %016lx\n", (unsigned long)tf->r13,
	       (unsigned long)tf->r14, (unsigned long)tf->r15);
	printk("CR0: %016lx CR2: %016lx CR3: %016lx CR4: %016lx\n", (unsigned long)read_cr0(),
	       (unsigned long)read_cr2(), (unsigned long)read_cr3(), (unsigned long)read_cr4());
}

static void print_trap_header(const struct trap_frame *tf, const char *why)
{
	printk("sublet: %s: %s (vector %lu) error code 0x%lx in %s mode\n", why,
	       trap_name(tf->vector), (unsigned long)tf->vector, (unsigned long)tf->error_code,
	       trap_from_user(tf) ? "user" : "kernel");
	if (tf->vector == X86_TRAP_PF) {
		char bits[96];

		decode_pf_error(tf->error_code, bits, sizeof(bits));
		printk("CR2: %016lx (%s)\n", (unsigned long)read_cr2(), bits);
	}
}

void die(struct trap_frame *tf, const char *why)
{
	oops_begin();
	print_trap_header(tf, why);
	show_regs(tf);
	show_trap_backtrace(tf->rbp, tf->rip, tf->rsp);
	panic("Fatal exception: %s", trap_name(tf->vector));
}

/* The signal Linux sends for an exception in user mode, and how it describes it. */
int user_exception_signal(unsigned int vector, const char **what)
{
	switch (vector) {
	case X86_TRAP_DE:
		*what = "trap divide error";
		return SIGFPE;
	case X86_TRAP_DB: /* single-step (TF) or a debug register hit */
		*what = "trap debug";
		return SIGTRAP;
	case X86_TRAP_BP:
		*what = "trap int3";
		return SIGTRAP;
	case X86_TRAP_MF: /* an unmasked x87 exception, reported at the next x87 insn */
		*what = "fpu exception";
		return SIGFPE;
	case X86_TRAP_XF: /* an unmasked SSE exception (CR4.OSXMMEXCPT is set) */
		*what = "simd exception";
		return SIGFPE;
	case X86_TRAP_UD:
		*what = "trap invalid opcode";
		return SIGILL;
	case X86_TRAP_GP:
		*what = "general protection fault";
		return SIGSEGV;
	default:
		*what = trap_name(vector);
		return SIGSEGV;
	}
}

static void handle_exception(struct trap_frame *tf)
{
	trap_handler_t handler = trap_handlers[tf->vector];
	const char *what;
	int sig;

	if (handler && handler(tf))
		return;
	if (!trap_from_user(tf)) {
		if (fixup_exception(tf) || fixup_exec_probe(tf))
			return;
		die(tf, "unhandled exception");
	}
	/* A user program's fault kills the program, never the kernel. */
	sig = user_exception_signal(tf->vector, &what);
	force_sig_fault(tf, sig, what, tf->rip);
}

/* NMIs that no handler claimed (nothing in sublet raises one but a test or QEMU's `nmi`
 * monitor command). Only counted: printk takes the console lock, which the NMI may
 * have interrupted on this very CPU. */
atomic_t nmi_unknown_count;

/*
 * NMI, #DF and #MC run on IST stacks (idt.c): one per CPU and vector, reused by the next
 * such trap, so nothing here may sleep, switch tasks or kill a process (whose exit
 * would switch away from this stack). An NMI another CPU asked for (its request bit
 * set, arch/x86_64/nmi.c) is served first; any other goes to the registered handler,
 * and an NMI nobody claims is counted and ignored;
 * any other unclaimed IST trap is fatal, from user mode too.
 */
static void handle_ist_trap(struct trap_frame *tf)
{
	trap_handler_t handler = trap_handlers[tf->vector];

	if (tf->vector == X86_TRAP_NMI && nmi_handle_cpu_request(tf))
		return;
	if (handler && handler(tf))
		return;
	if (tf->vector == X86_TRAP_NMI) {
		atomic_inc(&nmi_unknown_count);
		return;
	}
	die(tf, "unhandled exception");
}

/* trap_dispatch - called by entry.S for every vector, interrupts off. */
void trap_dispatch(struct trap_frame *tf)
{
	trap_handler_t handler;

	if (trap_uses_ist(tf->vector)) {
		handle_ist_trap(tf);
		return;
	}
	if (tf->vector < X86_NR_EXCEPTIONS) {
		handle_exception(tf);
		if (trap_from_user(tf))
			exit_to_user_mode();
		return;
	}
	handler = trap_handlers[tf->vector];
	if (handler)
		handler(tf);
	else
		printk("sublet: ignoring unexpected interrupt on vector %lu\n",
		       (unsigned long)tf->vector);
	/* Returning to user space, or to kernel code that had interrupts on: a preemption
	 * point. */
	if (trap_from_user(tf))
		exit_to_user_mode();
	else if (tf->rflags & X86_EFLAGS_IF)
		preempt_schedule_irq();
}
