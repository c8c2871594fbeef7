/*
 * kernel/rwsem.c - sleeping reader/writer semaphores (see kernel/rwsem.h).
 *
 * Everything happens under sem->wait_lock, a spinlock: taking, releasing, queueing and
 * handing over. The lock is only held for a few instructions, never across a sleep, so
 * a plain spinlock is enough, and because every access to count, owner and wait_list is
 * under it, the algorithm holds unchanged on several CPUs: nothing relies on "interrupts
 * are off, so nobody else runs".
 *
 * Acquiring: a reader gets the lock at once if no writer holds it and nobody is queued;
 * a writer if nobody holds it and nobody is queued. Otherwise the task queues a
 * struct rwsem_waiter (on its own stack) at the tail and sleeps until `granted` is set.
 *
 * Hand-off: the releasing task does not just wake the waiters and let them race for the
 * lock (a reader arriving meanwhile could overtake a queued writer for ever). It gives
 * the lock away: it updates count and owner on the waiters' behalf, sets their `granted`
 * and wakes them. When they run, they already hold the lock.
 *
 * Ordering, the lost wake-up, and the waiter's lifetime:
 *   waiter: lock wait_lock; if !granted: state = TASK_UNINTERRUPTIBLE; unlock; schedule()
 *   waker:  lock wait_lock; granted = true; wake_up_process(task); unlock
 * The waiter tests `granted` and marks itself asleep inside the same wait_lock section,
 * and the waker sets `granted` and wakes inside one too, so the two sections are ordered:
 * either the waiter sees granted (and does not sleep), or its state is already
 * TASK_UNINTERRUPTIBLE when wake_up_process runs, which makes it runnable again even if
 * it has not reached schedule() yet. The spinlock's acquire/release orders the stores.
 * The waker wakes before it unlocks: the waiter cannot see `granted` (and return, ending
 * the stack frame that holds the waiter) before the waker has finished with it.
 * Lock order: wait_lock, then the runqueue lock (inside wake_up_process).
 */
#include "kernel/rwsem.h"
#include "arch/x86_64/cpu.h"
#include "kernel/panic.h"
#include "sched/sched.h"

enum rwsem_waiter_type { RWSEM_WAITING_FOR_READ, RWSEM_WAITING_FOR_WRITE };

/* A sleeping task's place in sem->wait_list; lives on that task's stack. */
struct rwsem_waiter {
	struct list_head list;
	struct task_struct *task;
	enum rwsem_waiter_type type;
	bool granted; /* set under wait_lock by the task that handed the lock over */
};

void init_rwsem(struct rw_semaphore *sem, const char *name)
{
	spin_lock_init(&sem->wait_lock, name);
	sem->count = RWSEM_UNLOCKED;
	sem->owner = NULL;
	INIT_LIST_HEAD(&sem->wait_list);
	sem->name = name;
}

/* Sleeping with interrupts off would hang this CPU if the holder needs a tick to run. */
static void check_may_sleep(struct rw_semaphore *sem, const char *fn)
{
	BUG_ON_MSG(irqs_disabled(), "%s(%s) with interrupts disabled: it may sleep", fn, sem->name);
	BUG_ON_MSG(sem->owner == current,
		   "%s(%s): %s (pid %d) already holds it for writing (self-deadlock)", fn,
		   sem->name, current->comm, current->pid);
}

/* Queue current and sleep until a releasing task hands the lock over. wait_lock held. */
static void wait_for_grant(struct rw_semaphore *sem, enum rwsem_waiter_type type,
			   unsigned long *irq)
{
	struct rwsem_waiter waiter = {.task = current, .type = type, .granted = false};

	list_add_tail(&waiter.list, &sem->wait_list);
	for (;;) {
		if (waiter.granted)
			break;
		current->state = TASK_UNINTERRUPTIBLE;
		spin_unlock_irqrestore(&sem->wait_lock, *irq);
		schedule();
		*irq = spin_lock_irqsave(&sem->wait_lock);
	}
	current->state = TASK_RUNNING;
	/* The waker unlinked us; count and owner already include us. */
}

/* Grant the lock to one waiter: unlink it, mark it, wake it. wait_lock held. */
static void grant(struct rwsem_waiter *waiter)
{
	list_del(&waiter->list);
	waiter->granted = true;
	wake_up_process(waiter->task);
}

/*
 * If the lock is free now, hand it to the head of the queue: one writer, or every reader
 * in front of the first queued writer. While readers still hold it nothing is done: the
 * head waiter is then a writer (a reader queues only behind a writer or a holding
 * writer), and the last reader's up_read hands over. wait_lock held.
 */
