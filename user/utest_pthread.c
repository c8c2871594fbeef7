/*
 * user/utest_pthread.c - musl's threads on the kernel: futex and clone as pthreads use them.
 *
 * pthread_create is musl's clone(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
 * CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID
 * | CLONE_DETACHED); pthread_join, mutexes and condition variables sleep in futex
 * (FUTEX_WAIT, FUTEX_WAKE, and FUTEX_REQUEUE when a condition variable hands a woken
 * waiter over to its mutex). Checked here: values come back through pthread_join;
 * __thread variables are each thread's own across switches (CLONE_SETTLS); 8 threads
 * hammering one mutex lose no increment; a producer/consumer queue on two condition
 * variables delivers every item once; a barrier made of a mutex, a counter and a
 * broadcast lets nobody through early; pthread_cond_timedwait times out; 200 threads
 * created and joined leave memory and the task count at baseline (sublet only: a Linux
 * host's counters move on their own); exit_group from one thread ends threads asleep in
 * futex waits and pthread_join, and a fault in one thread kills the process; the raw futex calls'
 * errors (-EAGAIN, -EFAULT, -EINVAL, -ETIMEDOUT, -ENOSYS), wake counts, a requeue, and private vs
 * shared keys; CLONE_PARENT_SETTID and CLONE_CHILD_CLEARTID's zero-and-wake at exit; clone's flag
 * rules. The threads only record what they see; the main thread checks it.
 */
#include <limits.h>
#include <pthread.h>
#include <sys/utsname.h>
#include <time.h>

#include "user/lib/utest.h"

UTEST_SUITE(utest_pthread);

/* futex()'s operations (Linux's values; musl keeps its <linux/futex.h> to itself). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_UNKNOWN_OP 99

#define NR_HAMMER_THREADS 8
#define HAMMER_INCREMENTS 20000
#define YIELD_EVERY 500
#define NR_PRODUCERS 2
#define NR_CONSUMERS 2
#define ITEMS_PER_PRODUCER 2000
#define QUEUE_SLOTS 8
#define NR_BARRIER_THREADS 6
#define BARRIER_ROUNDS 20
#define NR_TLS_THREADS 4
#define TLS_ROUNDS 200
#define LIFECYCLES 200
#define WARMUP_LIFECYCLES 10
#define LEAK_SLACK_PAGES 8  /* the slab allocator may keep a few pages for its caches */
#define SETTLE_YIELDS 10000 /* sched_yield()s for exited threads to be gone for good */
#define TIMEOUT_MS 50
#define LONG_TIMEOUT_SEC 5 /* a wait that should be woken: if it times out, it was not */
#define CHILD_DELAY_MS 100
#define GROUP_CODE 33
#define NR_BLOCKED 3
#define NSEC_PER_MSEC 1000000l
#define MSEC_PER_SEC 1000l
#define NSEC_PER_SEC 1000000000l
#define SPIN_LIMIT 1000000
#define KERNEL_ADDRESS ((void *)0xffff800000000000ul)
#define NON_CANONICAL ((void *)0x0000800000000000ul)
#define UNMAPPED ((void *)0x100000000000ul) /* 16 TiB: nothing is mapped there */

static bool on_sublet(void)
{
	struct utsname u;

	return uname(&u) == 0 && !strcmp(u.sysname, "sublet");
}

static long futex(volatile int *uaddr, int op, int val, const struct timespec *timeout,
		  volatile int *uaddr2)
{
	return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, 0);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * MSEC_PER_SEC + ts.tv_nsec / NSEC_PER_MSEC;
}

static struct timespec ms_timespec(long ms)
{
	return (struct timespec){ms / MSEC_PER_SEC, (ms % MSEC_PER_SEC) * NSEC_PER_MSEC};
}

/* ---- create, join, TLS ---------------------------------------------------------------------- */

struct ids {
	pid_t pid, tid;
	pthread_t self;
};

static void *report_ids(void *arg)
{
	struct ids *ids = arg;

	ids->pid = getpid();
	ids->tid = gettid();
	ids->self = pthread_self();
	return (void *)(ids->tid + 1l);
}

