/*
 * tests/active_mm_test.c - the mm / active_mm rules, transition by transition.
 *
 * Scenarios run real tasks (with their own mm, touching their user pages from kernel
 * mode) and kernel threads together while the switch trace records every switch; each
 * record is then checked against Linux's four cases (tests/sched_test_util.c), so the
 * checks hold whatever order the scheduler and the timer happened to produce. Other
 * tests look at one transition directly: exit_mm, kthread_use_mm, the zombie mm.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/uaccess.h"
#include "mm/mm_struct.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "sched/sched_debug.h"
#include "sched/switch_scenario.h"
#include "sched/switch_trace.h"
#include "tests/ktest.h"
#include "tests/sched_test_util.h"

static struct task_struct *start_real(struct worker_args *w, const char *name, struct mm_struct *mm)
{
	return user_task_run(real_worker, w, name, mm);
}

KTEST(active_mm, idle_starts_lazy_on_init_mm)
{
	KEXPECT_PTR_EQ(t, sched_boot_snapshot.idle_mm, NULL);
	KEXPECT_PTR_EQ(t, sched_boot_snapshot.idle_active_mm, &init_mm);
	KEXPECT_PTR_EQ(t, sched_boot_snapshot.loaded_mm, &init_mm);
	/* init_mm: 2 users and 1 count as in Linux, plus idle's lazy reference. */
	KEXPECT_EQ(t, sched_boot_snapshot.init_mm_users, 2);
	KEXPECT_EQ(t, sched_boot_snapshot.init_mm_count, 2);
	KEXPECT_EQ(t, this_rq()->idle->pid, 0);
	KEXPECT_STREQ(t, this_rq()->idle->comm, "swapper/0");
}

KTEST(active_mm, test_thread_is_lazy)
{
	KEXPECT_PTR_EQ(t, current->mm, NULL);
	KEXPECT_TRUE(t, current->flags & PF_KTHREAD);
	KEXPECT_PTR_EQ(t, current->active_mm, this_cpu()->loaded_mm);
	KEXPECT_EQ(t, check_task_invariants(), 0);
}

/* Check the trace the scenario just made; count its cases. */
static void expect_clean_trace(struct ktest *t, unsigned int counts[SWITCH_NR_CASES])
{
	KEXPECT_GT(t, switch_trace_nr_records(), 0);
	KEXPECT_LT(t, switch_trace_count(), SWITCH_TRACE_LEN); /* nothing overwritten */
	KEXPECT_EQ(t, switch_trace_violations(counts), 0);
}

static const struct switch_scenario *scenario(struct ktest *t, const char *name)
{
	const struct switch_scenario *s = switch_scenario_find(name);

	KASSERT_NOT_NULL(t, s);
	return s;
}

/*
 * Real tasks of two mms, threads of a third, and kernel threads in one round robin
 * (scenario all_cases): every case occurs, real -> real between different mms included,
 * and each of those writes CR3 exactly once.
 */
KTEST(active_mm, four_switch_cases_follow_linux)
{
	unsigned int counts[SWITCH_NR_CASES] = {0};
	struct process_census base;

	take_process_census(&base);
	KEXPECT_EQ(t, switch_scenario_run(scenario(t, "all_cases")), 0);
	expect_clean_trace(t, counts);
	for (int kind = 0; kind < SWITCH_NR_CASES; kind++)
		KEXPECT_GT(t, counts[kind], 0);
	for (unsigned int i = 0; i < switch_trace_nr_records(); i++) {
		const struct switch_record *r = switch_trace_record(i);

		if (r->kind == SWITCH_REAL_TO_REAL_OTHER_MM) {
			KEXPECT_TRUE(t, r->cr3_written);
			KEXPECT_EQ(t, r->cr3_writes_delta, 1);
			KEXPECT_EQ(t, r->cr3_after & PTE_PFN_MASK, r->next_pgd_pa);
		}
	}
	KEXPECT_EQ(t, check_task_invariants(), 0);
	expect_process_census(t, &base);
}

/* Every named scenario runs to its end with every switch by the rules, leaking nothing. */
KTEST(active_mm, every_scenario_follows_the_rules)
{
	static const char *const names[] = {"all_cases", "real_to_real", "threads", "lazy_tlb",
					    "kthreads",	 "zombie_mm",	 "use_mm"};
	struct process_census base;

	take_process_census(&base);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		unsigned int counts[SWITCH_NR_CASES] = {0};

		KEXPECT_EQ(t, switch_scenario_run(scenario(t, names[i])), 0);
		expect_clean_trace(t, counts);
	}
	KEXPECT_NULL(t, switch_scenario_find("no_such_scenario"));
	expect_process_census(t, &base);
}

