/*
 * kernel/syscalls.c - the syscall table and the syscalls about processes and output.
 *
 * syscall_dispatch() is called by arch/x86_64/syscall.S with the user's registers in a
 * trap frame: rax = number, rdi rsi rdx r10 r8 r9 = arguments; the result (or -errno)
 * goes back in rax. Unknown numbers return -ENOSYS and are counted (syscall_enosys_count,
 * for the tests), with a kernel notice the first time each is seen. Before returning to
 * user space it runs the exit work: die if the thread group is being killed, reschedule
 * if asked to. The console's calls are in kernel/sys_io.c, the clocks' in sys_time.c.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/syscall.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/futex.h"
#include "kernel/printk.h"
#include "kernel/syscall_table.h"
#include "kernel/time.h"
#include "mm/slab.h"
#include "sched/process.h"

#define EXECVE_NAME_MAX 64
#define EXECVE_ARG_MAX 128
#define EXECVE_MAX_ARGS 16
#define RUSAGE_SIZE 144 /* Linux's struct rusage on x86-64: 2 timevals and 14 longs */

/* The process id: the thread group's (the leader's pid). */
static long sys_getpid(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
		       unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	return current->tgid;
}

/*
 * set_tid_address: remember where the thread's id lives in user memory (musl's start-up
 * and thread code pass it); returns the thread's id. Clearing the word and waking a
 * futex on it at exit comes with futex, a later stage of issue 13.
 */
static long sys_set_tid_address(unsigned long tidptr, unsigned long a1, unsigned long a2,
				unsigned long a3, unsigned long a4, unsigned long a5,
				struct trap_frame *tf)
{
	current->clear_child_tid = tidptr;
	return current->pid;
}

/* The calling thread's own id. */
static long sys_gettid(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
		       unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	return current->pid;
}

/* The parent of the process (of its leader: the other threads have none). */
static long sys_getppid(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	struct task_struct *parent = READ_ONCE(current->group_leader->parent);

	return parent ? parent->tgid : 0;
}

static long sys_sched_yield(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
			    unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	yield();
	return 0;
}

/*
 * Sleep for *req (64-bit all the way: {4294968, 0} is 4294968 s). Only a fatal signal
 * cuts it short: then, as Linux, the time left goes to *rem (if given) and the result is
 * -EINTR, or -EFAULT if rem cannot be written; the caller dies on its way out anyway.
 * It never ends before req has passed on CLOCK_MONOTONIC (struct timeout, kernel/time.h).
 */
