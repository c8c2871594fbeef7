/*
 * kernel/syscalls.c - the syscall table and the syscalls about processes and output.
 *
 * syscall_dispatch() is called by arch/x86_64/syscall.S with the user's registers in a
 * trap frame: rax = number, rdi rsi rdx r10 r8 r9 = arguments; the result (or -errno)
 * goes back in rax. Unknown numbers return -ENOSYS. Before returning to user space it
 * runs the exit work: reschedule if asked to.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/console.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/syscall_table.h"
#include "kernel/time.h"
#include "sched/process.h"

#define WRITE_CHUNK 256
#define EXECVE_NAME_MAX 64
#define EXECVE_ARG_MAX 128
#define EXECVE_MAX_ARGS 16
#define WNOHANG 1

struct timespec {
	long tv_sec;
	long tv_nsec;
};

static long sys_write(unsigned long fd, unsigned long buf, unsigned long count, unsigned long a3,
		      unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	char chunk[WRITE_CHUNK];
	unsigned long done = 0;

	if (fd != 1 && fd != 2)
		return -EBADF;
	if (!access_ok((const void *)buf, count))
		return -EFAULT;
	while (done < count) {
		unsigned long n = count - done < WRITE_CHUNK ? count - done : WRITE_CHUNK;

		if (copy_from_user(chunk, (const void *)(buf + done), n))
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return (long)done;
}

static long sys_getpid(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
		       unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	return current->pid;
}

static long sys_getppid(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
			unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	struct task_struct *parent = READ_ONCE(current->parent);

	return parent ? parent->pid : 0;
}

static long sys_sched_yield(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
			    unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	yield();
	return 0;
}

static long sys_nanosleep(unsigned long req, unsigned long rem, unsigned long a2, unsigned long a3,
			  unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	struct timespec ts;

	if (copy_from_user(&ts, (const void *)req, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000L)
		return -EINVAL;
	msleep((unsigned int)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000));
	return 0;
}

static long sys_exit(unsigned long code, unsigned long a1, unsigned long a2, unsigned long a3,
		     unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	do_exit(W_EXITCODE(code));
}

static long sys_fork(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
		     unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	return do_fork(0, 0, tf);
}

static long sys_clone(unsigned long flags, unsigned long newsp, unsigned long a2, unsigned long a3,
		      unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	if (flags & ~(unsigned long)CLONE_VM & ~0xfful) /* low byte: the exit signal */
		return -EINVAL;
	return do_fork(flags & CLONE_VM, newsp, tf);
}

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
	ret = do_wait((pid_t)pid, &status, options & WNOHANG);
	if (ret > 0 && status_ptr && copy_to_user((void *)status_ptr, &status, sizeof(status)))
		return -EFAULT;
	return ret;
}

/* Copy execve's argv (a NULL-terminated user array of user strings) into args. */
static int copy_argv(unsigned long argv, char args[][EXECVE_ARG_MAX], const char **ptrs)
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
		len = strncpy_from_user(args[argc], (const char *)p, EXECVE_ARG_MAX);
		if (len < 0)
			return len == -EFAULT ? -EFAULT : -E2BIG;
		ptrs[argc] = args[argc];
	}
}

static long sys_execve(unsigned long path, unsigned long argv, unsigned long envp, unsigned long a3,
		       unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	static char args[EXECVE_MAX_ARGS][EXECVE_ARG_MAX]; /* too big for the stack */
	const char *ptrs[EXECVE_MAX_ARGS];
	char name[EXECVE_NAME_MAX];
	long len = strncpy_from_user(name, (const char *)path, sizeof(name));
	int argc;

	if (len < 0)
		return len;
	argc = copy_argv(argv, args, ptrs); /* one CPU: args is not shared concurrently */
	if (argc < 0)
		return argc;
	return do_execve(name, ptrs, argc, tf);
}

static const syscall_fn syscall_table[NR_SYSCALLS] = {
    [__NR_write] = sys_write,
    [__NR_mmap] = sys_mmap,
    [__NR_munmap] = sys_munmap,
    [__NR_brk] = sys_brk,
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
    [__NR_exit_group] = sys_exit,
};

/* Work before returning to user space, interrupts off: reschedule while asked to. */
void exit_to_user_mode(void);
void exit_to_user_mode(void)
{
	while (need_resched()) {
		local_irq_enable();
		schedule();
		local_irq_disable();
	}
}

bool syscall_can_sysret(const struct trap_frame *tf);

/*
 * syscall_dispatch - run the syscall in tf; returns with interrupts off, saying whether
 * the fast SYSRET exit is safe for this frame (else syscall.S leaves through IRETQ).
 */
bool syscall_dispatch(struct trap_frame *tf);
bool syscall_dispatch(struct trap_frame *tf)
{
	unsigned long nr = tf->rax;
	long ret = -ENOSYS;

	local_irq_enable();
	if (likely(nr < NR_SYSCALLS && syscall_table[nr]))
		ret = syscall_table[nr](tf->rdi, tf->rsi, tf->rdx, tf->r10, tf->r8, tf->r9, tf);
	if (nr != __NR_execve || ret < 0)
		tf->rax = (u64)ret; /* a successful execve has set up a fresh frame */
	local_irq_disable();
	if (unlikely(need_resched()))
		exit_to_user_mode();
	return syscall_can_sysret(tf);
}
