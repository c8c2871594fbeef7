/*
 * mm/mmap_syscalls.c - mmap, munmap, brk, mprotect and madvise: anonymous memory for
 * user programs.
 *
 * mmap, munmap and brk only change VMAs; pages arrive on first touch (handle_mm_fault
 * in mm/mmap.c, called from the page-fault handler), zeroed. mprotect also rewrites the
 * pages already there, madvise(MADV_DONTNEED) drops them. Each holds the process's
 * mmap_lock for writing from its first look at the address space to its last change, so
 * what it checked still holds when it acts, whatever the process's other threads do.
 */
#include "kernel/errno.h"
#include "kernel/syscall_table.h"
#include "kernel/uapi/mman.h"
#include "mm/mm_struct.h"
#include "sched/process.h"

static unsigned long prot_to_vm_flags(unsigned long prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}

/*
 * Where a mapping without MAP_FIXED goes: at the hint if it is page-aligned, not below
 * MMAP_MIN_ADDR and free (as Linux), else the highest free range below mmap_base.
 * mmap_lock held for writing.
 */
static unsigned long pick_mmap_address(struct mm_struct *mm, unsigned long hint, unsigned long len)
{
	if (hint && IS_ALIGNED(hint, PAGE_SIZE) && hint >= MMAP_MIN_ADDR && hint + len > hint &&
	    hint + len <= USER_MMAP_TOP && mm_range_is_free(mm, hint, hint + len))
		return hint;
	return get_unmapped_area(mm, len);
}

/* mmap(MAP_FIXED): replace whatever is at [addr, addr + len). */
static int check_fixed_address(unsigned long addr, unsigned long len)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE) || addr + len > TASK_SIZE || addr + len < addr)
		return -EINVAL;
	if (addr < MMAP_MIN_ADDR)
		return -EPERM; /* as Linux: below vm.mmap_min_addr */
	return 0;
}

long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags,
	      unsigned long fd, unsigned long off, struct trap_frame *tf)
{
	struct mm_struct *mm = current->mm;
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
		err = check_fixed_address(addr, len);
		if (err)
			return err;
	}
	mmap_write_lock(mm);
	if (flags & MAP_FIXED) {
		err = do_munmap(mm, addr, len);
	} else {
		addr = pick_mmap_address(mm, addr, len);
		err = addr ? 0 : -ENOMEM;
	}
	if (!err)
		err = do_add_vma(mm, addr, len, prot_to_vm_flags(prot));
	mmap_write_unlock(mm);
	return err ? err : (long)addr;
}

long sys_munmap(unsigned long addr, unsigned long len, unsigned long a2, unsigned long a3,
		unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	return mm_unmap_range(current->mm, addr, len);
}

/* Move the break of mm to addr; the new break, or the old one if it cannot move. */
static unsigned long mm_brk(struct mm_struct *mm, unsigned long addr)
{
	unsigned long old_end = ALIGN_UP(mm->brk, PAGE_SIZE);
	unsigned long new_end = ALIGN_UP(addr, PAGE_SIZE);
	int err = 0;

	if (addr < mm->brk_start || addr >= USER_MMAP_TOP)
		return mm->brk;
	if (new_end == old_end)
		err = 0;
	else if (old_end == mm->brk_start) /* no heap VMA yet */
		err = do_add_vma(mm, old_end, new_end - old_end, VM_READ | VM_WRITE);
	else if (new_end == mm->brk_start) /* shrinking to nothing */
		err = do_munmap(mm, new_end, old_end - new_end);
	else
		err = do_resize_vma(mm, old_end, new_end);
	if (!err)
		mm->brk = addr;
	return mm->brk;
}

/* brk: Linux's semantics: returns the new break, or the old one if it cannot move. */
long sys_brk(unsigned long addr, unsigned long a1, unsigned long a2, unsigned long a3,
	     unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	struct mm_struct *mm = current->mm;
	unsigned long brk;

	mmap_write_lock(mm);
	brk = mm_brk(mm, addr);
	mmap_write_unlock(mm);
	return (long)brk;
}

/*
 * mprotect: Linux's argument rules (start page-aligned, len rounded up, 0 is a no-op,
 * a range that wraps or leaves user space -ENOMEM, a hole -ENOMEM) and sublet's W^X rule
 * for user memory, as mmap and the ELF loader have it: write and execute together are
 * refused (-EINVAL).
 */
long sys_mprotect(unsigned long start, unsigned long len, unsigned long prot, unsigned long a3,
		  unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	struct mm_struct *mm = current->mm;
	unsigned long end;
	int err;

	if (!IS_ALIGNED(start, PAGE_SIZE) ||
	    (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
		return -EINVAL;
	if (!len)
		return 0;
	end = start + ALIGN_UP(len, PAGE_SIZE);
	if (len > TASK_SIZE || end <= start || end > TASK_SIZE)
		return -ENOMEM;
	mmap_write_lock(mm);
	err = do_mprotect(mm, start, end, prot_to_vm_flags(prot));
	mmap_write_unlock(mm);
	return err;
}

/*
 * The advice madvise accepts and does nothing for: hints Linux is also free to ignore
 * (access patterns, huge pages, merging, core dumps, reclaim), and MADV_FREE, whose
 * pages may keep their contents or read back zero: keeping them is one of the two.
 * Advice that changes what a program sees (MADV_DONTFORK, MADV_WIPEONFORK) is refused
 * with -EINVAL, as a Linux kernel built without the feature refuses it.
 */
static bool madvise_hint(unsigned long advice)
{
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_WILLNEED:
	case MADV_FREE:
	case MADV_DOFORK:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
	case MADV_KEEPONFORK:
	case MADV_COLD:
	case MADV_PAGEOUT:
		return true;
	default:
		return false;
	}
}

/* madvise: MADV_DONTNEED drops the pages (they read back zero); the hints above are
 * accepted; Linux's argument errors (-EINVAL) and -ENOMEM for a hole. */
long sys_madvise(unsigned long start, unsigned long len, unsigned long advice, unsigned long a3,
		 unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	struct mm_struct *mm = current->mm;
	unsigned long end;
	int err = 0;

	if (!IS_ALIGNED(start, PAGE_SIZE) || (advice != MADV_DONTNEED && !madvise_hint(advice)))
		return -EINVAL;
	end = start + ALIGN_UP(len, PAGE_SIZE);
	if (ALIGN_UP(len, PAGE_SIZE) < len || end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	if (end > TASK_SIZE)
		return -ENOMEM;
	mmap_write_lock(mm);
	if (advice == MADV_DONTNEED)
		err = do_madvise_dontneed(mm, start, end);
	else if (!mm_range_is_mapped(mm, start, end))
		err = -ENOMEM;
	mmap_write_unlock(mm);
	return err;
}
