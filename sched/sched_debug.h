/*
 * sched/sched_debug.h - checking the active_mm invariants, for self-tests and GDB.
 *
 * These are the rules of docs/active_mm.md ("Checking it"), each written out below,
 * computed from the live state: every task, this CPU's runqueue and per-CPU area. Call
 * them at quiescent points (no switch in progress); each returns the number of
 * violations and prints one line per violation.
 */
#ifndef SCHED_SCHED_DEBUG_H
#define SCHED_SCHED_DEBUG_H

#include "mm/mm_types.h"

/*
 * The lazy census of mm: mm_count must equal (1 if mm_users > 0) + lazy users (the
 * running task with mm == NULL and active_mm == mm) + kernel threads using mm through
 * kthread_use_mm + the runqueue's parked prev_mm + `explicit_refs` (mmgrab holders the
 * caller knows of). Returns the expected count.
 */
int mm_census_expected(struct mm_struct *mm, int explicit_refs);
/*
 * Per-task rules: nobody has init_mm as mm; mm != NULL implies active_mm == mm; a task
 * that is not running with mm == NULL has active_mm == NULL; every live task's mm has a
 * PML4 whose kernel half equals init_mm's; at most one lazy mm on this CPU; prev_mm is
 * NULL outside a switch; loaded_mm is in its own cpumask and is what CR3 holds.
 */
int check_task_invariants(void);

/* This CPU's switch counters (struct cpu_state), read together. */
struct sched_counters {
	u64 switches, cr3_writes, lazy_switches;
};

void sched_counters_read(struct sched_counters *c);
/* The counters now minus *since. */
struct sched_counters sched_counters_since(const struct sched_counters *since);

#endif