/* zombie_mm: the emptied mm of A is freed by the first switch to a real task, after it. */
KTEST(active_mm, zombie_scenario_frees_the_mm_after_the_switch)
{
	unsigned int counts[SWITCH_NR_CASES] = {0}, freed = 0;

	KEXPECT_EQ(t, switch_scenario_run(scenario(t, "zombie_mm")), 0);
	expect_clean_trace(t, counts);
	for (unsigned int i = 0; i < switch_trace_nr_records(); i++) {
		const struct switch_record *r = switch_trace_record(i);

		if (!r->lazy_mm_freed)
			continue;
		freed++;
		KEXPECT_EQ(t, r->kind, SWITCH_KTHREAD_TO_REAL);
		KEXPECT_STREQ(t, r->prev_active_name, "A");
		KEXPECT_EQ(t, r->lazy_count_before, 1); /* the lazy user's reference alone */
		KEXPECT_PTR_EQ(t, r->prev_mm_parked, r->lazy_mm);
	}
	KEXPECT_EQ(t, freed, 1);
}

/* use_mm: while K1 has adopted an mm it is switched as a real task, and lazily after. */
KTEST(active_mm, use_mm_scenario_switches_k1_as_a_real_task)
{
	unsigned int counts[SWITCH_NR_CASES] = {0}, as_real = 0, as_lazy = 0;

	KEXPECT_EQ(t, switch_scenario_run(scenario(t, "use_mm")), 0);
	expect_clean_trace(t, counts);
	for (unsigned int i = 0; i < switch_trace_nr_records(); i++) {
		const struct switch_record *r = switch_trace_record(i);

		if (strcmp(r->prev_comm, "K1") || strcmp(r->prev_active_name, "U"))
			continue;
		if (r->prev_is_real)
			as_real++;
		else
			as_lazy++;
	}
	KEXPECT_GT(t, as_real, 0);
	KEXPECT_GT(t, as_lazy, 0);
}

/* Two threads of one mm ping-pong: no CR3 write between them. */
KTEST(active_mm, threads_of_one_mm_share_cr3)
{
	static struct worker_args a, b;
	unsigned int counts[SWITCH_NR_CASES] = {0};
	struct mm_struct *mm = make_test_mm("threads");
	struct task_struct *ta, *tb;

	KASSERT_NOT_NULL(t, mm);
	a = (struct worker_args){.yields = 10, .pattern = 0x7000};
	b = (struct worker_args){.yields = 10, .pattern = 0x7000};
	mmget(mm); /* the second thread's real reference */
	KEXPECT_EQ(t, atomic_read(&mm->mm_users), 2);
	KEXPECT_EQ(t, atomic_read(&mm->mm_count), 1); /* one count for all real users */
	switch_trace_start();
	ta = start_real(&a, "T1", mm);
	tb = start_real(&b, "T2", mm);
	KASSERT_TRUE(t, ta && tb);
	KEXPECT_EQ(t, task_wait_exit(ta), 0);
	KEXPECT_EQ(t, task_wait_exit(tb), 0);
	switch_trace_stop();

	KEXPECT_EQ(t, switch_trace_violations(counts), 0);
	KEXPECT_GT(t, counts[SWITCH_REAL_TO_REAL_SAME_MM], 5);
	for (unsigned int i = 0; i < switch_trace_nr_records(); i++) {
		const struct switch_record *r = switch_trace_record(i);

		if (switch_case_of(r) == SWITCH_REAL_TO_REAL_SAME_MM)
			KEXPECT_EQ(t, r->cr3_writes_delta, 0);
	}
}

KTEST(active_mm, nobody_has_init_mm_as_mm)
{
	static struct worker_args a, k;
	struct mm_struct *mm = make_test_mm("census");
	struct task_struct *ta, *tk;

	KASSERT_NOT_NULL(t, mm);
	a = (struct worker_args){.yields = 3, .pattern = 1};
	k = (struct worker_args){.yields = 3};
	ta = start_real(&a, "A", mm);
	tk = kthread_run(yielding_kthread, &k, "K");
	KASSERT_TRUE(t, ta && tk);
	/* Every task alive now (idle, the test thread, A, K): check each of them. */
	KEXPECT_EQ(t, check_task_invariants(), 0);
	KEXPECT_EQ(t, task_wait_exit(ta), 0);
	KEXPECT_EQ(t, task_wait_exit(tk), 0);
	KEXPECT_EQ(t, check_task_invariants(), 0);
}

