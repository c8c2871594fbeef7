/*
 * mm/mmap.c - user mappings (VMAs) of an address space: adding, finding, removing them,
 * finding free room, faulting pages in, copying an address space for fork, tearing it down.
 *
 * Locking (mm/mm_types.h; docs/memory-virtual.md, "The address-space lock"): functions
 * named do_* and find_vma, get_unmapped_area, handle_mm_fault expect the caller to hold
 * mm->mmap_lock (for writing, except the fault and the lookups, which need it for reading
 * at least); the mm_* entry points take it themselves. Every range operation walks only
 * the page tables that exist (walk_page_range), so its cost follows the pages mapped, not
 * the size of the range (docs/memory-virtual.md, "Walking only what exists").
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
#include "sched/sched.h"

#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)
#define SPURIOUS_FAULT_MARK 1ul /* in current->spurious_fault_page: pages are aligned */

static pgprot_t vm_flags_to_prot(unsigned long vm_flags)
{
	pgprot_t prot = _PAGE_PRESENT | _PAGE_USER;

	if (vm_flags & VM_WRITE)
		prot |= _PAGE_RW;
	if (!(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	return prot;
}

static bool bad_user_range(unsigned long addr, unsigned long len)
{
	return !len || !IS_ALIGNED(addr, PAGE_SIZE) || !IS_ALIGNED(len, PAGE_SIZE) ||
	       addr + len > TASK_SIZE || addr + len < addr;
}

bool mm_range_is_free(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
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

/* ---- removing pages ------------------------------------------------------------------ */

/* pte_entry of a zap: unmap the page and drop the mapping's reference to its frame. */
static int zap_pte(struct mm_struct *mm, unsigned long va, pte_t *pte, void *data)
{
	phys_addr_t pa = clear_pte_flush(mm, va, pte);

	put_page(pfn_to_page(PFN_DOWN(pa)));
	mm->nr_pages--;
	return 0;
}

static const struct mm_walk_ops zap_ops = {.pte_entry = zap_pte, .free_empty_tables = true};

/* Unmap [start, end) of mm, free the frames (their last reference) and the page tables
 * left empty. mmap_lock held for writing. */
static void zap_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	walk_page_range(mm, start, end, &zap_ops, NULL);
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

/* ---- adding and finding VMAs ----------------------------------------------------------- */

int do_add_vma(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long vm_flags)
{
	struct vm_area_struct *vma;

	mmap_assert_write_locked(mm);
	if (bad_user_range(addr, len))
		return -EINVAL;
	if (!mm_range_is_free(mm, addr, addr + len))
		return -EINVAL;
	vma = kzalloc(sizeof(*vma), GFP_KERNEL);
	if (!vma)
		return -ENOMEM;
	*vma = (struct vm_area_struct){
	    .vm_start = addr, .vm_end = addr + len, .vm_flags = vm_flags, .vm_mm = mm};
	insert_vma_sorted(mm, vma);
	return 0;
}

int mm_add_vma(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long vm_flags)
{
	int err;

	mmap_write_lock(mm);
	err = do_add_vma(mm, addr, len, vm_flags);
	mmap_write_unlock(mm);
	return err;
}

int mm_map_anon(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long vm_flags)
{
	int err;

	mmap_write_lock(mm);
	err = do_add_vma(mm, addr, len, vm_flags);
	if (!err) {
		err = populate_range(mm, addr, addr + len, vm_flags_to_prot(vm_flags));
		if (err)
			zap_range(mm, addr,
				  addr + len); /* the VMA stays, empty: exit_mmap removes it */
	}
	mmap_write_unlock(mm);
	return err;
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	list_for_each_entry(vma, &mm->mmap, vm_list) {
		if (addr >= vma->vm_start && addr < vma->vm_end)
			return vma;
	}
	return NULL;
}

/*
 * get_unmapped_area - the highest free range of len bytes below mm->mmap_base and at or
 * above MMAP_MIN_ADDR, or 0. One pass over the VMAs from the top down: between two
 * neighbours is a gap; the first one (from the top) that is big enough wins. Each VMA is
 * looked at once (mm->vmas_visited), so a search costs the number of mappings, whatever
 * their sizes; holes that munmap left are found again.
 */
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len)
{
	unsigned long gap_end = mm->mmap_base;
	struct vm_area_struct *vma;

	mmap_assert_write_locked(mm);
	list_for_each_entry_reverse(vma, &mm->mmap, vm_list) {
		mm->vmas_visited++;
		if (vma->vm_start >= gap_end)
			continue; /* above the search window (the stack, say) */
		if (vma->vm_end <= gap_end && gap_end - vma->vm_end >= len)
			return gap_end - len; /* the gap [vm_end, gap_end) holds it */
		gap_end = vma->vm_start;
	}
	if (gap_end >= MMAP_MIN_ADDR && gap_end - MMAP_MIN_ADDR >= len)
		return gap_end - len;
	return 0;
}

/* ---- removing and resizing VMAs -------------------------------------------------------- */

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

int do_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	unsigned long end;
	struct vm_area_struct *vma, *next;

	mmap_assert_write_locked(mm);
	if (!IS_ALIGNED(addr, PAGE_SIZE) || !len || addr + len > TASK_SIZE || addr + len < addr)
		return -EINVAL;
	end = ALIGN_UP(addr + len, PAGE_SIZE);
	if (split_at(mm, addr) || split_at(mm, end))
		return -ENOMEM;
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list) {
		if (vma->vm_start >= end)
			break;
		if (vma->vm_start >= addr && vma->vm_end <= end) {
			zap_range(mm, vma->vm_start, vma->vm_end);
			list_del(&vma->vm_list);
			kfree(vma);
		}
	}
	return 0;
}

