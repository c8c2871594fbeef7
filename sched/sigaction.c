/*
 * sched/sigaction.c - rt_sigaction(2) and rt_sigprocmask(2): signal bookkeeping.
 *
 * A C library sets and reads signal actions and masks from its start-up, fork and
 * thread code (musl blocks every signal around fork and thread creation). This file
 * keeps them as Linux does, with Linux's layouts and errors: the blocked mask per thread
 * (task->blocked), the actions per thread group (the leader's sigactions[], under
 * process_lock, as the group's other shared state: sched/signal.h). fork copies both,
 * execve resets handled signals to SIG_DFL (an ignored one stays ignored).
 *
 * Nothing is delivered through them yet: the only signals sublet sends are fatal
 * (sched/signal.c), and user handlers, SIG_IGN's effect and the mask's are a later stage
 * of issue 13 (docs/userspace-programs.md).
 */
#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "kernel/syscall_table.h"
#include "sched/signal.h"
#include "sched/task_internal.h"

/* Neither can be blocked, caught or ignored. */
#define SIG_KERNEL_ONLY_MASK (sigmask(SIGKILL) | sigmask(SIGSTOP))

long sys_rt_sigprocmask(unsigned long how, unsigned long uset, unsigned long uoldset,
			unsigned long sigsetsize, unsigned long a4, unsigned long a5,
			struct trap_frame *tf)
{
	u64 old = current->blocked, set;

	if (sigsetsize != sizeof(u64))
		return -EINVAL;
	if (uset) {
		if (copy_from_user(&set, (const void *)uset, sizeof(set)))
			return -EFAULT;
		set &= ~SIG_KERNEL_ONLY_MASK;
		switch (how) {
		case SIG_BLOCK:
			current->blocked = old | set;
			break;
		case SIG_UNBLOCK:
			current->blocked = old & ~set;
			break;
		case SIG_SETMASK:
			current->blocked = set;
			break;
		default:
			return -EINVAL;
		}
	}
	/* As Linux: the new mask stands even if the old one cannot be written back. */
	if (uoldset && copy_to_user((void *)uoldset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigaction(unsigned long sig, unsigned long uact, unsigned long uoldact,
		      unsigned long sigsetsize, unsigned long a4, unsigned long a5,
		      struct trap_frame *tf)
{
	struct k_sigaction act, old;
	struct k_sigaction *slot;
	unsigned long flags;

	if (sigsetsize != sizeof(u64) || sig < 1 || sig > _NSIG)
		return -EINVAL;
	if (uact && copy_from_user(&act, (const void *)uact, sizeof(act)))
		return -EFAULT;
	if (uact && (sigmask(sig) & SIG_KERNEL_ONLY_MASK))
		return -EINVAL;
	slot = &current->group_leader->sigactions[sig - 1];
	flags = spin_lock_irqsave(&process_lock);
	old = *slot;
	if (uact) {
		act.mask &= ~SIG_KERNEL_ONLY_MASK;
		*slot = act;
	}
	spin_unlock_irqrestore(&process_lock, flags);
	if (uoldact && copy_to_user((void *)uoldact, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

void copy_sighand(struct task_struct *child, struct task_struct *parent)
{
	unsigned long flags;

	child->blocked = parent->blocked;
	flags = spin_lock_irqsave(&process_lock);
	memcpy(child->sigactions, parent->group_leader->sigactions, sizeof(child->sigactions));
	spin_unlock_irqrestore(&process_lock, flags);
}

void flush_signal_handlers(struct task_struct *task)
{
	struct k_sigaction *actions = task->group_leader->sigactions;
	unsigned long flags;

	flags = spin_lock_irqsave(&process_lock);
	for (int i = 0; i < _NSIG; i++) {
		if (actions[i].handler != SIG_IGN)
			actions[i].handler = SIG_DFL;
		actions[i].flags = 0;
		actions[i].restorer = 0;
		actions[i].mask = 0;
	}
	spin_unlock_irqrestore(&process_lock, flags);
}
