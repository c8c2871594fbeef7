/*
 * kernel/uapi/signal.h - signal numbers, shared by the kernel and user programs.
 *
 * Linux x86-64's numbers (its arch/x86/include/uapi/asm/signal.h), the ones sublet sends
 * or a wait status reports: every signal sublet sends is fatal (sched/signal.h). Only
 * #defines: the kernel's sched/signal.h and user/lib/syscall.h both include this file.
 */
#ifndef KERNEL_UAPI_SIGNAL_H
#define KERNEL_UAPI_SIGNAL_H

#define SIGILL 4
#define SIGTRAP 5
#define SIGABRT 6
#define SIGBUS 7
#define SIGFPE 8
#define SIGKILL 9
#define SIGSEGV 11
#define SIGCHLD 17

#endif
