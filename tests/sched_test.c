/*
 * tests/sched_test.c - the scheduler itself: preemption, preempt_disable, yield order,
 * wait queues, msleep, kthread_stop, reaping, and the per-CPU switch counters.
 *
 * The address-space rules of a switch are tested in tests/active_mm_test.c and, under
 * load, in tests/sched_stress_test.c; here the subject is who runs when. Each test
 * starts its own kernel threads and waits for them, so the test thread ("ktest") is
 * blocked while they run unless a test says otherwise. Threads that could spin forever
 * if the scheduler were broken stop themselves after a TSC deadline, so a broken
 * scheduler fails the test instead of hanging the run. See docs/scheduler.md.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "kernel/time.h"
#include "mm/mm_struct.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"
#include "sched/sched.h"
#include "sched/sched_debug.h"
#include "sched/task_internal.h"
#include "sched/wait.h"
#include "tests/ktest.h"
#include "tests/sched_test_util.h"

#define SPIN_LIMIT_MS 3000    /* a spinner that was never preempted gives up after this */
#define PREEMPT_WINDOW_MS 200 /* four time slices */
#define NOPREEMPT_TICKS (3 * SCHED_TIMESLICE_TICKS)
#define RR_THREADS 3
#define RR_ROUNDS 10
#define SLEEP_MS 50
#define SLEEP_SLACK_TICKS 3 /* wake-up tick, plus a turn on the CPU */
#define STOP_SLEEP_MS 200
#define STOP_EXIT_CODE 0x5a
#define WAIT_EXIT_CODE 7
#define REAP_KTHREADS 12
#define REAP_REAL 4
#define PINGPONG_ROUNDS 50

/* Has more than ms milliseconds of TSC time passed since start? */
static bool tsc_past(u64 start, u64 ms)
{
	return rdtsc() - start >= ms * tsc_khz;
}

/* ---- preemption ----------------------------------------------------------------- */

/* A CPU-bound kernel thread: counts until stopped, never yields or sleeps. */
struct spinner {
	volatile unsigned long progress;
	const struct spinner *other; /* the spinner it must see make progress, or NULL */
	volatile bool saw_other_run; /* other's progress moved while this one was alive */
	bool timed_out;
};

static int spin_until_stopped(void *arg)
{
	struct spinner *s = arg;
	unsigned long other_start = s->other ? READ_ONCE(s->other->progress) : 0;
	u64 start = rdtsc();

	while (!kthread_should_stop()) {
		s->progress++;
		if (s->other && READ_ONCE(s->other->progress) != other_start)
			s->saw_other_run = true;
		if (tsc_past(start, SPIN_LIMIT_MS)) {
			s->timed_out = true;
			return 1;
		}
	}
	return 0;
}

static u64 nr_switches_now(void)
{
	u64 n;

	preempt_disable();
	n = this_cpu()->nr_switches;
	preempt_enable();
	return n;
}

/* Two threads that never give up the CPU both run: only the tick can switch them. */
KTEST(sched, preemption_shares_the_cpu_between_spinners)
{
	static struct spinner a, b;
	struct task_struct *ta, *tb;
	u64 switches_before;

	a = (struct spinner){.other = &b};
	b = (struct spinner){.other = &a};
	switches_before = nr_switches_now();
	ta = kthread_run(spin_until_stopped, &a, "spin_a");
	tb = kthread_run(spin_until_stopped, &b, "spin_b");
	KASSERT_TRUE(t, ta && tb);
	msleep(PREEMPT_WINDOW_MS);
	KEXPECT_GT(t, a.progress, 0);
	KEXPECT_GT(t, b.progress, 0);
	/* Each slice is 50 ms: four slices at least, so four switches at least. */
	KEXPECT_GE(t, nr_switches_now() - switches_before, 4);
	KEXPECT_EQ(t, kthread_stop(ta), 0);
	KEXPECT_EQ(t, kthread_stop(tb), 0);
	KEXPECT_TRUE(t, a.saw_other_run);
	KEXPECT_TRUE(t, b.saw_other_run);
	KEXPECT_FALSE(t, a.timed_out);
	KEXPECT_FALSE(t, b.timed_out);
}

struct nopreempt_probe {
	const struct spinner *other;
	u64 ticks_spun;
	bool need_resched_seen;
	u64 switches_before, switches_after;
	unsigned long other_before, other_after, other_after_enable;
};