struct exit_mm_probe {
	struct mm_struct *mm;
	struct mm_struct *active_after;
	struct mm_struct *mm_after;
	int users_before, users_after, count_before, count_after;
	u64 cr3_before, cr3_after;
	bool still_reads_kernel;
};

static int give_up_mm(void *arg)
{
	struct exit_mm_probe *p = arg;

	p->mm = current->mm;
	p->users_before = atomic_read(&p->mm->mm_users);
	p->count_before = atomic_read(&p->mm->mm_count);
	p->cr3_before = read_cr3();
	exit_mm();
	p->mm_after = current->mm;
	p->active_after = current->active_mm;
	p->users_after = atomic_read(&p->mm->mm_users);
	p->count_after = atomic_read(&p->mm->mm_count);
	p->cr3_after = read_cr3();
	yield(); /* now switched like a kernel thread */
	p->still_reads_kernel = current->active_mm != NULL;
	return 0;
}

KTEST(active_mm, exit_mm_makes_a_real_task_lazy)
{
	static struct exit_mm_probe p;
	struct mm_struct *mm = make_test_mm("exit_mm");
	struct task_struct *task;

	KASSERT_NOT_NULL(t, mm);
	mmget(mm); /* keep a real user ourselves, so the mm outlives the task's exit_mm */
	task = user_task_run(give_up_mm, &p, "giver", mm);
	KASSERT_NOT_NULL(t, task);
	KEXPECT_EQ(t, task_wait_exit(task), 0);

	KEXPECT_PTR_EQ(t, p.mm, mm);
	KEXPECT_PTR_EQ(t, p.mm_after, NULL);
	KEXPECT_PTR_EQ(t, p.active_after, mm); /* still loaded, now borrowed */
	KEXPECT_EQ(t, p.users_after, p.users_before - 1);
	KEXPECT_EQ(t, p.count_after, p.count_before + 1); /* the lazy reference */
	KEXPECT_EQ(t, p.cr3_after, p.cr3_before);	  /* no CR3 write */
	KEXPECT_TRUE(t, p.still_reads_kernel);
	KEXPECT_EQ(t, atomic_read(&mm->mm_users), 1);
	KEXPECT_EQ(t, mm_census_expected(mm, 0), atomic_read(&mm->mm_count));
	mmput(mm);
}

struct use_mm_probe {
	struct mm_struct *mm;
	bool mm_set, cr3_loaded, read_ok, lazy_after, cr3_kept;
	int count_in_use, count_after_unuse, count_before;
	unsigned long seen;
};

static int borrow_with_use_mm(void *arg)
{
	struct use_mm_probe *p = arg;

	p->count_before = atomic_read(&p->mm->mm_count);
	kthread_use_mm(p->mm);
	p->mm_set = current->mm == p->mm && current->active_mm == p->mm;
	p->cr3_loaded = mm_is_loaded(p->mm);
	user_access_begin();
	p->seen = *(volatile unsigned long *)TEST_USER_BASE;
	user_access_end();
	p->count_in_use = atomic_read(&p->mm->mm_count);
	kthread_unuse_mm(p->mm);
	p->lazy_after = !current->mm && current->active_mm == p->mm;
	p->cr3_kept = mm_is_loaded(p->mm);
	p->count_after_unuse = atomic_read(&p->mm->mm_count);
	return 0;
}

KTEST(active_mm, kthread_use_mm_round_trip)
{
	static struct use_mm_probe p;
	struct mm_struct *mm = make_test_mm("use_mm");
	struct task_struct *k;
	phys_addr_t pa;
	u64 flags;

	KASSERT_NOT_NULL(t, mm);
	KASSERT_TRUE(t, translate(mm, TEST_USER_BASE, &pa, &flags));
	*(unsigned long *)__va(pa) = 0x5eed;
	p = (struct use_mm_probe){.mm = mm};
	k = kthread_run(borrow_with_use_mm, &p, "user_of_mm");
	KASSERT_NOT_NULL(t, k);
	KEXPECT_EQ(t, task_wait_exit(k), 0);

	KEXPECT_TRUE(t, p.mm_set);
	KEXPECT_TRUE(t, p.cr3_loaded);
	KEXPECT_EQ(t, p.seen, 0x5eed);
	/* use_mm: +1 for the thread's grab; the old lazy mm (not this one) was dropped. */
	KEXPECT_EQ(t, p.count_in_use, p.count_before + 1);
	/* unuse_mm: the grab becomes the lazy reference: no net change. */
	KEXPECT_EQ(t, p.count_after_unuse, p.count_in_use);
	KEXPECT_TRUE(t, p.lazy_after);
	KEXPECT_TRUE(t, p.cr3_kept);
	KEXPECT_EQ(t, check_task_invariants(), 0);
	mmput(mm);
}

