/*
 * mm/mmap_syscalls.c - mmap, munmap and brk: anonymous memory for user programs.
 *
 * All three only change VMAs; pages arrive on first touch (handle_mm_fault in
 * mm/mmap.c, called from the page-fault handler), zeroed.
 */
#include "kernel/errno.h"
#include "kernel/syscall_table.h"
#include "mm/mm_struct.h"
#include "sched/process.h"

#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20

static unsigned long prot_to_vm_flags(unsigned long prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

/* Find room for len bytes below the process's mmap base, top-down. */
static unsigned long pick_mmap_address(struct task_struct *tsk, unsigned long len)
{
	unsigned long addr = tsk->mmap_base;

	while (addr >= len + PAGE_SIZE) {
		addr -= len;
		if (mm_range_is_free(tsk->mm, addr, addr + len)) {
			tsk->mmap_base = addr;
			return addr;
		}
	}
	return 0;
}

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off, struct trap_frame *tf)
{
	struct task_struct *tsk = current;
	int err;

	if (!len || (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (len > TASK_SIZE)
		return -ENOMEM; /* as Linux: it cannot fit, however valid it looks */
	if (!(flags & MAP_ANONYMOUS) || !(flags & MAP_PRIVATE) || off)
		return -EINVAL; /* only private anonymous memory: there are no files */
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EINVAL; /* W^X for user memory too */
	len = ALIGN_UP(len, PAGE_SIZE);
	if (flags & MAP_FIXED) {
		if (!IS_ALIGNED(addr, PAGE_SIZE) || addr < PAGE_SIZE || addr + len > TASK_SIZE ||
		    addr + len < addr)
			return -EINVAL;
		err = mm_unmap_range(tsk->mm, addr, len);
	} else {
		addr = pick_mmap_address(tsk, len);
		err = addr ? 0 : -ENOMEM;
	}
	if (!err)
		err = mm_add_vma(tsk->mm, addr, len, prot_to_vm_flags(prot));
	return err ? err : (long)addr;
}

long sys_munmap(unsigned long addr, unsigned long len, unsigned long a2, unsigned long a3,
		unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	return mm_unmap_range(current->mm, addr, len);
}

/* brk: Linux's semantics: returns the new break, or the old one if it cannot move. */
long sys_brk(unsigned long addr, unsigned long a1, unsigned long a2, unsigned long a3,
	     unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	struct task_struct *tsk = current;
	unsigned long old_end = ALIGN_UP(tsk->brk, PAGE_SIZE);
	unsigned long new_end = ALIGN_UP(addr, PAGE_SIZE);
	int err = 0;

	if (addr < tsk->brk_start || addr >= USER_MMAP_TOP)
		return (long)tsk->brk;
	if (new_end == old_end) {
		tsk->brk = addr;
		return (long)addr;
	}
	if (old_end == tsk->brk_start) /* no heap VMA yet */
		err = mm_add_vma(tsk->mm, old_end, new_end - old_end, VM_READ | VM_WRITE);
	else if (new_end == tsk->brk_start) /* shrinking to nothing */
		err = mm_unmap_range(tsk->mm, new_end, old_end - new_end);
	else
		err = mm_resize_vma(tsk->mm, old_end, new_end);
	if (err)
		return (long)tsk->brk;
	tsk->brk = addr;
	return (long)addr;
}
