/*
 * kernel/uapi/sched.h - clone()'s flags, shared by the kernel and user programs.
 *
 * Linux's values (its include/uapi/linux/sched.h), the ones sublet implements. Only
 * #defines, for sys_clone (kernel/syscalls.c); user programs take the same values from
 * their C library's <sched.h>.
 */
#ifndef KERNEL_UAPI_SCHED_H
#define KERNEL_UAPI_SCHED_H

/* The low byte: the signal the parent gets when the child exits. Linux's wait4 reaps
 * such a child without __WCLONE only if it is SIGCHLD. */
#define CSIGNAL 0x000000ff
#define CLONE_VM 0x00000100		/* share the address space */
#define CLONE_FS 0x00000200		/* share the file-system context (sublet has none) */
#define CLONE_FILES 0x00000400		/* share the file table (sublet has none yet) */
#define CLONE_SIGHAND 0x00000800	/* share signal handlers (needs CLONE_VM) */
#define CLONE_THREAD 0x00010000		/* join the caller's thread group (needs CLONE_SIGHAND) */
#define CLONE_SYSVSEM 0x00040000	/* share System V semaphore undo lists (sublet has none) */
#define CLONE_SETTLS 0x00080000		/* the child's FS base: clone's fifth argument */
#define CLONE_PARENT_SETTID 0x00100000	/* store the child's tid at the third argument */
#define CLONE_CHILD_CLEARTID 0x00200000 /* zero, and futex-wake, the fourth at its exit */
#define CLONE_DETACHED 0x00400000	/* ignored, as by Linux (musl still passes it) */

#endif
