/*
 * arch/x86_64/arch_prctl.c - arch_prctl(2): a task's FS and GS bases.
 *
 * A C library keeps its thread-local storage at the FS base (musl's start-up sets it
 * with ARCH_SET_FS before main). The bases are part of the task's user segment state
 * (segment.h), switched with it by context_switch.
 *
 * Every base must be a user address: below TASK_SIZE_MAX, which also rules out every
 * non-canonical one (-EPERM, as Linux). For GS this is what keeps the kernel sound: the
 * paranoid entry of NMI, #DF and #MC (entry.S) decides whether to swapgs from the sign
 * of MSR_GS_BASE, so a kernel-half user GS base would make it run on the user's GS.
 */
#include "arch/x86_64/segment.h"
#include "arch/x86_64/syscall.h"
#include "arch/x86_64/uaccess.h"
#include "arch/x86_64/x86.h"
#include "kernel/errno.h"
#include "kernel/syscall_table.h"
#include "kernel/uapi/prctl.h"
#include "sched/sched.h"

/* A base the task may set: a user address (canonical, not the kernel's half). */
static bool valid_user_base(unsigned long base)
{
	return base < TASK_SIZE_MAX;
}

/* The base now in force for the caller: its MSR (a non-null selector may have replaced
 * what arch_prctl set; preemption reloads the same value, so no lock is needed). */
static long get_base(u32 msr, unsigned long uaddr)
{
	u64 base = rdmsr(msr);

	return copy_to_user((void *)uaddr, &base, sizeof(base)) ? -EFAULT : 0;
}

long sys_arch_prctl(unsigned long code, unsigned long addr, unsigned long a2, unsigned long a3,
		    unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	struct user_segments *segs = &current->thread.segs;

	switch (code) {
	case ARCH_SET_FS:
		if (!valid_user_base(addr))
			return -EPERM;
		set_user_fs_base(segs, addr);
		return 0;
	case ARCH_SET_GS:
		if (!valid_user_base(addr))
			return -EPERM;
		set_user_gs_base(segs, addr);
		return 0;
	case ARCH_GET_FS:
		return get_base(MSR_FS_BASE, addr);
	case ARCH_GET_GS:
		return get_base(MSR_KERNEL_GS_BASE, addr); /* the user's, parked by swapgs */
	default:
		return -EINVAL;
	}
}
