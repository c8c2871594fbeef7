/*
 * tests/segment_test.c - each process has its own data segment selectors, and odd
 * selectors or flags from ring 3 do not disturb the kernel.
 *
 * The programs are in tests/user_mode_progs.S; see arch/x86_64/segment.h for why the
 * selectors are switched with the task.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "sched/process.h"
#include "sched/sched.h"
#include "tests/ktest.h"
#include "tests/mm_test_util.h"
#include "tests/sched_test_util.h"
#include "tests/user_mode_util.h"

USER_PROG(segments_setter);
USER_PROG(segments_checker);
USER_PROG(odd_flags_and_selectors);
USER_PROG(segments_fork);

/*
 * Process A loads USER_DS into es/fs/gs and yields in a loop; process B, started after,
 * must see only null selectors (exit 0), and A must keep its own (exit 0) though B runs
 * in between. Exit statuses 1-4 name the register that was wrong (ds, es, fs, gs).
 */
KTEST(segment, selectors_do_not_leak_between_processes)
{
	struct task_struct *a, *b;
	struct slab_baseline base;
	u64 switches = this_cpu()->nr_switches;

	settle_lazy_mm();
	take_baseline(&base);
	a = user_code_start(segments_setter_start, USER_PROG_SIZE(segments_setter));
	KASSERT_NOT_NULL(t, a);
	b = user_code_start(segments_checker_start, USER_PROG_SIZE(segments_checker));
	if (!b)
		task_wait_exit(a);
	KASSERT_NOT_NULL(t, b);
	KEXPECT_EQ(t, task_wait_exit(b), W_EXITCODE(0));
	KEXPECT_EQ(t, task_wait_exit(a), W_EXITCODE(0));
	/* They did take turns: at least one switch per yield of each. */
	KEXPECT_GE(t, this_cpu()->nr_switches - switches, 40);
	settle_lazy_mm();
	expect_baseline(t, &base);
}

KTEST(segment, fork_copies_the_selectors)
{
	KEXPECT_EQ(t, run_user_prog(segments_fork), W_EXITCODE(0));
}

KTEST(segment, odd_selectors_and_flags_survive_the_kernel)
{
	u64 flags;

	KEXPECT_EQ(t, run_user_prog(odd_flags_and_selectors), W_EXITCODE(0));
	/* And the kernel still runs with its own flags. */
	flags = read_rflags();
	KEXPECT_FALSE(t, flags & (X86_EFLAGS_AC | X86_EFLAGS_DF | X86_EFLAGS_NT));
}