/* The value returned comes back, the thread is one of ours with its own tid. */
UTEST(create_and_join)
{
	struct ids ids = {0};
	pthread_t t;
	void *ret = NULL;

	UASSERT_EQ(pthread_create(&t, NULL, report_ids, &ids), 0);
	UEXPECT_EQ(pthread_join(t, &ret), 0);
	UEXPECT_EQ(ids.pid, getpid());
	UEXPECT_NE(ids.tid, gettid());
	UEXPECT_GT(ids.tid, 0);
	UEXPECT_EQ((long)ret, ids.tid + 1l);
	UEXPECT_TRUE(pthread_equal(ids.self, t));
	UEXPECT_FALSE(pthread_equal(pthread_self(), t));
}

static __thread long tls_value = 1; /* from the PT_TLS image: every thread starts at 1 */
static __thread long tls_zero;	    /* .tbss */

struct tls_result {
	long start, start_zero, kept; /* kept: rounds where the value was still its own */
	unsigned long address;
};

static void *tls_worker(void *arg)
{
	struct tls_result *r = arg;

	r->start = tls_value;
	r->start_zero = tls_zero;
	r->address = (unsigned long)&tls_value;
	tls_value = (long)r->address; /* a value only this thread writes */
	for (int i = 0; i < TLS_ROUNDS; i++) {
		sched_yield();
		if (tls_value == (long)r->address)
			r->kept++;
	}
	return NULL;
}

/* Each thread's __thread variables start from the image, are its own (distinct
 * addresses) and keep their values across switches; the main thread's are untouched. */
UTEST(tls_per_thread)
{
	struct tls_result r[NR_TLS_THREADS] = {0};
	pthread_t t[NR_TLS_THREADS];

	tls_value = -5;
	for (int i = 0; i < NR_TLS_THREADS; i++)
		UASSERT_EQ(pthread_create(&t[i], NULL, tls_worker, &r[i]), 0);
	for (int i = 0; i < NR_TLS_THREADS; i++)
		UEXPECT_EQ(pthread_join(t[i], NULL), 0);
	for (int i = 0; i < NR_TLS_THREADS; i++) {
		UEXPECT_EQ(r[i].start, 1);
		UEXPECT_EQ(r[i].start_zero, 0);
		UEXPECT_EQ(r[i].kept, TLS_ROUNDS);
		UEXPECT_NE(r[i].address, (unsigned long)&tls_value);
		for (int j = 0; j < i; j++)
			UEXPECT_NE(r[i].address, r[j].address);
	}
	UEXPECT_EQ(tls_value, -5);
}

/* ---- mutex, condition variables ------------------------------------------------------------ */

static pthread_mutex_t hammer_lock = PTHREAD_MUTEX_INITIALIZER;
static long hammer_count;

static void *hammer(void *arg)
{
	(void)arg;
	for (int i = 0; i < HAMMER_INCREMENTS; i++) {
		pthread_mutex_lock(&hammer_lock);
		long v = hammer_count; /* a non-atomic read-modify-write, held across a yield */
		if (i % YIELD_EVERY == 0)
			sched_yield();
		hammer_count = v + 1;
		pthread_mutex_unlock(&hammer_lock);
	}
	return NULL;
}

/* 8 threads, one mutex: contended (a yield inside the critical section makes others
 * sleep in futex waits), and not one increment lost. */
UTEST(mutex_hammer)
{
	pthread_t t[NR_HAMMER_THREADS];

	hammer_count = 0;
	for (int i = 0; i < NR_HAMMER_THREADS; i++)
		UASSERT_EQ(pthread_create(&t[i], NULL, hammer, NULL), 0);
	for (int i = 0; i < NR_HAMMER_THREADS; i++)
		UEXPECT_EQ(pthread_join(t[i], NULL), 0);
	UEXPECT_EQ(hammer_count, (long)NR_HAMMER_THREADS * HAMMER_INCREMENTS);
}

/* A bounded queue: producers wait while it is full, consumers while it is empty. */
struct queue {
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	long slots[QUEUE_SLOTS];
	int head, count, producers_left;
	long consumed_sum[NR_CONSUMERS];
	long consumed[NR_CONSUMERS];
};

static struct queue q = {.lock = PTHREAD_MUTEX_INITIALIZER,
			 .not_full = PTHREAD_COND_INITIALIZER,
			 .not_empty = PTHREAD_COND_INITIALIZER};

