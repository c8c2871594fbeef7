/*
 * sched/core.c - the scheduler: runqueue, schedule(), and context_switch(), where the
 * mm / active_mm rules live.
 *
 * One runqueue per CPU, round-robin: the running task goes to the tail when its time
 * slice runs out (the tick sets need_resched) or when it yields; a task that blocks
 * leaves the queue until wake_up_process() puts it back. The idle task runs when the
 * queue is empty.
 *
 * context_switch() and finish_task_switch() are the two functions to step through in
 * GDB (`break context_switch`): see docs/active_mm.md for the state before and after
 * each of the four cases, and ../shared/reference/active_mm.md for Linux's version.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/percpu.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "mm/mm_struct.h"
#include "sched/sched.h"
#include "sched/sched_debug.h"
#include "sched/switch_trace.h"
#include "sched/task_internal.h"

static struct rq boot_rq;
static struct task_struct idle_task_boot;
bool lazy_tlb_enabled = true;
struct switch_trace switch_trace;

struct rq *this_rq(void)
{
	return this_cpu()->rq;
}

/* ---- the switch trace (sched/switch_trace.h) --------------------------------------- */

void switch_trace_start(void)
{
	unsigned long flags = local_irq_save();

	switch_trace.count = 0;
	switch_trace.enabled = true;
	local_irq_restore(flags);
}

void switch_trace_stop(void)
{
	switch_trace.enabled = false;
}

static struct switch_record *trace_begin(struct task_struct *prev, struct task_struct *next)
{
	struct switch_record *r;

	if (!switch_trace.enabled)
		return NULL;
	r = &switch_trace.records[switch_trace.count++ % SWITCH_TRACE_LEN];
	*r = (struct switch_record){
	    .prev_pid = prev->pid,
	    .next_pid = next->pid,
	    .prev_is_real = prev->mm != NULL,
	    .next_is_real = next->mm != NULL,
	    .prev_active_mm = prev->active_mm,
	    .next_mm = next->mm,
	    .next_pgd_pa = next->mm ? __pa(next->mm->pgd) : 0,
	    .next_mm_users = next->mm ? atomic_read(&next->mm->mm_users) : 0,
	    .lazy_mm = prev->active_mm,
	    .lazy_count_before = atomic_read(&prev->active_mm->mm_count),
	    .cr3_before = read_cr3(),
	    .cr3_writes_delta = this_cpu()->nr_cr3_writes,
	};
	return r;
}

static void trace_switched(struct switch_record *r, struct task_struct *next, struct rq *rq)
{
	if (!r)
		return;
	r->next_active_mm = next->active_mm;
	r->prev_mm_parked = rq->prev_mm;
	r->cr3_writes_delta = this_cpu()->nr_cr3_writes - r->cr3_writes_delta;
}

/* The record of the switch that just completed on this CPU, if tracing. */
static struct switch_record *trace_current(void)
{
	if (!switch_trace.enabled || !switch_trace.count)
		return NULL;
	return &switch_trace.records[(switch_trace.count - 1) % SWITCH_TRACE_LEN];
}

/* ---- context switch ------------------------------------------------------------------ */

/*
 * Switching to a kernel thread: it has no mm, so it borrows prev's active_mm and the
 * CPU keeps it loaded (no CR3 write). If prev was a real task, the borrower needs its
 * own mm_count reference; if prev was a kernel thread, prev's borrowed reference is
 * handed over as it is (prev, no longer running, must hold none: active_mm = NULL).
 * With `nolazytlb`, a kernel thread following a real task loads init_mm instead.
 */
static void switch_to_kernel_thread(struct rq *rq, struct task_struct *prev,
				    struct task_struct *next)
{
	struct mm_struct *borrowed = prev->active_mm;

	if (!lazy_tlb_enabled && prev->mm) {
		switch_mm(borrowed, &init_mm, next);
		borrowed = &init_mm;
		mmgrab(&init_mm);
		next->active_mm = borrowed;
		return;
	}
	enter_lazy_tlb(borrowed, next);
	next->active_mm = borrowed;
	if (prev->mm) {
		mmgrab(borrowed); /* real -> kernel: a new lazy user */
		this_cpu()->nr_lazy_switches++;
	} else {
		prev->active_mm = NULL; /* kernel -> kernel: the reference moves to next */
		this_cpu()->nr_lazy_switches++;
	}
}

/*
 * Switching to a real task: load its mm (switch_mm writes CR3 only if it differs from
 * what is loaded). If prev was a kernel thread, its borrowed reference cannot be
 * dropped yet: the old page tables are still in CR3 until switch_to is done, so a final
 * __mmdrop here could free live tables. It is parked in rq->prev_mm and dropped by
 * finish_task_switch.
 */
static void switch_to_real_task(struct rq *rq, struct task_struct *prev, struct task_struct *next)
{
	u64 writes = this_cpu()->nr_cr3_writes;

	switch_mm(prev->active_mm, next->mm, next);
	if (this_cpu()->nr_cr3_writes == writes)
		this_cpu()->nr_lazy_switches++; /* same mm: threads, or back to a lazy mm */
	if (!prev->mm) {
		rq->prev_mm = prev->active_mm;
		prev->active_mm = NULL;
	}
}

