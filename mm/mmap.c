/*
 * mm/mmap.c - user mappings (VMAs) of an address space, and tearing them down.
 *
 * For now mappings are populated when they are made (every page allocated and mapped
 * at once): the scheduler issue's "real" tasks run in kernel mode and touch their user
 * half directly. The user-space issue adds demand paging and copy-on-write on top.
 */
#include "arch/x86_64/page.h"
#include "arch/x86_64/tlbflush.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/string.h"
#include "mm/mm_struct.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"

static pgprot_t vm_flags_to_prot(unsigned long vm_flags)
{
	pgprot_t prot = _PAGE_PRESENT | _PAGE_USER;

	if (vm_flags & VM_WRITE)
		prot |= _PAGE_RW;
	if (!(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	return prot;
}

bool mm_range_is_free(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap, vm_list) {
		if (start < vma->vm_end && vma->vm_start < end)
			return false;
	}
	return true;
}

static void insert_vma_sorted(struct mm_struct *mm, struct vm_area_struct *new)
{
	struct list_head *pos;

	list_for_each(pos, &mm->mmap) {
		if (list_entry(pos, struct vm_area_struct, vm_list)->vm_start > new->vm_start)
			break;
	}
	list_add_tail(&new->vm_list, pos);
}

/* Unmap [start, end) of mm and free the frames (their last reference). */
static void zap_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		phys_addr_t pa = unmap_page(mm, va);

		if (pa) {
			put_page(pfn_to_page(PFN_DOWN(pa)));
			mm->nr_pages--;
		}
	}
}

static int populate_range(struct mm_struct *mm, unsigned long start, unsigned long end,
			  pgprot_t prot)
{
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
		int err;

		if (!page)
			return -ENOMEM;
		err = map_page(mm, va, page_to_phys(page), prot);
		if (err) {
			__free_pages(page, 0);
			return err;
		}
		mm->nr_pages++;
	}
	return 0;
}

int mm_map_anon(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long vm_flags)
{
	unsigned long end = addr + len;
	struct vm_area_struct *vma;
	unsigned long flags;
	int err;

	if (!len || !IS_ALIGNED(addr, PAGE_SIZE) || !IS_ALIGNED(len, PAGE_SIZE) ||
	    end > TASK_SIZE || end < addr)
		return -EINVAL;
	vma = kzalloc(sizeof(*vma), GFP_KERNEL);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = end;
	vma->vm_flags = vm_flags;
	vma->vm_mm = mm;

	flags = spin_lock_irqsave(&mm->page_table_lock);
	if (!mm_range_is_free(mm, addr, end)) {
		spin_unlock_irqrestore(&mm->page_table_lock, flags);
		kfree(vma);
		return -EINVAL;
	}
	insert_vma_sorted(mm, vma);
	spin_unlock_irqrestore(&mm->page_table_lock, flags);

	err = populate_range(mm, addr, end, vm_flags_to_prot(vm_flags));
	if (err)
		zap_range(mm, addr, end); /* the VMA stays, empty: exit_mmap removes it */
	return err;
}

void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *next;

	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list) {
		zap_range(mm, vma->vm_start, vma->vm_end);
		list_del(&vma->vm_list);
		kfree(vma);
	}
	BUG_ON_MSG(mm->nr_pages, "exit_mmap(%s): %lu pages still mapped outside any VMA", mm->name,
		   mm->nr_pages);
	free_user_page_tables(mm);
	flush_tlb_mm(mm); /* a lazy CPU may still have this PML4 loaded: the zombie case */
}

/* ---- demand paging, copy-on-write, fork --------------------------------------------- */

int mm_add_vma(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long vm_flags)
{
	unsigned long end = addr + len;
	struct vm_area_struct *vma;
	unsigned long flags;

	if (!len || !IS_ALIGNED(addr, PAGE_SIZE) || !IS_ALIGNED(len, PAGE_SIZE) ||
	    end > TASK_SIZE || end < addr)
		return -EINVAL;
	vma = kzalloc(sizeof(*vma), GFP_KERNEL);
	if (!vma)
		return -ENOMEM;
	*vma = (struct vm_area_struct){
	    .vm_start = addr, .vm_end = end, .vm_flags = vm_flags, .vm_mm = mm};
	flags = spin_lock_irqsave(&mm->page_table_lock);
	if (!mm_range_is_free(mm, addr, end)) {
		spin_unlock_irqrestore(&mm->page_table_lock, flags);
		kfree(vma);
		return -EINVAL;
	}
	insert_vma_sorted(mm, vma);
	spin_unlock_irqrestore(&mm->page_table_lock, flags);
	return 0;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	list_for_each_entry(vma, &mm->mmap, vm_list) {
		if (addr >= vma->vm_start && addr < vma->vm_end)
			return vma;
	}
	return NULL;
}

/* Split vma at addr (inside it): vma keeps [start, addr), a new VMA gets [addr, end). */
static int split_vma(struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *tail = kzalloc(sizeof(*tail), GFP_KERNEL);

	if (!tail)
		return -ENOMEM;
	*tail = *vma;
	tail->vm_start = addr;
	vma->vm_end = addr;
	list_add(&tail->vm_list, &vma->vm_list);
	return 0;
}

