/*
 * kernel/uapi/unistd.h - syscall numbers, shared by the kernel and user programs.
 *
 * Linux x86-64's numbers (arch/x86/entry/syscalls/syscall_64.tbl in Linux), so the table
 * is familiar and the user programs also run on a Linux host. Only #defines: the kernel's
 * syscall table (kernel/syscall_table.h) and the user runtime (user/lib/syscall.h) both
 * include this file.
 */
#ifndef KERNEL_UAPI_UNISTD_H
#define KERNEL_UAPI_UNISTD_H

#define __NR_write 1
#define __NR_mmap 9
#define __NR_munmap 11
#define __NR_brk 12
#define __NR_sched_yield 24
#define __NR_nanosleep 35
#define __NR_getpid 39
#define __NR_clone 56
#define __NR_fork 57
#define __NR_execve 59
#define __NR_exit 60
#define __NR_wait4 61
#define __NR_sysinfo 99
#define __NR_getppid 110
#define __NR_gettid 186
#define __NR_exit_group 231

#endif
