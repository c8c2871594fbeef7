/*
 * user/utest_fault_retry.c - a page fault that paging cannot fix must not be retried for ever.
 *
 * The page-fault handler retries an access after it fixed the page (demand paging, a
 * copy-on-write break). A fault on a page that is present and allows the access looks
 * fixed already, but may be one that no page-table change can fix. Here: under QEMU
 * with SMAP (`-cpu max`, what make test boots), a ring-3 `lretq` or `iretq` reads its
 * frame from the user stack as a supervisor access (error code 1: present, read, not
 * user), which SMAP forbids every time. Before, the kernel retried it for ever and the
 * machine hung (issue 8, finding 6). Now a fault is retried once (a stale TLB entry
 * would be gone after the flush that comes with the retry); the same fault again is
 * SIGSEGV, as Linux. A CPU that does these pops as user accesses just returns: exit 42.
 */
#include "user/lib/utest.h"

UTEST_SUITE(utest_fault_retry);

#define USER_DS 0x23 /* the GDT's user data and 64-bit code selectors (RPL 3) */
#define USER_CS 0x2b
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define RFLAGS_IF 0x202
#define LANDED 42
#define FRAME_WORDS 8

/* Far-return and interrupt-return frames, in .bss: present, readable user pages. */
static unsigned long frame[FRAME_WORDS] __attribute__((aligned(16)));
static unsigned long landing_stack[512] __attribute__((aligned(16)));

static void landing(void)
{
	exit(LANDED);
}

static int far_return(void *arg)
{
	__asm__ volatile("mov %0, %%rsp; lretq" ::"r"(arg) : "memory");
	return 0;
}

static int interrupt_return(void *arg)
{
	__asm__ volatile("mov %0, %%rsp; iretq" ::"r"(arg) : "memory");
	return 0;
}

/* The child either lands (exit 42) or dies of SIGSEGV; before the fix it never ended. */
static void expect_lands_or_segv(int status)
{
	if (WIFSIGNALED(status))
		UEXPECT_SIGNALED(status, SIGSEGV);
	else
		UEXPECT_EXITED(status, LANDED);
}

static void set_iret_frame(unsigned long cs, unsigned long ss)
{
	frame[0] = (unsigned long)landing;
	frame[1] = cs;
	frame[2] = RFLAGS_IF;
	frame[3] = (unsigned long)&landing_stack[510]; /* 16-byte aligned minus 8, as a call */
	frame[4] = ss;
}

UTEST(lretq_from_ring3_never_loops)
{
	frame[0] = (unsigned long)landing;
	frame[1] = USER_CS;
	expect_lands_or_segv(utest_run_child(far_return, frame));
}

UTEST(iretq_from_ring3_never_loops)
{
	set_iret_frame(USER_CS, USER_DS);
	expect_lands_or_segv(utest_run_child(interrupt_return, frame));
}

UTEST(iretq_to_kernel_cs_is_sigsegv)
{
	set_iret_frame(KERNEL_CS, KERNEL_DS);
	UEXPECT_SIGNALED(utest_run_child(interrupt_return, frame), SIGSEGV);
}

UTEST(lretq_to_kernel_cs_is_sigsegv)
{
	frame[0] = (unsigned long)landing;
	frame[1] = KERNEL_CS;
	UEXPECT_SIGNALED(utest_run_child(far_return, frame), SIGSEGV);
}

UTEST(ordinary_faults_still_resolve_after_it)
{
	unsigned char *p =
	    mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	UASSERT_PTR_NE(p, MAP_FAILED);
	p[0] = 7; /* a demand-zero fault */
	UEXPECT_EQ(p[0], 7);
	UEXPECT_EQ(munmap(p, PAGE_SIZE), 0);
}
