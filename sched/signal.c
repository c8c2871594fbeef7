/*
 * sched/signal.c - killing a thread group: exit_group, fatal faults, the OOM killer.
 *
 * See sched/signal.h for the model. The group's exit state lives in its leader's
 * task_struct (group_exit, group_exit_code) and every field here is protected by
 * process_lock (sched/process.c). A kill never waits for its victims: each thread ends
 * itself at its next return to user space or killable sleep, so the killer may be any
 * task, in any context that may take a spinlock.
 */
#include "sched/signal.h"
#include "kernel/errno.h"
#include "sched/process.h"
#include "sched/task_internal.h"

/*
 * Wake t if it sleeps killably. The signal was stored before (under process_lock) and
 * a full barrier separates it from the load of the state; the sleeper stores its state,
 * then a barrier, then loads the signal (prepare_to_sleep, prepare_to_wait_state): so
 * either the sleeper sees the signal and does not sleep, or we see it asleep and wake it.
 */
static void signal_wake_up(struct task_struct *t)
{
	smp_mb();
	if (READ_ONCE(t->state) & TASK_WAKEKILL)
		wake_up_process(t);
}

/* Set SIGKILL pending in t unless it is except or already gone (process_lock held). */
static void sigkill_thread(struct task_struct *t, const struct task_struct *except)
{
	if (t == except || READ_ONCE(t->exited))
		return;
	WRITE_ONCE(t->pending, t->pending | sigmask(SIGKILL));
	signal_wake_up(t);
}

/* Mark the group of leader exiting with code and send SIGKILL to every thread but
 * except (process_lock held). The leader heads the ring of thread_node links. */
static void zap_thread_group(struct task_struct *leader, int code, struct task_struct *except)
{
	struct task_struct *t;

	leader->group_exit = true;
	leader->group_exit_code = code;
	sigkill_thread(leader, except);
	list_for_each_entry(t, &leader->thread_node, thread_node)
		sigkill_thread(t, except);
}

void do_group_exit(int code)
{
	struct task_struct *leader = current->group_leader;
	unsigned long flags = spin_lock_irqsave(&process_lock);

	if (leader->group_exit)
		code = leader->group_exit_code; /* a kill under way decides the status */
	else
		zap_thread_group(leader, code, current);
	spin_unlock_irqrestore(&process_lock, flags);
	do_exit(code);
}

bool kill_thread_group(struct task_struct *p, int sig)
{
	struct task_struct *leader = p->group_leader;
	unsigned long flags = spin_lock_irqsave(&process_lock);
	bool killed = !leader->group_exit;

	if (killed)
		zap_thread_group(leader, W_SIGNALED(sig), NULL);
	spin_unlock_irqrestore(&process_lock, flags);
	return killed;
}

void fatal_signal_exit(void)
{
	struct task_struct *leader = current->group_leader;
	unsigned long flags = spin_lock_irqsave(&process_lock);
	bool by_exec =
	    !leader->group_exit && leader->group_exec_task && leader->group_exec_task != current;

	spin_unlock_irqrestore(&process_lock, flags);
	if (by_exec)
		do_exit(W_SIGNALED(SIGKILL)); /* a sibling execs: only we go */
	do_group_exit(W_SIGNALED(SIGKILL));
}

/* Start de_thread: mark tsk as the group's exec task and kill the others. -EINTR if
 * the group is dying or another thread's exec got there first (and kills us). */
static int zap_other_threads(struct task_struct *tsk, struct task_struct *leader)
{
	unsigned long flags = spin_lock_irqsave(&process_lock);
	struct task_struct *t;

	if (leader->group_exit || leader->group_exec_task || fatal_signal_pending(tsk)) {
		spin_unlock_irqrestore(&process_lock, flags);
		return -EINTR;
	}
	leader->group_exec_task = tsk;
	sigkill_thread(leader, tsk);
	list_for_each_entry(t, &leader->thread_node, thread_node)
		sigkill_thread(t, tsk);
	spin_unlock_irqrestore(&process_lock, flags);
	return 0;
}

/* Sleep until tsk is the last live thread of its group, or a fatal signal: exit_notify
 * wakes the exec task when the count drops to one. */
static int wait_other_threads_gone(struct task_struct *tsk, struct task_struct *leader)
{
	for (;;) {
		tsk->state = TASK_KILLABLE;
		smp_mb();
		if (READ_ONCE(leader->nr_threads) == 1 || fatal_signal_pending(tsk))
			break;
		schedule();
	}
	tsk->state = TASK_RUNNING;
	return fatal_signal_pending(tsk) ? -EINTR : 0;
}

int de_thread(void)
{
	struct task_struct *tsk = current, *leader = tsk->group_leader;
	unsigned long flags;
	int err;

	if (READ_ONCE(leader->nr_threads) == 1)
		return 0; /* alone: no thread can appear, only we could clone one */
	err = zap_other_threads(tsk, leader);
	if (err)
		return err;
	err = wait_other_threads_gone(tsk, leader);
	flags = spin_lock_irqsave(&process_lock);
	leader->group_exec_task = NULL;
	spin_unlock_irqrestore(&process_lock, flags);
	return err;
}
