/*
 * sched/sched.h - tasks and the scheduler.
 *
 * A task is a kernel stack plus a struct task_struct. Every task runs in the kernel, and
 * a user process (sched/process.c) also in ring 3; the scheduler is round-robin with time
 * slices, preemptive: the timer tick sets need_resched, and the kernel switches when an
 * interrupt returns to preemptible code or when a task blocks or yields.
 *
 * The address-space side of a switch (mm, active_mm, the two counters, CR3) is the
 * subject of this kernel: see sched/core.c (context_switch) and docs/active_mm.md.
 */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include "arch/x86_64/fpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/segment.h"
#include "kernel/atomic.h"
#include "kernel/fault_inject.h"
#include "kernel/list.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"
#include "kernel/types.h"
#include "kernel/uapi/signal.h"
#include "mm/vmalloc.h"

#define TASK_COMM_LEN 16
#define HZ 100			/* timer ticks per second: the one place this is set */
#define SCHED_TIMESLICE_TICKS 5 /* round-robin slice: 50 ms */

/* task->state */
#define TASK_RUNNING 0x0
#define TASK_INTERRUPTIBLE 0x1
#define TASK_UNINTERRUPTIBLE 0x2
#define TASK_DEAD 0x80	    /* exited; its stack goes in finish_task_switch */
#define TASK_WAKEKILL 0x100 /* a fatal signal wakes it (sched/signal.h) */
#define TASK_KILLABLE (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)

/* task->flags (Linux's values) */
#define PF_IDLE 0x00000002    /* the idle task of a CPU */
#define PF_EXITING 0x00000004 /* in do_exit */
#define PF_KTHREAD 0x00200000 /* a kernel thread: never has an mm of its own */

typedef int pid_t;

/* Linux x86-64's struct sigaction as rt_sigaction passes it (its kernel_sigaction). */
struct k_sigaction {
	u64 handler; /* SIG_DFL, SIG_IGN or a user address */
	u64 flags;   /* SA_* */
	u64 restorer;
	u64 mask; /* blocked while the handler runs */
};

struct thread_struct {
	u64 sp; /* saved kernel stack pointer while switched out (switch_to) */
	/* User %ds %es %fs %gs while switched out, if the task runs user code (user_fpu).
	 * Written by context_switch as the task leaves the CPU, by its own execve, and by
	 * fork before the child first runs: never while another CPU could load them. */
	struct user_segments segs;
};

struct task_struct {
	/* Scheduling: protected by the runqueue lock. */
	volatile long state;
	unsigned int flags;
	bool on_rq; /* queued on (or running from) a runqueue */
	int cpu;
	int time_slice;		   /* ticks left */
	struct list_head run_list; /* runqueue link */

	pid_t pid; /* the thread's id (gettid); fixed at creation */
	char comm[TASK_COMM_LEN];

	/*
	 * The thread group (a process: sched/process.c). tgid and group_leader are fixed at
	 * creation: a task that is not a CLONE_THREAD child leads its own group (tgid ==
	 * pid). The rest is protected by process_lock. thread_node links every thread of
	 * a group in a ring; the group's shared state lives in the leader (Linux keeps it
	 * in signal_struct): nr_threads counts the threads that have not exited yet, and
	 * group_exit says the whole group is dying (or, once nr_threads is 0, is gone) with
	 * group_exit_code, its wait status; group_exec_task is the thread whose execve is
	 * killing the others (de_thread). pending holds the
	 * signals sent to this thread (bit sig - 1; only SIGKILL so far): set under
	 * process_lock, read locklessly by the thread itself (fatal_signal_pending).
	 */
	pid_t tgid;
	struct task_struct *group_leader;
	struct list_head thread_node;
	int nr_threads;
	bool group_exit;
	int group_exit_code;
	struct task_struct *group_exec_task;
	unsigned long pending;
	/* rt_sigprocmask's mask (bit sig - 1; never SIGKILL or SIGSTOP): written only by the
	 * thread itself, copied to a clone before it runs, kept across execve. */
	u64 blocked;
	/* rt_sigaction's actions, the group's: only the leader's are used (process_lock).
	 * Stored, not yet delivered (sched/sigaction.c). */
	struct k_sigaction sigactions[_NSIG];

	/*
	 * The address space. mm: the task's own (NULL for kernel threads and for a task
	 * that gave its up). active_mm: the one in use while it runs; == mm when mm is set;
	 * borrowed while a task with mm == NULL runs; NULL while such a task is not running
	 * (the lazy reference travels with the CPU). Written only with interrupts off.
	 */
	struct mm_struct *mm;
	struct mm_struct *active_mm;

	struct kstack stack; /* guarded kernel stack (mm/vmalloc.c) */
	struct thread_struct thread;

	/* Lifetime: usage counts references to the struct (the task itself while alive,
	 * kthread_stop and wait callers). The stack is freed when the task is dead and
	 * switched away from; the struct when usage reaches zero. */
	atomic_t usage;
	int exit_code;
	struct list_head tasks; /* all tasks, for invariant checks (task_list_lock) */

	/* Kernel threads. */
	int (*threadfn)(void *data);
	void *data;
	bool should_stop; /* kthread_stop asked this thread to return */
	bool exited;	  /* do_exit finished: exit_code is final */

	/* Sleeping. */
	u64 wake_at_tick; /* msleep: the jiffies value to wake at */
	struct list_head sleep_list;