/* Make addr a VMA boundary: split the VMA that straddles it, if any. */
static int split_at(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	if (!vma || vma->vm_start == addr)
		return 0;
	return split_vma(vma, addr);
}

int mm_unmap_range(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	unsigned long end;
	struct vm_area_struct *vma, *next;

	if (!IS_ALIGNED(addr, PAGE_SIZE) || !len || addr + len > TASK_SIZE || addr + len < addr)
		return -EINVAL;
	end = ALIGN_UP(addr + len, PAGE_SIZE);
	if (split_at(mm, addr) || split_at(mm, end))
		return -ENOMEM;
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list) {
		if (vma->vm_start >= addr && vma->vm_end <= end) {
			zap_range(mm, vma->vm_start, vma->vm_end);
			list_del(&vma->vm_list);
			kfree(vma);
		}
	}
	return 0;
}

int mm_resize_vma(struct mm_struct *mm, unsigned long old_end, unsigned long new_end)
{
	struct vm_area_struct *vma = find_vma(mm, old_end - 1);
	struct vm_area_struct *after;

	if (!vma || vma->vm_end != old_end || new_end <= vma->vm_start || new_end > TASK_SIZE)
		return -EINVAL;
	if (new_end < old_end) {
		zap_range(mm, new_end, old_end);
		vma->vm_end = new_end;
		return 0;
	}
	if (vma->vm_list.next != &mm->mmap) {
		after = list_entry(vma->vm_list.next, struct vm_area_struct, vm_list);
		if (after->vm_start < new_end)
			return -ENOMEM; /* would run into the next mapping */
	}
	vma->vm_end = new_end;
	return 0;
}

/* Give the faulting task its own copy of a copy-on-write page (or the page itself, if
 * no one else maps it any more). */
static int break_cow(struct mm_struct *mm, unsigned long va, phys_addr_t pa, pgprot_t prot)
{
	struct page *old = pfn_to_page(PFN_DOWN(pa));
	struct page *copy;

	prot = (prot & ~_PAGE_COW) | _PAGE_RW;
	if (page_count(old) == 1)
		return protect_page(mm, va, prot);
	copy = alloc_page(GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	memcpy(page_address(copy), page_address(old), PAGE_SIZE);
	unmap_page(mm, va);
	if (map_page(mm, va, page_to_phys(copy), prot)) {
		__free_pages(copy, 0);
		return -ENOMEM;
	}
	put_page(old);
	return 0;
}

int handle_mm_fault(struct mm_struct *mm, unsigned long addr, bool write, bool exec)
{
	unsigned long va = ALIGN_DOWN(addr, PAGE_SIZE);
	struct vm_area_struct *vma = find_vma(mm, addr);
	phys_addr_t pa;
	u64 flags;
	int err;

	if (!vma || (write && !(vma->vm_flags & VM_WRITE)) || (exec && !(vma->vm_flags & VM_EXEC)))
		return -EFAULT;
	if (translate(mm, va, &pa, &flags)) {
		if (write && (flags & _PAGE_COW))
			return break_cow(mm, va, pa, flags & PTE_FLAGS_MASK);
		if ((write && !(flags & _PAGE_RW)) || (exec && (flags & _PAGE_NX)))
			return -EFAULT; /* retrying could never succeed */
		return 0;		/* already fixed (a stale TLB entry, or another thread) */
	}
	err = populate_range(mm, va, va + PAGE_SIZE, vm_flags_to_prot(vma->vm_flags));
	return err;
}

/* Share [vma] copy-on-write between old and new: both map the page read-only. */
static int share_vma_cow(struct mm_struct *old, struct mm_struct *new,
			 const struct vm_area_struct *vma)
{
	for (unsigned long va = vma->vm_start; va < vma->vm_end; va += PAGE_SIZE) {
		pgprot_t prot;
		phys_addr_t pa;
		u64 flags;

		if (!translate(old, va, &pa, &flags))
			continue;
		prot = flags & PTE_FLAGS_MASK & ~(_PAGE_ACCESSED | _PAGE_DIRTY);
		if (prot & (_PAGE_RW | _PAGE_COW)) {
			prot = (prot & ~_PAGE_RW) | _PAGE_COW;
			protect_page(old, va, prot);
		}
		if (map_page(new, va, pa, prot))
			return -ENOMEM;
		get_page(pfn_to_page(PFN_DOWN(pa)));
		new->nr_pages++;
	}
	return 0;
}

struct mm_struct *dup_mm(struct mm_struct *oldmm, const char *name)
{
	struct mm_struct *mm = mm_alloc(name);
	struct vm_area_struct *vma;

	if (!mm)
		return NULL;
	list_for_each_entry(vma, &oldmm->mmap, vm_list) {
		if (mm_add_vma(mm, vma->vm_start, vma->vm_end - vma->vm_start, vma->vm_flags) ||
		    share_vma_cow(oldmm, mm, vma))
			goto err_put;
	}
	flush_tlb_mm(oldmm); /* the parent's pages just became read-only */
	return mm;

err_put:
	mmput(mm);
	return NULL;
}
