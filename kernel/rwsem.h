/*
 * kernel/rwsem.h - sleeping reader/writer semaphores (Linux's struct rw_semaphore).
 *
 *   down_read / up_read     shared: any number of readers at once
 *   down_write / up_write   exclusive: one writer, no readers
 *
 * A task that cannot take the lock sleeps (TASK_UNINTERRUPTIBLE) instead of spinning, so
 * the holder may itself sleep: allocate memory, wait for I/O, be preempted. That is why
 * an address space's mmap_lock is one (mm/mm_types.h): a page fault may wait for an munmap.
 *
 * Fairness: the lock is granted in arrival order. A task arriving while others wait
 * queues behind them, even a reader while readers hold the lock, so a stream of readers
 * cannot starve a writer (nor writers the readers). On release the lock is handed over
 * to the waiters at the head of the queue: one writer, or every reader up to the next
 * writer. Details and the memory-ordering argument are in kernel/rwsem.c.
 *
 * Must not be used from interrupt context or with interrupts disabled (it may sleep).
 */
#ifndef KERNEL_RWSEM_H
#define KERNEL_RWSEM_H

#include "kernel/list.h"
#include "kernel/spinlock.h"
#include "kernel/types.h"

struct task_struct;

/* count: RWSEM_UNLOCKED, a number of readers (> 0), or RWSEM_WRITE_LOCKED. */
#define RWSEM_UNLOCKED 0
#define RWSEM_WRITE_LOCKED (-1)

struct rw_semaphore {
	spinlock_t wait_lock;	    /* protects every field below */
	long count;		    /* readers holding it, or RWSEM_WRITE_LOCKED */
	struct task_struct *owner;  /* the writer holding it; NULL when readers (or nobody) do */
	struct list_head wait_list; /* struct rwsem_waiter, in arrival order */
	const char *name;	    /* for messages */
};

#define RWSEM_INITIALIZER(var, lockname)                                                           \
	{                                                                                          \
		.wait_lock = SPINLOCK_INIT(lockname ".wait_lock"), .count = RWSEM_UNLOCKED,        \
		.owner = NULL, .wait_list = LIST_HEAD_INIT((var).wait_list), .name = lockname      \
	}
#define DECLARE_RWSEM(var) struct rw_semaphore var = RWSEM_INITIALIZER(var, #var)

void init_rwsem(struct rw_semaphore *sem, const char *name);
void down_read(struct rw_semaphore *sem);
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);
/* Take it without sleeping if it is free for us right now (and nobody waits); true if taken. */
bool down_read_trylock(struct rw_semaphore *sem);
bool down_write_trylock(struct rw_semaphore *sem);

/* For checks: held at all (by a reader or a writer)? held for writing by current? */
bool rwsem_is_locked(struct rw_semaphore *sem);
bool rwsem_is_write_owner(struct rw_semaphore *sem);
/* Tasks waiting (for tests). */
unsigned int rwsem_nr_waiters(struct rw_semaphore *sem);

#endif
