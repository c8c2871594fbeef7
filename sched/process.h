/*
 * sched/process.h - user processes: fork, clone, exec, exit status, wait, fault kills.
 *
 * A process is a task with an address space that runs in ring 3. Its user registers
 * live in the trap frame at the top of its kernel stack (task_pt_regs), built by every
 * entry from ring 3 (interrupts, exceptions and SYSCALL alike).
 */
#ifndef SCHED_PROCESS_H
#define SCHED_PROCESS_H

#include "arch/x86_64/trap.h"
#include "kernel/uapi/sched.h" /* clone()'s CLONE_* flags */
#include "kernel/uapi/wait.h"  /* W_EXITCODE, W_SIGNALED: how a wait status is built */
#include "sched/sched.h"
#include "sched/signal.h"

#define USER_STACK_TOP 0x00007ffffff00000ul /* below it: the main thread's stack */
#define USER_STACK_SIZE (8ul << 20)
#define USER_MMAP_TOP (USER_STACK_TOP - USER_STACK_SIZE - (1ul << 30))

static inline struct trap_frame *task_pt_regs(struct task_struct *task)
{
	return (struct trap_frame *)task->stack.top - 1;
}

/* What fork and clone ask for (Linux's kernel_clone_args, the part sublet uses). */
struct kernel_clone_args {
	unsigned long flags;	  /* CLONE_*, valid combinations only (sys_clone), no CSIGNAL */
	unsigned long stack;	  /* the child's stack pointer; 0: the caller's */
	unsigned long parent_tid; /* CLONE_PARENT_SETTID: the caller's word for the tid */
	unsigned long child_tid;  /* CLONE_CHILD_CLEARTID: the child's clear_child_tid */
	unsigned long tls;	  /* CLONE_SETTLS: the child's FS base, a user address */
};

/* fork (flags 0) or clone; the child's pid (its thread id for CLONE_THREAD) or -errno. */
long do_fork(const struct kernel_clone_args *args, struct trap_frame *tf);
/* Replace the calling task's program with the module `name`; 0 or -errno (on success
 * the trap frame now enters the new program). argv is a kernel array of strings. */
int do_execve(const char *name, const char *const *argv, int argc, struct trap_frame *tf);
/* Switch the calling task to a ready-made mm and make tf enter it (exec's last half;
 * also used by tests that build a tiny program by hand). Consumes the mm_users ref. */
void exec_prepared_mm(struct mm_struct *mm, const char *name, u64 entry, u64 sp,
		      unsigned long end_of_data, struct trap_frame *tf);
/* Start pid 1 (or any first program) from a kernel thread; returns only on failure. */
int kernel_execve(const char *name, const char *const *argv, int argc);
/* wait4: reap a child process (pid > 0: that one; -1: any), once every thread of its
 * group has exited; returns its pid, 0 (nohang, none ready), -ECHILD, or -EINTR when a
 * fatal signal ended the wait. */
long do_wait(pid_t pid, int *status, bool nohang);
/* Kill the current process (its whole thread group) for a fault: print the Linux-style
 * line, exit with sig. */
void force_sig_fault(struct trap_frame *tf, int sig, const char *what,
		     unsigned long addr) __noreturn;
/* Called by do_exit for a process: orphan children, leave the thread group, notify the
 * parent. */
void exit_notify_parent(struct task_struct *tsk);

#endif