static void *producer(void *arg)
{
	long base = (long)arg * ITEMS_PER_PRODUCER;

	for (long i = 1; i <= ITEMS_PER_PRODUCER; i++) {
		pthread_mutex_lock(&q.lock);
		while (q.count == QUEUE_SLOTS)
			pthread_cond_wait(&q.not_full, &q.lock);
		q.slots[(q.head + q.count++) % QUEUE_SLOTS] = base + i;
		pthread_cond_signal(&q.not_empty);
		pthread_mutex_unlock(&q.lock);
	}
	pthread_mutex_lock(&q.lock);
	q.producers_left--;
	pthread_cond_broadcast(&q.not_empty); /* the consumers may stop once it is empty */
	pthread_mutex_unlock(&q.lock);
	return NULL;
}

static void *consumer(void *arg)
{
	long me = (long)arg;

	pthread_mutex_lock(&q.lock);
	for (;;) {
		while (q.count == 0 && q.producers_left)
			pthread_cond_wait(&q.not_empty, &q.lock);
		if (q.count == 0)
			break;
		q.consumed_sum[me] += q.slots[q.head];
		q.consumed[me]++;
		q.head = (q.head + 1) % QUEUE_SLOTS;
		q.count--;
		pthread_cond_signal(&q.not_full);
	}
	pthread_mutex_unlock(&q.lock);
	return NULL;
}

/* Every item produced is consumed exactly once (counts and the sum of all items). */
UTEST(producer_consumer)
{
	pthread_t p[NR_PRODUCERS], c[NR_CONSUMERS];
	long n = (long)NR_PRODUCERS * ITEMS_PER_PRODUCER, got = 0, sum = 0;

	q.producers_left = NR_PRODUCERS;
	for (long i = 0; i < NR_CONSUMERS; i++)
		UASSERT_EQ(pthread_create(&c[i], NULL, consumer, (void *)i), 0);
	for (long i = 0; i < NR_PRODUCERS; i++)
		UASSERT_EQ(pthread_create(&p[i], NULL, producer, (void *)i), 0);
	for (int i = 0; i < NR_PRODUCERS; i++)
		UEXPECT_EQ(pthread_join(p[i], NULL), 0);
	for (int i = 0; i < NR_CONSUMERS; i++) {
		UEXPECT_EQ(pthread_join(c[i], NULL), 0);
		got += q.consumed[i];
		sum += q.consumed_sum[i];
	}
	UEXPECT_EQ(got, n);
	UEXPECT_EQ(sum, n * (n + 1) / 2); /* the items are 1..n */
	UEXPECT_EQ(q.count, 0);
}

/* A barrier from a mutex, a counter and a condition variable (a broadcast wakes all:
 * musl requeues them onto the mutex, FUTEX_REQUEUE). */
struct barrier {
	pthread_mutex_t lock;
	pthread_cond_t all_here;
	int arrived, generation;
	int early; /* threads that went on before everyone had arrived */
};

static struct barrier bar = {.lock = PTHREAD_MUTEX_INITIALIZER,
			     .all_here = PTHREAD_COND_INITIALIZER};

static void *barrier_worker(void *arg)
{
	(void)arg;
	for (int round = 0; round < BARRIER_ROUNDS; round++) {
		pthread_mutex_lock(&bar.lock);
		int gen = bar.generation;
		if (++bar.arrived == NR_BARRIER_THREADS) {
			bar.arrived = 0;
			bar.generation++;
			pthread_cond_broadcast(&bar.all_here);
		} else {
			while (gen == bar.generation)
				pthread_cond_wait(&bar.all_here, &bar.lock);
		}
		if (bar.generation != gen + 1) /* let through before the last one came */
			bar.early++;
		pthread_mutex_unlock(&bar.lock);
	}
	return NULL;
}

UTEST(barrier_by_broadcast)
{
	pthread_t t[NR_BARRIER_THREADS];

	for (int i = 0; i < NR_BARRIER_THREADS; i++)
		UASSERT_EQ(pthread_create(&t[i], NULL, barrier_worker, NULL), 0);
	for (int i = 0; i < NR_BARRIER_THREADS; i++)
		UEXPECT_EQ(pthread_join(t[i], NULL), 0);
	UEXPECT_EQ(bar.generation, BARRIER_ROUNDS);
	UEXPECT_EQ(bar.arrived, 0);
	UEXPECT_EQ(bar.early, 0);
}

