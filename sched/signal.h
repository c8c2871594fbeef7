/*
 * sched/signal.h - signal numbers, and the one signal sublet delivers: the fatal kill.
 *
 * sublet has no signal handlers: every signal it sends is fatal. A thread group (a
 * process: its threads share tgid, see sched/process.c) dies as a whole, as Linux's
 * default action for SIGKILL or SIGSEGV does. Killing another thread is asynchronous: the
 * killer marks the group exiting (the leader's group_exit, group_exit_code), sets SIGKILL
 * pending in every other thread and wakes those asleep in a killable wait. Each thread then
 * ends itself with the group's code: on its next return to user space (exit_to_user_mode,
 * kernel/syscalls.c, also reached from every trap from ring 3) or when its killable sleep
 * returns -EINTR and its syscall unwinds to that same return.
 *
 * Killable waits (TASK_KILLABLE): nanosleep (sleep_until), wait4 (do_wait), and the
 * out-of-memory wait for a victim (mm/oom_kill.c). Other sleeps of a user task are not:
 * kernel-internal waits (msleep, wait_event, task_wait_exit) are short or wait for the
 * kernel itself, and a task in them reaches a killable point or user space soon after.
 */
#ifndef SCHED_SIGNAL_H
#define SCHED_SIGNAL_H

#include "kernel/uapi/signal.h" /* the signal numbers, Linux's */
#include "sched/sched.h"

#define sigmask(sig) (1ul << ((sig)-1))

/* Whether a fatal signal waits for task: it must stop what it does and exit. */
static inline bool fatal_signal_pending(const struct task_struct *task)
{
	return READ_ONCE(task->pending) & sigmask(SIGKILL);
}

/*
 * The kill API (sched/signal.c), for exit_group, fatal faults, the OOM killer and
 * fault-injection tests:
 *
 * do_group_exit - end the calling thread's whole group with wait status code (the code
 *     of a group exit already under way wins, as in Linux), then the caller itself.
 * kill_thread_group - make p's group die with W_SIGNALED(sig) unless it is already
 *     exiting: asynchronous, returns at once; p may be any thread of the group. Returns
 *     false if the group was already exiting.
 * fatal_signal_exit - called where a task notices fatal_signal_pending(current): exit
 *     with its group's code (or alone, if a sibling's execve is what kills it).
 * de_thread - execve's step from a group with other threads (Linux's de_thread): kill
 *     every other thread and wait, killably, until they are gone. 0, or -EINTR if the
 *     group (or the caller) is being killed meanwhile. The caller keeps its thread id;
 *     the group keeps its tgid.
 */
void do_group_exit(int code) __noreturn;
bool kill_thread_group(struct task_struct *p, int sig);
void fatal_signal_exit(void) __noreturn;
int de_thread(void);

/*
 * Signal bookkeeping (sched/sigaction.c): copy_sighand gives a new task its parent's
 * blocked mask and its parent group's actions (fork, clone; the child is not running
 * yet); flush_signal_handlers resets task's group's handled signals to SIG_DFL (execve).
 */
void copy_sighand(struct task_struct *child, struct task_struct *parent);
void flush_signal_handlers(struct task_struct *task);

#endif
