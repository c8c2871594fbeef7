/*
 * sched/wait.c - wait queues (see sched/wait.h).
 */
#include "sched/wait.h"

void init_waitqueue_head(struct wait_queue_head *wq)
{
	spin_lock_init(&wq->lock, "wait_queue_head");
	INIT_LIST_HEAD(&wq->head);
}

/* Queue the caller (once) and mark it asleep in state; the caller then tests its
 * condition (and, in TASK_KILLABLE, fatal_signal_pending: the barrier orders it after
 * the state, see sched/signal.c). */
void prepare_to_wait_state(struct wait_queue_head *wq, struct wait_queue_entry *wait, long state)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	if (list_empty(&wait->entry))
		list_add_tail(&wait->entry, &wq->head);
	current->state = state;
	smp_mb();
	spin_unlock_irqrestore(&wq->lock, flags);
}

void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait)
{
	prepare_to_wait_state(wq, wait, TASK_UNINTERRUPTIBLE);
}

void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);

	current->state = TASK_RUNNING;
	if (!list_empty(&wait->entry))
		list_del_init(&wait->entry);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void wake_up(struct wait_queue_head *wq)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	struct wait_queue_entry *wait;

	list_for_each_entry(wait, &wq->head, entry)
		wake_up_process(wait->task);
	spin_unlock_irqrestore(&wq->lock, flags);
}