/* Nobody signals: ETIMEDOUT after at least the time asked (musl turns the absolute
 * CLOCK_REALTIME deadline into FUTEX_WAIT's relative timeout), with the mutex held. */
UTEST(cond_timedwait_times_out)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec deadline;
	long start, elapsed;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += TIMEOUT_MS * NSEC_PER_MSEC;
	if (deadline.tv_nsec >= NSEC_PER_SEC) {
		deadline.tv_sec++;
		deadline.tv_nsec -= NSEC_PER_SEC;
	}
	pthread_mutex_lock(&m);
	start = now_ms();
	UEXPECT_EQ(pthread_cond_timedwait(&c, &m, &deadline), ETIMEDOUT);
	elapsed = now_ms() - start;
	UEXPECT_EQ(pthread_mutex_trylock(&m), EBUSY); /* held again on return */
	pthread_mutex_unlock(&m);
	utest_log("timed out after %ld ms (asked %d)", elapsed, TIMEOUT_MS);
	UEXPECT_GE(elapsed, TIMEOUT_MS - 1); /* the clocks round to the millisecond */
	UEXPECT_LT(elapsed, LONG_TIMEOUT_SEC * MSEC_PER_SEC);
}

/* ---- lifecycles ------------------------------------------------------------------------------ */

static void *nothing(void *arg)
{
	return arg;
}

static void create_join_many(int n)
{
	for (long i = 0; i < n; i++) {
		pthread_t t;
		void *ret = NULL;

		UASSERT_EQ(pthread_create(&t, NULL, nothing, (void *)i), 0);
		UASSERT_EQ(pthread_join(t, &ret), 0);
		UASSERT_EQ((long)ret, i);
	}
}

/* Free memory and tasks, once exited threads are gone (the joiner may run before the
 * thread has finished dying: it is woken from the thread's exit path). */
static void settle(struct sysinfo *info, unsigned short want_procs)
{
	for (int i = 0; i < SETTLE_YIELDS; i++) {
		UASSERT_EQ(sysinfo(info), 0);
		if (info->procs <= want_procs)
			return;
		sched_yield();
	}
}

/* 200 threads made and joined, one after the other: every stack, task and kernel
 * stack is given back (sublet: free memory within a few pages, the task count exact). */
UTEST(many_threads_no_leak)
{
	struct sysinfo before, after;
	long short_pages;

	UASSERT_EQ(sysinfo(&before), 0);
	create_join_many(WARMUP_LIFECYCLES); /* musl's and the slab's first allocations */
	settle(&before, before.procs);
	create_join_many(LIFECYCLES);
	settle(&after, before.procs);
	if (!on_sublet())
		USKIP("Linux host: other processes change freeram and procs");
	short_pages =
	    ((long)before.freeram - (long)after.freeram) * (long)before.mem_unit / PAGE_SIZE;
	utest_log("%d lifecycles: freeram %lu -> %lu KiB, procs %u -> %u", LIFECYCLES,
		  before.freeram * before.mem_unit >> 10, after.freeram * after.mem_unit >> 10,
		  before.procs, after.procs);
	UEXPECT_EQ(after.procs, before.procs);
	UEXPECT_LE(short_pages, LEAK_SLACK_PAGES);
}

/* ---- exit_group while others sleep ---------------------------------------------------------- */

struct blocked {
	volatile int word; /* never changes: waits on it sleep until killed */
	volatile int asleep;
	pthread_mutex_t lock;
	pthread_cond_t never;
};

static void *wait_forever_futex(void *arg)
{
	struct blocked *b = arg;

	__atomic_fetch_add(&b->asleep, 1, __ATOMIC_SEQ_CST);
	for (;;)
		futex(&b->word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL);
	return NULL;
}

static void *wait_forever_cond(void *arg)
{
	struct blocked *b = arg;

	pthread_mutex_lock(&b->lock);
	__atomic_fetch_add(&b->asleep, 1, __ATOMIC_SEQ_CST);
	for (;;)
		pthread_cond_wait(&b->never, &b->lock);
	return NULL;
}