static void rwsem_wake(struct rw_semaphore *sem)
{
	struct rwsem_waiter *waiter, *next;

	if (list_empty(&sem->wait_list) || sem->count != RWSEM_UNLOCKED)
		return;
	waiter = list_first_entry(&sem->wait_list, struct rwsem_waiter, list);
	if (waiter->type == RWSEM_WAITING_FOR_WRITE) {
		sem->count = RWSEM_WRITE_LOCKED;
		sem->owner = waiter->task;
		grant(waiter);
		return;
	}
	list_for_each_entry_safe(waiter, next, &sem->wait_list, list) {
		if (waiter->type == RWSEM_WAITING_FOR_WRITE)
			break;
		sem->count++;
		grant(waiter);
	}
}

static bool read_available(const struct rw_semaphore *sem)
{
	return sem->count != RWSEM_WRITE_LOCKED && list_empty(&sem->wait_list);
}

static bool write_available(const struct rw_semaphore *sem)
{
	return sem->count == RWSEM_UNLOCKED && list_empty(&sem->wait_list);
}

void down_read(struct rw_semaphore *sem)
{
	unsigned long irq;

	check_may_sleep(sem, "down_read");
	irq = spin_lock_irqsave(&sem->wait_lock);
	if (read_available(sem))
		sem->count++;
	else
		wait_for_grant(sem, RWSEM_WAITING_FOR_READ, &irq);
	spin_unlock_irqrestore(&sem->wait_lock, irq);
}

bool down_read_trylock(struct rw_semaphore *sem)
{
	unsigned long irq = spin_lock_irqsave(&sem->wait_lock);
	bool taken = read_available(sem);

	if (taken)
		sem->count++;
	spin_unlock_irqrestore(&sem->wait_lock, irq);
	return taken;
}

void up_read(struct rw_semaphore *sem)
{
	unsigned long irq = spin_lock_irqsave(&sem->wait_lock);

	BUG_ON_MSG(sem->count <= 0, "up_read(%s): not held for reading (count %ld)", sem->name,
		   sem->count);
	sem->count--;
	rwsem_wake(sem);
	spin_unlock_irqrestore(&sem->wait_lock, irq);
}

void down_write(struct rw_semaphore *sem)
{
	unsigned long irq;

	check_may_sleep(sem, "down_write");
	irq = spin_lock_irqsave(&sem->wait_lock);
	if (write_available(sem)) {
		sem->count = RWSEM_WRITE_LOCKED;
		sem->owner = current;
	} else {
		wait_for_grant(sem, RWSEM_WAITING_FOR_WRITE, &irq);
	}
	spin_unlock_irqrestore(&sem->wait_lock, irq);
}

bool down_write_trylock(struct rw_semaphore *sem)
{
	unsigned long irq = spin_lock_irqsave(&sem->wait_lock);
	bool taken = write_available(sem);

	if (taken) {
		sem->count = RWSEM_WRITE_LOCKED;
		sem->owner = current;
	}
	spin_unlock_irqrestore(&sem->wait_lock, irq);
	return taken;
}

void up_write(struct rw_semaphore *sem)
{
	unsigned long irq = spin_lock_irqsave(&sem->wait_lock);

	BUG_ON_MSG(sem->count != RWSEM_WRITE_LOCKED || sem->owner != current,
		   "up_write(%s) by %s (pid %d), which does not hold it for writing", sem->name,
		   current->comm, current->pid);
	sem->count = RWSEM_UNLOCKED;
	sem->owner = NULL;
	rwsem_wake(sem);
	spin_unlock_irqrestore(&sem->wait_lock, irq);
}

bool rwsem_is_locked(struct rw_semaphore *sem)
{
	return READ_ONCE(sem->count) != RWSEM_UNLOCKED;
}

bool rwsem_is_write_owner(struct rw_semaphore *sem)
{
	return READ_ONCE(sem->count) == RWSEM_WRITE_LOCKED && READ_ONCE(sem->owner) == current;
}

unsigned int rwsem_nr_waiters(struct rw_semaphore *sem)
{
	unsigned long irq = spin_lock_irqsave(&sem->wait_lock);
	struct list_head *pos;
	unsigned int n = 0;

	list_for_each(pos, &sem->wait_list)
		n++;
	spin_unlock_irqrestore(&sem->wait_lock, irq);
	return n;
}
