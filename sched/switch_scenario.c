/*
 * sched/switch_scenario.c - the named switch scenarios (sched/switch_scenario.h).
 *
 * Every scenario relies on the round robin alone: the caller starts its tasks in a
 * chosen order and then sleeps in task_wait_exit, so they run in that order, each
 * yielding SCENARIO_ROUNDS times, and the sequence of switches is the same every boot
 * (a timer tick only sends a task to the tail a little early, as its yield would have).
 * Real tasks run in kernel mode on an address space with one user page, at a word of
 * their own, and check it after every yield: the wrong CR3 would show there.
 */
#include "sched/switch_scenario.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "kernel/init.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/mm_struct.h"
#include "sched/sched.h"
#include "sched/switch_trace.h"

#define SCENARIO_USER_BASE 0x400000ul /* where a scenario's address spaces map their page */
#define SCENARIO_ROUNDS 4	      /* yields per task: rounds of the round robin */
#define SCENARIO_MAX_TASKS 6
#define SCENARIO_PATTERN 0x5ce0a000ul /* + slot: what a real task writes at its word */

struct scenario_task {
	struct task_struct *task; /* NULL if not started (or started by another task) */
	int slot;		  /* its index: the word of the user page it owns */
	int yields;
	struct mm_struct *mm;	      /* use_mm: the mm to adopt; zombie_mm's B: its own */
	struct task_struct *wait_for; /* zombie_mm's K: the task whose exit it waits for */
	struct scenario_task *then;   /* zombie_mm's K: the real task it starts then */
};

/* One run, on the stack of switch_scenario_run: it outlives every task it starts. */
struct scenario_run {
	struct scenario_task tasks[SCENARIO_MAX_TASKS];
	int nr_tasks;
	int err;		/* -ENOMEM if some task could not start */
	struct mm_struct *held; /* an mm_users reference held around the run (use_mm) */
};

struct switch_scenario {
	const char *name;
	const char *what;
	void (*start)(struct scenario_run *run);
};

/* ---- what the tasks do --------------------------------------------------------------- */

static volatile unsigned long *user_word(int slot)
{
	return (volatile unsigned long *)SCENARIO_USER_BASE + slot;
}

static void write_own_word(int slot)
{
	user_access_begin();
	*user_word(slot) = SCENARIO_PATTERN + slot;
	user_access_end();
}

static bool own_word_intact(int slot)
{
	bool ok;

	user_access_begin();
	ok = *user_word(slot) == SCENARIO_PATTERN + slot;
	user_access_end();
	return ok;
}

/* A real task: its word in its own address space survives every switch away. */
static int real_task(void *arg)
{
	struct scenario_task *st = arg;
	bool ok;

	write_own_word(st->slot);
	ok = own_word_intact(st->slot);
	for (int i = 0; i < st->yields; i++) {
		yield();
		ok &= own_word_intact(st->slot);
	}
	return ok ? 0 : 1;
}

static int kernel_thread(void *arg)
{
	struct scenario_task *st = arg;

	for (int i = 0; i < st->yields; i++)
		yield();
	return 0;
}

/*
 * zombie_mm's K: runs lazily on A's address space once A, its last real user, has exited
 * (mm_users 0, mm_count 1: the borrowed reference, now K's), then starts B and waits for
 * it. The reference passes on to init (woken by A's exit), and the switch init -> B parks
 * A's mm so that finish_task_switch frees it.
 */
static int zombie_borrower(void *arg)
{
	struct scenario_task *st = arg;
	struct task_struct *b;

	while (!READ_ONCE(st->wait_for->exited))
		yield();
	b = user_task_run(real_task, st->then, "B", st->then->mm);
	if (!b) {
		mmput(st->then->mm);
		return 1;
	}
	return task_wait_exit(b); /* B's only waiter: its task stays NULL in the run */
}

/*
 * use_mm's K: adopts an address space (a CR3 write outside any switch), is switched out
 * and back as a real task would be, gives it up (lazy on it now), and yields once more.
 */
static int mm_adopter(void *arg)
{
	struct scenario_task *st = arg;
	bool ok;

	kthread_use_mm(st->mm);
	write_own_word(st->slot);
	yield();
	ok = own_word_intact(st->slot);
	kthread_unuse_mm(st->mm);
	yield();
	return ok ? 0 : 1;
}

/* ---- starting them ------------------------------------------------------------------- */

/* A new address space with the one user page mapped; NULL if memory ran out. */
static struct mm_struct *new_mm(const char *name)
{
	struct mm_struct *mm = mm_alloc(name);

	if (mm && mm_map_anon(mm, SCENARIO_USER_BASE, PAGE_SIZE, VM_READ | VM_WRITE)) {
		mmput(mm);
		return NULL;
	}
	return mm;
}

static struct scenario_task *add_task(struct scenario_run *run)
{
	struct scenario_task *st = &run->tasks[run->nr_tasks];

	*st = (struct scenario_task){.slot = run->nr_tasks, .yields = SCENARIO_ROUNDS};
	run->nr_tasks++;
	return st;
}

/* Start a real task owning one mm_users reference on mm (taken over from the caller). */
static struct scenario_task *start_real(struct scenario_run *run, const char *name,
					struct mm_struct *mm)
{
	struct scenario_task *st = add_task(run);

	if (mm)
		st->task = user_task_run(real_task, st, name, mm);
	if (mm && !st->task)
		mmput(mm);
	if (!st->task)
		run->err = -ENOMEM;
	return st;
}

static struct scenario_task *start_kthread(struct scenario_run *run, const char *name,
					   int (*fn)(void *))
{
	struct scenario_task *st = add_task(run);

	st->task = kthread_run(fn, st, name);
	if (!st->task)
		run->err = -ENOMEM;
	return st;
}

