/*
 * kernel/uapi/futex.h - futex()'s operations and flags, shared by the kernel and user
 * programs.
 *
 * Linux's values (its include/uapi/linux/futex.h), the ones sublet knows. Only
 * #defines, for kernel/futex.c; user programs take the same values from their C
 * library's <linux/futex.h> (musl keeps its own copy inside).
 */
#ifndef KERNEL_UAPI_FUTEX_H
#define KERNEL_UAPI_FUTEX_H

#define FUTEX_WAIT 0	       /* sleep if *uaddr == val (timeout: relative timespec) */
#define FUTEX_WAKE 1	       /* wake up to val waiters */
#define FUTEX_REQUEUE 3	       /* wake val, move up to val2 others to uaddr2 */
#define FUTEX_CMD_MASK 0x7f    /* the operation, without the flags below */
#define FUTEX_PRIVATE_FLAG 128 /* only this process's threads use the word */
#define FUTEX_CLOCK_REALTIME 256

/* The operations Linux has and sublet does not (-ENOSYS, counted): FUTEX_FD 2 (gone from
 * Linux too), FUTEX_CMP_REQUEUE 4, FUTEX_WAKE_OP 5, the priority-inheritance ones 6-8 and
 * 11-12, FUTEX_WAIT_BITSET 9, FUTEX_WAKE_BITSET 10, FUTEX_LOCK_PI2 13. */
#define FUTEX_NR_OPS 14

#endif