/*
 * The kernel never touches the FPU, so the user registers of prev are still live here:
 * save them (if prev runs user code) and load next's (if next does).
 */
static void switch_fpu(struct task_struct *prev, struct task_struct *next)
{
	if (prev->user_fpu)
		fpu_save(&prev->fpu);
	if (next->user_fpu)
		fpu_restore(&next->fpu);
}

/* The same for the user's data segment selectors (arch/x86_64/segment.h). */
static void switch_segments(struct task_struct *prev, struct task_struct *next)
{
	if (prev->user_fpu || next->user_fpu)
		switch_user_segments(prev->user_fpu ? &prev->thread.segs : NULL,
				     next->user_fpu ? &next->thread.segs : NULL);
}

/*
 * context_switch - switch this CPU from prev to next. Called by __schedule with the
 * runqueue locked and interrupts off; finish_task_switch unlocks and re-enables them
 * on the other side. Never inlined, so that GDB can stop here.
 */
__noinline void context_switch(struct rq *rq, struct task_struct *prev, struct task_struct *next)
{
	struct switch_record *record = trace_begin(prev, next);

	if (!next->mm)
		switch_to_kernel_thread(rq, prev, next);
	else
		switch_to_real_task(rq, prev, next);
	trace_switched(record, next, rq);
	this_cpu()->nr_switches++;
	switch_fpu(prev, next);
	switch_segments(prev, next);

	prev = switch_to(prev, next);
	/* Now on next's stack; prev is the task we really came from ("last"). */
	finish_task_switch(prev);
}

static void trace_finish(struct mm_struct *mm)
{
	struct switch_record *r = trace_current();

	if (!r)
		return;
	r->cr3_at_finish = read_cr3();
	r->lazy_count_at_finish = atomic_read(&r->lazy_mm->mm_count);
	r->lazy_mm_freed = mm == r->lazy_mm && r->lazy_count_at_finish == 1;
}

static void trace_finished(void)
{
	struct switch_record *r = trace_current();

	if (r && !r->lazy_mm_freed)
		r->lazy_count_after = atomic_read(&r->lazy_mm->mm_count);
}

/*
 * finish_task_switch - the second half of a switch, run by next on its own stack.
 * Only now is the old address space truly gone from CR3 (or still loaded, if the
 * switch was lazy), so only now may the parked prev_mm be dropped; and it is dropped
 * after the runqueue lock is released, because a final __mmdrop frees page tables and
 * takes other locks. A dead prev's stack goes here too: nothing runs on it any more.
 */
__noinline void finish_task_switch(struct task_struct *prev)
{
	struct rq *rq = this_rq();
	struct mm_struct *mm = rq->prev_mm;
	long prev_state = prev->state;

	rq->prev_mm = NULL;
	trace_finish(mm);
	if (rq->finish_hook)
		rq->finish_hook(rq, prev);
	/* Interrupts come back on, but no preemption until the switch is finished:
	 * a switch nested in here would interleave with this one's clean-up. */
	preempt_disable();
	spin_unlock(&rq->lock);
	local_irq_enable();

	if (mm)
		mmdrop(mm);
	trace_finished();
	if (prev_state == TASK_DEAD) {
		task_free_stack(prev);
		put_task_struct(prev); /* the task's own reference */
	}
	preempt_enable(); /* a reschedule asked for meanwhile happens now */
}

/* schedule_tail - a new task's first code: complete the switch that started it. */
void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
}

/* ---- choosing the next task ------------------------------------------------------------ */

static struct task_struct *pick_next_task(struct rq *rq)
{
	struct task_struct *next;

	if (list_empty(&rq->queue))
		return rq->idle;
	next = list_first_entry(&rq->queue, struct task_struct, run_list);
	list_del_init(&next->run_list);
	return next;
}

/*
 * Put prev back in line (still runnable) or take it off the runqueue (it blocks). A
 * preempted task always goes back in line, whatever its state: it may have marked
 * itself asleep (prepare_to_wait, msleep) and been interrupted before its schedule();
 * it is still running its own code, which may find its condition true and set itself
 * TASK_RUNNING again with no wake-up to come. Only its own schedule() may block it.
 */
static void put_prev_task(struct rq *rq, struct task_struct *prev, bool preempt)
{
	if (prev == rq->idle)
		return;
	if (prev->state == TASK_RUNNING || preempt) {
		list_add_tail(&prev->run_list, &rq->queue);
	} else {
		prev->on_rq = false;
		rq->nr_running--;
	}
}

