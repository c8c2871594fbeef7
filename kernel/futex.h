/*
 * kernel/futex.h - fast user-space mutexes: the kernel half (kernel/futex.c).
 *
 * A futex is a 32-bit word in user memory. User space does the uncontended work with
 * atomic instructions alone and calls futex() only to sleep while the word holds a
 * value (FUTEX_WAIT) or to wake sleepers after changing it (FUTEX_WAKE). musl's
 * mutexes, condition variables, pthread_join and semaphores are built on it.
 */
#ifndef KERNEL_FUTEX_H
#define KERNEL_FUTEX_H

#include "arch/x86_64/uaccess.h"
#include "kernel/syscall_table.h"
#include "kernel/types.h"

struct mm_struct;

/*
 * What identifies a futex, so that a waker finds the waiters of the same word. Private
 * (FUTEX_PRIVATE_FLAG): the address space and the address. Shared: the same today, with
 * shared set, as Linux keys a shared futex on private anonymous memory: every mapping
 * sublet has is private, so only the threads of one process (and a kernel waker, such
 * as CLONE_CHILD_CLEARTID's) can share a word. Once MAP_SHARED exists a shared futex on
 * it must be keyed by the backing page and its offset, so that processes that fork
 * shared the mapping with (at any address) meet. Private and shared keys of one word
 * are different futexes, as in Linux.
 */
struct futex_key {
	struct mm_struct *mm;
	unsigned long address;
	bool shared;
};

/* The hash buckets, empty: at boot, before any user task runs (kernel/main.c). */
void futex_init(void);

/* Wake up to nr (at least one, as Linux) waiters of the word at uaddr; how many were
 * woken, or -errno (-EINVAL misaligned, -EFAULT outside user space). Used by the
 * syscall and by do_exit for CLONE_CHILD_CLEARTID. */
long futex_wake(u32 __user *uaddr, bool shared, int nr);

/* How many futex() calls with operation op (the command, 0..FUTEX_NR_OPS - 1; any
 * larger one counts in the last slot) got -ENOSYS since boot. */
unsigned long futex_enosys_count(unsigned int op);

/* For tests (tests/futex_test.c): the key of uaddr in the current task's mm, 0 or
 * -errno, and the bucket a key hashes to. */
int get_futex_key(u32 __user *uaddr, bool shared, struct futex_key *key);
unsigned int futex_hash_index(const struct futex_key *key);
#define FUTEX_HASH_BITS 6
#define FUTEX_HASH_SIZE (1u << FUTEX_HASH_BITS)

SYSCALL_DECLARE(sys_futex);

#endif
