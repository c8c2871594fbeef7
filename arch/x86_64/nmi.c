/*
 * arch/x86_64/nmi.c - cross-CPU NMI requests and the report token (see nmi.h).
 *
 * The protocol, per request: the requester sets its bit in the target's nmi_request
 * (atomic or) and only then sends the NMI, so a target whose handler finds no bit knows
 * the NMI is not one of ours and leaves it to the old path (a test's handler, or counted
 * as unknown). The target takes all bits at once (atomic exchange: two requests that
 * arrive as one NMI are both served), acts, and bumps nmi_answers. The requester never
 * holds the report token while it waits, so the target can take it to print.
 */
#include "arch/x86_64/nmi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/stacktrace.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/time.h"

#define NMI_POLL_US 100
#define REPORT_NO_OWNER (-1)

static int report_owner = REPORT_NO_OWNER; /* the CPU printing a report; atomic */
static int report_depth;		   /* nesting on report_owner: only it writes */

void nmi_report_lock(void)
{
	int me = raw_smp_processor_id();
	int free_token;

	if (__atomic_load_n(&report_owner, __ATOMIC_ACQUIRE) == me) {
		report_depth++;
		return;
	}
	do {
		free_token = REPORT_NO_OWNER;
		cpu_relax();
	} while (!__atomic_compare_exchange_n(&report_owner, &free_token, me, false,
					      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	report_depth = 1;
}

void nmi_report_unlock(void)
{
	if (--report_depth == 0)
		__atomic_store_n(&report_owner, REPORT_NO_OWNER, __ATOMIC_RELEASE);
}

static bool wait_for_answer(const struct cpu_state *cs, u32 before, unsigned int wait_ms)
{
	for (u64 waited = 0; waited < (u64)wait_ms * USEC_PER_MSEC; waited += NMI_POLL_US) {
		if (__atomic_load_n(&cs->nmi_answers, __ATOMIC_ACQUIRE) != before)
			return true;
		udelay(NMI_POLL_US);
	}
	return __atomic_load_n(&cs->nmi_answers, __ATOMIC_ACQUIRE) != before;
}

bool nmi_request_cpu(int cpu, u32 request, unsigned int wait_ms)
{
	struct cpu_state *cs = per_cpu_state(cpu);
	u32 before;

	if (!cs || cpu == raw_smp_processor_id())
		return false;
	before = __atomic_load_n(&cs->nmi_answers, __ATOMIC_ACQUIRE);
	/* The bit first: the NMI must find it (the flag tells our NMI from others). */
	__atomic_fetch_or(&cs->nmi_request, request, __ATOMIC_SEQ_CST);
	if (!apic_send_nmi(cs->apic_id))
		return false;
	return wait_ms == 0 || wait_for_answer(cs, before, wait_ms);
}

/*
 * Registers and backtrace of the interrupted code, under a header naming this CPU. A
 * stopped CPU prints without the token: the panicking CPU already lets one CPU at a
 * time print, and the token's holder may be a CPU that panicked second and halted with
 * it, which must not keep every other CPU from answering.
 */
static void show_cpu_state(const struct trap_frame *tf, u32 request)
{
	bool stop = request & NMI_REQ_STOP;

	if (!stop)
		nmi_report_lock();
	printk("NMI backtrace for CPU %d%s\n", raw_smp_processor_id(),
	       stop ? " (stopped by the panic)" : "");
	show_regs(tf);
	show_trap_backtrace(tf->rbp, tf->rip, tf->rsp);
	if (!stop)
		nmi_report_unlock();
}

static void record_probe(struct cpu_state *cs, const struct trap_frame *tf)
{
	cs->probe_irqs_off = !(tf->rflags & X86_EFLAGS_IF);
	cs->probe_ticks = cs->nr_ticks;
	__atomic_fetch_add(&cs->probe_answers, 1, __ATOMIC_RELEASE);
}

bool nmi_handle_cpu_request(struct trap_frame *tf)
{
	struct cpu_state *cs = this_cpu();
	u32 request = __atomic_exchange_n(&cs->nmi_request, 0, __ATOMIC_ACQUIRE);

	if (!request)
		return false;
	if (request & NMI_REQ_PROBE)
		record_probe(cs, tf);
	if (request & (NMI_REQ_STOP | NMI_REQ_BACKTRACE))
		show_cpu_state(tf, request);
	__atomic_fetch_add(&cs->nmi_answers, 1, __ATOMIC_RELEASE);
	/* Halted inside the NMI handler, interrupts off: no interrupt can wake this CPU
	 * and no NMI either (NMIs stay blocked until the IRET that never comes). */
	while (request & NMI_REQ_STOP)
		halt();
	return true;
}
