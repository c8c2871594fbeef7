/*
 * kernel/uapi/unistd.h - syscall numbers, shared by the kernel and user programs.
 *
 * Linux x86-64's numbers (arch/x86/entry/syscalls/syscall_64.tbl in Linux), so the table
 * is familiar and the same programs run on sublet and on a Linux host. Only #defines,
 * for the kernel's syscall table (kernel/syscall_table.h); user programs take the same
 * numbers from their C library (musl's <sys/syscall.h>).
 */
#ifndef KERNEL_UAPI_UNISTD_H
#define KERNEL_UAPI_UNISTD_H

#define __NR_read 0
#define __NR_write 1
#define __NR_mmap 9
#define __NR_mprotect 10
#define __NR_munmap 11
#define __NR_brk 12
#define __NR_rt_sigaction 13
#define __NR_rt_sigprocmask 14
#define __NR_ioctl 16
#define __NR_readv 19
#define __NR_writev 20
#define __NR_sched_yield 24
#define __NR_madvise 28
#define __NR_nanosleep 35
#define __NR_getpid 39
#define __NR_clone 56
#define __NR_fork 57
#define __NR_execve 59
#define __NR_exit 60
#define __NR_wait4 61
#define __NR_uname 63
#define __NR_gettimeofday 96
#define __NR_sysinfo 99
#define __NR_getppid 110
#define __NR_arch_prctl 158
#define __NR_gettid 186
#define __NR_futex 202
#define __NR_set_tid_address 218
#define __NR_clock_gettime 228
#define __NR_exit_group 231

#endif
