/*
 * sched/switch_trace.h - the switch trace: one record per context switch, per CPU.
 *
 * The scheduler has one hook for it, the pair of inline calls below: trace_sched_switch()
 * where __schedule hands over to context_switch (Linux's sched_switch tracepoint sits in
 * the same place) and trace_sched_switch_finish() in finish_task_switch, once the parked
 * mm has been dropped. Off, each is one predictable branch on switch_trace_enabled; on,
 * they fill a struct switch_record (sched/switch_trace.c) with the address-space state
 * before the switch and after it. The self-tests check Linux's switch cases against
 * these records, the named scenarios (sched/switch_scenario.h) print them, and GDB reads
 * them as `p switch_trace[0].records[(switch_trace[0].count - 1) % 256]`. See
 * docs/active_mm.md.
 */
#ifndef SCHED_SWITCH_TRACE_H
#define SCHED_SWITCH_TRACE_H

#include "kernel/compiler.h"
#include "kernel/types.h"
#include "mm/mm_types.h"
#include "sched/sched.h"

#define SWITCH_TRACE_LEN 256 /* records kept per CPU: a ring, the oldest overwritten */
#define SWITCH_TRACE_CPUS 1  /* one buffer per CPU; sublet runs on the boot CPU only */

/* The cases of context_switch (docs/active_mm.md), as the trace classifies a switch. */
enum switch_case {
	SWITCH_REAL_TO_KTHREAD,	      /* next borrows prev's mm: mmgrab, no CR3 write */
	SWITCH_KTHREAD_TO_KTHREAD,    /* the borrowed reference moves from prev to next */
	SWITCH_KTHREAD_TO_REAL,	      /* the borrowed mm is parked, dropped after the switch */
	SWITCH_REAL_TO_REAL_SAME_MM,  /* threads of one mm: nothing changes */
	SWITCH_REAL_TO_REAL_OTHER_MM, /* switch_mm writes CR3 */
	SWITCH_NR_CASES,
};

/*
 * One switch on one CPU. "Before" is the state as __schedule hands the switch to
 * context_switch; "after" is on next's side, once finish_task_switch has dropped the
 * parked mm. Pointers to mms are for comparing only: an mm may have been freed since.
 */
struct switch_record {
	int cpu;
	u64 tsc; /* rdtsc() at the start of the switch */
	int prev_pid, next_pid;
	char prev_comm[TASK_COMM_LEN], next_comm[TASK_COMM_LEN];
	enum switch_case kind;
	bool prev_is_real, next_is_real;  /* ->mm != NULL, before */
	struct mm_struct *prev_mm;	  /* before */
	struct mm_struct *prev_active_mm; /* before: the mm the CPU was running on */
	struct mm_struct *next_mm;	  /* before (a switch never changes it) */
	struct mm_struct *next_active_mm; /* after: what context_switch gave next */
	u64 next_pgd_pa;		  /* physical address of next->mm's PML4, 0 for a kthread */
	int next_mm_users;		  /* next->mm's mm_users at the switch, 0 for a kthread */
	struct mm_struct *prev_mm_parked; /* what context_switch left in rq->prev_mm */
	/* Names of prev's active_mm (before) and next's (after), for printing. */
	char prev_active_name[MM_NAME_LEN], next_active_name[MM_NAME_LEN];
	/* The borrowed mm's count: lazy_mm is prev's active_mm, before. */
	struct mm_struct *lazy_mm;
	int lazy_count_before; /* lazy_mm's mm_count before the switch */
	int lazy_count_after;  /* ... after finish_task_switch's drop, if not freed */
	bool lazy_mm_freed;    /* that drop freed it (one mm_struct fewer): no count to read, 0 */
	u64 cr3_before, cr3_after;
	bool cr3_written;	 /* the switch wrote CR3 (switch_mm) */
	u64 cr3_writes_delta;	 /* this CPU's nr_cr3_writes moved by this much */
	u64 lazy_switches_delta; /* ... and its nr_lazy_switches */
};

/* One CPU's ring of records. Written only by its own CPU, inside a switch. */
struct switch_trace {
	unsigned int count;	       /* records written since switch_trace_start (may wrap) */
	struct switch_record *pending; /* started by trace_sched_switch, not yet finished */
	/* What the finish half compares with: the counters as the pending switch began. */
	u64 cr3_writes_before, lazy_switches_before;
	unsigned long mm_structs_before;
	struct switch_record records[SWITCH_TRACE_LEN];
};

extern struct switch_trace switch_trace[SWITCH_TRACE_CPUS];
/* Recording on? Set and cleared only by switch_trace_start/stop, outside a switch. */
extern bool switch_trace_enabled;

/* Empty this CPU's ring and record every switch from now on; stop recording. */
void switch_trace_start(void);
void switch_trace_stop(void);
/* Records written on this CPU since switch_trace_start (it may exceed the ring's length);
 * those retained (at most SWITCH_TRACE_LEN); and the i-th oldest of those. */
unsigned int switch_trace_count(void);
unsigned int switch_trace_nr_records(void);
const struct switch_record *switch_trace_record(unsigned int i);
/* Print one record on one line, and every retained record, for people and scripts. */
void switch_record_print(const struct switch_record *r);
void switch_trace_print(void);
const char *switch_case_name(enum switch_case kind);

/* The halves of the hook; only the scheduler calls them (through the inlines). */
void switch_trace_begin(struct task_struct *prev, struct task_struct *next);
void switch_trace_finish(struct mm_struct *parked_mm);

/* __schedule, before context_switch: interrupts off, runqueue locked. */
static inline void trace_sched_switch(struct task_struct *prev, struct task_struct *next)
{
	if (unlikely(switch_trace_enabled))
		switch_trace_begin(prev, next);
}

/* finish_task_switch on next's side, after the parked mm (or NULL) was dropped. */
static inline void trace_sched_switch_finish(struct mm_struct *parked_mm)
{
	if (unlikely(switch_trace_enabled))
		switch_trace_finish(parked_mm);
}

/*
 * The state of swapper/0 as sched_init left it, before anything else ran: recorded by
 * switch_trace_init() (kmain calls it right after sched_init) for the self-tests.
 */
struct sched_boot_snapshot {
	struct mm_struct *idle_mm;
	struct mm_struct *idle_active_mm;
	struct mm_struct *loaded_mm;
	int init_mm_count;
	int init_mm_users;
};
extern struct sched_boot_snapshot sched_boot_snapshot;
void switch_trace_init(void);

#endif
