/*
 * sched/process.c - fork, clone, wait, thread groups and the parent/child bookkeeping.
 *
 * fork copies the address space copy-on-write (dup_mm in mm/mmap.c); clone(CLONE_VM)
 * shares it, which is just another real user: mmget. Either way the child starts with a
 * copy of the parent's trap frame, so it returns from the same syscall, with 0.
 *
 * A process is a thread group, as in Linux: clone(CLONE_THREAD) adds a thread to the
 * caller's group (same tgid, which getpid returns; its own pid, which gettid returns).
 * Only the group leader is a child of the parent: the other threads are reaped by
 * nobody, each dropping its last reference as it dies, and the leader becomes waitable
 * only when the last thread of its group has exited (Linux's delay_group_leader). Any
 * other clone (fork, or CLONE_VM alone) makes a new process leading its own group.
 */
#include "sched/process.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/syscall.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/mm_struct.h"
#include "sched/signal.h"
#include "sched/task_internal.h"
#include "sched/wait.h"

/* Protects every parent, children and sibling field and the thread-group fields of
 * task_struct (sched/sched.h): a process tree is small. */
DEFINE_SPINLOCK(process_lock);
static DECLARE_WAIT_QUEUE_HEAD(child_exit_wq);

static struct mm_struct *copy_mm(unsigned long clone_flags, struct task_struct *parent)
{
	if (clone_flags & CLONE_VM) {
		mmget(parent->mm);
		return parent->mm;
	}
	return dup_mm(parent->mm, parent->comm);
}

/* Link the new child into its family: its parent's children (a process) or its
 * group (a thread). -EINTR if the group is already dying: a thread added now would miss
 * the kill. */
static int attach_child(struct task_struct *child, struct task_struct *parent,
			unsigned long clone_flags)
{
	struct task_struct *leader = parent->group_leader;
	unsigned long flags = spin_lock_irqsave(&process_lock);

	if (!(clone_flags & CLONE_THREAD)) {
		child->parent = parent;
		list_add_tail(&child->sibling, &parent->children);
		spin_unlock_irqrestore(&process_lock, flags);
		return 0;
	}
	if (leader->group_exit || leader->group_exec_task || fatal_signal_pending(parent)) {
		spin_unlock_irqrestore(&process_lock, flags);
		return -EINTR;
	}
	child->tgid = leader->tgid;
	child->group_leader = leader;
	list_add_tail(&child->thread_node, &leader->thread_node);
	leader->nr_threads++;
	spin_unlock_irqrestore(&process_lock, flags);
	return 0;
}

/* CLONE_PARENT_SETTID: the tid goes to the caller's word before the child runs. A
 * write that fails is ignored, as Linux does: the child exists anyway. */
static void clone_parent_settid(const struct kernel_clone_args *args, pid_t tid)
{
	if (args->flags & CLONE_PARENT_SETTID)
		(void)copy_to_user((void __user *)args->parent_tid, &tid, sizeof(tid));
}

long do_fork(const struct kernel_clone_args *args, struct trap_frame *tf)
{
	unsigned long clone_flags = args->flags;
	struct task_struct *parent = current, *child;
	struct trap_frame *child_tf;
	int err = -ENOMEM;

	if (!parent->mm)
		return -EINVAL; /* kernel threads do not fork */
	child = task_alloc(parent->comm, 0);
	if (!child)
		return -ENOMEM;
	child->mm = child->active_mm = copy_mm(clone_flags, parent);
	if (!child->mm)
		goto err_free_task;
	fpu_save(&child->fpu); /* the parent's live registers are the child's too */
	save_user_segments(&child->thread.segs);		/* and so are its selectors */
	child->thread.segs.fsbase = parent->thread.segs.fsbase; /* and its TLS bases */
	child->thread.segs.gsbase = parent->thread.segs.gsbase;
	if (clone_flags & CLONE_SETTLS) /* sys_clone checked it is a user address */
		child->thread.segs.fsbase = args->tls;
	if (clone_flags & CLONE_CHILD_CLEARTID)
		child->clear_child_tid = args->child_tid;
	child->user_fpu = true;
	copy_sighand(child, parent); /* a thread's own copy of the actions goes unused */

	child_tf = task_pt_regs(child);
	*child_tf = *tf;
	child_tf->rax = 0; /* the child's fork() returns 0 */
	if (args->stack)
		child_tf->rsp = args->stack;
	task_prepare_first_switch(child, NULL); /* NULL: return to user through child_tf */

	if (clone_flags & CLONE_THREAD)
		get_task_struct(parent->group_leader); /* the thread's, dropped at its exit */
	else
		get_task_struct(child); /* the parent's, dropped when it reaps the child */
	err = attach_child(child, parent, clone_flags);
	if (err)
		goto err_put_mm;
	child->forked = !(clone_flags & CLONE_THREAD);
	clone_parent_settid(args, child->pid);
	sched_enqueue_new(child);
	return child->pid;

err_put_mm:
	if (clone_flags & CLONE_THREAD)
		put_task_struct(parent->group_leader);
	else
		put_task_struct(child);
	mmput(child->mm);
	child->mm = child->active_mm = NULL;
err_free_task:
	task_free_stack(child);
	child->state = TASK_DEAD;
	put_task_struct(child);
	return err;
}

