/*
 * sched/sched_debug.c - computing the active_mm invariants from live state
 * (see sched/sched_debug.h).
 */
#include "sched/sched_debug.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/percpu.h"
#include "kernel/printk.h"
#include "mm/pgtable.h"
#include "sched/sched.h"

struct census {
	struct mm_struct *mm;
	int lazy_users;
	int kthread_users;
};

static void count_users(struct task_struct *task, void *arg)
{
	struct census *c = arg;

	if (task->mm == c->mm && (task->flags & PF_KTHREAD))
		c->kthread_users++; /* kthread_use_mm holds an mm_count reference */
	if (!task->mm && task->active_mm == c->mm)
		c->lazy_users++;
}

int mm_census_expected(struct mm_struct *mm, int explicit_refs)
{
	struct census c = {.mm = mm};
	unsigned long flags = local_irq_save();
	int expected;

	for_each_task(count_users, &c);
	expected = (atomic_read(&mm->mm_users) > 0) + c.lazy_users + c.kthread_users +
		   (this_rq()->prev_mm == mm) + explicit_refs;
	local_irq_restore(flags);
	return expected;
}

struct task_check {
	int violations;
	int lazy_running;
};

static void violation(struct task_check *tc, struct task_struct *task, const char *rule)
{
	printk("invariant: task %s (pid %d): %s\n", task->comm, task->pid, rule);
	tc->violations++;
}

static void check_one_task(struct task_struct *task, void *arg)
{
	struct task_check *tc = arg;
	/* Running here, or another CPU's current task (its idle task, so far). */
	bool running_here = task == current, running = running_here || task_curr(task);

	if (task->state == TASK_DEAD)
		return;
	if (task->mm == &init_mm)
		violation(tc, task, "has init_mm as its mm");
	if (task->mm && task->active_mm != task->mm)
		violation(tc, task, "mm set but active_mm differs");
	if (!running && !task->mm && task->active_mm)
		violation(tc, task, "not running, no mm, yet holds an active_mm");
	if (running_here && !task->mm)
		tc->lazy_running++;
	if (task->mm && !pgd_kernel_half_matches(task->mm->pgd))
		violation(tc, task, "its PML4's kernel half differs from init_mm's");
}

int check_task_invariants(void)
{
	struct task_check tc = {0};
	unsigned long flags = local_irq_save();
	struct cpu_state *cs = this_cpu();

	for_each_task(check_one_task, &tc);
	if (tc.lazy_running > 1)
		violation(&tc, current, "more than one lazy mm on this CPU");
	if (this_rq()->prev_mm)
		violation(&tc, current, "rq->prev_mm set outside a switch");
	if (!mm_is_loaded(cs->loaded_mm))
		violation(&tc, current, "CR3 is not loaded_mm's PML4");
	if (!(cs->loaded_mm->cpumask & (1ul << cs->cpu)))
		violation(&tc, current, "this CPU is missing from loaded_mm's cpumask");
	if (current->active_mm != cs->loaded_mm && lazy_tlb_enabled)
		violation(&tc, current, "active_mm is not the loaded mm");
	local_irq_restore(flags);
	return tc.violations;
}

void sched_counters_read(struct sched_counters *c)
{
	preempt_disable();
	c->switches = this_cpu()->nr_switches;
	c->cr3_writes = this_cpu()->nr_cr3_writes;
	c->lazy_switches = this_cpu()->nr_lazy_switches;
	preempt_enable();
}

struct sched_counters sched_counters_since(const struct sched_counters *since)
{
	struct sched_counters now;

	sched_counters_read(&now);
	return (struct sched_counters){
	    .switches = now.switches - since->switches,
	    .cr3_writes = now.cr3_writes - since->cr3_writes,
	    .lazy_switches = now.lazy_switches - since->lazy_switches,
	};
}
