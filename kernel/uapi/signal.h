/*
 * kernel/uapi/signal.h - signal numbers, shared by the kernel and user programs.
 *
 * Linux x86-64's numbers (its arch/x86/include/uapi/asm/signal.h), the ones sublet sends
 * or a wait status reports: every signal sublet sends is fatal (sched/signal.h), and what
 * rt_sigaction and rt_sigprocmask take (sched/sigaction.c). Only #defines.
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
#define SIGSTOP 19

#define _NSIG 64 /* signals 1.._NSIG; a sigset is one 64-bit word, bit sig - 1 */

/* rt_sigprocmask's how */
#define SIG_BLOCK 0
#define SIG_UNBLOCK 1
#define SIG_SETMASK 2

/* sa_handler's special values */
#define SIG_DFL 0ul
#define SIG_IGN 1ul

#endif
