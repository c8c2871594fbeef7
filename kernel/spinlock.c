/*
 * kernel/spinlock.c - the spinlock implementation (see kernel/spinlock.h).
 *
 * A test-and-test-and-set lock: spin on a plain read (cheap, stays in this CPU's cache)
 * and try the atomic exchange only when the lock looks free.
 */
#include "kernel/spinlock.h"
#include "kernel/panic.h"
#include "kernel/smp.h"

void spin_lock_init(spinlock_t *lock, const char *name)
{
	lock->locked = 0;
	lock->owner_cpu = SPINLOCK_NO_OWNER;
	lock->name = name;
}

bool spin_is_held(const spinlock_t *lock)
{
	return lock->locked && lock->owner_cpu == smp_processor_id();
}

void spin_lock(spinlock_t *lock)
{
	BUG_ON_MSG(!irqs_disabled(), "spin_lock(%s) with interrupts enabled", lock->name);
	BUG_ON_MSG(spin_is_held(lock), "spin_lock(%s): recursive locking on CPU %d", lock->name,
		   smp_processor_id());
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE)) {
		while (lock->locked)
			cpu_relax();
	}
	lock->owner_cpu = smp_processor_id();
}

void spin_unlock(spinlock_t *lock)
{
	BUG_ON_MSG(!spin_is_held(lock), "spin_unlock(%s): not held by CPU %d", lock->name,
		   smp_processor_id());
	lock->owner_cpu = SPINLOCK_NO_OWNER;
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

unsigned long spin_lock_irqsave(spinlock_t *lock)
{
	unsigned long flags = local_irq_save();

	spin_lock(lock);
	return flags;
}

void spin_unlock_irqrestore(spinlock_t *lock, unsigned long flags)
{
	spin_unlock(lock);
	local_irq_restore(flags);
}
