/*
 * sched/exit.c - a task ends: exit_mm() and do_exit().
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/futex.h"
#include "kernel/init.h"
#include "kernel/panic.h"
#include "mm/mm_struct.h"
#include "sched/process.h"
#include "sched/sched.h"
#include "sched/task_internal.h"

/*
 * exit_mm - the task gives up its address space, at exit or to become anonymous for a
 * while (as bdflush once did). It keeps the address space loaded as a lazy user, with
 * an mm_count reference taken first, then drops its real reference. If that was the
 * last real user, exit_mmap tears the user half down right here while CR3 still points
 * at the PML4: the "zombie" address space, alive for its lazy user until the next
 * switch drops that reference.
 */
void exit_mm(void)
{
	struct task_struct *tsk = current;
	struct mm_struct *mm = tsk->mm;
	unsigned long flags;

	if (!mm)
		return;
	BUG_ON_MSG(mm != tsk->active_mm, "exit_mm(%s): mm %s but active_mm %s", tsk->comm, mm->name,
		   tsk->active_mm ? tsk->active_mm->name : "NULL");
	mmgrab(mm);
	flags = local_irq_save(); /* mm and the lazy state change together */
	tsk->mm = NULL;
	enter_lazy_tlb(mm, tsk);
	local_irq_restore(flags);
	mmput(mm);
}

/*
 * mm_release - the exiting thread's last word to its address space (Linux's name).
 * clone(CLONE_CHILD_CLEARTID) or set_tid_address named a word holding the thread's id:
 * write 0 there and wake one waiter of it (a shared futex, as Linux). This is what
 * pthread_join waits for: once the word is 0 the thread no longer touches its stack or
 * its thread descriptor, so they may be freed (musl points the word at its thread-list
 * lock, which the exiting thread holds and the kernel thereby releases). Done while the
 * mm is still ours, before exit_mm, and only if someone else uses the mm: nobody else
 * could look at the word (Linux's test). A write that fails is ignored, as in Linux.
 */
static void mm_release(struct task_struct *tsk)
{
	u32 __user *tidptr = (u32 __user *)tsk->clear_child_tid;
	u32 zero = 0;

	if (!tsk->mm || !tidptr)
		return;
	tsk->clear_child_tid = 0;
	if (atomic_read(&tsk->mm->mm_users) <= 1)
		return;
	/* A fault's kill comes here from its trap, interrupts off; the write may page the
	 * word in and the wake takes mmap_lock, both of which may sleep (as a fault from
	 * user space may: mm/fault.c turns them on too). do_exit turns them off again. */
	local_irq_enable();
	if (!copy_to_user(tidptr, &zero, sizeof(zero)))
		futex_wake(tidptr, true, 1);
}

/*
 * do_exit - end the calling task. Its stack is freed by finish_task_switch after the
 * switch away (it is the stack we are running on now), its struct when the last
 * reference goes.
 */
void do_exit(int code)
{
	struct task_struct *tsk = current;

	BUG_ON_MSG(tsk->flags & PF_IDLE, "do_exit: the idle task cannot exit");
	tsk->flags |= PF_EXITING;
	if (tsk->pid == 1)
		init_exited(code);
	mm_release(tsk);
	exit_mm();
	tsk->exit_code = code;
	fault_inject_exit(tsk);
	local_irq_disable();
	exit_notify_parent(tsk);
	task_exit_notify(tsk);
	tsk->state = TASK_DEAD;
	schedule();
	panic("do_exit: dead task %s (pid %d) was scheduled again", tsk->comm, tsk->pid);
}
