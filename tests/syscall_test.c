/*
 * tests/syscall_test.c - the system call table's edges: unimplemented calls are counted,
 * and arch_prctl refuses every base outside user space.
 *
 * The user side of each new call (musl's start-up, stdio, malloc, their errors) is
 * user/utest_musl.c; these are the checks only the kernel can make: the per-number
 * -ENOSYS counters (kernel/syscalls.c), and that a refused GS base never reaches
 * MSR_KERNEL_GS_BASE, whose sign the paranoid entry of NMI, #DF and #MC trusts
 * (arch/x86_64/entry.S, arch/x86_64/arch_prctl.c).
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/syscall.h"
#include "arch/x86_64/x86.h"
#include "kernel/errno.h"
#include "kernel/syscall_table.h"
#include "kernel/uapi/prctl.h"
#include "sched/process.h"
#include "sched/sched.h"
#include "tests/ktest.h"
#include "tests/mm_test_util.h"
#include "tests/sched_test_util.h"
#include "tests/user_mode_util.h"

USER_PROG(enosys_calls);

#define ENOSYS_TEST_NR 400		    /* as in tests/user_mode_progs.S */
#define ENOSYS_TEST_HUGE_NR 0x10000000000ul /* beyond the table: the shared counter */
#define KERNEL_DIRECT_MAP 0xffff888000000000ul
#define NON_CANONICAL 0x0000800000000000ul

KTEST(syscall, unimplemented_calls_are_counted_per_number)
{
	unsigned long nr400 = syscall_enosys_count(ENOSYS_TEST_NR);
	unsigned long huge = syscall_enosys_count(ENOSYS_TEST_HUGE_NR);
	unsigned long write_calls = syscall_enosys_count(__NR_write);
	struct slab_baseline base;

	settle_lazy_mm();
	take_baseline(&base);
	KEXPECT_EQ(t, run_user_prog(enosys_calls), W_EXITCODE(0));
	KEXPECT_EQ(t, syscall_enosys_count(ENOSYS_TEST_NR) - nr400, 2ul);
	KEXPECT_EQ(t, syscall_enosys_count(ENOSYS_TEST_HUGE_NR) - huge, 1ul);
	KEXPECT_EQ(t, syscall_enosys_count(-1ul), syscall_enosys_count(ENOSYS_TEST_HUGE_NR));
	KEXPECT_EQ(t, syscall_enosys_count(__NR_write), write_calls); /* implemented: never */
	settle_lazy_mm();
	expect_baseline(t, &base);
}

/* Every base arch_prctl must refuse: the kernel half, the canonical hole, the last page
 * below it (SYSRET's guard, TASK_SIZE_MAX), all ones. */
static const unsigned long refused_bases[] = {
    KERNEL_DIRECT_MAP, 0xffffffff80000000ul, NON_CANONICAL, TASK_SIZE_MAX, ~0ul,
};

KTEST(syscall, arch_prctl_refuses_kernel_and_noncanonical_bases)
{
	u64 gs = rdmsr(MSR_GS_BASE), user_gs = rdmsr(MSR_KERNEL_GS_BASE);
	u64 fs = rdmsr(MSR_FS_BASE);
	struct user_segments saved = current->thread.segs;

	for (unsigned int i = 0; i < ARRAY_SIZE(refused_bases); i++) {
		KEXPECT_EQ(t, sys_arch_prctl(ARCH_SET_GS, refused_bases[i], 0, 0, 0, 0, NULL),
			   (long)-EPERM);
		KEXPECT_EQ(t, sys_arch_prctl(ARCH_SET_FS, refused_bases[i], 0, 0, 0, 0, NULL),
			   (long)-EPERM);
	}
	/* Nothing moved: the live per-CPU base (this_cpu() still works), the parked user
	 * base the paranoid entry would swap in, FS, and the task's saved copies. */
	KEXPECT_EQ(t, rdmsr(MSR_GS_BASE), gs);
	KEXPECT_EQ(t, (u64)(unsigned long)this_cpu(), gs);
	KEXPECT_EQ(t, rdmsr(MSR_KERNEL_GS_BASE), user_gs);
	KEXPECT_EQ(t, rdmsr(MSR_FS_BASE), fs);
	KEXPECT_EQ(t, current->thread.segs.gsbase, saved.gsbase);
	KEXPECT_EQ(t, current->thread.segs.fsbase, saved.fsbase);
}

KTEST(syscall, arch_prctl_unknown_code_and_bad_pointer)
{
	KEXPECT_EQ(t, sys_arch_prctl(0x1000, 0, 0, 0, 0, 0, NULL), (long)-EINVAL);
	KEXPECT_EQ(t, sys_arch_prctl(ARCH_GET_FS + 0x10, 0, 0, 0, 0, 0, NULL), (long)-EINVAL);
	/* A kernel pointer for the answer: copy_to_user refuses it. */
	KEXPECT_EQ(t, sys_arch_prctl(ARCH_GET_GS, KERNEL_DIRECT_MAP, 0, 0, 0, 0, NULL),
		   (long)-EFAULT);
}

/* The highest base allowed is accepted, and lands in the task and in the MSR. */
KTEST(syscall, arch_prctl_accepts_the_last_user_page)
{
	u64 user_gs = rdmsr(MSR_KERNEL_GS_BASE);
	struct user_segments saved = current->thread.segs;
	unsigned long top = TASK_SIZE_MAX - 1;

	KEXPECT_EQ(t, sys_arch_prctl(ARCH_SET_GS, top, 0, 0, 0, 0, NULL), 0l);
	KEXPECT_EQ(t, rdmsr(MSR_KERNEL_GS_BASE), (u64)top);
	KEXPECT_EQ(t, current->thread.segs.gsbase, (u64)top);
	KEXPECT_NE(t, rdmsr(MSR_GS_BASE), (u64)top); /* the kernel's own is untouched */
	/* Put back what this kernel thread had: it runs no user code. */
	KEXPECT_EQ(t, sys_arch_prctl(ARCH_SET_GS, saved.gsbase, 0, 0, 0, 0, NULL), 0l);
	current->thread.segs = saved;
	wrmsr(MSR_KERNEL_GS_BASE, user_gs);
}