/* Spin for three time slices with preemption off while `other` is runnable. */
static int spin_with_preemption_off(void *arg)
{
	struct nopreempt_probe *p = arg;
	u64 start = rdtsc(), j0;

	preempt_disable();
	j0 = jiffies;
	p->switches_before = this_cpu()->nr_switches;
	p->other_before = READ_ONCE(p->other->progress);
	while (jiffies - j0 < NOPREEMPT_TICKS && !tsc_past(start, SPIN_LIMIT_MS))
		cpu_relax();
	p->ticks_spun = jiffies - j0;
	p->need_resched_seen = need_resched(); /* the tick asked; nobody acted on it */
	p->switches_after = this_cpu()->nr_switches;
	p->other_after = READ_ONCE(p->other->progress);
	preempt_enable(); /* the pending need_resched switches here, at once */
	p->other_after_enable = READ_ONCE(p->other->progress);
	return 0;
}

KTEST(sched, preempt_disable_holds_off_the_tick)
{
	static struct spinner other;
	static struct nopreempt_probe p;
	struct task_struct *spinner, *holder;

	other = (struct spinner){0};
	p = (struct nopreempt_probe){.other = &other};
	spinner = kthread_run(spin_until_stopped, &other, "spinner");
	holder = kthread_run(spin_with_preemption_off, &p, "nopreempt");
	KASSERT_TRUE(t, spinner && holder);
	KEXPECT_EQ(t, task_wait_exit(holder), 0);
	KEXPECT_EQ(t, kthread_stop(spinner), 0);

	KEXPECT_GE(t, p.ticks_spun, NOPREEMPT_TICKS);	    /* the tick kept running ... */
	KEXPECT_TRUE(t, p.need_resched_seen);		    /* ... and asked for a switch ... */
	KEXPECT_EQ(t, p.switches_after, p.switches_before); /* ... which did not happen */
	KEXPECT_EQ(t, p.other_after, p.other_before);
	KEXPECT_GT(t, p.other_after_enable, p.other_after); /* preempt_enable switched */
}

/*
 * A task that has set its state to sleep (as prepare_to_wait does) but not yet called
 * schedule() may be preempted there. Preemption must leave it on the runqueue: it is
 * still running its own code, which may find its condition true and set itself
 * TASK_RUNNING again without any wake-up coming.
 */
struct about_to_sleep {
	volatile bool done;
	u64 ticks_spun;
	u64 switches_seen;
};

static int preempted_while_about_to_sleep(void *arg)
{
	struct about_to_sleep *s = arg;
	u64 start = rdtsc(), j0 = jiffies, switches = nr_switches_now();

	current->state = TASK_UNINTERRUPTIBLE;
	while (jiffies - j0 < 2 * SCHED_TIMESLICE_TICKS && !tsc_past(start, SPIN_LIMIT_MS))
		cpu_relax();
	current->state = TASK_RUNNING; /* "the condition was true": no schedule() */
	s->ticks_spun = jiffies - j0;
	s->switches_seen = nr_switches_now() - switches;
	s->done = true;
	return 0;
}

KTEST(sched, preemption_keeps_a_task_about_to_sleep_queued)
{
	static struct about_to_sleep s;
	struct task_struct *task;
	u64 start = rdtsc();

	s = (struct about_to_sleep){0};
	task = kthread_run(preempted_while_about_to_sleep, &s, "about_to_sleep");
	KASSERT_NOT_NULL(t, task);
	/* Stay runnable, so the tick has something to preempt the thread for. */
	while (!s.done && !tsc_past(start, SPIN_LIMIT_MS))
		yield();
	KEXPECT_TRUE(t, s.done);
	if (!s.done)
		wake_up_process(task); /* it was dropped from the runqueue: rescue it */
	KEXPECT_EQ(t, task_wait_exit(task), 0);
	KEXPECT_GE(t, s.ticks_spun, 2 * SCHED_TIMESLICE_TICKS);
	KEXPECT_GT(t, s.switches_seen, 0); /* it really was preempted */
}

/* ---- yield ------------------------------------------------------------------------- */

struct rr_log {
	int order[RR_THREADS * RR_ROUNDS];
	int next;
};

struct rr_thread {
	struct rr_log *log;
	int id;
};

static int log_and_yield(void *arg)
{
	struct rr_thread *r = arg;

	for (int round = 0; round < RR_ROUNDS; round++) {
		preempt_disable();
		if (r->log->next < RR_THREADS * RR_ROUNDS)
			r->log->order[r->log->next++] = r->id;
		preempt_enable();
		yield();
	}
	return 0;
}

