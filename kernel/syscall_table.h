/*
 * kernel/syscall_table.h - syscall numbers (Linux x86-64's, so the table is familiar)
 * and the handlers' common signature.
 */
#ifndef KERNEL_SYSCALL_TABLE_H
#define KERNEL_SYSCALL_TABLE_H

#include "arch/x86_64/trap.h"

#include "kernel/uapi/unistd.h"

#define NR_SYSCALLS 232

/* Every handler gets the six argument registers (rdi rsi rdx r10 r8 r9) and the frame. */
typedef long (*syscall_fn)(unsigned long a0, unsigned long a1, unsigned long a2, unsigned long a3,
			   unsigned long a4, unsigned long a5, struct trap_frame *tf);

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off, struct trap_frame *tf);
long sys_munmap(unsigned long addr, unsigned long len, unsigned long a2, unsigned long a3,
		unsigned long a4, unsigned long a5, struct trap_frame *tf);
long sys_brk(unsigned long addr, unsigned long a1, unsigned long a2, unsigned long a3,
	     unsigned long a4, unsigned long a5, struct trap_frame *tf);
long sys_sysinfo(unsigned long info, unsigned long a1, unsigned long a2, unsigned long a3,
		 unsigned long a4, unsigned long a5, struct trap_frame *tf);

#endif
