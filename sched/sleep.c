/*
 * sched/sleep.c - msleep: block for a number of milliseconds, woken by the tick.
 *
 * Sleepers wait on one list; every tick wakes those whose time has come. A sorted list
 * or a timer wheel would scale better; a handful of sleepers is all sublet has.
 */
#include "kernel/time.h"
#include "sched/sched.h"
#include "sched/task_internal.h"

static LIST_HEAD(sleepers);
static DEFINE_SPINLOCK(sleep_lock);

/*
 * msleep - sleep at least ms milliseconds. Other wake-ups (kthread_stop's, say) do not
 * cut the sleep short: the task goes back to sleep until its time has come, and it is
 * off the sleepers list whenever msleep returns, so the list never points at a task
 * that went on to exit.
 */
void msleep(unsigned int ms)
{
	struct task_struct *tsk = current;
	u64 wake_at = jiffies + msecs_to_jiffies(ms) + 1; /* at least ms have passed */
	unsigned long flags;

	for (;;) {
		flags = spin_lock_irqsave(&sleep_lock);
		if (jiffies >= wake_at)
			break;
		tsk->wake_at_tick = wake_at;
		if (list_empty(&tsk->sleep_list))
			list_add_tail(&tsk->sleep_list, &sleepers);
		tsk->state = TASK_UNINTERRUPTIBLE;
		spin_unlock_irqrestore(&sleep_lock, flags);
		schedule();
	}
	list_del_init(&tsk->sleep_list); /* if woken early by someone else */
	spin_unlock_irqrestore(&sleep_lock, flags);
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
