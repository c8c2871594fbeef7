/*
 * tests/sched_stress_test.c - thousands of tasks through the scheduler, checking every
 * switch against Linux's rules and every address space's reference census as they go.
 *
 * Tasks come in waves of STRESS_WAVE, STRESS_TASKS in all, of five kinds picked by a
 * small deterministic PRNG (the same run every boot): kernel threads; real tasks with an
 * address space of their own; real tasks sharing an address space with an earlier task
 * of the wave (threads); real tasks that give their address space up halfway through
 * (exit_mm) and carry on lazily; and kernel threads that adopt a live address space for
 * a while (kthread_use_mm / kthread_unuse_mm, holding mm_users around the pair). Each
 * yields or sleeps 0-2 ms between steps, in a random order, so every case of
 * context_switch occurs in every kind of neighbourhood, including lazy users of address
 * spaces whose last real user just left (zombies).
 *
 * The switch trace is on throughout. The test thread takes part in the round robin and
 * checks each new trace record against the rules (tests/sched_test_util.c) every time it
 * runs, before the ring of SWITCH_TRACE_LEN records can wrap, and at quiescent points
 * (the test thread running, so every other task is switched out) checks the census of
 * every address space of the wave and the per-task invariants. At the end every counter
 * of memory and tasks must be back at its baseline. See docs/active_mm.md.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "mm/mm_struct.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"
#include "sched/sched.h"
#include "sched/sched_debug.h"
#include "sched/task_internal.h"
#include "tests/ktest.h"
#include "tests/sched_test_util.h"

#define STRESS_TASKS 2000
#define STRESS_WAVE 20
#define STRESS_MAX_STEPS 8
#define STRESS_SEED 0x5eed2024u
#define STRESS_SLEEP_ONE_IN 8 /* a pause sleeps with probability 1/8, else it yields */
#define STRESS_MAX_SLEEP_MS 2
#define CENSUS_EVERY_POLLS 8 /* the full census costs a walk of every task per mm */

enum stress_kind {
	STRESS_KTHREAD,
	STRESS_REAL,	/* a new address space of its own */
	STRESS_THREAD,	/* shares the address space of an earlier task of the wave */
	STRESS_EXIT_MM, /* real, gives its address space up halfway and goes on lazily */
	STRESS_USE_MM,	/* kthread, adopts an address space for some of its steps */
	STRESS_NR_KINDS,
};

/* Out of 20: how often each kind is picked. */
static const int kind_weight[STRESS_NR_KINDS] = {5, 5, 3, 3, 4};

struct stress_task {
	enum stress_kind kind;
	int slot; /* its place in the wave: the word it owns in each user page */
	u32 seed; /* its own PRNG state: its pauses and steps */
	int steps;
	unsigned long pattern;
	struct mm_struct *mm; /* its address space (USE_MM: the one to adopt; owns an mm_users) */
	struct task_struct *task;
};

struct trace_cursor {
	unsigned int seen; /* trace records checked so far */
	unsigned int lost; /* records overwritten before they were checked */
	int violations;
	unsigned int counts[SWITCH_NR_CASES];
};

struct stress_state {
	u32 seed;
	struct stress_task tasks[STRESS_WAVE];
	struct mm_struct *mms[STRESS_WAVE]; /* the wave's address spaces, each mmgrab()bed */
	int nr_mms;
	struct trace_cursor trace;
	int kinds[STRESS_NR_KINDS];
	int task_failures, census_failures, invariant_failures;
};

