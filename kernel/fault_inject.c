/*
 * kernel/fault_inject.c - failing the Nth allocation of a task (see fault_inject.h).
 *
 * The allocators call should_fail_alloc(kind) before they allocate; while no task is
 * armed that is one load and one untaken branch. The slow path below runs only while
 * some test has armed a task, and looks at the current task's own state.
 */
#include "kernel/fault_inject.h"
#include "kernel/panic.h"
#include "sched/sched.h"

atomic_t fault_inject_armed_tasks;

static void disarm(struct fault_inject *fi)
{
	fi->kinds = 0;
	atomic_dec(&fault_inject_armed_tasks);
}

void fault_inject_start(unsigned int kinds, unsigned int nth)
{
	struct fault_inject *fi = &current->fault_inject;

	BUG_ON_MSG(!kinds || (kinds & ~FAULT_ALL), "fault_inject_start: bad kinds 0x%x", kinds);
	BUG_ON_MSG(fi->kinds, "fault_inject_start: %s is already armed", current->comm);
	*fi = (struct fault_inject){.kinds = kinds, .fail_nth = nth};
	atomic_inc(&fault_inject_armed_tasks);
}

unsigned int fault_inject_stop(bool *injected)
{
	struct fault_inject *fi = &current->fault_inject;

	BUG_ON_MSG(!fi->kinds, "fault_inject_stop: %s is not armed", current->comm);
	disarm(fi);
	if (injected)
		*injected = fi->injected;
	return fi->count;
}

void fault_inject_exit(struct task_struct *tsk)
{
	if (tsk->fault_inject.kinds)
		disarm(&tsk->fault_inject);
}

bool __should_fail_alloc(unsigned int kind)
{
	struct fault_inject *fi = &current->fault_inject;

	if (!(fi->kinds & kind))
		return false;
	if (++fi->count != fi->fail_nth)
		return false;
	fi->injected = true;
	return true;
}
