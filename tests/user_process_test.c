/*
 * tests/user_process_test.c - real processes, seen from the kernel: leaks, and the
 * active_mm rules with real user address spaces.
 *
 * A kernel thread execs a user program from the GRUB modules (as pid 1 does) and the
 * test waits for it, then checks what no user program can see: that every frame, every
 * mm_struct and every task came back, and that every switch on the way obeyed the four
 * cases (the switch trace, tests/sched_test_util.c). Thousands of fork/exec/exit cycles
 * with their leak check are the soak suite's (tests/soak_test.c).
 */
#include "mm/mm_struct.h"
#include "mm/oom.h"
#include "sched/process.h"
#include "tests/ktest.h"
#include "tests/sched_test_util.h"

/* Thread groups ended every way (exit_group, the leader first, a fault) leave nothing. */
KTEST(user_process, thread_group_cycles_leak_nothing)
{
	struct exec_request req = {{"threadloop", "60"}, 2};
	struct process_census base;

	take_process_census(&base);
	KEXPECT_EQ(t, run_module(&req), W_EXITCODE(0));
	expect_process_census(t, &base);
}

#define MEMHOG_SURVIVED 3 /* user/memhog.c: more memory than it touches */

/*
 * A process that touches memory until none is left is killed by the OOM killer with
 * SIGKILL (one kill, counted), the kernel goes on, and every frame comes back.
 */
KTEST(user_process, out_of_memory_kills_the_hog)
{
	struct exec_request req = {{"memhog"}, 1};
	int kills_before = atomic_read(&oom_kills), status;
	struct process_census base;

	take_process_census(&base);
	status = run_module(&req);
	if (status == W_EXITCODE(MEMHOG_SURVIVED))
		KTEST_SKIP("this machine has more memory than memhog touches");
	KEXPECT_EQ(t, status, W_SIGNALED(SIGKILL));
	KEXPECT_EQ(t, atomic_read(&oom_kills), kills_before + 1);
	expect_process_census(t, &base);
}

/* A kernel thread yielding while processes fork and exit: it keeps borrowing their mms. */
KTEST(user_process, kthreads_borrow_user_mms_lazily)
{
	static struct worker_args k;
	struct exec_request req = {{"forkloop", "40"}, 2};
	unsigned int counts[SWITCH_NR_CASES] = {0};
	struct task_struct *kt;

	k = (struct worker_args){.yields = 400};
	switch_trace_start();
	kt = kthread_run(yielding_kthread, &k, "borrower");
	KASSERT_NOT_NULL(t, kt);
	KEXPECT_EQ(t, run_module(&req), W_EXITCODE(0));
	KEXPECT_EQ(t, task_wait_exit(kt), 0);
	switch_trace_stop();

	KEXPECT_EQ(t, switch_trace_violations(counts), 0);
	KEXPECT_GT(t, counts[SWITCH_REAL_TO_KTHREAD], 0); /* a kthread ran on a process's mm */
	KEXPECT_GT(t, counts[SWITCH_KTHREAD_TO_REAL], 0);
	for (unsigned int i = 0; i < switch_trace_nr_records(); i++) {
		const struct switch_record *r = switch_trace_record(i);

		if (switch_case_of(r) == SWITCH_REAL_TO_KTHREAD)
			KEXPECT_EQ(t, r->cr3_writes_delta, 0); /* lazy: no CR3 write */
	}
}

/* execve drops the old mm: the exec'ing thread's previous (borrowed) mm goes, and a
 * process that execs keeps no trace of its old address space. */
KTEST(user_process, exec_replaces_the_address_space)
{
	struct exec_request req = {{"hello"}, 1};
	unsigned long structs_before;

	settle_lazy_mm();
	structs_before = mm_structs_in_use();
	KEXPECT_EQ(t, run_module(&req), W_EXITCODE(0));
	settle_lazy_mm();
	KEXPECT_EQ(t, mm_structs_in_use(), structs_before);
}
