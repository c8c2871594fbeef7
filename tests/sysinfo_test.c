/*
 * tests/sysinfo_test.c - sysinfo(2) (kernel/sys_sysinfo.c): its figures are the buddy
 * allocator's, it follows allocations page for page, and a bad pointer is -EFAULT.
 * The user side (the syscall from ring 3, Linux's layout) is in user/utest_mem.c.
 */
#include "kernel/errno.h"
#include "kernel/syscall_table.h"
#include "kernel/sysinfo.h"
#include "mm/page_alloc.h"
#include "sched/sched.h"
#include "tests/ktest.h"

#define SYSINFO_TEST_ORDER 4 /* 16 pages: a change too large to be noise */

KTEST(sysinfo, memory_is_the_buddy_allocators)
{
	struct sysinfo info;

	do_sysinfo(&info);
	KEXPECT_EQ(t, info.mem_unit, 1u);
	KEXPECT_EQ(t, info.totalram, totalram_pages() * PAGE_SIZE);
	KEXPECT_EQ(t, info.freeram, nr_free_pages() * PAGE_SIZE);
	KEXPECT_GT(t, info.totalram, 0ul);
	KEXPECT_LE(t, info.freeram, info.totalram);
	KEXPECT_EQ(t, info.totalswap, 0ul);
	KEXPECT_EQ(t, (unsigned long)info.procs, nr_tasks());
	KEXPECT_EQ(t, info.uptime, (long)(jiffies / HZ));
}

KTEST(sysinfo, freeram_follows_allocations)
{
	struct sysinfo before, during, after;
	struct page *page;

	do_sysinfo(&before);
	page = alloc_pages(GFP_KERNEL, SYSINFO_TEST_ORDER);
	KASSERT_NOT_NULL(t, page);
	do_sysinfo(&during);
	__free_pages(page, SYSINFO_TEST_ORDER);
	do_sysinfo(&after);
	KEXPECT_EQ(t, before.freeram - during.freeram, (PAGE_SIZE << SYSINFO_TEST_ORDER));
	KEXPECT_EQ(t, after.freeram, before.freeram);
	KEXPECT_EQ(t, during.totalram, before.totalram);
}

KTEST(sysinfo, kernel_pointer_is_efault)
{
	static struct sysinfo target; /* a kernel address: copy_to_user must refuse it */

	KEXPECT_EQ(t, sys_sysinfo((unsigned long)&target, 0, 0, 0, 0, 0, NULL), (long)-EFAULT);
	KEXPECT_EQ(t, sys_sysinfo(0, 0, 0, 0, 0, 0, NULL), (long)-EFAULT);
	KEXPECT_EQ(t, target.totalram, 0ul);
}
