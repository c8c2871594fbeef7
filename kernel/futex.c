/*
 * kernel/futex.c - futex(): sleeping on a user word, and waking its sleepers.
 *
 * Waiters queue a futex_q (on their kernel stack) on the hash bucket their key (see
 * kernel/futex.h) hashes to; each bucket has its own spinlock, taken with interrupts
 * off, so waits and wakes on different words rarely meet on any CPU. A waker walks its
 * bucket and takes off the queue, then wakes, every waiter whose key matches.
 *
 * No lost wake-up. User space changes the word, then calls FUTEX_WAKE; a waiter read
 * the old value, then calls FUTEX_WAIT. The waiter re-reads the word under the bucket
 * lock, and queues itself (and marks itself asleep) before dropping that lock; the waker
 * looks for waiters under the same lock. So either the waker's lock section comes
 * first, and then its store to the word, which precedes it, is seen by the waiter's
 * re-read (-EAGAIN: it does not sleep), or the waiter's comes first, and the waker finds
 * it queued. This is the ordering Linux's kernel/futex/waitwake.c describes. A waiter
 * is woken by being taken off the queue under the lock: "not queued" means woken, even
 * if its timeout or a kill woke it at the same time.
 *
 * The word is read under the bucket lock, interrupts off: a page fault there may only
 * resolve without sleeping (FAULT_FLAG_ATOMIC, mm/fault.c). If the read fails the wait
 * drops the lock, reads again with interrupts on (which pages it in, or is -EFAULT) and
 * starts over, as Linux's futex_wait_setup does.
 *
 * A waiter sleeps TASK_KILLABLE: a fatal signal (group exit, fault, OOM kill) ends the
 * wait with -EINTR and the thread exits on its way out. sublet delivers no other
 * signals yet, so no wait is interrupted otherwise. A timeout rides on the sleepers
 * list of sched/sleep.c (by the tick: a wait lasts at least the time asked).
 */
#include "kernel/futex.h"
#include "kernel/errno.h"
#include "kernel/list.h"
#include "kernel/spinlock.h"
#include "kernel/time.h"
#include "kernel/uapi/futex.h"
#include "mm/mm_struct.h"
#include "sched/sched.h"
#include "sched/signal.h"

/* One waiter, on its own kernel stack for as long as it waits. */
struct futex_q {
	struct list_head list; /* bucket->chain; empty once woken (bucket->lock) */
	struct task_struct *task;
	struct futex_key key; /* changed only by a requeue, under both buckets' locks */
	/* The bucket it is queued on: written under the locks of the old and the new one
	 * (requeue), so whoever holds the lock of the bucket it reads still sees it there. */
	struct futex_hash_bucket *bucket;
};

struct futex_hash_bucket {
	spinlock_t lock;	/* chain, and the list link and key of each futex_q on it */
	struct list_head chain; /* the futex_q's queued here */
};

static struct futex_hash_bucket futex_queues[FUTEX_HASH_SIZE];
static unsigned long enosys_count[FUTEX_NR_OPS + 1]; /* atomics, per operation */

void futex_init(void)
{
	for (unsigned int i = 0; i < FUTEX_HASH_SIZE; i++) {
		spin_lock_init(&futex_queues[i].lock, "futex_hash_bucket");
		INIT_LIST_HEAD(&futex_queues[i].chain);
	}
}

/* Fibonacci hashing: the high bits of the key times 2^64 / phi. */
#define FUTEX_HASH_MULT 0x9e3779b97f4a7c15ul

unsigned int futex_hash_index(const struct futex_key *key)
{
	unsigned long mix = (unsigned long)key->mm ^ key->address ^ (unsigned long)key->shared;

	return (unsigned int)((mix * FUTEX_HASH_MULT) >> (64 - FUTEX_HASH_BITS));
}

static struct futex_hash_bucket *hash_futex(const struct futex_key *key)
{
	return &futex_queues[futex_hash_index(key)];
}

static bool futex_key_equal(const struct futex_key *a, const struct futex_key *b)
{
	return a->mm == b->mm && a->address == b->address && a->shared == b->shared;
}

/*
 * The key of the word at uaddr: -EINVAL if it is not 4-byte aligned, -EFAULT if it is
 * not a user address, or (shared) not mapped at all: Linux looks a shared futex's page
 * up, so it fails there too. A private key needs no look-up: a wait then fails reading
 * the word, and a wake on an unmapped word finds nobody.
 */