int mm_unmap_range(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	int err;

	mmap_write_lock(mm);
	err = do_munmap(mm, addr, len);
	mmap_write_unlock(mm);
	return err;
}

int do_resize_vma(struct mm_struct *mm, unsigned long old_end, unsigned long new_end)
{
	struct vm_area_struct *vma = find_vma(mm, old_end - 1);
	struct vm_area_struct *after;

	mmap_assert_write_locked(mm);
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

int mm_resize_vma(struct mm_struct *mm, unsigned long old_end, unsigned long new_end)
{
	int err;

	mmap_write_lock(mm);
	err = do_resize_vma(mm, old_end, new_end);
	mmap_write_unlock(mm);
	return err;
}

/* ---- changing protections (mprotect) and dropping pages (madvise) --------------------- */

/*
 * The PTE protection of a present page in a VMA with vm_flags: as a fresh fault would
 * map it, with two exceptions. A page that is not writable now may share its frame with
 * another process (fork shares read-only pages as they are, writable ones copy-on-write),
 * so it becomes writable only through the write fault (do_wp_page), which copies the
 * frame unless this mm is its last user: it is marked _PAGE_COW, read-only. And a page
 * of a VMA with no access at all loses _PAGE_USER, so that every ring-3 access faults
 * and handle_mm_fault refuses it (access_error).
 */
static pgprot_t mprotect_pte_prot(pte_t pte, unsigned long vm_flags)
{
	pgprot_t prot = vm_flags_to_prot(vm_flags);

	if ((pte & _PAGE_COW) || ((prot & _PAGE_RW) && !(pte & _PAGE_RW)))
		prot = (prot & ~_PAGE_RW) | _PAGE_COW;
	if (!(vm_flags & VM_ACCESS_FLAGS))
		prot &= ~_PAGE_USER;
	return prot;
}

/* pte_entry of mprotect: rewrite one present page's protection (protect_page flushes
 * its TLB entry). */
static int change_pte_prot(struct mm_struct *mm, unsigned long va, pte_t *pte, void *data)
{
	const unsigned long *vm_flags = data;

	return protect_page(mm, va, mprotect_pte_prot(*pte, *vm_flags));
}

static const struct mm_walk_ops change_prot_ops = {.pte_entry = change_pte_prot};

bool mm_range_is_mapped(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned long covered = start;

	list_for_each_entry(vma, &mm->mmap, vm_list) {
		if (vma->vm_end <= covered)
			continue;
		if (vma->vm_start > covered)
			return false;
		covered = vma->vm_end;
		if (covered >= end)
			return true;
	}
	return false;
}

int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long end,
		unsigned long vm_flags)
{
	struct vm_area_struct *vma;

	mmap_assert_write_locked(mm);
	if (!mm_range_is_mapped(mm, start, end))
		return -ENOMEM; /* as Linux: part of the range is not mapped */
	if (split_at(mm, start) || split_at(mm, end))
		return -ENOMEM;
	list_for_each_entry(vma, &mm->mmap, vm_list) {
		if (vma->vm_start >= end)
			break;
		if (vma->vm_end <= start)
			continue;
		vma->vm_flags = (vma->vm_flags & ~VM_ACCESS_FLAGS) | vm_flags;
	}
	return walk_page_range(mm, start, end, &change_prot_ops, &vm_flags);
}