/* A reapable child: it exited and so did every thread of its group. */
static bool child_is_zombie(const struct task_struct *child)
{
	return READ_ONCE(child->exited) && child->nr_threads == 0;
}

/* A zombie child matching pid, or NULL; sets *any if pid matches any child. Called with
 * process_lock held. */
static struct task_struct *find_zombie(struct task_struct *parent, pid_t pid, bool *any)
{
	struct task_struct *child;

	*any = false;
	list_for_each_entry(child, &parent->children, sibling) {
		if (pid != -1 && child->pid != pid)
			continue;
		*any = true;
		if (child_is_zombie(child))
			return child;
	}
	return NULL;
}

/* The wait status of a reaped group: its group_exit_code, set by the group exit or by
 * the last thread to go (thread_group_exit_one). */
static int group_wait_status(const struct task_struct *leader)
{
	return leader->group_exit_code;
}

/*
 * Wait in TASK_KILLABLE: a fatal signal ends the wait with -EINTR (the caller then dies
 * on its way out to user space), so exit_group or the OOM killer never waits for a
 * child that is not coming.
 */
long do_wait(pid_t pid, int *status, bool nohang)
{
	struct task_struct *parent = current, *zombie = NULL;
	bool any = false;
	unsigned long flags;
	pid_t reaped;

	for (;;) {
		struct wait_queue_entry wait = {.task = parent};

		INIT_LIST_HEAD(&wait.entry);
		prepare_to_wait_state(&child_exit_wq, &wait, TASK_KILLABLE);
		flags = spin_lock_irqsave(&process_lock);
		zombie = find_zombie(parent, pid, &any);
		if (zombie)
			list_del_init(&zombie->sibling);
		spin_unlock_irqrestore(&process_lock, flags);
		if (zombie || !any || nohang || fatal_signal_pending(parent)) {
			finish_wait(&child_exit_wq, &wait);
			break;
		}
		schedule();
		finish_wait(&child_exit_wq, &wait);
	}
	if (!zombie)
		return fatal_signal_pending(parent) ? -EINTR : any ? 0 : -ECHILD;
	*status = group_wait_status(zombie);
	reaped = zombie->pid;
	put_task_struct(zombie); /* the parent's reference: the struct goes */
	return reaped;
}

/*
 * tsk (the leader or not) stops counting as a live thread of its group (process_lock
 * held). A thread whose execve waits for the others to go is woken when it is the last
 * one. Returns whether the group is now empty, its leader waiting to be reaped: if it
 * did not die as a whole, its status is then the code of this last thread (as Linux
 * since 6.0, synchronize_group_exit: the leader may have exited long before).
 */
static bool thread_group_exit_one(struct task_struct *tsk)
{
	struct task_struct *leader = tsk->group_leader;

	if (leader != tsk)
		list_del_init(&tsk->thread_node);
	if (--leader->nr_threads == 1 && leader->group_exec_task)
		wake_up_process(leader->group_exec_task);
	if (leader->nr_threads)
		return false;
	if (!leader->group_exit) {
		leader->group_exit = true;
		leader->group_exit_code = tsk->exit_code;
	}
	return true;
}

/* Orphan tsk's children (process_lock held): nobody will reap them, so an orphan drops
 * the reference its parent would have dropped when it exits itself, and children that
 * already exited are reaped here. */
static void orphan_children(struct task_struct *tsk)
{
	struct task_struct *child, *next;

	list_for_each_entry_safe(child, next, &tsk->children, sibling) {
		list_del_init(&child->sibling);
		child->parent = NULL;
		if (READ_ONCE(child->exited))
			put_task_struct(child); /* a zombie (or a leader whose threads run) */
	}
}

/*
 * exit_notify_parent - tsk is exiting (do_exit, interrupts off). Its children become
 * orphans; a thread leaves its group. Marking tsk exited happens under process_lock, so
 * a parent's wait and exit never see half of it. Then whoever may now reap something is
 * woken: the parent of a process whose last thread this was.
 */
void exit_notify_parent(struct task_struct *tsk)
{
	struct task_struct *leader = tsk->group_leader;
	unsigned long flags = spin_lock_irqsave(&process_lock);
	bool orphan = tsk->forked && !tsk->parent, group_done;

	orphan_children(tsk);
	group_done = thread_group_exit_one(tsk);
	WRITE_ONCE(tsk->exited, true);
	spin_unlock_irqrestore(&process_lock, flags);
	if (orphan)
		put_task_struct(tsk); /* ours is still held: the struct outlives this call */
	if (group_done && leader->forked)
		wake_up(&child_exit_wq);
	if (leader != tsk)
		put_task_struct(leader); /* the thread's reference, from do_fork */
}

void force_sig_fault(struct trap_frame *tf, int sig, const char *what, unsigned long addr)
{
	struct task_struct *tsk = current;

	printk("%s[%d]: %s at %lx ip %lx sp %lx error %lx in %s\n", tsk->comm, tsk->pid, what, addr,
	       (unsigned long)tf->rip, (unsigned long)tf->rsp, (unsigned long)tf->error_code,
	       tsk->comm);
	do_group_exit(W_SIGNALED(sig)); /* as Linux's default action: the whole group dies */
}