/* Three threads that only yield run strictly in turn: 0 1 2 0 1 2 ... */
KTEST(sched, yield_runs_threads_round_robin)
{
	static struct rr_log log;
	static struct rr_thread threads[RR_THREADS];
	struct task_struct *tasks[RR_THREADS];
	int i;

	log = (struct rr_log){0};
	for (i = 0; i < RR_THREADS; i++) {
		threads[i] = (struct rr_thread){.log = &log, .id = i};
		tasks[i] = kthread_create(log_and_yield, &threads[i], "rr");
		KASSERT_NOT_NULL(t, tasks[i]);
	}
	/* Queue all three at once, so that none runs before the last is queued. */
	preempt_disable();
	for (i = 0; i < RR_THREADS; i++)
		sched_enqueue_new(tasks[i]);
	preempt_enable();
	for (i = 0; i < RR_THREADS; i++)
		KEXPECT_EQ(t, task_wait_exit(tasks[i]), 0);

	KEXPECT_EQ(t, log.next, RR_THREADS * RR_ROUNDS);
	for (i = 0; i < log.next; i++) {
		if (log.order[i] != i % RR_THREADS) {
			KEXPECT_FAIL(t, "run %d was thread %d, expected thread %d", i, log.order[i],
				     i % RR_THREADS);
			break;
		}
	}
}

/* ---- wait queues ------------------------------------------------------------------- */

struct waiter {
	struct wait_queue_head wq;
	volatile bool flag;
	volatile bool started, returned;
	volatile int evaluations; /* how often wait_event tested the condition */
};

static bool waiter_condition(struct waiter *w)
{
	w->evaluations++;
	return READ_ONCE(w->flag);
}

static int wait_for_flag(void *arg)
{
	struct waiter *w = arg;

	w->started = true;
	wait_event(w->wq, waiter_condition(w));
	w->returned = true;
	return WAIT_EXIT_CODE;
}

KTEST(sched, wait_event_sleeps_until_woken_with_condition)
{
	static struct waiter w;
	struct task_struct *task;
	int evaluations;

	w = (struct waiter){0};
	init_waitqueue_head(&w.wq);
	task = kthread_run(wait_for_flag, &w, "waiter");
	KASSERT_NOT_NULL(t, task);
	while (!w.started)
		yield(); /* the waiter runs until it blocks */
	msleep(SLEEP_MS);
	KEXPECT_FALSE(t, w.returned);
	KEXPECT_EQ(t, task->state, TASK_UNINTERRUPTIBLE);
	KEXPECT_FALSE(t, task->on_rq);
	evaluations = w.evaluations;
	KEXPECT_EQ(t, evaluations, 1);

	/* A wake-up without the condition: the waiter tests it again and goes back. */
	wake_up(&w.wq);
	yield();
	KEXPECT_EQ(t, w.evaluations, evaluations + 1);
	KEXPECT_FALSE(t, w.returned);
	KEXPECT_EQ(t, task->state, TASK_UNINTERRUPTIBLE);

	WRITE_ONCE(w.flag, true);
	KEXPECT_FALSE(t, w.returned); /* setting the flag alone wakes nobody */
	wake_up(&w.wq);
	KEXPECT_EQ(t, task_wait_exit(task), WAIT_EXIT_CODE);
	KEXPECT_TRUE(t, w.returned);
	KEXPECT_EQ(t, w.evaluations, evaluations + 2);
}

/* ---- msleep ------------------------------------------------------------------------ */

KTEST(sched, msleep_sleeps_at_least_as_long_as_asked)
{
	u64 j0 = jiffies, start = rdtsc(), slept;

	msleep(SLEEP_MS);
	slept = jiffies - j0;
	KEXPECT_GE(t, slept, msecs_to_jiffies(SLEEP_MS));
	KEXPECT_LE(t, slept, msecs_to_jiffies(SLEEP_MS) + SLEEP_SLACK_TICKS);
	/* The TSC agrees, within the calibration's error. */
	KEXPECT_GE(t, rdtsc() - start, SLEEP_MS * tsc_khz * 9 / 10);
}

/* ---- kthread_stop ------------------------------------------------------------------ */

struct stoppable {
	volatile int loops;
	volatile bool saw_stop;
	u64 slept; /* sleep_then_return: jiffies spent in msleep */
	volatile bool started;
};

static int loop_until_stopped(void *arg)
{
	struct stoppable *s = arg;

	while (!kthread_should_stop()) {
		s->loops++;
		yield();
	}
	s->saw_stop = true;
	return STOP_EXIT_CODE;
}