int do_madvise_dontneed(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	mmap_assert_write_locked(mm);
	if (!mm_range_is_mapped(mm, start, end))
		return -ENOMEM;
	zap_range(mm, start, end);
	return 0;
}

/* ---- page faults ----------------------------------------------------------------------- */

/*
 * A first touch: a zeroed page. It is allocated before page_table_lock is taken (the lock
 * spins); under the lock the PTE is checked again, because another thread of the process,
 * faulting on the same page under its own read lock, may have installed one meanwhile.
 */
static int do_anonymous_page(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long va)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	unsigned long irq;
	int err = 0;

	if (!page)
		return -ENOMEM;
	irq = spin_lock_irqsave(&mm->page_table_lock);
	if (!translate(mm, va, NULL, NULL)) {
		err = map_page(mm, va, page_to_phys(page), vm_flags_to_prot(vma->vm_flags));
		if (!err) {
			mm->nr_pages++;
			page = NULL;
		}
	}
	spin_unlock_irqrestore(&mm->page_table_lock, irq);
	if (page)
		__free_pages(page, 0); /* raced (another thread mapped it) or failed */
	return err;
}

/*
 * A write to a copy-on-write page: give the faulting process its own copy, or the page
 * itself if nobody else maps it any more. Everything is decided under page_table_lock,
 * looking at the PTE again (another thread may have broken it already). A copy is
 * needed only while someone else shares the page; it is allocated with the lock dropped
 * (the lock spins) and the check made again.
 */
static int do_wp_page(struct mm_struct *mm, unsigned long va)
{
	struct page *copy = NULL, *old;
	unsigned long irq;
	phys_addr_t pa;
	pgprot_t prot;
	u64 flags;

	for (;;) {
		irq = spin_lock_irqsave(&mm->page_table_lock);
		if (!translate(mm, va, &pa, &flags) || !(flags & _PAGE_COW))
			break; /* fixed meanwhile: the access is retried */
		old = pfn_to_page(PFN_DOWN(pa));
		prot = ((flags & PTE_FLAGS_MASK) & ~_PAGE_COW) | _PAGE_RW;
		if (page_count(old) == 1) {
			protect_page(mm, va, prot); /* the last user: keep the page */
			break;
		}
		if (copy) {
			memcpy(page_address(copy), page_address(old), PAGE_SIZE);
			replace_page(mm, va, page_to_phys(copy), prot);
			put_page(old);
			copy = NULL;
			break;
		}
		spin_unlock_irqrestore(&mm->page_table_lock, irq);
		copy = alloc_page(GFP_KERNEL);
		if (!copy)
			return -ENOMEM;
	}
	spin_unlock_irqrestore(&mm->page_table_lock, irq);
	if (copy)
		__free_pages(copy, 0); /* not needed after all */
	return 0;
}

/*
 * May this access touch vma at all? As Linux: a PROT_NONE mapping allows nothing, a
 * write needs VM_WRITE and an instruction fetch VM_EXEC. A read needs only some access
 * right: on x86 every present user page is readable, so a write-only or execute-only
 * mapping is readable too (Linux's rule as well).
 */
static bool access_error(const struct vm_area_struct *vma, bool write, bool exec)
{
	if (!(vma->vm_flags & VM_ACCESS_FLAGS))
		return true;
	return (write && !(vma->vm_flags & VM_WRITE)) || (exec && !(vma->vm_flags & VM_EXEC));
}

/*
 * The page is present and allows the access, yet the CPU faulted. That is spurious if
 * the fault used a stale TLB entry (from before another thread installed the page or
 * made it writable): flushing the entry and retrying fixes it. But some faults on such a
 * page can never be fixed by paging: an implicit supervisor-mode access from ring 3
 * (QEMU's far return under SMAP: a user `lretq`), a protection-key or shadow-stack
 * fault. Retrying those would loop for ever, so a fault is retried once: the same page
 * faulting again straight after its retry gets -EFAULT (SIGSEGV), as in Linux.
 */
static int spurious_fault(struct mm_struct *mm, unsigned long va)
{
	unsigned long mark = va | SPURIOUS_FAULT_MARK;

	if (current->spurious_fault_page == mark) {
		current->spurious_fault_page = 0;
		return -EFAULT;
	}
	current->spurious_fault_page = mark;
	flush_tlb_page(mm, va);
	return 0;
}

