/*
 * tests/rwsem_test.c - the sleeping reader/writer semaphore (kernel/rwsem.c).
 *
 * Kernel threads take one semaphore in scripted orders and record what they saw: readers
 * share it, a writer excludes everyone, waiters are handed the lock in arrival order (so
 * a writer is not starved by readers that keep arriving), and under a long random mix of
 * readers and writers no wake-up is lost (every thread finishes) and no update is lost.
 * Every test checks that its threads are gone afterwards (tasks back at baseline).
 */
#include "kernel/rwsem.h"
#include "sched/process.h"
#include "sched/sched.h"
#include "sched/task_internal.h"
#include "tests/ktest.h"

#define NR_READERS 3
#define SPIN_LIMIT 100000 /* yields before a test stops waiting for a thread's step */
#define STRESS_THREADS 5
#define STRESS_ROUNDS 400
#define ORDER_MAX 8

/* What a test and its threads share. */
struct rwsem_scene {
	struct rw_semaphore sem;
	volatile int inside;	 /* threads holding sem right now */
	volatile int max_inside; /* the most that ever held it at once */
	volatile int release;	 /* set by the test: holders may let go */
	volatile int violations; /* a writer saw someone else inside */
	volatile int order[ORDER_MAX];
	volatile int nr_order;
	long counter; /* updated only under the write lock, non-atomically */
};

struct rwsem_actor {
	struct rwsem_scene *scene;
	int id;
};

/* Yield until *flag reaches want; false if it did not within SPIN_LIMIT yields. */
static bool wait_for(volatile int *flag, int want)
{
	for (int i = 0; i < SPIN_LIMIT; i++) {
		if (READ_ONCE(*flag) >= want)
			return true;
		yield();
	}
	return false;
}

static bool wait_for_waiters(struct rw_semaphore *sem, unsigned int want)
{
	for (int i = 0; i < SPIN_LIMIT; i++) {
		if (rwsem_nr_waiters(sem) == want)
			return true;
		yield();
	}
	return false;
}

static void enter(struct rwsem_scene *s, int id)
{
	s->inside++;
	if (s->inside > s->max_inside)
		s->max_inside = s->inside;
	if (s->nr_order < ORDER_MAX)
		s->order[s->nr_order++] = id;
}

/* A reader: take it, stay until released, leave. */
static int reader(void *arg)
{
	struct rwsem_actor *a = arg;
	struct rwsem_scene *s = a->scene;

	down_read(&s->sem);
	enter(s, a->id);
	wait_for(&s->release, 1);
	s->inside--;
	up_read(&s->sem);
	return 0;
}

/* A writer: like a reader, but must be alone inside. */
static int writer(void *arg)
{
	struct rwsem_actor *a = arg;
	struct rwsem_scene *s = a->scene;

	down_write(&s->sem);
	enter(s, a->id);
	if (s->inside != 1 || !rwsem_is_write_owner(&s->sem))
		s->violations++;
	wait_for(&s->release, 1);
	s->inside--;
	up_write(&s->sem);
	return 0;
}

static struct task_struct *start(int (*fn)(void *), struct rwsem_actor *a, const char *name)
{
	return kthread_run(fn, a, name);
}

static void scene_init(struct rwsem_scene *s)
{
	*s = (struct rwsem_scene){0};
	init_rwsem(&s->sem, "test_rwsem");
}

KTEST(rwsem, readers_share)
{
	static struct rwsem_scene s;
	static struct rwsem_actor a[NR_READERS];
	struct task_struct *tsk[NR_READERS];
	unsigned long tasks = tasks_in_use();

	scene_init(&s);
	for (int i = 0; i < NR_READERS; i++) {
		a[i] = (struct rwsem_actor){&s, i};
		tsk[i] = start(reader, &a[i], "reader");
		KASSERT_NOT_NULL(t, tsk[i]);
	}
	KEXPECT_TRUE(t, wait_for(&s.inside, NR_READERS)); /* all inside together */
	KEXPECT_EQ(t, s.sem.count, NR_READERS);
	KEXPECT_TRUE(t, rwsem_is_locked(&s.sem));
	KEXPECT_FALSE(t, down_write_trylock(&s.sem));
	KEXPECT_TRUE(t, down_read_trylock(&s.sem)); /* one more reader: nobody waits */
	up_read(&s.sem);
	s.release = 1;
	for (int i = 0; i < NR_READERS; i++)
		KEXPECT_EQ(t, task_wait_exit(tsk[i]), 0);
	KEXPECT_EQ(t, s.max_inside, NR_READERS);
	KEXPECT_FALSE(t, rwsem_is_locked(&s.sem));
	KEXPECT_EQ(t, tasks_in_use(), tasks);
}