KTEST(sched, kthread_stop_returns_the_exit_code)
{
	static struct stoppable s;
	struct task_struct *task;

	s = (struct stoppable){0};
	task = kthread_run(loop_until_stopped, &s, "stoppable");
	KASSERT_NOT_NULL(t, task);
	while (s.loops < 3)
		yield();
	KEXPECT_FALSE(t, s.saw_stop);
	KEXPECT_EQ(t, kthread_stop(task), STOP_EXIT_CODE);
	KEXPECT_TRUE(t, s.saw_stop);
}

static int sleep_then_return(void *arg)
{
	struct stoppable *s = arg;
	u64 j0 = jiffies;

	s->started = true;
	msleep(STOP_SLEEP_MS);
	s->slept = jiffies - j0;
	s->saw_stop = kthread_should_stop();
	return STOP_EXIT_CODE;
}

/* kthread_stop's wake-up must not cut an msleep short (nor leave it on the sleep list). */
KTEST(sched, kthread_stop_does_not_cut_msleep_short)
{
	static struct stoppable s;
	struct task_struct *task;

	s = (struct stoppable){0};
	task = kthread_run(sleep_then_return, &s, "sleeper");
	KASSERT_NOT_NULL(t, task);
	while (!s.started)
		yield(); /* it runs until msleep blocks it */
	KEXPECT_EQ(t, kthread_stop(task), STOP_EXIT_CODE);
	KEXPECT_GE(t, s.slept, msecs_to_jiffies(STOP_SLEEP_MS));
	KEXPECT_TRUE(t, s.saw_stop);
	/* A stale sleep-list entry would now point into a freed task_struct. */
	msleep(1);
}

/* ---- reaping ------------------------------------------------------------------------- */

struct reap_baseline {
	unsigned long tasks, structs, vmalloc_pages, free_pages, mm_structs;
};

static void reap_baseline_take(struct reap_baseline *b)
{
	settle_lazy_mm(); /* no zombie mm pending on either side of the comparison */
	kmem_cache_shrink_all();
	b->tasks = nr_tasks();
	b->structs = tasks_in_use();
	b->vmalloc_pages = vmalloc_nr_pages();
	b->free_pages = nr_free_pages();
	b->mm_structs = mm_structs_in_use();
}

KTEST(sched, exited_tasks_are_reaped)
{
	static struct worker_args kw[REAP_KTHREADS], rw[REAP_REAL];
	struct task_struct *tasks[REAP_KTHREADS + REAP_REAL];
	struct reap_baseline before, alive, after;
	const int n = REAP_KTHREADS + REAP_REAL;
	int i;

	reap_baseline_take(&before);
	/* Create them all before any runs (and exits): no preemption until counted. */
	preempt_disable();
	for (i = 0; i < REAP_KTHREADS; i++) {
		kw[i] = (struct worker_args){.yields = 3};
		tasks[i] = kthread_run(yielding_kthread, &kw[i], "reap_k");
	}
	for (i = 0; i < REAP_REAL; i++) {
		struct mm_struct *mm = make_test_mm("reap");

		rw[i] = (struct worker_args){.yields = 3, .pattern = 0x4ea9000ul + i * 16};
		tasks[REAP_KTHREADS + i] =
		    mm ? user_task_run(real_worker, &rw[i], "reap_r", mm) : NULL;
	}
	alive = (struct reap_baseline){
	    .tasks = nr_tasks(), .structs = tasks_in_use(), .vmalloc_pages = vmalloc_nr_pages()};
	preempt_enable();
	for (i = 0; i < n; i++)
		KASSERT_NOT_NULL(t, tasks[i]);
	/* Alive: one struct, one list entry and one guarded stack each. */
	KEXPECT_EQ(t, alive.tasks, before.tasks + n);
	KEXPECT_EQ(t, alive.structs, before.structs + n);
	KEXPECT_EQ(t, alive.vmalloc_pages, before.vmalloc_pages + n * KSTACK_PAGES);
	for (i = 0; i < n; i++)
		KEXPECT_EQ(t, task_wait_exit(tasks[i]), 0);

	reap_baseline_take(&after);
	KEXPECT_EQ(t, after.tasks, before.tasks);
	KEXPECT_EQ(t, after.structs, before.structs);
	KEXPECT_EQ(t, after.vmalloc_pages, before.vmalloc_pages);
	KEXPECT_EQ(t, after.mm_structs, before.mm_structs);
	KEXPECT_EQ(t, after.free_pages, before.free_pages);
}

