/*
 * sched/kthread.c - kernel threads, kernel-mode tasks with an address space of their
 * own, and lending an address space to a kernel thread (kthread_use_mm).
 *
 * A kernel thread has PF_KTHREAD and no mm: it runs on whatever address space the CPU
 * has loaded (see context_switch). A "real" task has an mm. User processes
 * (sched/process.c) run in ring 3; the real tasks made here run in kernel mode and touch
 * their user half directly, which lets the tests and benchmarks exercise every rule about
 * mm_users, mm_count and CR3 without a user program.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu_context.h"
#include "kernel/panic.h"
#include "mm/mm_struct.h"
#include "sched/sched.h"
#include "sched/task_internal.h"
#include "sched/wait.h"

static DECLARE_WAIT_QUEUE_HEAD(task_exit_wq);

/* First C code of every new task (from ret_from_fork). */
static void task_entry(struct task_struct *task)
{
	do_exit(task->threadfn(task->data));
}

static struct task_struct *create_task(int (*threadfn)(void *), void *data, const char *name,
				       unsigned int flags, struct mm_struct *mm)
{
	struct task_struct *task = task_alloc(name, flags);

	if (!task)
		return NULL;
	task->threadfn = threadfn;
	task->data = data;
	task->mm = mm;
	task->active_mm = mm;  /* NULL for a kernel thread until its first switch-in */
	get_task_struct(task); /* the creator's reference, for kthread_stop / task_wait_exit */
	task_prepare_first_switch(task, task_entry);
	return task;
}

struct task_struct *kthread_create(int (*threadfn)(void *data), void *data, const char *name)
{
	return create_task(threadfn, data, name, PF_KTHREAD, NULL);
}

struct task_struct *kthread_run(int (*threadfn)(void *data), void *data, const char *name)
{
	struct task_struct *task = kthread_create(threadfn, data, name);

	if (task)
		sched_enqueue_new(task);
	return task;
}

/*
 * user_task_run - start a task that owns mm (taking over the caller's mm_users
 * reference). It runs threadfn in kernel mode with mm loaded, like a process that has
 * not gone to ring 3 yet. The caller must put_task_struct / task_wait_exit it.
 */
struct task_struct *user_task_run(int (*threadfn)(void *data), void *data, const char *name,
				  struct mm_struct *mm)
{
	struct task_struct *task = create_task(threadfn, data, name, 0, mm);

	if (task)
		sched_enqueue_new(task);
	return task;
}

bool kthread_should_stop(void)
{
	return READ_ONCE(current->should_stop);
}

int task_wait_exit(struct task_struct *task)
{
	int code;

	wait_event(task_exit_wq, READ_ONCE(task->exited));
	code = task->exit_code;
	put_task_struct(task); /* the creator's reference */
	return code;
}

int kthread_stop(struct task_struct *task)
{
	WRITE_ONCE(task->should_stop, true);
	wake_up_process(task);
	return task_wait_exit(task);
}

/* Called by do_exit once exit_code is final. */
void task_exit_notify(struct task_struct *task)
{
	WRITE_ONCE(task->exited, true);
	wake_up(&task_exit_wq);
}

/*
 * kthread_use_mm - a kernel thread adopts mm as its own for a while (the caller holds
 * an mm_users reference around the use/unuse pair). The thread takes an mm_count
 * reference for as long as mm is its ->mm, switches CR3 to it, and drops the lazy
 * reference it held on the address space it was borrowing: that one is no longer
 * loaded, so the drop is safe even if it is the last.
 */
void kthread_use_mm(struct mm_struct *mm)
{
	struct task_struct *tsk = current;
	struct mm_struct *active_mm;
	unsigned long flags;

	BUG_ON_MSG(!(tsk->flags & PF_KTHREAD), "kthread_use_mm from %s, not a kthread", tsk->comm);
	BUG_ON_MSG(tsk->mm, "kthread_use_mm(%s): %s already uses %s", mm->name, tsk->comm,
		   tsk->mm->name);
	mmgrab(mm);
	flags = local_irq_save(); /* mm, active_mm and CR3 change together */
	active_mm = tsk->active_mm;
	tsk->active_mm = mm;
	tsk->mm = mm;
	switch_mm(active_mm, mm, tsk);
	local_irq_restore(flags);
	mmdrop(active_mm);
}

/*
 * kthread_unuse_mm - give mm back: the thread becomes anonymous again, but mm stays
 * loaded as its lazy active_mm (with a lazy reference) until the next switch.
 */
void kthread_unuse_mm(struct mm_struct *mm)
{
	struct task_struct *tsk = current;
	unsigned long flags;

	BUG_ON_MSG(tsk->mm != mm, "kthread_unuse_mm(%s): %s does not use it", mm->name, tsk->comm);
	flags = local_irq_save();
	tsk->mm = NULL;
	mmgrab(mm); /* the lazy reference: active_mm is still mm */
	enter_lazy_tlb(mm, tsk);
	local_irq_restore(flags);
	mmdrop(mm); /* kthread_use_mm's reference */
}