int get_futex_key(u32 __user *uaddr, bool shared, struct futex_key *key)
{
	unsigned long address = (unsigned long)uaddr;
	struct mm_struct *mm = current->mm;
	bool mapped;

	if (address % sizeof(u32))
		return -EINVAL;
	if (!access_ok(uaddr, sizeof(u32)) || !mm)
		return -EFAULT;
	if (shared) {
		mmap_read_lock(mm);
		mapped = find_vma(mm, address) != NULL;
		mmap_read_unlock(mm);
		if (!mapped)
			return -EFAULT;
	}
	key->mm = mm;
	key->address = address;
	key->shared = shared;
	return 0;
}

/* Take off the queue, then wake: under q's bucket lock. */
static void futex_wake_q(struct futex_q *q)
{
	list_del_init(&q->list);
	wake_up_process(q->task);
}

long futex_wake(u32 __user *uaddr, bool shared, int nr)
{
	struct futex_q *q, *next;
	struct futex_hash_bucket *b;
	struct futex_key key;
	unsigned long flags;
	long woken = 0;
	int err = get_futex_key(uaddr, shared, &key);

	if (err)
		return err;
	b = hash_futex(&key);
	flags = spin_lock_irqsave(&b->lock);
	list_for_each_entry_safe(q, next, &b->chain, list) {
		if (!futex_key_equal(&q->key, &key))
			continue;
		futex_wake_q(q);
		if (++woken >= nr)
			break;
	}
	spin_unlock_irqrestore(&b->lock, flags);
	return woken;
}

/* Lock the bucket q is queued on (a requeue may move it while we wait for the lock). */
static struct futex_hash_bucket *lock_q_bucket(struct futex_q *q, unsigned long *flags)
{
	for (;;) {
		struct futex_hash_bucket *b = READ_ONCE(q->bucket);

		*flags = spin_lock_irqsave(&b->lock);
		if (b == READ_ONCE(q->bucket))
			return b;
		spin_unlock_irqrestore(&b->lock, *flags);
	}
}

/*
 * Sleep until q is woken (0), a fatal signal comes (-EINTR) or the timeout `to` expires
 * (-ETIMEDOUT; NULL: no timeout). Any other wake-up just sleeps again. Returns with q off
 * every queue. The task is marked asleep under the bucket lock, so a waker (who needs
 * that lock) always finds it asleep or already gone; the full barrier after the state
 * pairs with the killer's (sched/signal.c: it sets the signal, then looks at the state).
 */