/* xorshift32: small, deterministic, good enough to shuffle a schedule. */
static u32 prng_next(u32 *state)
{
	u32 x = *state;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

/* ---- the tasks ---------------------------------------------------------------------- */

static volatile unsigned long *user_word(int page, int slot)
{
	return (volatile unsigned long *)(TEST_USER_BASE + page * PAGE_SIZE) + slot;
}

static void user_words_write(const struct stress_task *s)
{
	user_access_begin();
	for (int page = 0; page < TEST_USER_PAGES; page++)
		*user_word(page, s->slot) = s->pattern + page;
	user_access_end();
}

/* Does the loaded address space hold what this task wrote, and is it current->mm's? */
static bool user_words_ok(const struct stress_task *s)
{
	bool ok = mm_is_loaded(current->mm);

	user_access_begin();
	for (int page = 0; page < TEST_USER_PAGES; page++)
		ok &= *user_word(page, s->slot) == s->pattern + page;
	user_access_end();
	return ok;
}

/* Give up the CPU: usually yield, sometimes sleep 0..STRESS_MAX_SLEEP_MS. */
static void stress_pause(u32 *seed)
{
	u32 r = prng_next(seed);

	if (r % STRESS_SLEEP_ONE_IN)
		yield();
	else
		msleep((r >> 8) % (STRESS_MAX_SLEEP_MS + 1));
}

/* A real task (REAL, THREAD, EXIT_MM): check its pages after every pause until it has no
 * address space any more. */
static int stress_real(struct stress_task *s)
{
	int exit_at = -1; /* EXIT_MM: at a step in [1, steps - 1] */
	int bad = 0;

	if (s->kind == STRESS_EXIT_MM)
		exit_at = 1 + (int)(prng_next(&s->seed) % (s->steps - 1));

	user_words_write(s);
	for (int step = 0; step < s->steps; step++) {
		if (step == exit_at)
			exit_mm(); /* lazy from here on; maybe the zombie's last user */
		stress_pause(&s->seed);
		if (current->mm && !user_words_ok(s))
			bad++;
	}
	return bad;
}

/* A USE_MM kthread: adopt s->mm for steps [use_from, use_to), then drop its mm_users. */
static int stress_use_mm(struct stress_task *s)
{
	int use_from = (int)(prng_next(&s->seed) % s->steps);
	int use_to = use_from + 1 + (int)(prng_next(&s->seed) % (s->steps - use_from));
	bool using = false;
	int bad = 0;

	for (int step = 0; step < s->steps; step++) {
		if (step == use_from) {
			kthread_use_mm(s->mm);
			using = true;
			user_words_write(s);
		}
		if (step == use_to) {
			kthread_unuse_mm(s->mm);
			using = false;
		}
		stress_pause(&s->seed);
		if (using && (current->mm != s->mm || !user_words_ok(s)))
			bad++;
	}
	if (using)
		kthread_unuse_mm(s->mm);
	mmput(s->mm); /* maybe the last real user: we stay lazy on the zombie */
	stress_pause(&s->seed);
	return bad;
}

static int stress_body(void *arg)
{
	struct stress_task *s = arg;

	switch (s->kind) {
	case STRESS_KTHREAD:
		for (int step = 0; step < s->steps; step++)
			stress_pause(&s->seed);
		return current->mm ? 1 : 0;
	case STRESS_USE_MM:
		return stress_use_mm(s);
	default:
		return stress_real(s);
	}
}

/* ---- checking ---------------------------------------------------------------------- */

/* Check the trace records written since the last call (interrupts off: no new ones). */
static void trace_check_new(struct trace_cursor *c)
{
	unsigned long flags = local_irq_save();
	unsigned int count = switch_trace_count();
	unsigned int oldest = count - switch_trace_nr_records();

	if (count - c->seen > SWITCH_TRACE_LEN) {
		c->lost += count - c->seen - SWITCH_TRACE_LEN;
		c->seen = oldest;
	}
	for (; c->seen != count; c->seen++) {
		const struct switch_record *r = switch_trace_record(c->seen - oldest);

		c->violations += switch_record_violations(r);
		c->counts[switch_case_of(r)]++;
	}
	local_irq_restore(flags);
}

/* Census of every address space of the wave; the test holds one mmgrab on each. */
static void census_check(struct stress_state *st)
{
	for (int i = 0; i < st->nr_mms; i++) {
		struct mm_struct *mm = st->mms[i];
		unsigned long flags = local_irq_save(); /* count and census from one instant */
		int count = atomic_read(&mm->mm_count);
		int expected = mm_census_expected(mm, 1);

		local_irq_restore(flags);
		if (count != expected) {
			printk("    # census of %s: mm_count %d, expected %d (mm_users %d)\n",
			       mm->name, count, expected, atomic_read(&mm->mm_users));
			st->census_failures++;
		}
	}
	if (check_task_invariants())
		st->invariant_failures++;
}

/* ---- one wave ------------------------------------------------------------------------ */

static enum stress_kind pick_kind(u32 *seed)
{
	int r = (int)(prng_next(seed) % 20), kind = 0;

	while (r >= kind_weight[kind])
		r -= kind_weight[kind++];
	return kind;
}

/* A new address space for the wave; the test keeps an mmgrab on it for the census. */
static struct mm_struct *wave_new_mm(struct stress_state *st)
{
	struct mm_struct *mm = make_test_mm("stress");

	if (mm) {
		mmgrab(mm);
		st->mms[st->nr_mms++] = mm;
	}
	return mm;
}

/* An mm_users reference on an address space of the wave that still has real users. */
static struct mm_struct *wave_share_mm(struct stress_state *st)
{
	int start;

	if (!st->nr_mms)
		return NULL;
	start = (int)(prng_next(&st->seed) % st->nr_mms);
	for (int i = 0; i < st->nr_mms; i++) {
		struct mm_struct *mm = st->mms[(start + i) % st->nr_mms];

		if (mmget_not_zero(mm))
			return mm;
	}
	return NULL;
}

/* Plan task `slot` of the wave and start it; false if memory ran out. */
static bool wave_start_task(struct stress_state *st, int slot, int number)
{
	struct stress_task *s = &st->tasks[slot];
	enum stress_kind kind = pick_kind(&st->seed);
	struct mm_struct *mm = NULL;

	if (kind == STRESS_THREAD || kind == STRESS_USE_MM)
		mm = wave_share_mm(st);
	if (kind == STRESS_THREAD && !mm)
		kind = STRESS_REAL; /* nobody to share with */
	if (!mm && kind != STRESS_KTHREAD)
		mm = wave_new_mm(st);
	if (!mm && kind != STRESS_KTHREAD)
		return false;
	*s = (struct stress_task){
	    .kind = kind,
	    .slot = slot,
	    .seed = prng_next(&st->seed) | 1,
	    .steps = 2 + (int)(prng_next(&st->seed) % (STRESS_MAX_STEPS - 1)),
	    .pattern = 0x57e55000000ul + ((unsigned long)number << 8),
	    .mm = mm,
	};
	st->kinds[kind]++;
	if (kind == STRESS_KTHREAD || kind == STRESS_USE_MM)
		s->task = kthread_run(stress_body, s, "stress_k");
	else
		s->task = user_task_run(stress_body, s, "stress_r", mm);
	if (!s->task && mm)
		mmput(mm);
	return s->task != NULL;
}

static bool wave_all_exited(const struct stress_state *st, int n)
{
	for (int i = 0; i < n; i++) {
		if (!READ_ONCE(st->tasks[i].task->exited))
			return false;
	}
	return true;
}

/* Is anything but the test thread runnable? If not, sleeping beats spinning on yield. */
static bool others_runnable(void)
{
	bool others;

	preempt_disable();
	others = this_rq()->nr_running > 1;
	preempt_enable();
	return others;
}

/*
 * Run one wave of n tasks to completion. The test thread yields in the round robin,
 * so it checks the trace at least once per round of the wave, long before the ring
 * wraps; when everyone else sleeps it sleeps too, one tick.
 */
static bool stress_wave(struct stress_state *st, int n, int first_number)
{
	int started, polls = 0;

	st->nr_mms = 0;
	for (started = 0; started < n; started++) {
		if (!wave_start_task(st, started, first_number + started))
			break;
	}
	while (!wave_all_exited(st, started)) {
		trace_check_new(&st->trace);
		if (++polls % CENSUS_EVERY_POLLS == 0)
			census_check(st);
		if (others_runnable())
			yield();
		else
			msleep(0);
	}
	for (int i = 0; i < started; i++) {
		if (task_wait_exit(st->tasks[i].task))
			st->task_failures++;
	}
	trace_check_new(&st->trace);
	census_check(st); /* quiescent: every task of the wave is gone */
	for (int i = 0; i < st->nr_mms; i++) {
		if (atomic_read(&st->mms[i]->mm_users) != 0) {
			printk("    # %s still has %d users after its wave\n", st->mms[i]->name,
			       atomic_read(&st->mms[i]->mm_users));
			st->census_failures++;
		}
		mmdrop(st->mms[i]);
	}
	return started == n;
}

struct stress_baseline {
	unsigned long free_pages, slab_objects, mm_structs, task_structs, tasks, vmalloc_pages;
};

static void stress_baseline_take(struct stress_baseline *b)
{
	settle_lazy_mm(); /* the last wave's zombie, if the test thread still borrows it */
	kmem_cache_shrink_all();
	*b = (struct stress_baseline){
	    .free_pages = nr_free_pages(),
	    .slab_objects = slab_objects_in_use(),
	    .mm_structs = mm_structs_in_use(),
	    .task_structs = tasks_in_use(),
	    .tasks = nr_tasks(),
	    .vmalloc_pages = vmalloc_nr_pages(),
	};
}

/* What ran: the kinds of task, the time, and how often each case of switch occurred. */
static void stress_log(struct ktest *t, const struct stress_state *st, int done, u64 ticks)
{
	const unsigned int *cases = st->trace.counts;

	ktest_log(t,
		  "%d tasks (%d kthreads, %d real, %d threads, %d exit_mm, %d use_mm) "
		  "in %lu ms, %u switches checked",
		  done, st->kinds[STRESS_KTHREAD], st->kinds[STRESS_REAL], st->kinds[STRESS_THREAD],
		  st->kinds[STRESS_EXIT_MM], st->kinds[STRESS_USE_MM],
		  (unsigned long)(ticks / (tsc_khz ? tsc_khz : 1)), st->trace.seen);
	ktest_log(t,
		  "cases: real->kthread %u, kthread->kthread %u, kthread->real %u, "
		  "real->real same mm %u, other mm %u",
		  cases[SWITCH_REAL_TO_KTHREAD], cases[SWITCH_KTHREAD_TO_KTHREAD],
		  cases[SWITCH_KTHREAD_TO_REAL], cases[SWITCH_REAL_TO_REAL_SAME_MM],
		  cases[SWITCH_REAL_TO_REAL_OTHER_MM]);
}

KTEST(sched_stress, thousands_of_tasks_keep_every_count_right)
{
	static struct stress_state st;
	struct stress_baseline before, after;
	u64 start = rdtsc();
	int done = 0;

	st = (struct stress_state){.seed = STRESS_SEED};
	stress_baseline_take(&before);
	switch_trace_start();
	while (done < STRESS_TASKS) {
		int n = MIN(STRESS_WAVE, STRESS_TASKS - done);

		if (!stress_wave(&st, n, done)) {
			KEXPECT_FAIL(t, "out of memory starting task %d", done);
			break;
		}
		done += n;
	}
	switch_trace_stop();
	trace_check_new(&st.trace);
	stress_baseline_take(&after);

	stress_log(t, &st, done, rdtsc() - start);
	KEXPECT_EQ(t, done, STRESS_TASKS);
	KEXPECT_EQ(t, st.task_failures, 0); /* a task saw the wrong CR3 or lost its pages */
	KEXPECT_EQ(t, st.trace.violations, 0);
	KEXPECT_EQ(t, st.trace.lost, 0);
	KEXPECT_EQ(t, st.census_failures, 0);
	KEXPECT_EQ(t, st.invariant_failures, 0);
	for (int c = 0; c < SWITCH_NR_CASES; c++)
		KEXPECT_GT(t, st.trace.counts[c], 0);
	for (int k = 0; k < STRESS_NR_KINDS; k++)
		KEXPECT_GT(t, st.kinds[k], 0);

	KEXPECT_EQ(t, after.free_pages, before.free_pages);
	KEXPECT_EQ(t, after.slab_objects, before.slab_objects);
	KEXPECT_EQ(t, after.mm_structs, before.mm_structs);
	KEXPECT_EQ(t, after.task_structs, before.task_structs);
	KEXPECT_EQ(t, after.tasks, before.tasks);
	KEXPECT_EQ(t, after.vmalloc_pages, before.vmalloc_pages);
}
