/*
 * kernel/spinlock.h - spinlocks that save and restore the interrupt flag.
 *
 * Every lock has a name and records the CPU holding it, so code that requires a lock
 * can check (spin_is_held) and a deadlock report can say who holds what. Taking a lock
 * disables interrupts first (spin_lock_irqsave), so an interrupt handler on the same
 * CPU can never spin on a lock its own CPU holds.
 */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include "arch/x86_64/cpu.h"
#include "kernel/atomic.h"
#include "kernel/compiler.h"
#include "kernel/types.h"

#define SPINLOCK_NO_OWNER (-1)

typedef struct spinlock {
	volatile int locked;
	int owner_cpu; /* SPINLOCK_NO_OWNER when free */
	const char *name;
} spinlock_t;

#define SPINLOCK_INIT(lockname)                                                                    \
	{                                                                                          \
		0, SPINLOCK_NO_OWNER, lockname                                                     \
	}
#define DEFINE_SPINLOCK(var) spinlock_t var = SPINLOCK_INIT(#var)

void spin_lock_init(spinlock_t *lock, const char *name);
/* Disable interrupts, take the lock; returns the previous interrupt state. */
unsigned long spin_lock_irqsave(spinlock_t *lock);
void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags);
/* For callers that already run with interrupts off. */
void spin_lock(spinlock_t *lock);
void spin_unlock(spinlock_t *lock);
/* Does this CPU hold the lock? */
bool spin_is_held(const spinlock_t *lock);

/* Locks reported as held too long (kernel/spinlock.c), and the last one: for tests. */
extern atomic_t spinlock_long_hold_reports;
extern const spinlock_t *spinlock_last_long_hold;

#endif
