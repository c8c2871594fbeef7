/*
 * tests/sched_test_util.h - helpers shared by the scheduler and active_mm self-tests:
 * real tasks that touch their user pages, kernel threads that yield, and checking the
 * switch trace (sched/switch_trace.h) against the cases of docs/active_mm.md.
 */
#ifndef TESTS_SCHED_TEST_UTIL_H
#define TESTS_SCHED_TEST_UTIL_H

#include "mm/mm_struct.h"
#include "sched/sched.h"
#include "sched/switch_trace.h"
#include "tests/ktest.h"

#define TEST_USER_BASE 0x400000ul /* where test address spaces map their pages */
#define TEST_USER_PAGES 4

struct worker_args {
	int yields;		  /* how many times to yield before returning */
	volatile int progress;	  /* counts loop iterations */
	volatile bool touched_ok; /* a real worker saw its own pattern in its user pages */
	unsigned long pattern;	  /* what a real worker writes into its pages */
};

/* A kernel-mode "real" task body: write pattern into the user pages, yield, verify. */
int real_worker(void *arg);
/* A kernel thread body: yield `yields` times. */
int yielding_kthread(void *arg);
/* mm_alloc + TEST_USER_PAGES mapped at TEST_USER_BASE; NULL on failure. */
struct mm_struct *make_test_mm(const char *name);

/* A module program to exec from a kernel thread, as pid 1 execs init. */
struct exec_request {
	const char *argv[4];
	int argc;
};

/* Run a module program to its end; its wait status, or a negative error. */
int run_module(struct exec_request *req);

/*
 * settle_lazy_mm - make the test thread's lazy mm a permanent "keeper" mm, dropping
 * whatever it was borrowing. An exited real task's mm lives on as long as some kernel
 * thread borrows it (the zombie case), so free-page baselines must be taken, and
 * compared, with no such zombie pending: call this before both.
 */
void settle_lazy_mm(void);

/*
 * What a test that runs processes must give back: free frames, slab objects, tasks and
 * mm_structs. Taken (and compared) after settle_lazy_mm and with empty slabs returned,
 * so equal means nothing leaked.
 */
struct process_census {
	unsigned long free_pages, objects, tasks, mms;
};

void take_process_census(struct process_census *c);
/* Expect every count back at *base. */
void expect_process_census(struct ktest *t, const struct process_census *base);

/* The case of a recorded switch, worked out by the test from the record's raw fields
 * (the record's own `kind` is checked against it). */
enum switch_case switch_case_of(const struct switch_record *r);
/* Check one record against the rules; prints and counts each broken rule. */
int switch_record_violations(const struct switch_record *r);
/* Check every retained record; fills per-case counts (may be NULL). */
int switch_trace_violations(unsigned int counts[SWITCH_NR_CASES]);

#endif
