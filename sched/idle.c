/*
 * sched/idle.c - the application processors' idle tasks, swapper/1, swapper/2, ...
 *
 * The boot CPU makes each AP's runqueue and idle task before it starts the AP
 * (arch/x86_64/smpboot.c); the AP starts on the idle task's stack and becomes it. The
 * boot CPU's own, swapper/0, is the boot context itself (sched_init in sched/core.c).
 * See docs/smp.md.
 */
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "mm/mm_struct.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "sched/task_internal.h"

/*
 * sched_init_idle - the boot CPU prepares an application processor's scheduler before
 * starting it: an empty runqueue and its idle task swapper/N, which, like swapper/0, has
 * no mm and runs lazily on init_mm with an mm_count reference of its own. The AP starts
 * on the idle task's (guarded) stack and becomes it (start_secondary). Nothing is ever
 * queued on an AP's runqueue yet: placement is the next stage (docs/smp.md).
 */
int sched_init_idle(struct cpu_state *cs)
{
	char name[TASK_COMM_LEN];
	struct task_struct *idle;
	struct rq *rq = kzalloc(sizeof(*rq), GFP_KERNEL);

	if (!rq)
		return -ENOMEM;
	snprintf(name, sizeof(name), "swapper/%d", cs->cpu);
	idle = task_alloc(name, PF_IDLE | PF_KTHREAD);
	if (!idle) {
		kfree(rq);
		return -ENOMEM;
	}
	spin_lock_init(&rq->lock, "rq->lock");
	INIT_LIST_HEAD(&rq->queue);
	idle->on_rq = true;
	idle->cpu = cs->cpu;
	idle->mm = NULL;
	idle->active_mm = &init_mm;
	mmgrab(&init_mm);
	rq->idle = rq->curr = idle;
	cs->rq = rq;
	cs->current_task = idle;
	cs->kernel_stack_top = idle->stack.top;
	return 0;
}

/* sched_free_idle - undo sched_init_idle for a CPU that never came up (and was sent INIT,
 * so it runs nothing any more). */
void sched_free_idle(struct cpu_state *cs)
{
	struct task_struct *idle = cs->rq->idle;

	idle->active_mm = NULL;
	mmdrop(&init_mm);
	idle->state = TASK_DEAD;
	task_free_stack(idle);
	put_task_struct(idle);
	kfree(cs->rq);
	cs->rq = NULL;
	cs->current_task = NULL;
}