static long sys_nanosleep(unsigned long req, unsigned long rem, unsigned long a2, unsigned long a3,
			  unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	struct timespec ts, left;
	struct timeout to;

	if (copy_from_user(&ts, (const void *)req, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NSEC_PER_SEC)
		return -EINVAL;
	timeout_start(&to, &ts); /* at least req on CLOCK_MONOTONIC, as Linux promises */
	while (!sleep_until(to.wake_at, TASK_KILLABLE))
		if (timeout_expired(&to))
			return 0;
	jiffies_to_timespec(to.wake_at > jiffies ? to.wake_at - jiffies : 0, &left);
	if (rem && copy_to_user((void *)rem, &left, sizeof(left)))
		return -EFAULT;
	return -EINTR;
}

/* exit: end the calling thread only. */
static long sys_exit(unsigned long code, unsigned long a1, unsigned long a2, unsigned long a3,
		     unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	do_exit(W_EXITCODE(code));
}

/* exit_group: end every thread of the calling process, all with this code. */
static long sys_exit_group(unsigned long code, unsigned long a1, unsigned long a2, unsigned long a3,
			   unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	do_group_exit(W_EXITCODE(code));
}

static long sys_fork(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
		     unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	return do_fork(&(struct kernel_clone_args){0}, tf);
}

/*
 * The flags sublet knows: musl's pthread_create passes all of them but the exit signal.
 * CLONE_FS, CLONE_FILES and CLONE_SYSVSEM share state sublet does not have yet (a
 * working directory, a file table, semaphore undo lists), so they change nothing today.
 * Any other flag is -EINVAL (Linux would do more).
 */
#define CLONE_KNOWN_FLAGS                                                                          \
	(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |              \
	 CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID |               \
	 CLONE_DETACHED)

/* Linux's rules (copy_process): a thread shares the signal handlers, which needs a
 * shared mm. */
static bool clone_flags_valid(unsigned long flags)
{
	if (flags & ~CLONE_KNOWN_FLAGS)
		return false;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return false;
	return !(flags & CLONE_SIGHAND) || (flags & CLONE_VM);
}

/* clone(flags, newsp, parent_tid, child_tid, tls): x86-64's argument order. A TLS base
 * outside user space is -EPERM, as for arch_prctl(ARCH_SET_FS). */
static long sys_clone(unsigned long flags, unsigned long newsp, unsigned long parent_tid,
		      unsigned long child_tid, unsigned long tls, unsigned long a5,
		      struct trap_frame *tf)
{
	struct kernel_clone_args args = {
	    .flags = flags & ~(CSIGNAL | CLONE_DETACHED),
	    .stack = newsp,
	    .parent_tid = parent_tid,
	    .child_tid = child_tid,
	    .tls = tls,
	};

	if (!clone_flags_valid(flags))
		return -EINVAL;
	if ((flags & CLONE_SETTLS) && tls >= TASK_SIZE_MAX)
		return -EPERM;
	return do_fork(&args, tf);
}

/* wait4: the status and a zero-filled rusage (sublet keeps no accounting) go out only
 * for a reaped child, as Linux; pointers are checked first so a bad one costs no child. */
static long sys_wait4(unsigned long pid, unsigned long status_ptr, unsigned long options,
		      unsigned long rusage, unsigned long a4, unsigned long a5,
		      struct trap_frame *tf)
{
	int status = 0;
	long ret;

	if (options & ~(unsigned long)WNOHANG)
		return -EINVAL;
	if (status_ptr && !access_ok((void *)status_ptr, sizeof(int)))
		return -EFAULT;
	if (rusage && !access_ok((void *)rusage, RUSAGE_SIZE))
		return -EFAULT;
	ret = do_wait((pid_t)pid, &status, options & WNOHANG);
	if (ret > 0 && status_ptr && copy_to_user((void *)status_ptr, &status, sizeof(status)))
		return -EFAULT;
	if (ret > 0 && rusage && clear_user((void *)rusage, RUSAGE_SIZE))
		return -EFAULT;
	return ret;
}

/*
 * execve's arguments, copied in from user space. Each call allocates its own: the copy
 * lives across the whole exec, which may sleep or be preempted, so two execs (of two
 * processes, or of two threads) must never share one (issue 8, finding 3: a static
 * buffer let one process's fresh program start with another's arguments).
 */
struct execve_args {
	char strings[EXECVE_MAX_ARGS][EXECVE_ARG_MAX];
	const char *argv[EXECVE_MAX_ARGS];
};

/* Copy execve's argv (a NULL-terminated user array of user strings) into args; argc or
 * -errno. */
static int copy_argv(unsigned long argv, struct execve_args *args)
{
	int argc = 0;

	if (!argv)
		return 0;
	for (;; argc++) {
		unsigned long p;
		long len;

		if (copy_from_user(&p, (const void *)(argv + argc * sizeof(p)), sizeof(p)))
			return -EFAULT;
		if (!p)
			return argc;
		if (argc == EXECVE_MAX_ARGS)
			return -E2BIG;
		len = strncpy_from_user(args->strings[argc], (const char *)p, EXECVE_ARG_MAX);
		if (len < 0)
			return len == -EFAULT ? -EFAULT : -E2BIG;
		args->argv[argc] = args->strings[argc];
	}
}

static long sys_execve(unsigned long path, unsigned long argv, unsigned long envp, unsigned long a3,
		       unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	char name[EXECVE_NAME_MAX];
	long len = strncpy_from_user(name, (const char *)path, sizeof(name));
	struct execve_args *args;
	int argc, ret;

	if (len < 0)
		return len;
	args = kmalloc(sizeof(*args), GFP_KERNEL); /* too big for the stack */
	if (!args)
		return -ENOMEM;
	argc = copy_argv(argv, args);
	ret = argc < 0 ? argc : do_execve(name, args->argv, argc, tf);
	kfree(args); /* do_execve copied the strings onto the new stack */
	return ret;
}

static const syscall_fn syscall_table[NR_SYSCALLS] = {
    [__NR_read] = sys_read,
    [__NR_write] = sys_write,
    [__NR_mmap] = sys_mmap,
    [__NR_mprotect] = sys_mprotect,
    [__NR_munmap] = sys_munmap,
    [__NR_brk] = sys_brk,
    [__NR_rt_sigaction] = sys_rt_sigaction,
    [__NR_rt_sigprocmask] = sys_rt_sigprocmask,
    [__NR_ioctl] = sys_ioctl,
    [__NR_readv] = sys_readv,
    [__NR_writev] = sys_writev,
    [__NR_madvise] = sys_madvise,
    [__NR_uname] = sys_uname,
    [__NR_gettimeofday] = sys_gettimeofday,
    [__NR_arch_prctl] = sys_arch_prctl,
    [__NR_set_tid_address] = sys_set_tid_address,
    [__NR_clock_gettime] = sys_clock_gettime,
    [__NR_sched_yield] = sys_sched_yield,
    [__NR_nanosleep] = sys_nanosleep,
    [__NR_getpid] = sys_getpid,
    [__NR_clone] = sys_clone,
    [__NR_fork] = sys_fork,
    [__NR_execve] = sys_execve,
    [__NR_exit] = sys_exit,
    [__NR_wait4] = sys_wait4,
    [__NR_sysinfo] = sys_sysinfo,
    [__NR_getppid] = sys_getppid,
    [__NR_gettid] = sys_gettid,
    [__NR_futex] = sys_futex,
    [__NR_exit_group] = sys_exit_group,
};

/*
 * Calls sublet lacks, counted per number: one counter per table slot, the last one for
 * every number beyond the table (huge, negative). Atomic increments: any CPU, any task.
 */
static unsigned long enosys_count[NR_SYSCALLS + 1];

static unsigned long enosys_slot(unsigned long nr)
{
	return nr < NR_SYSCALLS ? nr : NR_SYSCALLS;
}

unsigned long syscall_enosys_count(unsigned long nr)
{
	return __atomic_load_n(&enosys_count[enosys_slot(nr)], __ATOMIC_RELAXED);
}

/* An unimplemented call: -ENOSYS, counted, and a notice the first time each number is
 * seen, naming it and the program, so that a porter sees what is missing. */
static long sys_ni_syscall(unsigned long nr)
{
	unsigned long slot = enosys_slot(nr);

	if (__atomic_fetch_add(&enosys_count[slot], 1, __ATOMIC_RELAXED) == 0) {
		if (slot < NR_SYSCALLS)
			printk(
			    "syscall: %s (pid %d) called unimplemented system call %lu: -ENOSYS\n",
			    current->comm, current->pid, nr);
		else
			printk("syscall: %s (pid %d) called system call %ld, beyond the table: "
			       "-ENOSYS\n",
			       current->comm, current->pid, (long)nr);
	}
	return -ENOSYS;
}

/* Work before returning to user space, interrupts off: die if a fatal signal is
 * pending (a kill of the thread group: sched/signal.h), reschedule while asked to. */
void exit_to_user_mode(void)
{
	for (;;) {
		if (fatal_signal_pending(current)) {
			local_irq_enable();
			fatal_signal_exit();
		}
		if (!need_resched())
			return;
		local_irq_enable();
		schedule();
		local_irq_disable();
	}
}

/*
 * syscall_dispatch - run the syscall in tf; returns with interrupts off, saying whether
 * the fast SYSRET exit is safe for this frame (else syscall.S leaves through IRETQ).
 */
bool syscall_dispatch(struct trap_frame *tf)
{
	unsigned long nr = tf->rax;
	long ret;

	local_irq_enable();
	if (likely(nr < NR_SYSCALLS && syscall_table[nr]))
		ret = syscall_table[nr](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9, tf);
	else
		ret = sys_ni_syscall(nr);
	if (nr != __NR_execve || ret < 0)
		tf->rax = (u64)ret; /* a successful execve has set up a fresh frame */
	local_irq_disable();
	if (unlikely(need_resched() || fatal_signal_pending(current)))
		exit_to_user_mode();
	return syscall_can_sysret(tf);
}
