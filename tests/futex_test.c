/*
 * tests/futex_test.c - the futex hash and keys (kernel/futex.c), seen from inside.
 *
 * The user side (waits, wakes, requeues, timeouts, errors, pthreads on top) is
 * user/utest_pthread.c. Checked here what user space cannot see: the hash spreads the
 * words of one page over the buckets and keeps private, shared and different mms'
 * keys of one address apart; get_futex_key's checks (alignment first, then user space,
 * then, for a shared key only, a mapping); the -ENOSYS operations are counted per
 * operation.
 */
#include "kernel/errno.h"
#include "kernel/futex.h"
#include "kernel/uapi/futex.h"
#include "mm/mm_struct.h"
#include "sched/sched.h"
#include "tests/ktest.h"
#include "tests/mm_test_util.h"
#include "tests/sched_test_util.h"

#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(u32))
#define KERNEL_DIRECT_MAP 0xffff888000000000ul
#define FUTEX_WAKE_OP 5
#define FUTEX_UNKNOWN_OP 99

/* The 1024 words of one page land in at least half the buckets: a hash that ignored
 * the low bits of the address (or the multiplication) would put them all in a few. */
KTEST(futex, hash_spreads_one_page_over_the_buckets)
{
	bool used[FUTEX_HASH_SIZE] = {false};
	struct futex_key key = {(struct mm_struct *)KERNEL_DIRECT_MAP, 0, false};
	unsigned int nr_used = 0;

	for (unsigned long i = 0; i < WORDS_PER_PAGE; i++) {
		unsigned int b;

		key.address = TEST_USER_BASE + i * sizeof(u32);
		b = futex_hash_index(&key);
		KASSERT_LT(t, b, FUTEX_HASH_SIZE);
		if (!used[b]) {
			used[b] = true;
			nr_used++;
		}
	}
	KEXPECT_GE(t, nr_used, FUTEX_HASH_SIZE / 2);
}

/* The same address in another mm, or as a shared key, is another futex: most such
 * pairs fall in different buckets (they could share one, and then the full key decides). */
KTEST(futex, keys_of_other_mms_and_kinds_hash_apart)
{
	struct futex_key a = {(struct mm_struct *)KERNEL_DIRECT_MAP, 0, false}, b;
	unsigned int other_mm = 0, other_kind = 0;

	for (unsigned long i = 0; i < WORDS_PER_PAGE; i++) {
		a.address = TEST_USER_BASE + i * sizeof(u32);
		b = a;
		b.mm = (struct mm_struct *)(KERNEL_DIRECT_MAP + PAGE_SIZE);
		other_mm += futex_hash_index(&a) != futex_hash_index(&b);
		b = a;
		b.shared = true;
		other_kind += futex_hash_index(&a) != futex_hash_index(&b);
		KEXPECT_EQ(t, futex_hash_index(&a), futex_hash_index(&a)); /* deterministic */
	}
	KEXPECT_GE(t, other_mm, WORDS_PER_PAGE / 2);
	KEXPECT_GE(t, other_kind, WORDS_PER_PAGE / 2);
}

/* In a test mm: alignment is checked first, user space next; a shared key needs a
 * mapping, a private one does not; the key is (mm, address, kind). */
KTEST(futex, get_futex_key_checks)
{
	struct mm_struct *mm = make_test_mm("futex_key");
	unsigned long unmapped = TEST_USER_BASE + TEST_USER_PAGES * PAGE_SIZE;
	struct futex_key key;

	KASSERT_NOT_NULL(t, mm);
	kthread_use_mm(mm);
	KEXPECT_EQ(t, get_futex_key((u32 __user *)(TEST_USER_BASE + 2), false, &key), -EINVAL);
	KEXPECT_EQ(t, get_futex_key((u32 __user *)(KERNEL_DIRECT_MAP + 2), true, &key), -EINVAL);
	KEXPECT_EQ(t, get_futex_key((u32 __user *)KERNEL_DIRECT_MAP, false, &key), -EFAULT);
	KEXPECT_EQ(t, get_futex_key((u32 __user *)unmapped, true, &key), -EFAULT);
	KEXPECT_EQ(t, get_futex_key((u32 __user *)unmapped, false, &key), 0);
	KEXPECT_EQ(t, get_futex_key((u32 __user *)TEST_USER_BASE, true, &key), 0);
	KEXPECT_PTR_EQ(t, key.mm, mm);
	KEXPECT_EQ(t, key.address, TEST_USER_BASE);
	KEXPECT_TRUE(t, key.shared);
	KEXPECT_EQ(t, futex_wake((u32 __user *)TEST_USER_BASE, true, 1), 0); /* nobody waits */
	kthread_unuse_mm(mm);
	mmput(mm);
}

/* Operations sublet lacks are -ENOSYS and counted, each on its own, larger ones in the
 * last slot; FUTEX_CLOCK_REALTIME with FUTEX_WAIT too (Linux: only WAIT_BITSET takes it). */
KTEST(futex, unimplemented_operations_are_counted)
{
	unsigned long wake_op = futex_enosys_count(FUTEX_WAKE_OP);
	unsigned long unknown = futex_enosys_count(FUTEX_UNKNOWN_OP);
	unsigned long wait = futex_enosys_count(FUTEX_WAIT);

	KEXPECT_EQ(t, sys_futex(0, FUTEX_WAKE_OP, 0, 0, 0, 0, NULL), -ENOSYS);
	KEXPECT_EQ(t, sys_futex(0, FUTEX_UNKNOWN_OP | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0, NULL),
		   -ENOSYS);
	KEXPECT_EQ(t, sys_futex(0, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 0, 0, 0, 0, NULL), -ENOSYS);
	KEXPECT_EQ(t, futex_enosys_count(FUTEX_WAKE_OP) - wake_op, 1ul);
	KEXPECT_EQ(t, futex_enosys_count(FUTEX_UNKNOWN_OP) - unknown, 1ul);
	KEXPECT_EQ(t, futex_enosys_count(FUTEX_NR_OPS + 1), futex_enosys_count(FUTEX_UNKNOWN_OP));
	KEXPECT_EQ(t, futex_enosys_count(FUTEX_WAIT) - wait, 1ul);
}
