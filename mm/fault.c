/*
 * mm/fault.c - resolving a page fault on a user address: the part of fault handling
 * that knows nothing of the CPU.
 *
 * The architecture's #PF handler (arch/x86_64/fault.c) reads the address and decodes
 * the error code; when mapping a page could make the access work, it calls
 * resolve_user_fault() with what the access was (FAULT_FLAG_*). Here we take mmap_lock
 * and let handle_mm_fault (mm/mmap.c) do demand paging or copy-on-write, and when the
 * frames run out, the OOM killer (mm/oom_kill.c) picks a victim. Linux's
 * do_user_addr_fault keeps this part in arch/x86/mm/fault.c too; sublet pulls it out so
 * the x86 file holds only what is x86's.
 */
#include "arch/x86_64/cpu.h"
#include "kernel/errno.h"
#include "mm/mm_struct.h"
#include "mm/oom.h"
#include "sched/sched.h"

bool resolve_user_fault(unsigned long addr, unsigned int flags)
{
	bool write = flags & FAULT_FLAG_WRITE, exec = flags & FAULT_FLAG_INSTRUCTION;
	bool may_sleep = !(flags & FAULT_FLAG_ATOMIC);
	struct mm_struct *mm = current->mm;
	int err;

	/*
	 * mmap_lock may sleep, which needs interrupts on. A fault taken with them off (a
	 * user copy in an interrupts-off section) only resolves if the lock is free now.
	 */
	if (may_sleep) {
		local_irq_enable();
		mmap_read_lock(mm);
	} else if (!mmap_read_trylock(mm)) {
		return false;
	}
	err = handle_mm_fault(mm, addr, write, exec);
	mmap_read_unlock(mm);
	/* Out of frames: kill for some. That may sleep, and runs without mmap_lock (the
	 * victim may be a thread of ours, whose exit needs it). */
	if (err == -ENOMEM && may_sleep)
		err = pagefault_out_of_memory(mm, addr, write, exec);
	local_irq_disable();
	/* -EINTR: the OOM killer chose us; back in user space we die of SIGKILL. */
	return err == 0 || (err == -EINTR && (flags & FAULT_FLAG_USER));
}