/*
 * The zombie: A's last real reference goes (exit_mm at exit) while the CPU keeps A's
 * PML4 loaded for the lazy users that follow A. K, the next to run, observes it.
 */
struct zombie_probe {
	struct mm_struct *mm;
	volatile bool a_done;
	bool k_borrows, users_zero, user_half_empty, cr3_on_zombie, mapping_gone;
	int count_seen;
	unsigned long structs_before_drop; /* zombie alive */
	unsigned long structs_seen_by_b;   /* B's own mm alive, the zombie freed */
};

static int zombie_a(void *arg)
{
	struct zombie_probe *z = arg;

	user_access_begin();
	*(volatile unsigned long *)TEST_USER_BASE = 42;
	user_access_end();
	z->a_done = true;
	return 0; /* do_exit -> exit_mm -> mmput: the last real user */
}

/* B records how many mm_structs exist once it runs: the zombie must be gone by then. */
static int drop_target(void *arg)
{
	*(unsigned long *)arg = mm_structs_in_use();
	return 0;
}

static int zombie_k(void *arg)
{
	struct zombie_probe *z = arg;
	struct mm_struct *other;
	struct task_struct *b;
	phys_addr_t pa;
	u64 flags;

	while (!z->a_done)
		yield();
	yield(); /* let A finish exiting: it is the only other runnable task */
	z->k_borrows = current->active_mm == z->mm;
	z->users_zero = atomic_read(&z->mm->mm_users) == 0;
	z->count_seen = atomic_read(&z->mm->mm_count);
	z->user_half_empty = pgd_user_half_empty(z->mm->pgd);
	z->mapping_gone = !translate(z->mm, TEST_USER_BASE, &pa, &flags);
	z->cr3_on_zombie = mm_is_loaded(z->mm);

	/* Switching to a real task drops the zombie's last reference, after the switch. */
	z->structs_before_drop = mm_structs_in_use();
	other = make_test_mm("B");
	if (!other)
		return 1;
	b = user_task_run(drop_target, &z->structs_seen_by_b, "B", other);
	if (!b)
		return 1;
	task_wait_exit(b);
	return 0;
}

KTEST(active_mm, zombie_mm_lives_for_its_lazy_user)
{
	static struct zombie_probe z;
	unsigned long free_before, structs_before;
	struct task_struct *a, *k;

	settle_lazy_mm();
	kmem_cache_shrink_all();
	free_before = nr_free_pages();
	structs_before = mm_structs_in_use();
	z = (struct zombie_probe){0};
	z.mm = make_test_mm("zombie");
	KASSERT_NOT_NULL(t, z.mm);
	k = kthread_run(zombie_k, &z, "K");
	a = user_task_run(zombie_a, &z, "A", z.mm);
	KASSERT_TRUE(t, a && k);
	KEXPECT_EQ(t, task_wait_exit(k), 0);
	KEXPECT_EQ(t, task_wait_exit(a), 0);

	KEXPECT_TRUE(t, z.k_borrows);
	KEXPECT_TRUE(t, z.users_zero);
	KEXPECT_EQ(t, z.count_seen, 1);	    /* K's lazy reference alone keeps it alive */
	KEXPECT_TRUE(t, z.user_half_empty); /* user pages and tables already freed */
	KEXPECT_TRUE(t, z.mapping_gone);
	KEXPECT_TRUE(t, z.cr3_on_zombie); /* and yet we ran on it: the kernel half is intact */
	/* When B first ran, K's switch to it had freed the zombie (B's own mm replaced it). */
	KEXPECT_EQ(t, z.structs_seen_by_b, z.structs_before_drop);
	/* B's mm is now the zombie some kthread borrows; settling frees it too. */
	settle_lazy_mm();
	KEXPECT_EQ(t, mm_structs_in_use(), structs_before);
	kmem_cache_shrink_all();
	KEXPECT_EQ(t, nr_free_pages(), free_before);
}