KTEST(rwsem, writer_excludes_readers_and_writers)
{
	static struct rwsem_scene s;
	static struct rwsem_actor a[3];
	struct task_struct *tsk[3];
	unsigned long tasks = tasks_in_use();

	scene_init(&s);
	down_write(&s.sem);
	KEXPECT_TRUE(t, rwsem_is_write_owner(&s.sem));
	KEXPECT_FALSE(t, down_read_trylock(&s.sem));
	KEXPECT_FALSE(t, down_write_trylock(&s.sem));
	a[0] = (struct rwsem_actor){&s, 0};
	a[1] = (struct rwsem_actor){&s, 1};
	a[2] = (struct rwsem_actor){&s, 2};
	tsk[0] = start(reader, &a[0], "reader");
	tsk[1] = start(writer, &a[1], "writer");
	tsk[2] = start(reader, &a[2], "reader");
	KASSERT_TRUE(t, tsk[0] && tsk[1] && tsk[2]);
	KEXPECT_TRUE(t, wait_for_waiters(&s.sem, 3)); /* all three asleep on it */
	KEXPECT_EQ(t, s.inside, 0);
	s.release = 1; /* each leaves as soon as it gets in */
	up_write(&s.sem);
	for (int i = 0; i < 3; i++)
		KEXPECT_EQ(t, task_wait_exit(tsk[i]), 0);
	KEXPECT_EQ(t, s.violations, 0);
	KEXPECT_EQ(t, s.nr_order, 3);
	KEXPECT_FALSE(t, rwsem_is_locked(&s.sem));
	KEXPECT_EQ(t, tasks_in_use(), tasks);
}

/*
 * Readers hold it; a writer queues; then more readers arrive. They must queue behind the
 * writer rather than join the readers inside, or a steady stream of readers would keep
 * the writer out for ever. The lock then goes in arrival order: writer, then readers.
 */
KTEST(rwsem, queued_writer_is_not_starved_by_new_readers)
{
	static struct rwsem_scene s;
	static struct rwsem_actor a[3];
	struct task_struct *tsk[3];
	unsigned long tasks = tasks_in_use();

	scene_init(&s);
	down_read(&s.sem); /* the test thread is the reader inside */
	a[0] = (struct rwsem_actor){&s, 10};
	a[1] = (struct rwsem_actor){&s, 20};
	a[2] = (struct rwsem_actor){&s, 21};
	tsk[0] = start(writer, &a[0], "writer");
	KASSERT_NOT_NULL(t, tsk[0]);
	KEXPECT_TRUE(t, wait_for_waiters(&s.sem, 1));
	tsk[1] = start(reader, &a[1], "reader");
	tsk[2] = start(reader, &a[2], "reader");
	KASSERT_TRUE(t, tsk[1] && tsk[2]);
	KEXPECT_TRUE(t, wait_for_waiters(&s.sem, 3)); /* the new readers wait too */
	KEXPECT_FALSE(t, down_read_trylock(&s.sem));
	KEXPECT_EQ(t, s.sem.count, 1);
	s.release = 1;
	up_read(&s.sem);
	for (int i = 0; i < 3; i++)
		KEXPECT_EQ(t, task_wait_exit(tsk[i]), 0);
	KASSERT_EQ(t, s.nr_order, 3);
	KEXPECT_EQ(t, s.order[0], 10); /* the writer first */
	KEXPECT_EQ(t, s.violations, 0);
	KEXPECT_EQ(t, tasks_in_use(), tasks);
}

