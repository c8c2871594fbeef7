/*
 * sched/process.c - fork, clone, wait and the parent/child bookkeeping of processes.
 *
 * fork copies the address space copy-on-write (dup_mm in mm/mmap.c); clone(CLONE_VM)
 * shares it, which is just another real user: mmget. Either way the child starts with a
 * copy of the parent's trap frame, so it returns from the same syscall, with 0.
 */
#include "sched/process.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/syscall.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/mm_struct.h"
#include "sched/task_internal.h"
#include "sched/wait.h"

/* Protects every parent, children and sibling field (a process tree is small). */
static DEFINE_SPINLOCK(process_lock);
static DECLARE_WAIT_QUEUE_HEAD(child_exit_wq);

static struct mm_struct *copy_mm(unsigned long clone_flags, struct task_struct *parent)
{
	if (clone_flags & CLONE_VM) {
		mmget(parent->mm);
		return parent->mm;
	}
	return dup_mm(parent->mm, parent->comm);
}

long do_fork(unsigned long clone_flags, unsigned long newsp, struct trap_frame *tf)
{
	struct task_struct *parent = current, *child;
	struct trap_frame *child_tf;
	unsigned long flags;

	if (!parent->mm)
		return -EINVAL; /* kernel threads do not fork */
	child = task_alloc(parent->comm, 0);
	if (!child)
		return -ENOMEM;
	child->mm = child->active_mm = copy_mm(clone_flags, parent);
	if (!child->mm)
		goto err_free_task;
	fpu_save(&child->fpu); /* the parent's live registers are the child's too */
	save_user_segments(&child->thread.segs); /* and so are its selectors */
	child->user_fpu = true;

	child_tf = task_pt_regs(child);
	*child_tf = *tf;
	child_tf->rax = 0; /* the child's fork() returns 0 */
	if (newsp)
		child_tf->rsp = newsp;
	task_prepare_first_switch(child, NULL); /* NULL: return to user through child_tf */

	get_task_struct(child); /* the parent's reference, dropped when it reaps the child */
	child->forked = true;
	flags = spin_lock_irqsave(&process_lock);
	child->parent = parent;
	list_add_tail(&child->sibling, &parent->children);
	spin_unlock_irqrestore(&process_lock, flags);
	sched_enqueue_new(child);
	return child->pid;

err_free_task:
	task_free_stack(child);
	child->state = TASK_DEAD;
	put_task_struct(child);
	return -ENOMEM;
}

/* A child that exited, matching pid, or NULL; sets *any if pid matches any child. */
static struct task_struct *find_zombie(struct task_struct *parent, pid_t pid, bool *any)
{
	struct task_struct *child;

	*any = false;
	list_for_each_entry(child, &parent->children, sibling) {
		if (pid != -1 && child->pid != pid)
			continue;
		*any = true;
		if (READ_ONCE(child->exited))
			return child;
	}
	return NULL;
}

long do_wait(pid_t pid, int *status, bool nohang)
{
	struct task_struct *parent = current, *zombie = NULL;
	bool any = false;
	unsigned long flags;
	pid_t reaped;

	for (;;) {
		struct wait_queue_entry wait = {.task = parent};

		INIT_LIST_HEAD(&wait.entry);
		prepare_to_wait(&child_exit_wq, &wait);
		flags = spin_lock_irqsave(&process_lock);
		zombie = find_zombie(parent, pid, &any);
		if (zombie)
			list_del_init(&zombie->sibling);
		spin_unlock_irqrestore(&process_lock, flags);
		if (zombie || !any || nohang) {
			finish_wait(&child_exit_wq, &wait);
			break;
		}
		schedule();
		finish_wait(&child_exit_wq, &wait);
	}
	if (!zombie)
		return any ? 0 : -ECHILD;
	*status = zombie->exit_code;
	reaped = zombie->pid;
	put_task_struct(zombie); /* the parent's reference: the struct goes */
	return reaped;
}

/*
 * exit_notify_parent - tsk is exiting (do_exit, interrupts off). Its children become
 * orphans: nobody will reap them, so an orphan drops the reference its parent would
 * have dropped when it exits itself, and children that already exited are reaped here.
 * Marking tsk exited happens under process_lock, so a parent's wait and exit never see
 * half of it; then the parent, if any, is woken.
 */
void exit_notify_parent(struct task_struct *tsk)
{
	struct task_struct *child, *next;
	unsigned long flags = spin_lock_irqsave(&process_lock);
	bool orphan = tsk->forked && !tsk->parent;

	list_for_each_entry_safe(child, next, &tsk->children, sibling) {
		list_del_init(&child->sibling);
		child->parent = NULL;
		if (READ_ONCE(child->exited))
			put_task_struct(child); /* an unreaped zombie: reap it now */
	}
	WRITE_ONCE(tsk->exited, true);
	spin_unlock_irqrestore(&process_lock, flags);
	if (orphan)
		put_task_struct(tsk); /* ours is still held: the struct outlives this call */
	else if (tsk->forked)
		wake_up(&child_exit_wq);
}

void force_sig_fault(struct trap_frame *tf, int sig, const char *what, unsigned long addr)
{
	struct task_struct *tsk = current;

	printk("%s[%d]: %s at %lx ip %lx sp %lx error %lx in %s\n", tsk->comm, tsk->pid, what, addr,
	       (unsigned long)tf->rip, (unsigned long)tf->rsp, (unsigned long)tf->error_code,
	       tsk->comm);
	tsk->kill_signal = sig;
	do_exit(W_SIGNALED(sig));
}
