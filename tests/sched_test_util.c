/*
 * tests/sched_test_util.c - see tests/sched_test_util.h.
 */
#include "tests/sched_test_util.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/printk.h"
#include "mm/mm_struct.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "sched/process.h"
#include "sched/task_internal.h"

int real_worker(void *arg)
{
	struct worker_args *w = arg;
	volatile unsigned long *user = (volatile unsigned long *)TEST_USER_BASE;
	bool ok = true;

	/* A kernel-mode task touching its user half: allowed only inside a user-access
	 * window when SMAP is on. */
	user_access_begin();
	for (int i = 0; i < TEST_USER_PAGES; i++)
		user[i * PAGE_SIZE / sizeof(long)] = w->pattern + i;
	user_access_end();
	for (int y = 0; y < w->yields; y++) {
		yield();
		w->progress++;
		user_access_begin();
		for (int i = 0; i < TEST_USER_PAGES; i++)
			ok &= user[i * PAGE_SIZE / sizeof(long)] == w->pattern + i;
		user_access_end();
	}
	w->touched_ok = ok;
	return ok ? 0 : 1;
}

int yielding_kthread(void *arg)
{
	struct worker_args *w = arg;

	for (int y = 0; y < w->yields; y++) {
		yield();
		w->progress++;
	}
	return 0;
}

struct mm_struct *make_test_mm(const char *name)
{
	struct mm_struct *mm = mm_alloc(name);

	if (!mm)
		return NULL;
	if (mm_map_anon(mm, TEST_USER_BASE, TEST_USER_PAGES * PAGE_SIZE, VM_READ | VM_WRITE)) {
		mmput(mm);
		return NULL;
	}
	return mm;
}

static int exec_thread(void *arg)
{
	struct exec_request *req = arg;

	return kernel_execve(req->argv[0], req->argv, req->argc); /* only on failure */
}

int run_module(struct exec_request *req)
{
	struct task_struct *task = kthread_run(exec_thread, req, req->argv[0]);

	return task ? task_wait_exit(task) : -1;
}

void settle_lazy_mm(void)
{
	static struct mm_struct *keeper;

	if (!keeper)
		keeper = mm_alloc("lazy-keeper"); /* its one real reference is never dropped */
	if (!keeper || current->mm)
		return;
	kthread_use_mm(keeper); /* drops the reference on the mm we were borrowing */
	kthread_unuse_mm(keeper);
}

void take_process_census(struct process_census *c)
{
	settle_lazy_mm(); /* drop a borrowed zombie mm of the last process */
	kmem_cache_shrink_all();
	c->free_pages = nr_free_pages();
	c->objects = slab_objects_in_use();
	c->tasks = tasks_in_use();
	c->mms = mm_structs_in_use();
}

void expect_process_census(struct ktest *t, const struct process_census *base)
{
	struct process_census now;

	take_process_census(&now);
	KEXPECT_EQ(t, now.mms, base->mms);
	KEXPECT_EQ(t, now.tasks, base->tasks);
	KEXPECT_EQ(t, now.objects, base->objects);
	KEXPECT_EQ(t, now.free_pages, base->free_pages);
}

enum switch_case switch_case_of(const struct switch_record *r)
{
	if (!r->next_is_real)
		return r->prev_is_real ? SWITCH_REAL_TO_KTHREAD : SWITCH_KTHREAD_TO_KTHREAD;
	if (!r->prev_is_real)
		return SWITCH_KTHREAD_TO_REAL;
	return r->prev_active_mm == r->next_mm ? SWITCH_REAL_TO_REAL_SAME_MM
					       : SWITCH_REAL_TO_REAL_OTHER_MM;
}

static int broken(const struct switch_record *r, const char *rule)
{
	printk("    # switch pid %d -> pid %d breaks: %s\n", r->prev_pid, r->next_pid, rule);
	return 1;
}

static int check_to_kthread(const struct switch_record *r)
{
	int bad = 0;

	if (!lazy_tlb_enabled && r->prev_is_real) {
		if (r->next_active_mm != &init_mm)
			bad +=
			    broken(r, "nolazytlb: a kthread after a real task must load init_mm");
		return bad;
	}
	if (r->next_active_mm != r->prev_active_mm)
		bad += broken(r, "the kthread must borrow prev's active_mm");
	if (r->cr3_writes_delta || r->cr3_after != r->cr3_before)
		bad += broken(r, "switching to a kthread must not write CR3");
	if (r->prev_is_real && r->lazy_count_after != r->lazy_count_before + 1)
		bad += broken(r, "real -> kthread must mmgrab the borrowed mm (mm_count + 1)");
	if (!r->prev_is_real && r->lazy_count_after != r->lazy_count_before)
		bad += broken(r, "kthread -> kthread must hand the reference over unchanged");
	if (r->prev_mm_parked)
		bad += broken(r, "nothing may be parked in rq->prev_mm");
	return bad;
}

static int check_to_real(const struct switch_record *r)
{
	int bad = 0;
	bool must_write = r->prev_active_mm != r->next_mm;

	if ((r->cr3_after & PTE_PFN_MASK) != r->next_pgd_pa)
		bad += broken(r, "after the switch CR3 must hold next's PML4");
	if (r->next_active_mm != r->next_mm)
		bad += broken(r, "a real task's active_mm must be its mm");
	if (r->cr3_writes_delta != (must_write ? 1u : 0u))
		bad += broken(r, must_write ? "a different mm needs one CR3 write"
					    : "the same mm must not write CR3");
	if (r->prev_is_real) {
		if (r->prev_mm_parked || r->lazy_count_after != r->lazy_count_before)
			bad += broken(r, "real -> real must not change any count");
		return bad;
	}
	if (r->prev_mm_parked != r->prev_active_mm)
		bad += broken(r, "kthread -> real must park the borrowed mm in rq->prev_mm");
	if (!r->lazy_mm_freed && r->lazy_count_after != r->lazy_count_before - 1)
		bad += broken(r, "finish_task_switch must drop the borrowed reference");
	if (r->lazy_mm_freed && r->lazy_count_before != 1)
		bad += broken(r, "the borrowed mm was freed while references remained");
	return bad;
}

int switch_record_violations(const struct switch_record *r)
{
	int bad = r->next_is_real ? check_to_real(r) : check_to_kthread(r);

	if (r->kind != switch_case_of(r))
		bad += broken(r, "the trace classified the switch wrongly");
	if (r->cr3_written != (r->cr3_writes_delta != 0) ||
	    r->lazy_switches_delta != (r->cr3_written ? 0u : 1u))
		bad += broken(r, "a switch that keeps CR3 counts as lazy, one that writes it not");
	return bad;
}

int switch_trace_violations(unsigned int counts[SWITCH_NR_CASES])
{
	unsigned int n = switch_trace_nr_records();
	int bad = 0;

	for (unsigned int i = 0; i < n; i++) {
		const struct switch_record *r = switch_trace_record(i);

		bad += switch_record_violations(r);
		if (counts)
			counts[switch_case_of(r)]++;
	}
	return bad;
}
