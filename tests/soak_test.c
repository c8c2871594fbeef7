/*
 * tests/soak_test.c - thousands of task and address-space lifecycles, then every count
 * back at its baseline.
 *
 * The user program forkloop (user/forkloop.c) in `soak` mode forks a child per cycle;
 * the child breaks copy-on-write, execs forkloop again, which starts a thread
 * (clone(CLONE_VM)), reaps it and exits; the parent reaps the child. Meanwhile a kernel
 * thread keeps borrowing the address space of whatever process is alive
 * (kthread_use_mm / kthread_unuse_mm, holding mm_users), sometimes dropping its last
 * real user itself. At the end free frames, slab objects, tasks and mm_structs must be
 * as they were. sched_stress (tests/sched_stress_test.c) does the same for in-kernel
 * tasks; user_process (tests/user_process_test.c) runs plain fork/exit cycles.
 *
 * Each cycle creates and ends two tasks (the child, its thread) and two address spaces
 * (fork's copy, exec's new one). `make test` runs SOAK_DEFAULT_CYCLES cycles, 10,000
 * task and 10,000 mm lifecycles; the command-line option soak=<cycles> changes that, and
 * `make soak` runs a longer soak (SOAK=10000 cycles by default; see docs/testing.md).
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/page.h"
#include "kernel/cmdline.h"
#include "kernel/module.h"
#include "kernel/printk.h"
#include "mm/mm_struct.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "sched/process.h"
#include "sched/task_internal.h"
#include "tests/ktest.h"
#include "tests/sched_test_util.h"

#define SOAK_DEFAULT_CYCLES 5000 /* 10,000 tasks and 10,000 mm_structs, ~10 s under TCG */
#define SOAK_MAX_CYCLES 1000000	 /* forkloop's argument, printed into SOAK_ARG_LEN bytes */
#define SOAK_ARG_LEN 12

struct borrower {
	unsigned long rounds;  /* scans for an address space to borrow */
	unsigned long borrows; /* kthread_use_mm sessions */
	bool wrong_cr3;	       /* an adopted mm was not the one loaded */
};

/* The cycle count: soak=<n> on the command line, else the default. */
static unsigned long soak_cycles(void)
{
	const char *value = kernel_param("soak");
	unsigned long n = 0;

	if (!value || !*value)
		return SOAK_DEFAULT_CYCLES;
	for (; *value >= '0' && *value <= '9' && n <= SOAK_MAX_CYCLES; value++)
		n = n * 10 + (unsigned long)(*value - '0');
	return n >= 1 && n <= SOAK_MAX_CYCLES && !*value ? n : SOAK_DEFAULT_CYCLES;
}

/* Which live address space to borrow: the want-th task owning one (by age), so that the
 * forkloop parent, its child and the child's thread all get borrowed. */
struct mm_pick {
	unsigned int want, seen;
	struct mm_struct *mm; /* with an mm_users reference taken */
};

#define SOAK_PICK_ROTATION 3 /* parent, child, thread */

/* for_each_task callback: take a real reference on the want-th task's mm. A task's mm
 * changes only with interrupts off (exit_mm, exec_mmap), and for_each_task runs with
 * them off, so task->mm cannot go away under this read on one CPU. */
static void grab_process_mm(struct task_struct *task, void *arg)
{
	struct mm_pick *pick = arg;

	if (!pick->mm && task->mm && pick->seen++ == pick->want && mmget_not_zero(task->mm))
		pick->mm = task->mm;
}

/* The borrowing kernel thread: adopt a live process's address space, check it is the
 * one loaded, give it back, drop the reference (perhaps the last: exit_mmap runs here). */
static int borrower_fn(void *arg)
{
	struct borrower *b = arg;

	while (!kthread_should_stop()) {
		struct mm_pick pick = {.want = b->rounds++ % SOAK_PICK_ROTATION};
		struct mm_struct *mm;

		for_each_task(grab_process_mm, &pick);
		mm = pick.mm;
		if (mm) {
			kthread_use_mm(mm);
			if (!mm_is_loaded(mm))
				b->wrong_cr3 = true;
			kthread_unuse_mm(mm);
			mmput(mm);
			b->borrows++;
		}
		yield();
	}
	return 0;
}

KTEST(soak, task_mm_lifecycles)
{
	unsigned long cycles = soak_cycles();
	struct process_census base;
	struct borrower b = {0};
	struct exec_request req = {{"forkloop", NULL, "soak"}, 3};
	struct boot_module_image image;
	struct task_struct *kt;
	char arg[SOAK_ARG_LEN];

	KASSERT_EQ(t, module_find("forkloop", &image), 0);
	snprintf(arg, sizeof(arg), "%lu", cycles);
	req.argv[1] = arg;
	take_process_census(&base);

	kt = kthread_run(borrower_fn, &b, "soak-borrower");
	KASSERT_NOT_NULL(t, kt);
	KEXPECT_EQ(t, run_module(&req), W_EXITCODE(0));
	KEXPECT_EQ(t, kthread_stop(kt), 0);
	ktest_log(t, "%lu cycles: %lu tasks and %lu mm_structs came and went, %lu mm borrows",
		  cycles, 2 * cycles, 2 * cycles, b.borrows);
	KEXPECT_FALSE(t, b.wrong_cr3);
	KEXPECT_GT(t, b.borrows, 0);

	expect_process_census(t, &base);
}
