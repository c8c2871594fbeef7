/*
 * kernel/syscall_table.h - syscall numbers (Linux x86-64's, so the table is familiar)
 * and the handlers' common signature.
 */
#ifndef KERNEL_SYSCALL_TABLE_H
#define KERNEL_SYSCALL_TABLE_H

#include "arch/x86_64/trap.h"

#include "kernel/uapi/unistd.h"

/* The table's size: every number Linux x86-64 has (up to ~460) has a slot, so each
 * unimplemented one is counted on its own. */
#define NR_SYSCALLS 512

/* Every handler gets the six argument registers (rdi rsi rdx r10 r8 r9) and the frame. */
typedef long (*syscall_fn)(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
			   unsigned long a4, unsigned long a5, struct trap_frame *tf);

/* How many times number nr (any value) was called and got -ENOSYS since boot; the
 * numbers beyond the table share one counter. */
unsigned long syscall_enosys_count(unsigned long nr);

#define SYSCALL_DECLARE(name)                                                                      \
	long name(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,          \
		  unsigned long a4, unsigned long a5, struct trap_frame *tf)

/* The handlers outside kernel/syscalls.c, each beside what it serves. */
SYSCALL_DECLARE(sys_read);	     /* kernel/sys_io.c */
SYSCALL_DECLARE(sys_write);	     /* kernel/sys_io.c */
SYSCALL_DECLARE(sys_readv);	     /* kernel/sys_io.c */
SYSCALL_DECLARE(sys_writev);	     /* kernel/sys_io.c */
SYSCALL_DECLARE(sys_ioctl);	     /* kernel/sys_io.c */
SYSCALL_DECLARE(sys_uname);	     /* kernel/sys_sysinfo.c */
SYSCALL_DECLARE(sys_clock_gettime);  /* kernel/sys_time.c */
SYSCALL_DECLARE(sys_gettimeofday);   /* kernel/sys_time.c */
SYSCALL_DECLARE(sys_mprotect);	     /* mm/mmap_syscalls.c */
SYSCALL_DECLARE(sys_madvise);	     /* mm/mmap_syscalls.c */
SYSCALL_DECLARE(sys_rt_sigaction);   /* sched/sigaction.c */
SYSCALL_DECLARE(sys_rt_sigprocmask); /* sched/sigaction.c */
SYSCALL_DECLARE(sys_arch_prctl);     /* arch/x86_64/arch_prctl.c */

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off, struct trap_frame *tf);
long sys_munmap(unsigned long addr, unsigned long len, unsigned long a2, unsigned long a3,
		unsigned long a4, unsigned long a5, struct trap_frame *tf);
long sys_brk(unsigned long addr, unsigned long a1, unsigned long a2, unsigned long a3,
	     unsigned long a4, unsigned long a5, struct trap_frame *tf);
long sys_sysinfo(unsigned long info, unsigned long a1, unsigned long a2, unsigned long a3,
		 unsigned long a4, unsigned long a5, struct trap_frame *tf);

#endif
