/*
 * sched/wait.h - wait queues: sleeping until a condition becomes true.
 *
 *   wait_event(wq, cond)   sleep until cond holds (checked after every wake-up)
 *   wake_up(wq)            wake every task sleeping on wq
 *
 * The sleeper marks itself TASK_UNINTERRUPTIBLE and queues itself *before* testing the
 * condition, so a wake_up between the test and schedule() makes it runnable again
 * instead of being lost (the classic missed wake-up).
 */
#ifndef SCHED_WAIT_H
#define SCHED_WAIT_H

#include "kernel/list.h"
#include "kernel/spinlock.h"
#include "sched/sched.h"

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
};

struct wait_queue_entry {
	struct task_struct *task;
	struct list_head entry;
};

#define WAIT_QUEUE_HEAD_INIT(name)                                                                 \
	{                                                                                          \
		SPINLOCK_INIT(#name), LIST_HEAD_INIT(name.head)                                    \
	}
#define DECLARE_WAIT_QUEUE_HEAD(name) struct wait_queue_head name = WAIT_QUEUE_HEAD_INIT(name)

void init_waitqueue_head(struct wait_queue_head *wq);
void prepare_to_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait);
/* The same in another sleeping state (TASK_KILLABLE). */
void prepare_to_wait_state(struct wait_queue_head *wq, struct wait_queue_entry *wait, long state);
void finish_wait(struct wait_queue_head *wq, struct wait_queue_entry *wait);
void wake_up(struct wait_queue_head *wq);

#define wait_event(wq, condition)                                                                  \
	do {                                                                                       \
		struct wait_queue_entry wait_entry_ = {.task = current};                           \
		INIT_LIST_HEAD(&wait_entry_.entry);                                                \
		for (;;) {                                                                         \
			prepare_to_wait(&(wq), &wait_entry_);                                      \
			if (condition)                                                             \
				break;                                                             \
			schedule();                                                                \
		}                                                                                  \
		finish_wait(&(wq), &wait_entry_);                                                  \
	} while (0)

#endif
