/*
 * sched/switch_trace.h - a record of recent context switches, for tests and GDB.
 *
 * When enabled, context_switch() fills one record per switch with the address-space
 * state before the switch, and finish_task_switch() completes it after: CR3 once the
 * new task runs, and the borrowed mm's mm_count just before and just after the drop.
 * The self-tests check Linux's four switch cases against these records, whatever order
 * the scheduler happened to pick; in GDB, `p switch_trace` shows the last switches.
 */
#ifndef SCHED_SWITCH_TRACE_H
#define SCHED_SWITCH_TRACE_H

#include "kernel/types.h"

#define SWITCH_TRACE_LEN 256

struct mm_struct;

struct switch_record {
	int prev_pid, next_pid;
	bool prev_is_real, next_is_real;  /* ->mm != NULL */
	struct mm_struct *prev_active_mm; /* before */
	struct mm_struct *next_mm;	  /* next->mm (compare only: it may be freed since) */
	u64 next_pgd_pa;		  /* physical address of next->mm's PML4, 0 for a kthread */
	int next_mm_users;		  /* next->mm's mm_users at the switch, 0 for a kthread */
	struct mm_struct *next_active_mm; /* after context_switch set it */
	struct mm_struct *lazy_mm;	  /* the mm whose count is tracked: prev's active_mm */
	int lazy_count_before;		  /* lazy_mm's mm_count before the switch */
	int lazy_count_at_finish;	  /* ... in finish_task_switch, before any mmdrop */
	int lazy_count_after;		  /* ... after finish_task_switch's mmdrop (or none) */
	bool lazy_mm_freed;		  /* the drop freed it: lazy_count_after is not readable */
	u64 cr3_before, cr3_at_finish;
	u64 cr3_writes_delta;		  /* CR3 writes done by this switch */
	struct mm_struct *prev_mm_parked; /* rq->prev_mm as context_switch left it */
};

struct switch_trace {
	bool enabled;
	unsigned int count; /* records written since enabled (may exceed the length) */
	struct switch_record records[SWITCH_TRACE_LEN];
};

extern struct switch_trace switch_trace;

void switch_trace_start(void);
void switch_trace_stop(void);

#endif