/* ---- the per-CPU switch counters --------------------------------------------------- */

/*
 * A ping-pong: the partner yields until told to stop; the measurer, once the partner
 * has run, yields PINGPONG_ROUNDS times and records the counter deltas. Nothing else is
 * runnable meanwhile, so each round is exactly two switches: measurer -> partner ->
 * measurer.
 */
struct pingpong {
	volatile bool partner_ran, stop;
	struct sched_counters delta;
};

static int pingpong_partner(void *arg)
{
	struct pingpong *p = arg;

	p->partner_ran = true;
	while (!READ_ONCE(p->stop))
		yield();
	return 0;
}

static int pingpong_measurer(void *arg)
{
	struct pingpong *p = arg;
	struct sched_counters c0;

	while (!READ_ONCE(p->partner_ran))
		yield();
	sched_counters_read(&c0);
	for (int i = 0; i < PINGPONG_ROUNDS; i++)
		yield();
	p->delta = sched_counters_since(&c0);
	WRITE_ONCE(p->stop, true);
	return 0;
}

/* Start a task on mm (a kthread if mm is NULL). */
static struct task_struct *start_on(int (*fn)(void *), void *arg, const char *name,
				    struct mm_struct *mm)
{
	return mm ? user_task_run(fn, arg, name, mm) : kthread_run(fn, arg, name);
}

/* Run a ping-pong between a partner on partner_mm and a measurer on measurer_mm (NULL:
 * a kernel thread; each mm's caller reference passes to its task). */
static void run_pingpong(struct ktest *t, struct pingpong *p, struct mm_struct *partner_mm,
			 struct mm_struct *measurer_mm)
{
	struct task_struct *partner, *measurer;

	*p = (struct pingpong){0};
	partner = start_on(pingpong_partner, p, "partner", partner_mm);
	measurer = start_on(pingpong_measurer, p, "measurer", measurer_mm);
	KASSERT_TRUE(t, partner && measurer);
	KEXPECT_EQ(t, task_wait_exit(measurer), 0);
	KEXPECT_EQ(t, task_wait_exit(partner), 0);
	KEXPECT_EQ(t, p->delta.switches, 2 * PINGPONG_ROUNDS);
}

KTEST(sched, kthread_pingpong_never_writes_cr3)
{
	static struct pingpong p;

	run_pingpong(t, &p, NULL, NULL);
	KEXPECT_EQ(t, p.delta.cr3_writes, 0);
	KEXPECT_EQ(t, p.delta.lazy_switches, 2 * PINGPONG_ROUNDS);
}

KTEST(sched, processes_pingpong_write_cr3_every_switch)
{
	static struct pingpong p;
	struct mm_struct *a = make_test_mm("pp_a"), *b = make_test_mm("pp_b");

	KASSERT_TRUE(t, a && b);
	run_pingpong(t, &p, a, b);
	KEXPECT_EQ(t, p.delta.cr3_writes, 2 * PINGPONG_ROUNDS);
	KEXPECT_EQ(t, p.delta.lazy_switches, 0);
}

KTEST(sched, threads_pingpong_share_cr3)
{
	static struct pingpong p;
	struct mm_struct *mm = make_test_mm("pp_threads");

	KASSERT_NOT_NULL(t, mm);
	mmget(mm); /* one real reference for each thread */
	run_pingpong(t, &p, mm, mm);
	KEXPECT_EQ(t, p.delta.cr3_writes, 0);
	KEXPECT_EQ(t, p.delta.lazy_switches, 2 * PINGPONG_ROUNDS);
}

/* A real task and a kernel thread: lazy TLB keeps the real task's mm loaded throughout;
 * with `nolazytlb` the kthread loads init_mm and each switch writes CR3. */
KTEST(sched, real_and_kthread_pingpong_is_lazy)
{
	static struct pingpong p;
	struct mm_struct *mm = make_test_mm("pp_lazy");

	KASSERT_NOT_NULL(t, mm);
	run_pingpong(t, &p, NULL, mm);
	if (lazy_tlb_enabled) {
		KEXPECT_EQ(t, p.delta.cr3_writes, 0);
		KEXPECT_EQ(t, p.delta.lazy_switches, 2 * PINGPONG_ROUNDS);
	} else {
		KEXPECT_EQ(t, p.delta.cr3_writes, 2 * PINGPONG_ROUNDS);
		KEXPECT_EQ(t, p.delta.lazy_switches, 0);
	}
}