KTEST(active_mm, census_holds_at_quiescent_points)
{
	static struct worker_args a;
	struct mm_struct *mm = make_test_mm("census2");
	struct task_struct *ta;

	KASSERT_NOT_NULL(t, mm);
	KEXPECT_EQ(t, atomic_read(&mm->mm_count), mm_census_expected(mm, 0));
	mmgrab(mm);
	KEXPECT_EQ(t, atomic_read(&mm->mm_count), mm_census_expected(mm, 1));
	a = (struct worker_args){.yields = 2, .pattern = 3};
	mmget(mm);
	ta = start_real(&a, "A", mm);
	KASSERT_NOT_NULL(t, ta);
	yield();
	KEXPECT_EQ(t, atomic_read(&mm->mm_count), mm_census_expected(mm, 1));
	KEXPECT_EQ(t, task_wait_exit(ta), 0);
	KEXPECT_EQ(t, atomic_read(&mm->mm_count), mm_census_expected(mm, 1));
	KEXPECT_EQ(t, atomic_read(&init_mm.mm_count), mm_census_expected(&init_mm, 0));
	mmput(mm);
	KEXPECT_EQ(t, atomic_read(&mm->mm_users), 0);
	KEXPECT_EQ(t, atomic_read(&mm->mm_count), mm_census_expected(mm, 1));
	mmdrop(mm);
}

KTEST(active_mm, every_pml4_shares_the_kernel_half)
{
	struct mm_struct *a = make_test_mm("ka"), *b = make_test_mm("kb");
	struct kstack stack;

	KASSERT_TRUE(t, a && b);
	KEXPECT_TRUE(t, pgd_kernel_half_matches(a->pgd));
	/* A new kernel mapping after the PML4s were made shows up in both. */
	KASSERT_EQ(t, kstack_alloc(&stack), 0);
	KEXPECT_TRUE(t, pgd_kernel_half_matches(a->pgd));
	KEXPECT_TRUE(t, pgd_kernel_half_matches(b->pgd));
	KEXPECT_EQ(t, a->pgd[511], init_mm.pgd[511]);
	{
		phys_addr_t pa_init = 0, pa_a = 1;
		u64 flags;

		KEXPECT_TRUE(t, translate(&init_mm, stack.bottom, &pa_init, &flags));
		KEXPECT_TRUE(t, translate(a, stack.bottom, &pa_a, &flags));
		KEXPECT_EQ(t, pa_init, pa_a);
	}
	kstack_free(&stack);
	mmput(a);
	mmput(b);
}

KTEST(active_mm, exit_mmap_frees_every_user_page)
{
	unsigned long free_before;
	struct mm_struct *mm;

	settle_lazy_mm();
	kmem_cache_shrink_all();
	free_before = nr_free_pages();
	mm = make_test_mm("frees");
	KASSERT_NOT_NULL(t, mm);
	KEXPECT_EQ(t, mm->nr_pages, TEST_USER_PAGES);
	KEXPECT_LT(t, nr_free_pages(), free_before - TEST_USER_PAGES);
	mmput(mm); /* users 0 -> exit_mmap, then the shared count -> __mmdrop */
	kmem_cache_shrink_all();
	KEXPECT_EQ(t, nr_free_pages(), free_before);
}

/* ---- misuse must panic ------------------------------------------------------------ */

/* A struct nobody references any more (both counts 0), dropped once more. */
static struct mm_struct dead_mm = {.name = "dead"};

KTEST_DEATH(active_mm, mmdrop_underflow, "mmdrop(dead): mm_count underflow")
{
	mmdrop(&dead_mm);
}

KTEST_DEATH(active_mm, mmput_underflow, "mmput(dead): mm_users underflow")
{
	mmput(&dead_mm);
}

KTEST_DEATH(active_mm, init_mm_reaching_zero, "init_mm must never be freed")
{
	for (;;)
		mmdrop(&init_mm);
}

KTEST_DEATH(active_mm, mmdrop_while_in_cr3, "still loaded in CR3")
{
	struct mm_struct *mm = mm_alloc("loaded");

	local_irq_disable();
	write_cr3(__pa(mm->pgd)); /* what a forgotten lazy user would leave behind */
	mmput(mm);
}

KTEST_DEATH(active_mm, mmdrop_under_rq_lock, "under the runqueue lock")
{
	struct mm_struct *mm = mm_alloc("locked");

	spin_lock_irqsave(&this_rq()->lock);
	mmput(mm);
}

KTEST_DEATH(active_mm, lazy_switch_with_interrupts_on, "with interrupts on")
{
	local_irq_enable();
	enter_lazy_tlb(current->active_mm, current);
}