/* Another real user of mm, for a second thread of it; NULL stays NULL. */
static struct mm_struct *share_mm(struct mm_struct *mm)
{
	if (mm)
		mmget(mm);
	return mm;
}

/* ---- the scenarios ------------------------------------------------------------------- */

/* A -> B -> T1 -> T2 -> K1 -> K2 -> A: every case, every round. */
static void start_all_cases(struct scenario_run *run)
{
	struct mm_struct *threads = new_mm("T");

	start_real(run, "A", new_mm("A"));
	start_real(run, "B", new_mm("B"));
	start_real(run, "T1", share_mm(threads));
	start_real(run, "T2", threads);
	start_kthread(run, "K1", kernel_thread);
	start_kthread(run, "K2", kernel_thread);
}

static void start_real_to_real(struct scenario_run *run)
{
	start_real(run, "A", new_mm("A"));
	start_real(run, "B", new_mm("B"));
}

static void start_threads(struct scenario_run *run)
{
	struct mm_struct *threads = new_mm("T");

	start_real(run, "T1", share_mm(threads));
	start_real(run, "T2", threads);
}

static void start_lazy_tlb(struct scenario_run *run)
{
	start_real(run, "A", new_mm("A"));
	start_kthread(run, "K", kernel_thread);
}

static void start_kthreads(struct scenario_run *run)
{
	start_kthread(run, "K1", kernel_thread);
	start_kthread(run, "K2", kernel_thread);
}

static void start_zombie_mm(struct scenario_run *run)
{
	struct scenario_task *a = start_real(run, "A", new_mm("A"));
	struct scenario_task *k, *b;

	a->yields = 0; /* A exits at once, the last real user of its mm */
	if (!a->task)
		return;
	b = add_task(run); /* started by K, which waits for it */
	b->mm = new_mm("B");
	if (!b->mm) {
		run->err = -ENOMEM;
		return;
	}
	k = add_task(run);
	k->wait_for = a->task;
	k->then = b;
	k->task = kthread_run(zombie_borrower, k, "K");
	if (!k->task) {
		mmput(b->mm);
		run->err = -ENOMEM;
	}
}

static void start_use_mm(struct scenario_run *run)
{
	struct scenario_task *k;

	run->held = new_mm("U"); /* kthread_use_mm's callers hold mm_users around it */
	if (!run->held) {
		run->err = -ENOMEM;
		return;
	}
	k = start_kthread(run, "K1", mm_adopter);
	k->mm = run->held;
	start_kthread(run, "K2", kernel_thread);
}

static const struct switch_scenario scenarios[] = {
    {"all_cases", "A, B (two mms), T1, T2 (threads of one), K1, K2: every case each round",
     start_all_cases},
    {"real_to_real", "two real tasks of different mms: a CR3 write every switch",
     start_real_to_real},
    {"threads", "two threads of one mm: no CR3 write, no count moves", start_threads},
    {"lazy_tlb", "a real task and a kernel thread: K borrows A's mm, CR3 never changes",
     start_lazy_tlb},
    {"kthreads", "two kernel threads: the borrowed reference moves from one to the other",
     start_kthreads},
    {"zombie_mm", "A exits, K and init borrow A's emptied mm, the switch to B frees it",
     start_zombie_mm},
    {"use_mm", "K1 adopts an mm with kthread_use_mm, is switched as a real task, gives it up",
     start_use_mm},
};

const struct switch_scenario *switch_scenario_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++) {
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	}
	return NULL;
}

int switch_scenario_run(const struct switch_scenario *scenario)
{
	struct scenario_run run = {0};
	int failed = 0;

	switch_trace_start();
	scenario->start(&run);
	for (int i = 0; i < run.nr_tasks; i++) {
		if (run.tasks[i].task && task_wait_exit(run.tasks[i].task))
			failed++;
	}
	switch_trace_stop();
	if (run.held)
		mmput(run.held);
	if (run.err)
		return run.err;
	return failed ? -EIO : 0;
}

/* ---- `scenario=<name>` at boot ------------------------------------------------------- */

static void print_case_counts(void)
{
	unsigned int counts[SWITCH_NR_CASES] = {0};

	for (unsigned int i = 0; i < switch_trace_nr_records(); i++)
		counts[switch_trace_record(i)->kind]++;
	for (int kind = 0; kind < SWITCH_NR_CASES; kind++)
		printk("scenario: %u x %s\n", counts[kind], switch_case_name(kind));
}

static void list_scenarios(void)
{
	printk("scenario: choose one with scenario=<name>:\n");
	for (size_t i = 0; i < ARRAY_SIZE(scenarios); i++)
		printk("  %-13s %s\n", scenarios[i].name, scenarios[i].what);
}

/* As pid 1, before init: run the scenario the command line names, print its trace. */
static void scenario_init_run(void)
{
	const char *name = kernel_param("scenario");
	const struct switch_scenario *scenario;
	int err;

	if (!kernel_param_has("scenario"))
		return;
	scenario = name ? switch_scenario_find(name) : NULL;
	if (!scenario) {
		printk("scenario: no scenario '%s'\n", name ? name : "");
		list_scenarios();
		return;
	}
	printk("scenario %s: %s\n", scenario->name, scenario->what);
	err = switch_scenario_run(scenario);
	switch_trace_print();
	print_case_counts();
	printk("scenario %s: %s (%d)\n", scenario->name, err ? "FAILED" : "done", err);
}

INIT_HOOK(switch_scenario, scenario_init_run, NULL);