/* preempt: prev is being preempted (tick or preempt_enable), not blocking. */
static void __schedule(bool preempt)
{
	struct task_struct *prev = current, *next;
	struct rq *rq = this_rq();

	BUG_ON_MSG(preempt_count(), "schedule() while atomic: preempt_count %d in %s",
		   preempt_count(), prev->comm);
	local_irq_disable();
	spin_lock(&rq->lock);
	this_cpu()->need_resched = false;
	put_prev_task(rq, prev, preempt);
	next = pick_next_task(rq);
	if (next == prev) {
		spin_unlock(&rq->lock);
		local_irq_enable();
		return;
	}
	next->time_slice = SCHED_TIMESLICE_TICKS;
	rq->curr = next;
	context_switch(rq, prev, next);
}

void schedule(void)
{
	__schedule(false);
}

void yield(void)
{
	schedule();
}

void preempt_enable(void)
{
	barrier();
	if (--this_cpu()->preempt_count == 0 && need_resched() && !irqs_disabled())
		__schedule(true);
}

/*
 * preempt_schedule_irq - an interrupt is about to return to kernel code that had
 * interrupts on: switch now if the tick (or a wake-up) asked for it and the interrupted
 * code is not in a preempt_disable() section.
 */
void preempt_schedule_irq(void)
{
	while (need_resched() && preempt_count() == 0) {
		__schedule(true); /* returns with interrupts on */
		local_irq_disable();
	}
}

void wake_up_process(struct task_struct *task)
{
	struct rq *rq = this_rq();
	unsigned long flags = spin_lock_irqsave(&rq->lock);

	if (task->state != TASK_DEAD && task->state != TASK_RUNNING) {
		task->state = TASK_RUNNING;
		if (!task->on_rq) {
			task->on_rq = true;
			rq->nr_running++;
			list_add_tail(&task->run_list, &rq->queue);
		}
		if (rq->curr == rq->idle)
			this_cpu()->need_resched = true;
	}
	spin_unlock_irqrestore(&rq->lock, flags);
}

void sched_enqueue_new(struct task_struct *task)
{
	struct rq *rq = this_rq();
	unsigned long flags = spin_lock_irqsave(&rq->lock);

	task->on_rq = true;
	task->cpu = this_cpu()->cpu;
	rq->nr_running++;
	list_add_tail(&task->run_list, &rq->queue);
	if (rq->curr == rq->idle)
		this_cpu()->need_resched = true;
	spin_unlock_irqrestore(&rq->lock, flags);
}

/* scheduler_tick - from the timer interrupt, interrupts off. */
void scheduler_tick(void)
{
	struct rq *rq = this_rq();
	struct task_struct *curr = rq->curr;

	sleep_tick();
	if (curr == rq->idle) {
		if (!list_empty(&rq->queue))
			this_cpu()->need_resched = true;
		return;
	}
	if (--curr->time_slice <= 0) {
		curr->time_slice = SCHED_TIMESLICE_TICKS;
		if (!list_empty(&rq->queue))
			this_cpu()->need_resched = true;
	}
}

/* ---- bring-up and idle ----------------------------------------------------------------- */

/*
 * sched_init - the boot context becomes swapper/0, the idle task: no mm of its own,
 * running lazily on init_mm with an mm_count reference, as in Linux.
 */
void sched_init(void)
{
	struct cpu_state *cs = this_cpu();
	struct task_struct *idle = &idle_task_boot;
	extern char boot_stack_bottom[], boot_stack_top[];

	task_cache_init();
	mm_struct_init();
	lazy_tlb_enabled = !kernel_param_has("nolazytlb");

	spin_lock_init(&boot_rq.lock, "rq->lock");
	INIT_LIST_HEAD(&boot_rq.queue);
	cs->rq = &boot_rq;

	idle->stack.bottom = (unsigned long)boot_stack_bottom;
	idle->stack.top = (unsigned long)boot_stack_top;
	task_init_common(idle, "swapper/0", PF_IDLE | PF_KTHREAD);
	idle->on_rq = true;
	idle->mm = NULL;
	idle->active_mm = &init_mm;
	mmgrab(&init_mm);

	boot_rq.idle = boot_rq.curr = idle;
	cs->current_task = idle;
	cs->kernel_stack_top = idle->stack.top;
	mmu_context_init();
	sched_boot_snapshot = (struct sched_boot_snapshot){
	    .idle_mm = idle->mm,
	    .idle_active_mm = idle->active_mm,
	    .loaded_mm = cs->loaded_mm,
	    .init_mm_count = atomic_read(&init_mm.mm_count),
	    .init_mm_users = atomic_read(&init_mm.mm_users),
	};
	printk("sched: swapper/0 is idle on init_mm; lazy TLB %s, HZ=%d, slice %d ticks\n",
	       lazy_tlb_enabled ? "on" : "off (nolazytlb)", HZ, SCHED_TIMESLICE_TICKS);
}

/* cpu_idle - what swapper/0 does forever: run anything runnable, else halt. */
void cpu_idle(void)
{
	for (;;) {
		local_irq_disable();
		if (need_resched()) {
			local_irq_enable();
			schedule();
			continue;
		}
		safe_halt(); /* no wake-up can be lost between the check and the halt */
	}
}