	/* Processes (user space; sched/process.c). Protected by the process lock. */
	struct task_struct *parent; /* NULL for kernel threads and orphans */
	struct list_head children;  /* processes this one forked, until it reaps them */
	struct list_head sibling;   /* link in parent->children */
	bool forked; /* made by fork/clone, not a thread: its parent (or nobody) reaps it */
	/* set_tid_address's user pointer (0: none). Only the task itself writes it. */
	unsigned long clear_child_tid;
	/* mm/mmap.c: the page of the last fault retried as spurious, | 1 (0: none). Only the
	 * task itself, in its page faults, touches it. */
	unsigned long spurious_fault_page;

	bool user_fpu;	      /* runs user code: its FPU state and segment selectors (thread.segs)
			       * are saved and restored on switches */
	struct fpu_state fpu; /* user FPU/SSE registers while switched out */

	/* Tests only: fail this task's Nth allocation (kernel/fault_inject.c). Zero in a
	 * new task (task_alloc zeroes the struct), so a child never inherits it. */
	struct fault_inject fault_inject;
};

/* One per CPU. Every field is protected by lock, taken with interrupts off. */
struct rq {
	spinlock_t lock;
	struct list_head queue;	 /* runnable tasks, not including curr */
	unsigned int nr_running; /* queued + curr (if not idle) */
	struct task_struct *curr;
	struct task_struct *idle;
	/*
	 * prev_mm: the mm a kernel thread borrowed, parked here by context_switch when the
	 * CPU switches to a real task (switch_mm has already loaded the real task's mm),
	 * and mmdrop()ped by finish_task_switch on the other side of switch_to, after the
	 * lock is released: a final __mmdrop takes allocator locks. NULL outside a switch.
	 */
	struct mm_struct *prev_mm;
};

extern volatile u64 jiffies;
extern bool lazy_tlb_enabled; /* false with the boot option `nolazytlb` */

/* Bring-up: the boot context becomes swapper/0 (pid 0), lazy on init_mm. */
void sched_init(void);

/* An application processor's runqueue and idle task swapper/N (boot CPU, before
 * starting it), and their undoing if it never comes up (sched/idle.c). */
int sched_init_idle(struct cpu_state *cs);
void sched_free_idle(struct cpu_state *cs);
/* Is task running on some CPU now? */
bool task_curr(const struct task_struct *task);

/* The scheduler proper (sched/core.c). */
void schedule(void);
void yield(void);
void scheduler_tick(void); /* from the timer interrupt */
void wake_up_process(struct task_struct *task);
/* Called when an interrupt returns to kernel code: schedule if needed and allowed. */
void preempt_schedule_irq(void);
struct rq *this_rq(void);
void context_switch(struct rq *rq, struct task_struct *prev, struct task_struct *next);
void finish_task_switch(struct task_struct *prev);

/* Preemption. */
static inline void preempt_disable(void)
{
	this_cpu()->preempt_count++;
	barrier();
}

void preempt_enable(void);
static inline int preempt_count(void)
{
	return this_cpu()->preempt_count;
}

static inline bool need_resched(void)
{
	return READ_ONCE(this_cpu()->need_resched);
}

/* Tasks (sched/task.c). */
struct task_struct *task_alloc(const char *name, unsigned int flags);
void get_task_struct(struct task_struct *task);
void put_task_struct(struct task_struct *task);
/* Call fn(task, arg) for every task alive (interrupts off, task list locked). */
void for_each_task(void (*fn)(struct task_struct *task, void *arg), void *arg);
unsigned long nr_tasks(void);

/* Kernel threads (sched/kthread.c). */
struct task_struct *kthread_create(int (*threadfn)(void *data), void *data, const char *name);
struct task_struct *kthread_run(int (*threadfn)(void *data), void *data, const char *name);
/* Start a task that owns mm (taking over the caller's mm_users reference), running
 * threadfn in kernel mode on mm; wait for it with task_wait_exit. */
struct task_struct *user_task_run(int (*threadfn)(void *data), void *data, const char *name,
				  struct mm_struct *mm);
/* Ask the thread to stop, wait for it to exit, reap it; returns its exit code. */
int kthread_stop(struct task_struct *task);
bool kthread_should_stop(void);
/* Wait for task to exit (holding a usage reference taken by the caller); exit code. */
int task_wait_exit(struct task_struct *task);
void kthread_use_mm(struct mm_struct *mm);
void kthread_unuse_mm(struct mm_struct *mm);

/* Exit (sched/exit.c). */
void do_exit(int code) __noreturn;
void exit_mm(void);

/* Sleeping (sched/sleep.c). sleep_until: block until jiffies >= wake_at, in state
 * TASK_UNINTERRUPTIBLE or TASK_KILLABLE; 0, or -EINTR if a fatal signal (killable only)
 * ended it early. msleep: at least ms milliseconds, not killable. */
int sleep_until(u64 wake_at, long state);
/* A timeout for a wait elsewhere (futex): the tick wakes the caller once jiffies >=
 * wake_at, whatever it sleeps on, until it disarms. The caller rechecks its own
 * condition and the time after every wake-up. */
void sleep_timeout_arm(u64 wake_at);
void sleep_timeout_disarm(void);
void msleep(unsigned int ms);

/* The idle loop of swapper/0 (never returns). */
void cpu_idle(void) __noreturn;

#endif
