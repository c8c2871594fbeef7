/*
 * user/lib/syscall.c - the syscall wrappers of user/lib/syscall.h.
 *
 * Every wrapper is one `syscall` instruction through the helpers below, which follow
 * Linux x86-64's convention: number in rax, arguments in rdi, rsi, rdx, r10, r8, r9;
 * the instruction itself overwrites rcx (return rip) and r11 (rflags), and the kernel
 * may read or write user memory, hence the "memory" clobber. Results come back
 * unchanged: -errno on failure.
 */
#include "user/lib/errno.h"
#include "user/lib/string.h"
#include "user/lib/syscall.h"

#define NSEC_PER_MSEC 1000000l
#define MSEC_PER_SEC 1000ul

static inline long syscall0(long nr)
{
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr) : "rcx", "r11", "memory");
	return ret;
}

static inline long syscall1(long nr, long a1)
{
	long ret;

	__asm__ __volatile__("syscall" : "=a"(ret) : "a"(nr), "D"(a1) : "rcx", "r11", "memory");
	return ret;
}

static inline long syscall2(long nr, long a1, long a2)
{
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a1), "S"(a2)
			     : "rcx", "r11", "memory");
	return ret;
}

static inline long syscall3(long nr, long a1, long a2, long a3)
{
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a1), "S"(a2), "d"(a3)
			     : "rcx", "r11", "memory");
	return ret;
}

long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	/* r10, r8 and r9 have no constraint letters: pin them with register variables. */
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return ret;
}

void exit(int status)
{
	syscall1(__NR_exit_group, status);
	for (;;) /* exit does not return; if it ever did, stop here rather than run on */
		__asm__ __volatile__("ud2");
}

void thread_exit(int status)
{
	syscall1(__NR_exit, status);
	for (;;) /* exit does not return; if it ever did, stop here rather than run on */
		__asm__ __volatile__("ud2");
}

ssize_t write(int fd, const void *buf, size_t n)
{
	return syscall3(__NR_write, fd, (long)buf, (long)n);
}

pid_t getpid(void)
{
	return (pid_t)syscall0(__NR_getpid);
}

pid_t gettid(void)
{
	return (pid_t)syscall0(__NR_gettid);
}

pid_t getppid(void)
{
	return (pid_t)syscall0(__NR_getppid);
}

int sysinfo(struct sysinfo *info)
{
	return (int)syscall1(__NR_sysinfo, (long)info);
}

int sched_yield(void)
{
	return (int)syscall0(__NR_sched_yield);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)syscall2(__NR_nanosleep, (long)req, (long)rem);
}

int sleep_ms(unsigned long ms)
{
	struct timespec req = {
		.tv_sec = (long)(ms / MSEC_PER_SEC),
		.tv_nsec = (long)(ms % MSEC_PER_SEC) * NSEC_PER_MSEC,
	};

	return nanosleep(&req, NULL);
}

pid_t fork(void)
{
	return (pid_t)syscall0(__NR_fork);
}

long clone(unsigned long flags, void *newsp, int *parent_tid, int *child_tid,
	   unsigned long tls)
{
	return syscall6(__NR_clone, (long)flags, (long)newsp, (long)parent_tid, (long)child_tid,
			(long)tls, 0);
}

pid_t thread_create(int (*fn)(void *), void *arg, void *stack, size_t stack_size)
{
	return clone_fn(fn, arg, stack, stack_size, CLONE_VM | SIGCHLD);
}

pid_t thread_spawn(int (*fn)(void *), void *arg, void *stack, size_t stack_size)
{
	return clone_fn(fn, arg, stack, stack_size, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD);
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)syscall3(__NR_execve, (long)path, (long)argv, (long)envp);
}

int exec_program(const char *name, char *const argv[], char *const envp[])
{
	static const char suffix[] = ".elf";
	char file[256];
	size_t len = strlen(name);
	int ret = execve(name, argv, envp);

	if (ret != -ENOENT || len + sizeof(suffix) > sizeof(file))
		return ret;
	if (len >= sizeof(suffix) - 1 && !strcmp(name + len - (sizeof(suffix) - 1), suffix))
		return ret; /* already name.elf */
	memcpy(file, name, len);
	memcpy(file + len, suffix, sizeof(suffix));
	return execve(file, argv, envp);
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *rusage)
{
	return (pid_t)syscall6(__NR_wait4, pid, (long)status, options, (long)rusage, 0, 0);
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return wait4(pid, status, options, NULL);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, long offset)
{
	return (void *)syscall6(__NR_mmap, (long)addr, (long)len, prot, flags, fd, offset);
}

int munmap(void *addr, size_t len)
{
	return (int)syscall2(__NR_munmap, (long)addr, (long)len);
}

void *brk(void *addr)
{
	return (void *)syscall1(__NR_brk, (long)addr);
}

void *sbrk(long increment)
{
	char *old = brk(NULL);

	if (increment == 0)
		return old;
	if ((char *)brk(old + increment) != old + increment)
		return (void *)(long)-ENOMEM;
	return old;
}
