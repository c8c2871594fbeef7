/*
 * tests/bench/sched_bench.c - what a context switch costs, case by case (`make bench`).
 *
 * Each benchmark is a yield ping-pong between two tasks and nothing else runnable: a
 * measuring task yields, its partner yields straight back, so one yield() is exactly
 * two switches (measurer -> partner -> measurer), each a full schedule() + switch_to +
 * finish_task_switch round. The pairs cover the cases of context_switch
 * (docs/active_mm.md): two kernel threads; two real tasks of one mm (threads); two real
 * tasks of different mms (a CR3 write each switch); a real task and a kernel thread
 * (lazy TLB: the kthread borrows the real task's mm, so neither direction writes CR3,
 * unless the kernel was booted with `nolazytlb`). The note of each result gives the CR3
 * writes and lazy switches per 1000 switches, from the per-CPU counters.
 *
 * Under QEMU -icount shift=0 a TSC tick is one instruction (kernel/bench.h), so the
 * figures are instructions per switch. Real tasks here run in kernel mode on an empty
 * address space: the cost measured is the scheduler's, not user entry and exit.
 */
#include "arch/x86_64/percpu.h"
#include "kernel/bench.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "mm/mm_struct.h"
#include "sched/sched.h"
#include "sched/sched_debug.h"
#include "sched/switch_trace.h"

#define SWITCH_BENCH_ITERS 1000 /* yields per batch: 2000 switches, well inside a tick */
#define WARMUP_YIELDS 16
#define PER_MILLE 1000

struct pingpong_bench {
	volatile bool partner_ran, stop;
	bool trace; /* measure with the switch trace recording */
	u64 ticks_per_switch;
	struct sched_counters delta;
};

static int bench_partner(void *arg)
{
	struct pingpong_bench *p = arg;

	p->partner_ran = true;
	while (!READ_ONCE(p->stop))
		yield();
	return 0;
}

static void yield_op(void *unused)
{
	yield();
}

static int bench_measurer(void *arg)
{
	struct pingpong_bench *p = arg;
	struct sched_counters c0;
	u64 per_yield;

	while (!READ_ONCE(p->partner_ran))
		yield();
	for (int i = 0; i < WARMUP_YIELDS; i++)
		yield();
	if (p->trace)
		switch_trace_start();
	sched_counters_read(&c0);
	per_yield = bench_median(yield_op, NULL, BENCH_BATCHES, SWITCH_BENCH_ITERS);
	p->delta = sched_counters_since(&c0);
	if (p->trace)
		switch_trace_stop();
	p->ticks_per_switch = (per_yield + 1) / 2; /* one yield = two switches */
	WRITE_ONCE(p->stop, true);
	return 0;
}

static struct task_struct *start_on(int (*fn)(void *), void *arg, const char *name,
				    struct mm_struct *mm)
{
	return mm ? user_task_run(fn, arg, name, mm) : kthread_run(fn, arg, name);
}

/*
 * Run one ping-pong, the measurer on measurer_mm and the partner on partner_mm (NULL: a
 * kernel thread; each mm's caller reference passes to its task), and report it.
 */
static void bench_pingpong(const struct kbench *b, struct mm_struct *measurer_mm,
			   struct mm_struct *partner_mm, bool trace)
{
	static struct pingpong_bench p;
	static char note[128];
	struct task_struct *partner, *measurer;
	u64 n;

	p = (struct pingpong_bench){.trace = trace};
	partner = start_on(bench_partner, &p, "bench_partner", partner_mm);
	measurer = start_on(bench_measurer, &p, "bench_measurer", measurer_mm);
	BUG_ON_MSG(!partner || !measurer, "sched bench %s: cannot start its two tasks", b->name);
	task_wait_exit(measurer);
	task_wait_exit(partner);

	n = p.delta.switches ? p.delta.switches : 1;
	snprintf(note, sizeof(note),
		 "CR3 writes per 1000 switches: %lu; lazy switches per 1000: %lu; %s",
		 (unsigned long)(p.delta.cr3_writes * PER_MILLE / n),
		 (unsigned long)(p.delta.lazy_switches * PER_MILLE / n),
		 lazy_tlb_enabled ? "lazy TLB" : "nolazytlb");
	bench_report(b, p.ticks_per_switch, note);
}

static struct mm_struct *bench_mm(const char *name)
{
	struct mm_struct *mm = mm_alloc(name);

	BUG_ON_MSG(!mm, "sched bench: no memory for address space %s", name);
	return mm;
}

KBENCH(sched_switch_kthreads, "ticks per switch, kthread <-> kthread (yield ping-pong)")
{
	bench_pingpong(b, NULL, NULL, false);
}

KBENCH(sched_switch_kthreads_traced,
       "ticks per switch, kthread <-> kthread, switch trace recording")
{
	bench_pingpong(b, NULL, NULL, true);
}

KBENCH(sched_switch_threads, "ticks per switch, two real tasks of one mm (threads)")
{
	struct mm_struct *mm = bench_mm("bench_threads");

	mmget(mm); /* one real reference per thread */
	bench_pingpong(b, mm, mm, false);
}

KBENCH(sched_switch_processes, "ticks per switch, two real tasks of different mms")
{
	bench_pingpong(b, bench_mm("bench_proc_a"), bench_mm("bench_proc_b"), false);
}

KBENCH(sched_switch_real_kthread, "ticks per switch, real task <-> kthread (lazy TLB)")
{
	bench_pingpong(b, bench_mm("bench_lazy"), NULL, false);
}
