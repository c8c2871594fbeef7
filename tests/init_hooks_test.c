/*
 * tests/init_hooks_test.c - pid 1's hooks (kernel/init.h): the harness runs because it
 * registered itself, not because kernel/main.c calls it by name.
 */
#include "kernel/init.h"
#include "kernel/string.h"
#include "sched/sched.h"
#include "tests/ktest.h"

extern const struct init_hook __init_hooks_start[], __init_hooks_end[];

static const struct init_hook *find_hook(const char *name)
{
	for (const struct init_hook *h = __init_hooks_start; h < __init_hooks_end; h++) {
		if (!strcmp(h->name, name))
			return h;
	}
	return NULL;
}

KTEST(init_hooks, harness_and_benchmarks_register_both_halves)
{
	const struct init_hook *ktest = find_hook("ktest"), *bench = find_hook("bench");

	KASSERT_NOT_NULL(t, ktest);
	KASSERT_NOT_NULL(t, bench);
	KEXPECT_NOT_NULL(t, ktest->run);
	KEXPECT_NOT_NULL(t, ktest->exited); /* the verdict after the user-space suites */
	KEXPECT_NOT_NULL(t, bench->run);
	KEXPECT_NOT_NULL(t, bench->exited);
}

KTEST(init_hooks, tests_run_as_pid_1_through_the_hook)
{
	KEXPECT_EQ(t, current->pid, 1);
	KEXPECT_STREQ(t, current->comm, "init");
}