static void *exit_group_soon(void *arg)
{
	struct blocked *b = arg;
	struct timespec delay = ms_timespec(CHILD_DELAY_MS);

	while (__atomic_load_n(&b->asleep, __ATOMIC_SEQ_CST) < NR_BLOCKED + 1)
		sched_yield();
	nanosleep(&delay, NULL); /* time for the last of them to reach its futex wait */
	_exit(GROUP_CODE);	 /* exit_group */
}

/* In a child process: three threads in raw futex waits, one in pthread_cond_wait, the
 * main thread in pthread_join; a fifth calls _exit (exit_group): everyone dies, the
 * process ends with that code. */
static int blocked_group(void *arg)
{
	static struct blocked b = {.lock = PTHREAD_MUTEX_INITIALIZER,
				   .never = PTHREAD_COND_INITIALIZER};
	pthread_t t[NR_BLOCKED + 2];

	(void)arg;
	for (int i = 0; i < NR_BLOCKED; i++)
		if (pthread_create(&t[i], NULL, wait_forever_futex, &b))
			return 1;
	if (pthread_create(&t[NR_BLOCKED], NULL, wait_forever_cond, &b) ||
	    pthread_create(&t[NR_BLOCKED + 1], NULL, exit_group_soon, &b))
		return 1;
	pthread_join(t[0], NULL); /* never returns: t[0] never exits */
	return 2;
}

UTEST(exit_group_ends_futex_waiters)
{
	struct sysinfo before, after;

	UASSERT_EQ(sysinfo(&before), 0);
	UEXPECT_EXITED(utest_run_child(blocked_group, NULL), GROUP_CODE);
	settle(&after, before.procs);
	if (on_sublet())
		UEXPECT_EQ(after.procs, before.procs); /* all six tasks are gone */
}

static void *write_null(void *arg)
{
	*(volatile int *)arg = 1; /* NULL: SIGSEGV */
	return NULL;
}

/* In a child: a thread faults while the main thread waits in pthread_join; the whole
 * process dies of SIGSEGV (the faulting thread's exit, from its trap, still zeroes and
 * wakes its clear_child_tid word on the way). */
static int fault_while_joined(void *arg)
{
	pthread_t t;

	(void)arg;
	if (pthread_create(&t, NULL, write_null, NULL))
		return 1;
	pthread_join(t, NULL);
	return 2;
}

UTEST(fault_in_thread_kills_the_process)
{
	struct sysinfo before, after;

	UASSERT_EQ(sysinfo(&before), 0);
	UEXPECT_SIGNALED(utest_run_child(fault_while_joined, NULL), SIGSEGV);
	settle(&after, before.procs);
	if (on_sublet())
		UEXPECT_EQ(after.procs, before.procs);
}

/* ---- futex, raw ---------------------------------------------------------------------------- */

/* The word differs: -EAGAIN at once, private or shared. A wake finds nobody: 0. */
UTEST(futex_value_differs_and_empty_wake)
{
	volatile int word = 1;

	UEXPECT_ERRNO(futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL), EAGAIN);
	UEXPECT_ERRNO(futex(&word, FUTEX_WAIT, 2, NULL, NULL), EAGAIN);
	UEXPECT_EQ(futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL), 0);
	UEXPECT_EQ(futex(&word, FUTEX_WAKE, INT_MAX, NULL, NULL), 0);
}

/* Bad words and arguments. A private wake never reads the word (Linux: 0 even for an
 * unmapped one); a shared one looks its page up (-EFAULT). */
