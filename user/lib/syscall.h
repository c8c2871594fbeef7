/*
 * user/lib/syscall.h - the system call interface of sublet's user programs.
 *
 * sublet's syscalls use Linux x86-64's numbers and convention (so the same programs run
 * on a Linux host): the number in rax, arguments in rdi, rsi, rdx, r10, r8, r9, the
 * `syscall` instruction (which clobbers rcx and r11), the result in rax. Failure is a
 * negative error number (user/lib/errno.h); there is no errno variable and every wrapper
 * here returns the kernel's value unchanged. Implemented in user/lib/syscall.c, the
 * thread helper in user/lib/thread.S. See docs/userspace-programs.md.
 */
#ifndef USER_LIB_SYSCALL_H
#define USER_LIB_SYSCALL_H

/* The user ABI, one definition shared with the kernel (kernel/uapi/, Linux's values):
 * syscall numbers, mmap()'s PROT_* and MAP_*, clone()'s CLONE_*, signal numbers, and
 * wait4()'s WNOHANG and the W* status macros. */
#include "kernel/uapi/mman.h"
#include "kernel/uapi/sched.h"
#include "kernel/uapi/signal.h"
#include "kernel/uapi/unistd.h"
#include "kernel/uapi/wait.h"

#define PAGE_SIZE 4096ul

#ifndef __ASSEMBLER__

#include <stddef.h>

typedef long ssize_t;
typedef int pid_t;

struct timespec {
	long tv_sec;
	long tv_nsec; /* 0 .. 999,999,999 */
};

/* wait4's resource usage, Linux's layout (sublet keeps none: a reaped child's is all 0). */
struct rusage {
	struct {
		long tv_sec, tv_usec;
	} ru_utime, ru_stime;
	long ru_fields[14]; /* maxrss .. nivcsw */
};

/* sysinfo()'s answer: Linux's struct sysinfo on x86-64 (112 bytes). Memory fields count
 * mem_unit bytes each (1 on sublet, as on Linux x86-64). */
struct sysinfo {
	long uptime;		/* seconds since boot */
	unsigned long loads[3]; /* load averages */
	unsigned long totalram; /* memory the kernel manages */
	unsigned long freeram;	/* of which free */
	unsigned long sharedram;
	unsigned long bufferram;
	unsigned long totalswap;
	unsigned long freeswap;
	unsigned short procs; /* tasks alive */
	unsigned short pad;
	unsigned long totalhigh;
	unsigned long freehigh;
	unsigned int mem_unit;
	char _f[20 - 2 * sizeof(unsigned long) - sizeof(unsigned int)];
};

/* The environment the program started with (set by user/lib/crt0.S). */
extern char **environ;

/* Any syscall, by number, with six raw arguments: for tests of bad arguments. */
long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

/* End the process, every thread of it, with status & 0xff (exit_group, as C's exit). */
void exit(int status) __attribute__((noreturn));
/* End only the calling thread (the raw exit syscall); the process ends with its last
 * thread, reported with its leader's status. */
void thread_exit(int status) __attribute__((noreturn));
/* Write n bytes of buf to fd (1 stdout, 2 stderr): bytes written or -errno. */
ssize_t write(int fd, const void *buf, size_t n);
/* The process id (shared by all its threads), the calling thread's id, the parent's. */
pid_t getpid(void);
pid_t gettid(void);
pid_t getppid(void);
/* Fill *info with memory and process counts: 0, or -EFAULT for a bad pointer. */
int sysinfo(struct sysinfo *info);
/* Let another runnable task run first; 0. */
int sched_yield(void);
/* Sleep for *req; 0, -EINVAL for a bad timespec, -EFAULT for a bad pointer. */
int nanosleep(const struct timespec *req, struct timespec *rem);
/* Sleep for ms milliseconds (nanosleep). */
int sleep_ms(unsigned long ms);

/* A copy of the calling process (copy-on-write): the child's pid in the parent, 0 in the
 * child, or -errno. */
pid_t fork(void);
/* Raw clone: flags, the child's stack pointer (0: same as the parent's), parent_tid,
 * child_tid, tls. The child returns 0 on its new stack, so C cannot call this for a
 * thread on another stack: use thread_create(). */
long clone(unsigned long flags, void *newsp, int *parent_tid, int *child_tid,
	   unsigned long tls);
/*
 * Start fn(arg) in a new task sharing our address space, as a child process (clone with
 * CLONE_VM | SIGCHLD) on the stack [stack, stack + stack_size); it exits with fn's value
 * when fn returns. Returns its pid, which waitpid() reaps like a child's, or -errno.
 */
pid_t thread_create(int (*fn)(void *), void *arg, void *stack, size_t stack_size);
/*
 * Start fn(arg) as a thread of this process (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD),
 * as pthread_create does: same getpid, its own gettid; it ends alone when fn returns
 * (thread_exit with fn's value) and nobody waits for it: it is not a child. Returns its
 * thread id or -errno.
 */
pid_t thread_spawn(int (*fn)(void *), void *arg, void *stack, size_t stack_size);
/* The engine of both (user/lib/thread.S): any clone flags. */
pid_t clone_fn(int (*fn)(void *), void *arg, void *stack, size_t stack_size,
	       unsigned long flags);

/* Replace this program with the module (on Linux: file) path; returns only on failure,
 * with -errno (-ENOENT: no such program). */
int execve(const char *path, char *const argv[], char *const envp[]);
/*
 * execve() the program `name` as sublet's modules and a Linux build directory may name
 * it: first `name` itself, then, if there is no such program (-ENOENT), `name.elf` (the
 * file name under build/user/). Returns only on failure, with the last attempt's -errno.
 */
int exec_program(const char *name, char *const argv[], char *const envp[]);

/* Wait for child pid (-1: any child) to end; its pid, 0 (WNOHANG, none ended yet) or
 * -errno (-ECHILD: no such child). *status (if not NULL) gets the wait status. */
pid_t wait4(pid_t pid, int *status, int options, struct rusage *rusage);
pid_t waitpid(pid_t pid, int *status, int options);
/* A wait status in words, into buf: "exited with status N", "killed by signal N"
 * (user/lib/wait.c). Returns buf. */
char *wait_status_text(int status, char *buf, size_t size);

/* Map len bytes of zeroed anonymous memory; the address, or -errno cast to a pointer
 * (test with IS_ERR_VALUE from user/lib/errno.h). */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long offset);
/* Unmap [addr, addr + len); 0 or -errno. */
int munmap(void *addr, size_t len);
/* Linux's raw brk: move the program break to addr and return the new break, or the old
 * one if it cannot move; brk(NULL) returns the current break. */
void *brk(void *addr);
/* Move the break by increment bytes; the old break, or -ENOMEM cast to a pointer. */
void *sbrk(long increment);

#endif /* __ASSEMBLER__ */
#endif