/* Readers queued together behind a writer are let in together. */
KTEST(rwsem, readers_behind_a_writer_enter_together)
{
	static struct rwsem_scene s;
	static struct rwsem_actor a[NR_READERS];
	struct task_struct *tsk[NR_READERS];
	unsigned long tasks = tasks_in_use();

	scene_init(&s);
	down_write(&s.sem);
	for (int i = 0; i < NR_READERS; i++) {
		a[i] = (struct rwsem_actor){&s, i};
		tsk[i] = start(reader, &a[i], "reader");
		KASSERT_NOT_NULL(t, tsk[i]);
	}
	KEXPECT_TRUE(t, wait_for_waiters(&s.sem, NR_READERS));
	up_write(&s.sem);
	KEXPECT_EQ(t, rwsem_nr_waiters(&s.sem), 0u); /* all granted at once by up_write */
	KEXPECT_EQ(t, s.sem.count, NR_READERS);
	KEXPECT_TRUE(t, wait_for(&s.inside, NR_READERS));
	s.release = 1;
	for (int i = 0; i < NR_READERS; i++)
		KEXPECT_EQ(t, task_wait_exit(tsk[i]), 0);
	KEXPECT_EQ(t, s.max_inside, NR_READERS);
	KEXPECT_EQ(t, tasks_in_use(), tasks);
}

/*
 * Many threads, each taking the lock many times, for reading or for writing, yielding
 * while they hold it (so the others pile up in the queue and every hand-off path runs).
 * A writer's non-atomic read-yield-write of counter loses an update unless it is alone;
 * a lost wake-up leaves a thread asleep for ever, which the bounded wait catches.
 */
struct stress_actor {
	struct rwsem_scene *scene;
	unsigned int seed;
	volatile int done;
	int reads, writes;
};

static unsigned int next_random(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u; /* an LCG is plenty to vary the mix */
	return *seed >> 16;
}

static int stress_thread(void *arg)
{
	struct stress_actor *a = arg;
	struct rwsem_scene *s = a->scene;

	for (int i = 0; i < STRESS_ROUNDS; i++) {
		if (next_random(&a->seed) % 4 == 0) {
			long seen;

			down_write(&s->sem);
			seen = s->counter;
			yield();
			s->counter = seen + 1;
			a->writes++;
			up_write(&s->sem);
		} else {
			long before;

			down_read(&s->sem);
			before = s->counter;
			yield();
			if (s->counter != before)
				s->violations++; /* a writer got in while we read */
			a->reads++;
			up_read(&s->sem);
		}
	}
	a->done = 1;
	return 0;
}

KTEST(rwsem, stress_no_lost_wakeup_or_update)
{
	static struct rwsem_scene s;
	static struct stress_actor a[STRESS_THREADS];
	struct task_struct *tsk[STRESS_THREADS];
	unsigned long tasks = tasks_in_use();
	long writes = 0, reads = 0;

	scene_init(&s);
	for (int i = 0; i < STRESS_THREADS; i++) {
		a[i] = (struct stress_actor){.scene = &s, .seed = 7u * i + 1};
		tsk[i] = kthread_run(stress_thread, &a[i], "rwsem_stress");
		KASSERT_NOT_NULL(t, tsk[i]);
	}
	for (int i = 0; i < STRESS_THREADS; i++)
		KASSERT_TRUE(t, wait_for(&a[i].done, 1)); /* a lost wake-up stops here */
	for (int i = 0; i < STRESS_THREADS; i++) {
		KEXPECT_EQ(t, task_wait_exit(tsk[i]), 0);
		writes += a[i].writes;
		reads += a[i].reads;
	}
	KEXPECT_EQ(t, writes + reads, (long)STRESS_THREADS * STRESS_ROUNDS);
	KEXPECT_GT(t, writes, 0);
	KEXPECT_GT(t, reads, 0);
	KEXPECT_EQ(t, s.counter, writes);
	KEXPECT_EQ(t, s.violations, 0);
	KEXPECT_FALSE(t, rwsem_is_locked(&s.sem));
	KEXPECT_EQ(t, rwsem_nr_waiters(&s.sem), 0u);
	KEXPECT_EQ(t, tasks_in_use(), tasks);
}

KTEST_DEATH(rwsem, up_write_by_non_owner, "up_write(dead_rwsem) by")
{
	static DECLARE_RWSEM(dead_rwsem);

	up_write(&dead_rwsem);
}

KTEST_DEATH(rwsem, down_write_twice, "already holds it for writing")
{
	static DECLARE_RWSEM(dead_rwsem);

	down_write(&dead_rwsem);
	down_write(&dead_rwsem);
}
