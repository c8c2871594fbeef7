/*
 * arch/x86_64/percpu.h - the per-CPU area, reached through the GS base.
 *
 * Each CPU has one struct cpu_state; MSR_GS_BASE points at it while the CPU runs kernel
 * code (swapgs exchanges it with the user's GS base on entry from and exit to ring 3).
 * `current` is one instruction, `mov %gs:offset, %reg`, so it is right even if the task
 * is preempted and moved right after: it reads the CPU it runs on, atomically.
 *
 * Fields are only touched by their own CPU, with preemption or interrupts disabled,
 * except where a comment says otherwise. See docs/scheduler.md.
 */
#ifndef ARCH_X86_64_PERCPU_H
#define ARCH_X86_64_PERCPU_H

#include "kernel/compiler.h"
#include "kernel/types.h"

struct task_struct;
struct mm_struct;
struct rq;

struct cpu_state {
	struct cpu_state *self;		  /* %gs:0, so this_cpu() is one load */
	struct task_struct *current_task; /* the task running here (`current`) */
	u64 syscall_scratch_rsp;	  /* user rsp, parked by the syscall entry */
	u64 kernel_stack_top;		  /* current task's stack top: TSS.RSP0 and syscall entry */
	int cpu;			  /* this CPU's number, 0 for the boot CPU */
	/* > 0: no preemption. Only preempt_disable() raises it: spinlocks leave it alone,
	 * because spin_lock() requires interrupts off (kernel/spinlock.c), which already
	 * keeps the tick, and with it preemption, away. */
	int preempt_count;
	bool need_resched; /* set by the tick or a wake-up; acted on at preemption points */
	bool is_lazy;	   /* running a kernel thread on a borrowed mm: no CR3 write was made */
	struct mm_struct *loaded_mm; /* what CR3 really holds (may differ from active_mm) */
	struct rq *rq;		     /* this CPU's runqueue */
	/* Counters, read by tests and `make bench`. */
	u64 nr_switches;      /* context switches */
	u64 nr_cr3_writes;    /* switch_mm calls that wrote CR3 */
	u64 nr_lazy_switches; /* switches that kept CR3 (to a kernel thread, or same mm) */
};

#define CPU_STATE_CURRENT_OFFSET 8 /* offsetof(struct cpu_state, current_task) */

/* This CPU's area. Callers must not be preemptible, or the answer may be stale. */
static inline struct cpu_state *this_cpu(void)
{
	struct cpu_state *cs;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(cs));
	return cs;
}

static inline struct task_struct *get_current(void)
{
	struct task_struct *t;

	__asm__ __volatile__("movq %%gs:%c1, %0" : "=r"(t) : "i"(CPU_STATE_CURRENT_OFFSET));
	return t;
}

#define current get_current()

/* Point GS at cpu's area (boot CPU: early in kmain, before anything uses `current`). */
void percpu_init(struct cpu_state *cs, int cpu);
extern struct cpu_state boot_cpu_state;

#endif
