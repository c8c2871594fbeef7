/*
 * mm/oom_kill.c - the out-of-memory killer: when a page fault finds no free frame, kill
 * the largest process instead of panicking or hanging.
 *
 * Called from the #PF path (mm/fault.c) when handle_mm_fault returns -ENOMEM. The victim
 * is the thread group whose address space has the most resident pages (mm->nr_pages,
 * Linux's badness without the adjustments); init (pid 1) only if nothing else is left,
 * kernel threads never. The kill is the asynchronous group kill of sched/signal.h: the
 * victim's threads die at their next return to user space or killable sleep, their last
 * mmput tears the address space down and the frames go back. The faulting task waits for
 * that (killably, and at most OOM_VICTIM_WAIT_TICKS, so a victim stuck elsewhere cannot
 * hang it), then retries; if the victim is its own group it returns to die. Every retry
 * follows a whole address space being freed, so the retries end: there are only so
 * many processes. A process sharing the victim's mm without being one of its threads
 * (clone(CLONE_VM) alone) keeps that mm alive: the wait then times out and the fault
 * fails (SIGSEGV), where Linux would kill the sharers too.
 */
#include "arch/x86_64/page.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "mm/mm_struct.h"
#include "mm/oom.h"
#include "mm/page_alloc.h"
#include "sched/process.h"
#include "sched/signal.h"

#define OOM_VICTIM_WAIT_TICKS (5 * HZ) /* a victim's memory comes back well within this */
#define KB_PER_PAGE (PAGE_SIZE / 1024)

atomic_t oom_kills = ATOMIC_INIT(0);

/* The choice of a victim, made in one pass over every task. */
struct oom_choice {
	pid_t tgid;	     /* the group chosen, or 0 */
	unsigned long pages; /* its resident pages */
	pid_t init_tgid;     /* init, the candidate of last resort */
	unsigned long init_pages;
	struct task_struct *victim; /* second pass: a thread of the group, referenced */
	struct mm_struct *mm;	    /* ... and its address space, grabbed (mm_count) */
};

/* First pass (task list locked, interrupts off): the user task with the largest mm. */
static void consider_task(struct task_struct *t, void *arg)
{
	struct oom_choice *c = arg;
	struct mm_struct *mm = t->mm;

	if (!mm || (t->flags & PF_KTHREAD))
		return;
	if (t->tgid == 1) {
		c->init_tgid = 1;
		c->init_pages = mm->nr_pages;
	} else if (mm->nr_pages > c->pages || !c->tgid) {
		c->tgid = t->tgid;
		c->pages = mm->nr_pages;
	}
}

/*
 * Second pass: pin a thread of the chosen group that still has its mm. The task list
 * lock is held with interrupts off, so no task can exit_mm() meanwhile on this CPU
 * (with SMP this needs Linux's task_lock, as find_lock_task_mm takes).
 */
static void pin_victim(struct task_struct *t, void *arg)
{
	struct oom_choice *c = arg;

	if (c->victim || t->tgid != c->tgid || !t->mm || (t->flags & PF_KTHREAD))
		return;
	get_task_struct(t);
	mmgrab(t->mm);
	c->victim = t;
	c->mm = t->mm;
}

/*
 * The address space's size in pages, read under mmap_lock (mm/mm_types.h) while holding
 * a real user's reference: the rule for anyone outside the mm, since exit_mmap expects
 * the lock free once mm_users is 0. Sleeping for the lock is safe: nobody holds it
 * while waiting for memory (faults drop it before calling the OOM killer). 0 if the
 * address space is already being torn down.
 */
static unsigned long total_vm_pages(struct mm_struct *mm)
{
	struct vm_area_struct *vma;
	unsigned long pages = 0;

	if (!mmget_not_zero(mm))
		return 0;
	mmap_read_lock(mm);
	list_for_each_entry(vma, &mm->mmap, vm_list)
		pages += (vma->vm_end - vma->vm_start) / PAGE_SIZE;
	mmap_read_unlock(mm);
	mmput(mm);
	return pages;
}

static bool select_victim(struct oom_choice *c)
{
	*c = (struct oom_choice){0};
	for_each_task(consider_task, c);
	if (!c->tgid)
		c->tgid = c->init_tgid; /* nothing else left: init it is */
	if (!c->tgid)
		return false;
	for_each_task(pin_victim, c);
	return c->victim != NULL;
}

/* Wait until mm has no users left (its pages are freed), killably and within a bound;
 * whether it went. */
static bool wait_for_victim_mm(struct mm_struct *mm)
{
	u64 deadline = jiffies + OOM_VICTIM_WAIT_TICKS;

	while (atomic_read(&mm->mm_users) > 0) {
		if (jiffies >= deadline || sleep_until(jiffies + 1, TASK_KILLABLE))
			return false;
	}
	return true;
}

bool out_of_memory(void)
{
	struct task_struct *tsk = current;
	struct oom_choice c;
	unsigned long total_vm;
	bool own, freed = false;

	if (!select_victim(&c)) {
		printk("Out of memory and no killable processes (%s[%d] asked)\n", tsk->comm,
		       tsk->pid);
		return false;
	}
	total_vm = total_vm_pages(c.mm); /* before the kill starts tearing it down */
	if (kill_thread_group(c.victim, SIGKILL)) {
		atomic_inc(&oom_kills);
		printk("Out of memory: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, "
		       "file-rss:0kB, shmem-rss:0kB (%s[%d] invoked oom-killer, %lu pages free)\n",
		       c.victim->tgid, c.victim->comm, total_vm * KB_PER_PAGE,
		       c.mm->nr_pages * KB_PER_PAGE, tsk->comm, tsk->pid, nr_free_pages());
	}
	own = c.victim->tgid == tsk->tgid || c.mm == tsk->mm;
	if (!own)
		freed = wait_for_victim_mm(c.mm);
	mmdrop(c.mm);
	put_task_struct(c.victim);
	return freed && !fatal_signal_pending(tsk);
}

int pagefault_out_of_memory(struct mm_struct *mm, unsigned long addr, bool write, bool exec)
{
	int err = -ENOMEM;

	while (err == -ENOMEM) {
		if (!out_of_memory())
			return fatal_signal_pending(current) ? -EINTR : -ENOMEM;
		mmap_read_lock(mm);
		err = handle_mm_fault(mm, addr, write, exec);
		mmap_read_unlock(mm);
	}
	return err;
}
