/*
 * kernel/spinlock.c - the spinlock implementation (see kernel/spinlock.h).
 *
 * A test-and-test-and-set lock: spin on a plain read (cheap, stays in this CPU's cache)
 * and try the atomic exchange only when the lock looks free.
 *
 * A CPU that has spun SPIN_WARN_SPINS times for one acquisition reports the lock as held
 * too long: its name, the owner CPU and, through an NMI, the owner's registers and
 * backtrace (what it is doing instead of unlocking). The bound is counted in spins, not
 * time: under software emulation a descheduled owner makes any time bound lie, and the
 * report is a warning only. It is made once per acquisition; the CPU keeps spinning.
 */
#include "kernel/spinlock.h"
#include "arch/x86_64/nmi.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
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

/* Far more spins than any lock is ever held for here: 2^24 pause loops is about a
 * second of the emulated CPU's own time. */
#define SPIN_WARN_SPINS (1ul << 24)

atomic_t spinlock_long_hold_reports;
const spinlock_t *spinlock_last_long_hold;

static void report_held_too_long(const spinlock_t *lock, unsigned long spins)
{
	int owner = READ_ONCE(lock->owner_cpu);

	if (panic_in_progress())
		return;
	nmi_report_lock();
	printk("spinlock: CPU %d spun %lu times on %s, held by CPU %d\n", smp_processor_id(), spins,
	       lock->name, owner);
	nmi_report_unlock();
	if (cpu_online(owner) && !nmi_request_cpu(owner, NMI_REQ_BACKTRACE, NMI_ANSWER_WAIT_MS))
		printk("spinlock: owner CPU %d did not answer the backtrace NMI\n", owner);
	WRITE_ONCE(spinlock_last_long_hold, lock);
	atomic_inc(&spinlock_long_hold_reports);
}

void spin_lock(spinlock_t *lock)
{
	unsigned long spins = 0;

	BUG_ON_MSG(!irqs_disabled(), "spin_lock(%s) with interrupts enabled", lock->name);
	BUG_ON_MSG(spin_is_held(lock), "spin_lock(%s): recursive locking on CPU %d", lock->name,
		   smp_processor_id());
	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE)) {
		while (lock->locked) {
			cpu_relax();
			if (++spins == SPIN_WARN_SPINS)
				report_held_too_long(lock, spins);
		}
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
