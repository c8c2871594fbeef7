/*
 * sched/task_internal.h - what sched/ files share with each other but nobody else needs.
 */
#ifndef SCHED_TASK_INTERNAL_H
#define SCHED_TASK_INTERNAL_H

#include "sched/sched.h"

/* Protects the process tree and thread groups (sched/process.c). */
extern spinlock_t process_lock;

void task_cache_init(void);
unsigned long tasks_in_use(void);
void task_init_common(struct task_struct *task, const char *name, unsigned int flags);
void task_prepare_first_switch(struct task_struct *task, void (*entry)(struct task_struct *));
void task_free_stack(struct task_struct *task);
/* Put a new task on this CPU's runqueue. */
void sched_enqueue_new(struct task_struct *task);
/* Wake tasks whose msleep has expired (from the tick, interrupts off). */
void sleep_tick(void);
/* A task has exited: wake whoever waits for it (kthread_stop, task_wait_exit). */
void task_exit_notify(struct task_struct *task);

#endif
