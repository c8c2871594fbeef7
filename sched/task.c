/*
 * sched/task.c - task_struct allocation, pids, the list of all tasks, and lifetimes.
 *
 * A task's struct is reference counted (usage): the task holds one reference while it
 * lives, and whoever will wait for it (kthread_stop) holds another. The kernel stack
 * belongs to the running task alone and goes as soon as the task is dead and switched
 * away from (finish_task_switch); the struct stays while references remain.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/trap.h"
#include "kernel/panic.h"
#include "kernel/string.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "sched/task_internal.h"

static struct kmem_cache *task_cachep;
static LIST_HEAD(all_tasks);
static DEFINE_SPINLOCK(task_list_lock);
static pid_t next_pid = 1;
static unsigned long task_count;

void task_cache_init(void)
{
	task_cachep = kmem_cache_create("task_struct", sizeof(struct task_struct), 64);
	BUG_ON_MSG(!task_cachep, "task_cache_init: cannot create the task_struct cache");
}

unsigned long tasks_in_use(void)
{
	return kmem_cache_in_use(task_cachep);
}

static void task_list_add(struct task_struct *task)
{
	unsigned long flags = spin_lock_irqsave(&task_list_lock);

	task->pid = task->flags & PF_IDLE ? 0 : next_pid++;
	list_add_tail(&task->tasks, &all_tasks);
	task_count++;
	spin_unlock_irqrestore(&task_list_lock, flags);
}

static void task_list_del(struct task_struct *task)
{
	unsigned long flags = spin_lock_irqsave(&task_list_lock);

	list_del(&task->tasks);
	task_count--;
	spin_unlock_irqrestore(&task_list_lock, flags);
}

void task_init_common(struct task_struct *task, const char *name, unsigned int flags)
{
	task->state = TASK_RUNNING;
	task->flags = flags;
	task->time_slice = SCHED_TIMESLICE_TICKS;
	INIT_LIST_HEAD(&task->run_list);
	INIT_LIST_HEAD(&task->sleep_list);
	INIT_LIST_HEAD(&task->children);
	INIT_LIST_HEAD(&task->sibling);
	INIT_LIST_HEAD(&task->thread_node);
	strlcpy(task->comm, name, sizeof(task->comm));
	atomic_set(&task->usage, 1); /* the task's own reference */
	task_list_add(task);
	task->tgid = task->pid; /* it leads a group of its own, unless do_fork says otherwise */
	task->group_leader = task;
	task->nr_threads = 1;
}

/*
 * task_alloc - a new task with a guarded kernel stack, not yet runnable: the caller
 * gives it a first switch frame (task_prepare_first_switch) before waking it.
 */
struct task_struct *task_alloc(const char *name, unsigned int flags)
{
	struct task_struct *task = kmem_cache_zalloc(task_cachep, GFP_KERNEL);

	if (!task)
		return NULL;
	if (kstack_alloc(&task->stack))
		goto err_free_task;
	task_init_common(task, name, flags);
	return task;

err_free_task:
	kmem_cache_free(task_cachep, task);
	return NULL;
}

/*
 * Build the frame switch_to will pop the first time it switches to task, as if the task
 * had been switched out by a call to switch_to that returns to ret_from_fork: the
 * callee-saved registers, then ret_from_fork as the return address. rbx and r12 carry entry and its
 * argument there; rbp is 0 to end the backtrace chain; r13-r15 mean nothing yet.
 *
 * The top of every stack is reserved for the user trap frame (task_pt_regs), as in
 * Linux, so the switch frame goes just below it (struct fork_frame): a forked process
 * (entry NULL) then finds rsp pointing at its trap frame in ret_from_fork, and a kernel
 * thread that later execs (pid 1) can fill the trap frame without overwriting its own
 * call chain.
 */
void task_prepare_first_switch(struct task_struct *task, void (*entry)(struct task_struct *))
{
	struct fork_frame *fork = (struct fork_frame *)task->stack.top - 1;

	fork->frame = (struct inactive_task_frame){
	    .rbx = (u64)entry,
	    .r12 = (u64)task,
	    .rbp = 0,
	    .ret_addr = (u64)ret_from_fork,
	};
	task->thread.sp = (u64)&fork->frame;
}

void get_task_struct(struct task_struct *task)
{
	atomic_inc(&task->usage);
}

void put_task_struct(struct task_struct *task)
{
	int usage = atomic_dec_return(&task->usage);

	BUG_ON_MSG(usage < 0, "put_task_struct(%s): usage underflow", task->comm);
	if (usage)
		return;
	BUG_ON_MSG(task->state != TASK_DEAD, "put_task_struct(%s): freeing a live task",
		   task->comm);
	BUG_ON_MSG(task->stack.top, "put_task_struct(%s): its stack was never freed", task->comm);
	task_list_del(task);
	kmem_cache_free(task_cachep, task);
}

/* Free a dead task's stack: called once the CPU has switched away from it. */
void task_free_stack(struct task_struct *task)
{
	kstack_free(&task->stack);
	task->stack.top = task->stack.bottom = 0;
}

void for_each_task(void (*fn)(struct task_struct *task, void *arg), void *arg)
{
	unsigned long flags = spin_lock_irqsave(&task_list_lock);
	struct task_struct *task;

	list_for_each_entry(task, &all_tasks, tasks)
		fn(task, arg);
	spin_unlock_irqrestore(&task_list_lock, flags);
}

unsigned long nr_tasks(void)
{
	return task_count;
}