UTEST(futex_errors)
{
	volatile int words[2] = {0, 0};
	volatile int *misaligned = (volatile int *)((char *)words + 1);
	struct timespec bad_nsec = {0, NSEC_PER_SEC}, negative = {-1, 0};

	UEXPECT_ERRNO(futex(misaligned, FUTEX_WAIT, 0, NULL, NULL), EINVAL);
	UEXPECT_ERRNO(futex(misaligned, FUTEX_WAKE, 1, NULL, NULL), EINVAL);
	UEXPECT_ERRNO(futex(NULL, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL), EFAULT);
	UEXPECT_ERRNO(futex(UNMAPPED, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL), EFAULT);
	UEXPECT_ERRNO(futex(UNMAPPED, FUTEX_WAIT, 0, NULL, NULL), EFAULT);
	UEXPECT_ERRNO(futex(KERNEL_ADDRESS, FUTEX_WAIT, 0, NULL, NULL), EFAULT);
	UEXPECT_ERRNO(futex(NON_CANONICAL, FUTEX_WAIT, 0, NULL, NULL), EFAULT);
	UEXPECT_ERRNO(futex(KERNEL_ADDRESS, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL),
		      EFAULT);
	UEXPECT_ERRNO(futex(UNMAPPED, FUTEX_WAKE, 1, NULL, NULL), EFAULT);
	UEXPECT_EQ(futex(UNMAPPED, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL), 0);
	UEXPECT_ERRNO(futex(&words[0], FUTEX_WAIT, 0, KERNEL_ADDRESS, NULL), EFAULT);
	UEXPECT_ERRNO(futex(&words[0], FUTEX_WAIT, 0, &bad_nsec, NULL), EINVAL);
	UEXPECT_ERRNO(futex(&words[0], FUTEX_WAIT, 0, &negative, NULL), EINVAL);
	UEXPECT_ERRNO(futex(&words[0], FUTEX_REQUEUE, -1, NULL, &words[1]), EINVAL);
	UEXPECT_ERRNO(futex(&words[0], FUTEX_REQUEUE, 1, NULL, misaligned), EINVAL);
	UEXPECT_ERRNO(futex(&words[0], FUTEX_UNKNOWN_OP, 0, NULL, NULL), ENOSYS);
	UEXPECT_ERRNO(futex(&words[0], FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, NULL, NULL), ENOSYS);
	if (on_sublet()) /* Linux has it; musl does not use it */
		UEXPECT_ERRNO(futex(&words[0], FUTEX_CMP_REQUEUE, 1, NULL, &words[1]), ENOSYS);
}

/* Nobody wakes it: -ETIMEDOUT after at least the time given. */
UTEST(futex_wait_times_out)
{
	volatile int word = 0;
	struct timespec timeout = ms_timespec(TIMEOUT_MS);
	long start = now_ms(), elapsed;

	UEXPECT_ERRNO(futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &timeout, NULL), ETIMEDOUT);
	elapsed = now_ms() - start;
	UEXPECT_GE(elapsed, TIMEOUT_MS - 1);
	UEXPECT_LT(elapsed, LONG_TIMEOUT_SEC * MSEC_PER_SEC);
	timeout = ms_timespec(0);
	UEXPECT_ERRNO(futex(&word, FUTEX_WAIT, 0, &timeout, NULL), ETIMEDOUT);
}

struct waiter {
	volatile int *word;
	int op;
	volatile long ret; /* 0 or -errno once it is back */
	volatile int back;
};

