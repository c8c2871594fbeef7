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

/* Syscall numbers: Linux's, shared with the kernel. */
#include "kernel/uapi/unistd.h"

/* clone() flags. The low byte (CSIGNAL) is the signal the parent gets when the child
 * exits; Linux's wait4 reaps such a child without __WCLONE only if it is SIGCHLD. */
#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100 /* share the address space */
#define CLONE_SIGHAND 0x00000800 /* share signal handlers (needs CLONE_VM) */
#define CLONE_THREAD 0x00010000 /* a thread of the caller's process (needs CLONE_SIGHAND) */

/* Signal numbers (Linux's), as a fatal fault reports them in a wait status. */
#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGCHLD 17

/* mmap() protections and flags (anonymous private mappings only). */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20

#define PAGE_SIZE 4096ul

/* wait4() options. */
#define WNOHANG 0x1

/* Wait statuses, decoded as Linux's <sys/wait.h> does: an exit puts its code in bits
 * 8-15; a fatal signal puts its number in bits 0-6 (bit 7: a core was dumped). */
#define WEXITSTATUS(status) (((status) & 0xff00) >> 8)
#define WTERMSIG(status) ((status) & 0x7f)
#define WIFEXITED(status) (WTERMSIG(status) == 0)
#define WIFSIGNALED(status) (WTERMSIG(status) != 0 && WTERMSIG(status) != 0x7f)

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