/* Resolve the fault and forget any spurious one: it was not followed by a repeat. */
static int resolved(int err)
{
	current->spurious_fault_page = 0;
	return err;
}

int handle_mm_fault(struct mm_struct *mm, unsigned long addr, bool write, bool exec)
{
	unsigned long va = ALIGN_DOWN(addr, PAGE_SIZE);
	struct vm_area_struct *vma;
	phys_addr_t pa;
	u64 flags;

	mmap_assert_locked(mm);
	vma = find_vma(mm, addr);
	if (!vma || access_error(vma, write, exec))
		return resolved(-EFAULT);
	if (!translate(mm, va, &pa, &flags))
		return resolved(do_anonymous_page(mm, vma, va));
	if (write && (flags & _PAGE_COW))
		return resolved(do_wp_page(mm, va));
	if ((write && !(flags & _PAGE_RW)) || (exec && (flags & _PAGE_NX)))
		return resolved(-EFAULT); /* retrying could never succeed */
	return spurious_fault(mm, va);
}

/* ---- fork ------------------------------------------------------------------------------ */

/* pte_entry of fork: share the page with the child (data), both copy-on-write. */
static int share_pte_cow(struct mm_struct *old, unsigned long va, pte_t *pte, void *data)
{
	struct mm_struct *new = data;
	phys_addr_t pa = *pte & PTE_PFN_MASK;
	pgprot_t prot = *pte & PTE_FLAGS_MASK & ~(_PAGE_ACCESSED | _PAGE_DIRTY);

	if (prot & (_PAGE_RW | _PAGE_COW)) {
		prot = (prot & ~_PAGE_RW) | _PAGE_COW;
		protect_page(old, va, prot);
	}
	if (map_page(new, va, pa, prot))
		return -ENOMEM;
	get_page(pfn_to_page(PFN_DOWN(pa)));
	new->nr_pages++;
	return 0;
}

static const struct mm_walk_ops share_cow_ops = {.pte_entry = share_pte_cow};

/* Copy the VMAs and share the pages of oldmm into mm. Both locked for writing. */
static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	struct vm_area_struct *vma;

	mm->brk_start = oldmm->brk_start;
	mm->brk = oldmm->brk;
	mm->mmap_base = oldmm->mmap_base;
	list_for_each_entry(vma, &oldmm->mmap, vm_list) {
		if (do_add_vma(mm, vma->vm_start, vma->vm_end - vma->vm_start, vma->vm_flags) ||
		    walk_page_range(oldmm, vma->vm_start, vma->vm_end, &share_cow_ops, mm))
			return -ENOMEM;
	}
	return 0;
}

/*
 * oldmm is held for writing, as in Linux: its PTEs become read-only here, and a fault in
 * another thread of the parent must not break copy-on-write (or install a page) halfway
 * through the copy. The child's mm is new and private; its lock is taken for the rule.
 */
struct mm_struct *dup_mm(struct mm_struct *oldmm, const char *name)
{
	struct mm_struct *mm = mm_alloc(name);
	int err;

	if (!mm)
		return NULL;
	mmap_write_lock(oldmm);
	mmap_write_lock(mm);
	err = dup_mmap(mm, oldmm);
	flush_tlb_mm(oldmm); /* the parent's pages just became read-only */
	mmap_write_unlock(mm);
	mmap_write_unlock(oldmm);
	if (err) {
		mmput(mm);
		return NULL;
	}
	return mm;
}

/* ---- teardown -------------------------------------------------------------------------- */

/*
 * The last real user is gone (mm_users is 0), so nobody can hold or wait for mmap_lock:
 * it is taken without sleeping, for the rule and the assertions below it.
 */
void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *next;

	BUG_ON_MSG(!down_write_trylock(&mm->mmap_lock),
		   "exit_mmap(%s): mmap_lock is held, but the address space has no users left",
		   mm->name);
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list) {
		zap_range(mm, vma->vm_start, vma->vm_end);
		list_del(&vma->vm_list);
		kfree(vma);
	}
	BUG_ON_MSG(mm->nr_pages, "exit_mmap(%s): %lu pages still mapped outside any VMA", mm->name,
		   mm->nr_pages);
	free_user_page_tables(mm);
	flush_tlb_mm(mm); /* a lazy CPU may still have this PML4 loaded: the zombie case */
	mmap_write_unlock(mm);
}
