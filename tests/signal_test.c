/*
 * tests/signal_test.c - the fatal kill of sched/signal.c, seen from the kernel.
 *
 * A real task (an mm of its own, running in kernel mode) sleeps; kill_thread_group must
 * cut a killable sleep short with -EINTR at once and leave an uninterruptible one alone,
 * a second kill of a dying group must report that it is already dying, and the kill must
 * never touch a task outside the group. The user-space side (exit_group, wait4, faults,
 * exec) is user/utest_thread_group.c.
 */
#include "kernel/errno.h"
#include "kernel/time.h"
#include "sched/signal.h"
#include "tests/ktest.h"
#include "tests/sched_test_util.h"

#define LONG_SLEEP_TICKS (10 * HZ)
#define SHORT_SLEEP_MS 200
#define KILL_LATENCY_TICKS (HZ / 2) /* a killed sleeper is up well within this */
#define ASLEEP_WAIT_YIELDS 100000

struct sleeper {
	long state;	      /* TASK_KILLABLE or TASK_UNINTERRUPTIBLE */
	u64 ticks;	      /* how long to sleep */
	volatile bool asleep; /* about to sleep */
	volatile int ret;     /* sleep_until's result */
	volatile u64 slept;   /* ticks it actually slept */
};

static int sleeper_fn(void *arg)
{
	struct sleeper *s = arg;
	u64 start = jiffies;

	s->asleep = true;
	s->ret = sleep_until(start + s->ticks, s->state);
	s->slept = jiffies - start;
	return 0;
}

/* Start a real task sleeping as s says, and wait until it is asleep. */
static struct task_struct *start_sleeper(struct ktest *t, struct sleeper *s, const char *name)
{
	struct mm_struct *mm = make_test_mm(name);
	struct task_struct *task;

	KASSERT_NOT_NULL(t, mm);
	task = user_task_run(sleeper_fn, s, name, mm);
	KASSERT_NOT_NULL(t, task);
	for (int i = 0; i < ASLEEP_WAIT_YIELDS && READ_ONCE(task->state) == TASK_RUNNING; i++)
		yield();
	KEXPECT_TRUE(t, s->asleep);
	return task;
}

KTEST(signal, kill_cuts_a_killable_sleep_short)
{
	struct sleeper s = {.state = TASK_KILLABLE, .ticks = LONG_SLEEP_TICKS};
	struct task_struct *task = start_sleeper(t, &s, "killable");

	KEXPECT_FALSE(t, fatal_signal_pending(task));
	KEXPECT_TRUE(t, kill_thread_group(task, SIGKILL));
	KEXPECT_TRUE(t, fatal_signal_pending(task));
	KEXPECT_FALSE(t, kill_thread_group(task, SIGKILL)); /* already dying */
	KEXPECT_EQ(t, task_wait_exit(task), 0);
	KEXPECT_EQ(t, s.ret, -EINTR);
	KEXPECT_LT(t, s.slept, (u64)KILL_LATENCY_TICKS);
}

KTEST(signal, kill_leaves_an_uninterruptible_sleep_alone)
{
	u64 ticks = msecs_to_jiffies(SHORT_SLEEP_MS);
	struct sleeper s = {.state = TASK_UNINTERRUPTIBLE, .ticks = ticks};
	struct task_struct *task = start_sleeper(t, &s, "uninterruptible");

	KEXPECT_TRUE(t, kill_thread_group(task, SIGKILL));
	KEXPECT_EQ(t, task_wait_exit(task), 0);
	KEXPECT_EQ(t, s.ret, 0);
	KEXPECT_GE(t, s.slept, ticks);
}

KTEST(signal, kill_spares_other_groups)
{
	struct sleeper a = {.state = TASK_KILLABLE, .ticks = LONG_SLEEP_TICKS};
	struct sleeper b = {.state = TASK_KILLABLE, .ticks = msecs_to_jiffies(SHORT_SLEEP_MS)};
	struct task_struct *victim = start_sleeper(t, &a, "victim");
	struct task_struct *bystander = start_sleeper(t, &b, "bystander");

	KEXPECT_TRUE(t, kill_thread_group(victim, SIGKILL));
	KEXPECT_FALSE(t, fatal_signal_pending(bystander));
	KEXPECT_EQ(t, task_wait_exit(victim), 0);
	KEXPECT_EQ(t, task_wait_exit(bystander), 0);
	KEXPECT_EQ(t, a.ret, -EINTR);
	KEXPECT_EQ(t, b.ret, 0); /* slept its whole time */
	KEXPECT_GE(t, b.slept, msecs_to_jiffies(SHORT_SLEEP_MS));
}