static int futex_sleep(struct futex_q *q, struct timeout *to)
{
	struct futex_hash_bucket *b;
	unsigned long flags;
	int ret;

	if (to)
		sleep_timeout_arm(to->wake_at);
	for (;;) {
		b = lock_q_bucket(q, &flags);
		if (list_empty(&q->list)) {
			ret = 0;
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (to && jiffies >= to->wake_at) {
			if (timeout_expired(to)) {
				ret = -ETIMEDOUT;
				break;
			}
			sleep_timeout_arm(to->wake_at); /* early by the TSC: sleep on */
		}
		current->state = TASK_KILLABLE;
		smp_mb();
		spin_unlock_irqrestore(&b->lock, flags);
		if (!fatal_signal_pending(current))
			schedule();
		current->state = TASK_RUNNING;
	}
	if (!list_empty(&q->list))
		list_del_init(&q->list);
	spin_unlock_irqrestore(&b->lock, flags);
	if (to)
		sleep_timeout_disarm();
	return ret;
}

/*
 * Queue q on its bucket if the word still holds val: 0 (queued; futex_sleep takes the
 * lock again, and a wake in between has already taken q off: it then sleeps not at all),
 * -EAGAIN (the value differs) or -EFAULT (unreadable).
 */
static int futex_wait_setup(u32 __user *uaddr, u32 val, struct futex_q *q)
{
	struct futex_hash_bucket *b = hash_futex(&q->key);
	unsigned long flags;
	u32 uval;

	for (;;) {
		flags = spin_lock_irqsave(&b->lock);
		if (!copy_from_user(&uval, uaddr, sizeof(uval)))
			break;
		spin_unlock_irqrestore(&b->lock, flags);
		if (copy_from_user(&uval, uaddr, sizeof(uval)))
			return -EFAULT; /* not even with interrupts on: really unmapped */
	}
	if (uval != val) {
		spin_unlock_irqrestore(&b->lock, flags);
		return -EAGAIN;
	}
	q->bucket = b;
	list_add_tail(&q->list, &b->chain);
	spin_unlock_irqrestore(&b->lock, flags);
	return 0;
}

static long futex_wait(u32 __user *uaddr, bool shared, u32 val, struct timeout *to)
{
	struct futex_q q = {.task = current};
	int err = get_futex_key(uaddr, shared, &q.key);

	if (err)
		return err;
	INIT_LIST_HEAD(&q.list);
	err = futex_wait_setup(uaddr, val, &q);
	if (err)
		return err;
	return futex_sleep(&q, to);
}

/* Lock two buckets in address order (once if they are one); interrupts off. */
static unsigned long double_lock_hb(struct futex_hash_bucket *b1, struct futex_hash_bucket *b2)
{
	unsigned long flags = spin_lock_irqsave(b1 < b2 ? &b1->lock : &b2->lock);

	if (b1 != b2)
		spin_lock(b1 < b2 ? &b2->lock : &b1->lock);
	return flags;
}

static void double_unlock_hb(struct futex_hash_bucket *b1, struct futex_hash_bucket *b2,
			     unsigned long flags)
{
	if (b1 != b2)
		spin_unlock(b1 < b2 ? &b2->lock : &b1->lock);
	spin_unlock_irqrestore(b1 < b2 ? &b1->lock : &b2->lock, flags);
}

/*
 * FUTEX_REQUEUE: wake up to nr_wake waiters of uaddr1 and move up to nr_requeue more
 * onto uaddr2, where a later wake of uaddr2 finds them; how many were woken or moved.
 * musl's condition variables use it to hand a signalled waiter over to the mutex
 * instead of waking it only to block on the mutex (pthread_cond_timedwait.c).
 */
static long futex_requeue(u32 __user *uaddr1, bool shared, int nr_wake, int nr_requeue,
			  u32 __user *uaddr2)
{
	struct futex_hash_bucket *b1, *b2;
	struct futex_key key1, key2;
	struct futex_q *q, *next;
	unsigned long flags;
	long done = 0;
	int err;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	err = get_futex_key(uaddr1, shared, &key1);
	if (!err)
		err = get_futex_key(uaddr2, shared, &key2);
	if (err)
		return err;
	b1 = hash_futex(&key1);
	b2 = hash_futex(&key2);
	flags = double_lock_hb(b1, b2);
	list_for_each_entry_safe(q, next, &b1->chain, list) {
		if (!futex_key_equal(&q->key, &key1))
			continue;
		if (done < nr_wake) {
			futex_wake_q(q);
		} else if (done < (long)nr_wake + nr_requeue) {
			list_move_tail(&q->list, &b2->chain);
			q->key = key2;
			WRITE_ONCE(q->bucket, b2);
		} else {
			break;
		}
		done++;
	}
	double_unlock_hb(b1, b2, flags);
	return done;
}

/* FUTEX_WAIT's relative timeout, started (*to = NULL: none), or -errno. */
static long futex_timeout(const struct timespec __user *utime, struct timeout *buf,
			  struct timeout **to)
{
	struct timespec ts;

	*to = NULL;
	if (!utime)
		return 0;
	if (copy_from_user(&ts, utime, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	timeout_start(buf, &ts);
	*to = buf;
	return 0;
}

static long futex_enosys(unsigned int cmd)
{
	__atomic_fetch_add(&enosys_count[cmd < FUTEX_NR_OPS ? cmd : FUTEX_NR_OPS], 1,
			   __ATOMIC_RELAXED);
	return -ENOSYS;
}

unsigned long futex_enosys_count(unsigned int op)
{
	return __atomic_load_n(&enosys_count[op < FUTEX_NR_OPS ? op : FUTEX_NR_OPS],
			       __ATOMIC_RELAXED);
}

/*
 * futex(uaddr, op, val, timeout or val2, uaddr2, val3), Linux's argument order. The
 * operations musl uses: WAIT, WAKE, REQUEUE, each private or not. Linux answers
 * FUTEX_CLOCK_REALTIME with WAIT (only WAIT_BITSET takes it) and unknown operations with
 * -ENOSYS; so does sublet, and it also counts them (futex_enosys_count).
 */
long sys_futex(unsigned long uaddr, unsigned long op, unsigned long val, unsigned long utime,
	       unsigned long uaddr2, unsigned long val3, struct trap_frame *tf)
{
	unsigned int cmd = op & FUTEX_CMD_MASK;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);
	struct timeout buf, *to;
	long err;

	if (op & FUTEX_CLOCK_REALTIME)
		return futex_enosys(cmd);
	switch (cmd) {
	case FUTEX_WAIT:
		err = futex_timeout((const struct timespec __user *)utime, &buf, &to);
		if (err)
			return err;
		return futex_wait((u32 __user *)uaddr, shared, (u32)val, to);
	case FUTEX_WAKE:
		return futex_wake((u32 __user *)uaddr, shared, (int)val);
	case FUTEX_REQUEUE: /* val2, the number to requeue, travels in the timeout's place */
		return futex_requeue((u32 __user *)uaddr, shared, (int)val, (int)utime,
				     (u32 __user *)uaddr2);
	default:
		return futex_enosys(cmd);
	}
}
