/*
 * sched/sleep.c - sleep_until and msleep: block until a tick, woken by the tick.
 *
 * Sleepers wait on one list; every tick wakes those whose time has come. A sorted list
 * or a timer wheel would scale better; a handful of sleepers is all sublet has.
 */
#include "kernel/errno.h"
#include "kernel/time.h"
#include "sched/sched.h"
#include "sched/signal.h"
#include "sched/task_internal.h"

static LIST_HEAD(sleepers);
static DEFINE_SPINLOCK(sleep_lock);

/*
 * Mark the caller asleep in state until wake_at, on the sleepers list; false (and still
 * running) if a killable sleeper has a fatal signal pending. The state is set before
 * the signal is checked, with a full barrier between: a killer sets the signal and then
 * looks at the state (sched/signal.c), so one of the two always sees the other.
 */
static bool prepare_to_sleep(struct task_struct *tsk, u64 wake_at, long state)
{
	tsk->wake_at_tick = wake_at;
	if (list_empty(&tsk->sleep_list))
		list_add_tail(&tsk->sleep_list, &sleepers);
	tsk->state = state;
	smp_mb();
	if ((state & TASK_WAKEKILL) && fatal_signal_pending(tsk)) {
		tsk->state = TASK_RUNNING;
		return false;
	}
	return true;
}

/*
 * sleep_until - sleep until the tick reaches wake_at (64 bits: no sleep is too long to
 * express). Other wake-ups (kthread_stop's, say) do not cut the sleep short, only a
 * fatal signal does, and only in TASK_KILLABLE: the task goes back to sleep until its
 * time has come. It is off the sleepers list whenever this returns, so the list never
 * points at a task that went on to exit.
 */
int sleep_until(u64 wake_at, long state)
{
	struct task_struct *tsk = current;
	unsigned long flags;
	int ret = 0;

	for (;;) {
		flags = spin_lock_irqsave(&sleep_lock);
		if (jiffies >= wake_at)
			break;
		if (!prepare_to_sleep(tsk, wake_at, state)) {
			ret = -EINTR;
			break;
		}
		spin_unlock_irqrestore(&sleep_lock, flags);
		schedule();
	}
	list_del_init(&tsk->sleep_list); /* if woken early by someone else */
	spin_unlock_irqrestore(&sleep_lock, flags);
	return ret;
}

/*
 * sleep_timeout_arm - put the caller on the sleepers list so that the tick wakes it at
 * wake_at while it sleeps on something else (a futex). The tick takes it off the list
 * as it wakes it, so a task woken by its timeout is not woken again by it.
 */
void sleep_timeout_arm(u64 wake_at)
{
	struct task_struct *tsk = current;
	unsigned long flags = spin_lock_irqsave(&sleep_lock);

	tsk->wake_at_tick = wake_at;
	if (list_empty(&tsk->sleep_list))
		list_add_tail(&tsk->sleep_list, &sleepers);
	spin_unlock_irqrestore(&sleep_lock, flags);
}

/* Off the sleepers list again (if the tick has not taken it off already). */
void sleep_timeout_disarm(void)
{
	unsigned long flags = spin_lock_irqsave(&sleep_lock);

	list_del_init(&current->sleep_list);
	spin_unlock_irqrestore(&sleep_lock, flags);
}

/* msleep - sleep at least ms milliseconds; not killable (kernel-internal waits). */
void msleep(unsigned int ms)
{
	sleep_until(jiffies + msecs_to_jiffies(ms) + 1, TASK_UNINTERRUPTIBLE);
}

/* From scheduler_tick, interrupts off. */
void sleep_tick(void)
{
	struct task_struct *tsk, *next;

	spin_lock(&sleep_lock);
	list_for_each_entry_safe(tsk, next, &sleepers, sleep_list) {
		if (jiffies >= tsk->wake_at_tick) {
			list_del_init(&tsk->sleep_list);
			wake_up_process(tsk);
		}
	}
	spin_unlock(&sleep_lock);
}
