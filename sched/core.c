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
 * GDB (`break context_switch`): docs/active_mm.md shows the state before and after each
 * of the four cases, and the scenarios there make each case happen on demand. The switch
 * trace attaches at one hook (trace_sched_switch*, sched/switch_trace.h) and lives in its
 * own file.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/percpu.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "mm/mm_struct.h"
#include "sched/sched.h"
#include "sched/switch_trace.h"
#include "sched/task_internal.h"

static struct rq boot_rq;
static struct task_struct idle_task_boot;
bool lazy_tlb_enabled = true;

struct rq *this_rq(void)
{
	return this_cpu()->rq;
}

/* ---- context switch ------------------------------------------------------------------ */

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
 * With `nolazytlb` a kernel thread never borrows a real task's mm: it loads init_mm
 * (a CR3 write now and another when a real task comes back) and holds a reference on it
 * as it would on a borrowed mm. prev's own mm is not borrowed, so no count of it moves.
 */
static void switch_to_init_mm(struct task_struct *prev, struct task_struct *next)
{
	switch_mm(prev->active_mm, &init_mm, next);
	mmgrab(&init_mm);
	next->active_mm = &init_mm;
}

/*
 * context_switch - switch this CPU from prev to next: the address space, then the
 * registers and the stack. __schedule calls it with the runqueue locked and interrupts
 * off; finish_task_switch releases both on next's side. The four cases, as in Linux:
 *
 *   to a kernel thread (next->mm == NULL): it borrows prev's active_mm, CR3 stays;
 *     from a real task:     a new lazy user of that mm, so mmgrab;
 *     from a kernel thread: prev's borrowed reference moves to next as it is.
 *   to a real task: switch_mm loads next->mm (it writes CR3 only if that differs from
 *   what is loaded: threads of one mm, or a return to the mm a kernel thread kept);
 *     from a kernel thread: prev's borrowed reference is parked in rq->prev_mm, for
 *                           finish_task_switch to drop (why not here: see there);
 *     from a real task:     no reference changes.
 *
 * A task with mm == NULL that is not running holds no active_mm: the lazy reference
 * travels with the CPU. Never inlined, so that GDB can stop here.
 */
__noinline void context_switch(struct rq *rq, struct task_struct *prev, struct task_struct *next)
{
	struct cpu_state *cs = this_cpu();
	u64 cr3_writes = cs->nr_cr3_writes;

	if (!next->mm) { /* to a kernel thread */
		if (prev->mm && !lazy_tlb_enabled) {
			switch_to_init_mm(prev, next);
		} else {
			enter_lazy_tlb(prev->active_mm, next);
			next->active_mm = prev->active_mm;
			if (prev->mm) /* from a real task */
				mmgrab(prev->active_mm);
			else /* from a kernel thread */
				prev->active_mm = NULL;
		}
	} else { /* to a real task */
		switch_mm(prev->active_mm, next->mm, next);
		if (!prev->mm) { /* from a kernel thread */
			rq->prev_mm = prev->active_mm;
			prev->active_mm = NULL;
		}
	}
	/* The design's counters: every switch, and those that kept CR3 as it was. */
	cs->nr_switches++;
	if (cs->nr_cr3_writes == cr3_writes)
		cs->nr_lazy_switches++;
	switch_fpu(prev, next);
	switch_segments(prev, next);

	prev = switch_to(prev, next);
	/* Now on next's stack; prev is the task we really came from ("last"). */
	finish_task_switch(prev);
}

/*
 * finish_task_switch - the second half of a switch, run by next on its own stack: give
 * back the runqueue lock and interrupts, drop the mm parked by context_switch, and free
 * a dead prev's stack (nothing runs on it any more).
 *
 * Why the parked mm is dropped here and not in context_switch: not because its page
 * tables are still in CR3 (switch_mm loaded next's PML4 before the mm was parked), but
 * because
 *  - the drop may be the last reference (the lazy user of a zombie mm has just left
 *    it), and then __mmdrop frees the PML4 and the struct, taking the page allocator's
 *    and the slab's locks. Nothing may be taken under rq->lock, the innermost lock, or
 *    some path that holds one of those locks and then wakes a task takes the two in the
 *    other order; nor should freeing run with interrupts off. Linux's own comment here
 *    says the same: doing the drop with the runqueue lock held can deadlock. (__mmdrop
 *    panics if it finds rq->lock held.)
 *  - only on this side of switch_to has the CPU left prev entirely: until then it runs
 *    as prev, on prev's stack, in the middle of a switch Linux treats as one step. From
 *    here nothing on this CPU, stack or bookkeeping, still names the borrowed mm but the
 *    parked pointer. Linux needs this on architectures whose mm switch completes only
 *    after switch_to (finish_arch_post_lock_switch); sublet keeps the same shape.
 */
__noinline void finish_task_switch(struct task_struct *prev)
{
	struct rq *rq = this_rq();
	struct mm_struct *mm = rq->prev_mm;
	long prev_state = prev->state;

	rq->prev_mm = NULL;
	/* Interrupts come back on, but no preemption until the switch is finished:
	 * a switch nested in here would interleave with this one's clean-up. */
	preempt_disable();
	spin_unlock(&rq->lock);
	local_irq_enable();

	if (mm)
		mmdrop(mm);
	trace_sched_switch_finish(mm);
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
	trace_sched_switch(prev, next);
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

	/* Sleepers wake on the CPU whose tick advanced jiffies, the boot CPU: a wake-up
	 * from another CPU's tick would queue them on that CPU's runqueue, and only the
	 * boot CPU's runqueue holds tasks until placement exists (docs/smp.md). */
	if (smp_processor_id() == 0)
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
	printk("sched: swapper/0 is idle on init_mm; lazy TLB %s, HZ=%d, slice %d ticks\n",
	       lazy_tlb_enabled ? "on" : "off (nolazytlb)", HZ, SCHED_TIMESLICE_TICKS);
}

/* task_curr - is task running on its CPU right now? (Linux's name.) A racy snapshot
 * unless the task is this CPU's current or another CPU's idle task, which never moves. */
bool task_curr(const struct task_struct *task)
{
	struct cpu_state *cs = per_cpu_state(task->cpu);

	return cs && READ_ONCE(cs->current_task) == task;
}

/* cpu_idle - what swapper/N does forever: run anything runnable, else halt. */
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