static void *raw_waiter(void *arg)
{
	struct waiter *w = arg;
	struct timespec timeout = {LONG_TIMEOUT_SEC, 0};

	w->ret = futex(w->word, w->op, 0, &timeout, NULL) ? -errno : 0;
	__atomic_store_n(&w->back, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Wake the waiters of word until n have been woken (they may not be asleep yet). */
static long wake_until(volatile int *word, int op, int n)
{
	long woken = 0;

	for (int i = 0; i < SPIN_LIMIT && woken < n; i++) {
		long r = futex(word, op, n - (int)woken, NULL, NULL);
		if (r < 0)
			return -errno;
		woken += r;
		if (woken < n)
			sched_yield();
	}
	return woken;
}

/* A wake counts the waiters it woke, and wakes only those of its key: a private wake
 * leaves a shared waiter of the same word asleep, and the other way round. */
UTEST(futex_wake_counts_and_keys)
{
	volatile int word = 0;
	struct waiter priv = {&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, 0};
	struct waiter shared = {&word, FUTEX_WAIT, 1, 0};
	pthread_t tp, ts;

	UASSERT_EQ(pthread_create(&tp, NULL, raw_waiter, &priv), 0);
	UASSERT_EQ(pthread_create(&ts, NULL, raw_waiter, &shared), 0);
	UEXPECT_EQ(wake_until(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1), 1);
	UEXPECT_EQ(pthread_join(tp, NULL), 0);
	UEXPECT_EQ(priv.ret, 0);
	UEXPECT_EQ(shared.back, 0); /* still asleep: a private wake is not for it */
	UEXPECT_EQ(wake_until(&word, FUTEX_WAKE, 1), 1);
	UEXPECT_EQ(pthread_join(ts, NULL), 0);
	UEXPECT_EQ(shared.ret, 0);
}

/* FUTEX_REQUEUE moves waiters of one word onto another, without waking them: a wake of
 * the first then finds nobody, one of the second wakes them. */
UTEST(futex_requeue)
{
	volatile int from = 0, to = 0;
	struct waiter w[2] = {{&from, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, 0},
			      {&from, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, 0}};
	const int op = FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG;
	pthread_t t[2];
	long moved = 0;

	for (int i = 0; i < 2; i++)
		UASSERT_EQ(pthread_create(&t[i], NULL, raw_waiter, &w[i]), 0);
	for (int i = 0; i < SPIN_LIMIT && moved < 2; i++) {
		moved += syscall(SYS_futex, &from, op, 0, (long)(2 - moved), &to, 0);
		if (moved < 2)
			sched_yield();
	}
	UEXPECT_EQ(moved, 2);
	UEXPECT_EQ(futex(&from, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 2, NULL, NULL), 0);
	UEXPECT_EQ(w[0].back + w[1].back, 0);
	UEXPECT_EQ(futex(&to, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 2, NULL, NULL), 2);
	for (int i = 0; i < 2; i++) {
		UEXPECT_EQ(pthread_join(t[i], NULL), 0);
		UEXPECT_EQ(w[i].ret, 0);
	}
}

/* ---- clone, raw -------------------------------------------------------------------------- */

#define PTHREAD_LIKE_FLAGS                                                                         \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
#define CLONE_STACK_SIZE (64 * 1024)

/* The child shares our TLS (no CLONE_SETTLS): raw calls only, errno untouched. */
static int sleep_then_exit(void *arg)
{
	struct timespec delay = ms_timespec(CHILD_DELAY_MS);

	(void)arg;
	syscall(SYS_nanosleep, &delay, NULL);
	return 0;
}

/* CLONE_PARENT_SETTID writes the tid before clone returns; at exit CLONE_CHILD_CLEARTID
 * zeroes the word and wakes a (shared) waiter: what pthread_join rests on. */
UTEST(clone_settid_and_cleartid)
{
	static volatile int ptid, ctid;
	char *stack = mmap(NULL, CLONE_STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct timespec timeout = {LONG_TIMEOUT_SEC, 0};
	int tid, v;

	UASSERT_PTR_NE(stack, MAP_FAILED);
	ptid = 0;
	ctid = -1;
	tid = clone(sleep_then_exit, stack + CLONE_STACK_SIZE, PTHREAD_LIKE_FLAGS, NULL, &ptid,
		    NULL, &ctid);
	UASSERT_GT(tid, 0);
	UEXPECT_EQ(ptid, tid);
	while ((v = ctid) != 0) /* woken by the exit, or already 0 */
		UASSERT_NE(futex(&ctid, FUTEX_WAIT, v, &timeout, NULL) ? errno : 0, ETIMEDOUT);
	UEXPECT_EQ(ctid, 0);
	munmap(stack, CLONE_STACK_SIZE);
}

/* The kernel half is no TLS base (-EPERM, as arch_prctl). In a child: were it taken,
 * the clone would be a fork that exits at once. */
static int bad_tls_clone(void *arg)
{
	long r;

	(void)arg;
	r = syscall(SYS_clone, CLONE_SETTLS | SIGCHLD, NULL, NULL, NULL, KERNEL_ADDRESS);
	if (r == 0)
		syscall(SYS_exit, 0);
	return r < 0 && errno == EPERM ? 0 : 1;
}

/* Linux's flag rules (threads share handlers, handlers need a shared mm), and a bad TLS. */
UTEST(clone_flag_rules)
{
	UEXPECT_ERRNO(syscall(SYS_clone, PTHREAD_LIKE_FLAGS & ~CLONE_SIGHAND, NULL, NULL, NULL, 0),
		      EINVAL);
	UEXPECT_ERRNO(syscall(SYS_clone, CLONE_SIGHAND | CLONE_FS, NULL, NULL, NULL, 0), EINVAL);
	UEXPECT_EXITED(utest_run_child(bad_tls_clone, NULL), 0);
}
