/*
 * kernel/fault_inject.h - make the Nth allocation of a task fail, for tests that walk
 * every error path of fork, exec, page faults... (Linux's failslab, fail_page_alloc and
 * fail_nth, in one small piece).
 *
 * A test arms the calling task: fault_inject_start(kinds, nth). From then on every
 * allocation of one of the chosen kinds that this task makes is counted, and the nth
 * one fails (returns NULL, as if memory had run out); nth 0 only counts. The count is
 * per task, as Linux's fail_nth: another task running in between (or an interrupt
 * handler, though none of sublet's allocates) does not move it. An allocation counts
 * for the task that makes it, even when it is made for another: fork's allocations for
 * the child are the parent's, exec's the caller's. fault_inject_stop() ends it and says
 * how many allocations were counted and whether the nth was failed.
 *
 * Each allocation counts once, under its own kind, where it is made: a slab object at
 * kmem_cache_alloc (not the slab page behind it, whose need depends on the cache's
 * state), a page-table page at its table allocation, a kernel-stack page in
 * kstack_alloc. Those allocators take their pages with __alloc_pages(), which is not
 * hooked, so one allocation never counts twice. See docs/testing.md, "Fault injection".
 */
#ifndef KERNEL_FAULT_INJECT_H
#define KERNEL_FAULT_INJECT_H

#include "kernel/atomic.h"
#include "kernel/compiler.h"
#include "kernel/types.h"

struct task_struct;

/* What can be made to fail (a mask: a test may choose several). */
#define FAULT_PAGE (1u << 0)	/* alloc_pages(), and kmalloc() above 4 KiB */
#define FAULT_SLAB (1u << 1)	/* kmem_cache_alloc(), kmalloc() up to 4 KiB */
#define FAULT_PGTABLE (1u << 2) /* page-table pages: PML4 (pgd_alloc), PDPT, PD, PT */
#define FAULT_KSTACK (1u << 3)	/* kernel-stack pages (kstack_alloc) */
#define FAULT_ALL (FAULT_PAGE | FAULT_SLAB | FAULT_PGTABLE | FAULT_KSTACK)

/* A task's fault-injection state (task_struct.fault_inject). Only the task itself reads
 * or writes it while it runs, so it needs no lock; a test may read it after the task
 * exited, while holding a reference to the struct. */
struct fault_inject {
	unsigned int kinds;    /* FAULT_* being counted; 0: not armed */
	unsigned int fail_nth; /* fail the fail_nth-th counted allocation (from 1); 0: none */
	unsigned int count;    /* allocations counted since fault_inject_start */
	bool injected;	       /* the fail_nth-th allocation was failed */
};

/* How many tasks are armed (changed only by fault_inject_start/stop and exit). Zero
 * almost always: the one branch every allocation pays. */
extern atomic_t fault_inject_armed_tasks;

/* Count the calling task's allocations of `kinds` from now on; fail the nth (1 = the
 * next one; 0 = fail none, just count). Panics if the task is already armed. */
void fault_inject_start(unsigned int kinds, unsigned int nth);
/* Stop counting; returns the number of allocations counted, and in *injected (may be
 * NULL) whether the nth one was failed. */
unsigned int fault_inject_stop(bool *injected);
/* A task that exits armed stops counting (do_exit); its struct keeps the result. */
void fault_inject_exit(struct task_struct *tsk);

bool __should_fail_alloc(unsigned int kind);

/* Should this allocation of `kind` fail? The hook at each allocation site. */
static inline bool should_fail_alloc(unsigned int kind)
{
	if (likely(!atomic_read(&fault_inject_armed_tasks)))
		return false;
	return __should_fail_alloc(kind);
}

#endif
