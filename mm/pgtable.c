/*
 * mm/pgtable.c - mapping, unmapping and looking up 4 KiB pages in any mm's page tables.
 *
 * A virtual address picks one entry at each of four levels (PML4, PDPT, PD, PT: pgd, pud,
 * pmd, pte in Linux's names) with 9 bits each, at bits 39, 30, 21 and 12. Tables below the
 * PML4 are allocated on demand, zeroed, from the buddy allocator. Entries leading to a
 * table are permissive (_PAGE_TABLE in the user half, so user mappings work, and
 * _KERNPG_TABLE in the kernel half); the leaf decides what an access may do.
 *
 * The kernel half is shared: paging_init() gave every kernel PML4 slot its PDPT, and
 * every PML4 copies those 256 entries (pgd_alloc), so a kernel mapping made through
 * init_mm is visible in every address space at once, and no PML4 slot of the kernel half
 * is ever allocated or freed here. Kernel-half leaves are global and must be W^X.
 *
 * Locking: pgtable_lock serialises the allocation of tables and every single-page change
 * here (kernel-half ones through init_mm included). For a user mm the caller also holds
 * that mm's mmap_lock (mm/mm_types.h): for writing, or for reading plus page_table_lock
 * (a fault); only the buddy allocator's lock is taken inside pgtable_lock. translate()
 * reads without it, so it works anywhere, even in a fault taken inside a locked section;
 * that is safe because kernel-half tables are never freed and a user mm's tables are only
 * freed under its mmap_lock held for writing (walk_page_range, after munmap emptied them)
 * or when nothing walks them any more (free_user_page_tables, at exit).
 * See docs/memory-virtual.md, "Walking only what exists".
 */
#include "mm/pgtable.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/pgtable_types.h"
#include "arch/x86_64/tlbflush.h"
#include "kernel/errno.h"
#include "kernel/fault_inject.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "mm/mm_types.h"
#include "mm/page.h"
#include "mm/page_alloc.h"

static DEFINE_SPINLOCK(pgtable_lock);

/* The shift of the index each level takes from a virtual address, PML4 first. */
static const unsigned int level_shift[] = {PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT};
#define PT_LEVELS ARRAY_SIZE(level_shift)

static unsigned int table_index(unsigned long va, unsigned int shift)
{
	return (va >> shift) & (PTRS_PER_TABLE - 1);
}

static u64 *entry_table(u64 entry)
{
	return __va(entry & PTE_PFN_MASK);
}

/* A zeroed page for a page table; NULL when memory is short (or FAULT_PGTABLE fails it). */
static struct page *alloc_table_page(void)
{
	if (should_fail_alloc(FAULT_PGTABLE))
		return NULL;
	return __alloc_pages(__GFP_ZERO, 0);
}

static bool is_kernel_addr(unsigned long va)
{
	return pgd_index(va) >= KERNEL_PGD_FIRST;
}

/* Bits 63..48 must copy bit 47, or the address faults with #GP before any walk. */
static bool is_canonical(unsigned long va)
{
	return (unsigned long)((long)(va << 16) >> 16) == va;
}

/*
 * Find the PT entry for va, allocating missing PDPT/PD/PT pages when alloc is set.
 * Returns 0 with *ptep set; -ENOENT if a table is missing and !alloc; -ENOMEM if one
 * could not be allocated; -EEXIST if a 1 GiB or 2 MiB page maps va (there is no 4 KiB
 * entry to return). Called with pgtable_lock held when alloc is set.
 */
static int walk(struct mm_struct *mm, unsigned long va, bool alloc, pte_t **ptep)
{
	pgprot_t table_prot = is_kernel_addr(va) ? _KERNPG_TABLE : _PAGE_TABLE;
	u64 *table = mm->pgd;

	BUG_ON_MSG(is_kernel_addr(va) && !(mm->pgd[pgd_index(va)] & _PAGE_PRESENT),
		   "page tables of %s: kernel PML4 slot %lu is empty, but paging_init fills "
		   "every one and pgd_alloc copies them",
		   mm->name, (unsigned long)pgd_index(va));
	for (unsigned int level = 0; level < PT_LEVELS - 1; level++) {
		u64 *entry = &table[table_index(va, level_shift[level])];

		if (!(*entry & _PAGE_PRESENT)) {
			struct page *page;

			if (!alloc)
				return -ENOENT;
			page = alloc_table_page();
			if (!page)
				return -ENOMEM;
			*entry = page_to_phys(page) | table_prot;
			if (!is_kernel_addr(va))
				mm->nr_pgtables++;
		} else if (level > 0 && (*entry & _PAGE_PSE)) {
			return -EEXIST;
		}
		table = entry_table(*entry);
	}
	*ptep = &table[pte_index(va)];
	return 0;
}

/*
 * Checks shared by map_page, unmap_page and protect_page; all of these are kernel bugs.
 * Kernel-half changes go through init_mm only: they land in tables shared by every mm,
 * and going through a user mm would hide that.
 */
static void check_change(const char *fn, const struct mm_struct *mm, unsigned long va)
{
	BUG_ON_MSG(!IS_ALIGNED(va, PAGE_SIZE) || !is_canonical(va),
		   "%s: 0x%lx is not a page-aligned canonical address", fn, va);
	BUG_ON_MSG(is_kernel_addr(va) && mm != &init_mm,
		   "%s: kernel address 0x%lx through %s; kernel mappings go through init_mm", fn,
		   va, mm->name);
}

/*
 * The leaf flags for prot at va. Kernel leaves are global (the same in every address
 * space, so they may survive CR3 switches) and W^X; user leaves are never global, or
 * they would leak into the next address space.
 */
static u64 leaf_flags(const char *fn, unsigned long va, pgprot_t prot)
{
	BUG_ON_MSG(prot & (PTE_PFN_MASK | _PAGE_PSE),
		   "%s: prot 0x%lx holds address or PAT bits; pass _PAGE_* flags only", fn,
		   (unsigned long)prot);
	if (!is_kernel_addr(va)) {
		BUG_ON_MSG(prot & _PAGE_GLOBAL, "%s: user address 0x%lx cannot be global", fn, va);
		return prot | _PAGE_PRESENT;
	}
	BUG_ON_MSG((prot & _PAGE_RW) && !(prot & _PAGE_NX),
		   "%s: 0x%lx would be writable and executable; kernel mappings are W^X", fn, va);
	return prot | _PAGE_PRESENT | _PAGE_GLOBAL;
}

/*
 * No TLB flush is needed: the CPU caches only present translations (SDM 4.10.2.3), and
 * the entry was not present.
 */
int map_page(struct mm_struct *mm, unsigned long va, phys_addr_t pa, pgprot_t prot)
{
	unsigned long irq;
	pte_t *pte;
	u64 flags;
	int err;

	check_change("map_page", mm, va);
	flags = leaf_flags("map_page", va, prot);
	BUG_ON_MSG(pa & ~PTE_PFN_MASK, "map_page: physical address 0x%lx is not page aligned",
		   (unsigned long)pa);
	irq = spin_lock_irqsave(&pgtable_lock);
	err = walk(mm, va, true, &pte);
	if (!err && (*pte & _PAGE_PRESENT))
		err = -EEXIST;
	if (!err)
		*pte = pa | flags;
	spin_unlock_irqrestore(&pgtable_lock, irq);
	return err;
}

/* The TLB may still hold the old translation, so the entry is flushed after clearing. */
phys_addr_t unmap_page(struct mm_struct *mm, unsigned long va)
{
	phys_addr_t pa = 0;
	unsigned long irq;
	pte_t *pte;

	check_change("unmap_page", mm, va);
	irq = spin_lock_irqsave(&pgtable_lock);
	if (!walk(mm, va, false, &pte) && (*pte & _PAGE_PRESENT)) {
		pa = *pte & PTE_PFN_MASK;
		*pte = 0;
		flush_tlb_page(mm, va);
	}
	spin_unlock_irqrestore(&pgtable_lock, irq);
	return pa;
}

/* Rewrite the present leaf entry of va: frame pa (or the one it maps, for KEEP_FRAME)
 * with flags prot; flush its TLB entry. -ENOENT if va is not mapped by a 4 KiB page. */
#define KEEP_FRAME ((phys_addr_t)-1)
static int rewrite_present_pte(const char *who, struct mm_struct *mm, unsigned long va,
			       phys_addr_t pa, pgprot_t prot)
{
	unsigned long irq;
	pte_t *pte;
	int err = -ENOENT;
	u64 flags;

	check_change(who, mm, va);
	flags = leaf_flags(who, va, prot);
	irq = spin_lock_irqsave(&pgtable_lock);
	if (!walk(mm, va, false, &pte) && (*pte & _PAGE_PRESENT)) {
		*pte = (pa == KEEP_FRAME ? *pte & PTE_PFN_MASK : pa) | flags;
		flush_tlb_page(mm, va);
		err = 0;
	}
	spin_unlock_irqrestore(&pgtable_lock, irq);
	return err;
}

int protect_page(struct mm_struct *mm, unsigned long va, pgprot_t prot)
{
	return rewrite_present_pte("protect_page", mm, va, KEEP_FRAME, prot);
}

/* A leaf is a PT entry, or a PDPT/PD entry with PS set (1 GiB / 2 MiB page). */
bool translate(struct mm_struct *mm, unsigned long va, phys_addr_t *pa, u64 *flags)
{
	const u64 *table = mm->pgd;

	if (!is_canonical(va))
		return false;
	for (unsigned int level = 0; level < PT_LEVELS; level++) {
		unsigned int shift = level_shift[level];
		u64 entry = READ_ONCE(table[table_index(va, shift)]);
		unsigned long page_mask;

		if (!(entry & _PAGE_PRESENT))
			return false;
		if (shift != PAGE_SHIFT && (shift == PGDIR_SHIFT || !(entry & _PAGE_PSE))) {
			table = entry_table(entry);
			continue;
		}
		/* In a large-page entry bit 12 is PAT, not address: mask by the page size. */
		page_mask = (1ul << shift) - 1;
		if (pa)
			*pa = (entry & PTE_PFN_MASK & ~page_mask) | (va & page_mask);
		if (flags)
			*flags = entry & PTE_FLAGS_MASK;
		return true;
	}
	return false; /* not reached: the PT level always returns */
}

/* The returned entry stays valid until the tables are freed (free_user_page_tables for
 * the user half; never for the kernel half). */
pte_t *walk_pte(struct mm_struct *mm, unsigned long va, bool alloc)
{
	unsigned long irq;
	pte_t *pte = NULL;

	BUG_ON_MSG(alloc && is_kernel_addr(va) && mm != &init_mm,
		   "walk_pte: kernel address 0x%lx through %s; kernel tables go through init_mm",
		   va, mm->name);
	irq = spin_lock_irqsave(&pgtable_lock);
	if (walk(mm, va, alloc, &pte))
		pte = NULL;
	spin_unlock_irqrestore(&pgtable_lock, irq);
	return pte;
}

/* ---- whole address spaces --------------------------------------------------------- */

/*
 * The kernel half is copied, not rebuilt: 256 pointers to the shared PDPTs. They never
 * change after paging_init, so the copy can never go stale.
 */
pgd_t *pgd_alloc(void)
{
	struct page *page = alloc_table_page();
	pgd_t *pgd;

	if (!page)
		return NULL;
	pgd = page_address(page);
	memcpy(&pgd[KERNEL_PGD_FIRST], &init_mm.pgd[KERNEL_PGD_FIRST],
	       (PTRS_PER_TABLE - KERNEL_PGD_FIRST) * sizeof(pgd_t));
	return pgd;
}

bool pgd_kernel_half_matches(const pgd_t *pgd)
{
	return !memcmp(&pgd[KERNEL_PGD_FIRST], &init_mm.pgd[KERNEL_PGD_FIRST],
		       (PTRS_PER_TABLE - KERNEL_PGD_FIRST) * sizeof(pgd_t));
}

bool pgd_user_half_empty(const pgd_t *pgd)
{
	for (unsigned int i = 0; i < USER_PGD_PTRS; i++) {
		if (pgd[i])
			return false;
	}
	return true;
}

void pgd_free(pgd_t *pgd)
{
	BUG_ON_MSG(pgd == init_mm.pgd, "pgd_free: init_mm's PML4 is never freed");
	BUG_ON_MSG(pgd_is_loaded(pgd), "pgd_free: PML4 0x%lx is loaded in CR3; switch away first",
		   (unsigned long)__pa(pgd));
	BUG_ON_MSG(!pgd_user_half_empty(pgd),
		   "pgd_free: user page tables still attached; free_user_page_tables first");
	BUG_ON_MSG(!pgd_kernel_half_matches(pgd),
		   "pgd_free: kernel half of PML4 0x%lx differs from init_mm's (corrupted)",
		   (unsigned long)__pa(pgd));
	free_pages((unsigned long)pgd, 0);
}

/* Free a table of mm whose entries index at `shift`, and every table below it. Leaves
 * (PT entries, large pages) map frames the caller owns: those are not freed. */
static void free_table_tree(struct mm_struct *mm, u64 *table, unsigned int shift)
{
	if (shift > PAGE_SHIFT) {
		for (unsigned int i = 0; i < PTRS_PER_TABLE; i++) {
			u64 entry = table[i];

			if ((entry & _PAGE_PRESENT) && !(entry & _PAGE_PSE))
				free_table_tree(mm, entry_table(entry), shift - 9);
		}
	}
	free_pages((unsigned long)table, 0);
	mm->nr_pgtables--;
}

/*
 * Each slot is detached and flushed before its tables go back to the buddy allocator:
 * if mm is loaded, the CPU's paging-structure caches may still point into them, and a
 * freed page may be reused at once.
 */
void free_user_page_tables(struct mm_struct *mm)
{
	unsigned long irq = spin_lock_irqsave(&pgtable_lock);

	for (unsigned int i = 0; i < USER_PGD_PTRS; i++) {
		pgd_t entry = mm->pgd[i];

		if (!(entry & _PAGE_PRESENT))
			continue;
		mm->pgd[i] = 0;
		flush_tlb_mm(mm);
		free_table_tree(mm, entry_table(entry), PUD_SHIFT);
	}
	BUG_ON_MSG(mm->nr_pgtables, "free_user_page_tables(%s): %lu table pages unaccounted for",
		   mm->name, mm->nr_pgtables);
	spin_unlock_irqrestore(&pgtable_lock, irq);
}

/* ---- walking a range: only the tables that exist --------------------------------- */

/* One walk_page_range: its callbacks, and the table pages it detached, to free. */
struct range_walk {
	struct mm_struct *mm;
	const struct mm_walk_ops *ops;
	void *data;
	struct list_head freed_tables; /* struct page, through lru */
};

/* Are the entries of table outside the index range [first, last] all empty? */
static bool table_empty_outside(struct mm_struct *mm, const u64 *table, unsigned int first,
				unsigned int last)
{
	for (unsigned int i = 0; i < PTRS_PER_TABLE; i++) {
		if (i >= first && i <= last)
			continue;
		mm->pt_entries_visited++;
		if (table[i] & _PAGE_PRESENT)
			return false;
	}
	return true;
}

/*
 * Unhook the (empty) table that *entry points to and queue its page: it is freed only
 * after the TLB flush at the end of the walk (see walk_page_range).
 */
static void detach_table(struct range_walk *w, u64 *entry)
{
	struct page *page = virt_to_page(entry_table(*entry));
	unsigned long irq = spin_lock_irqsave(&pgtable_lock);

	*entry = 0;
	w->mm->nr_pgtables--;
	spin_unlock_irqrestore(&pgtable_lock, irq);
	list_add(&page->lru, &w->freed_tables);
}

/*
 * Walk the entries of table (at `level`, 0 = PML4) that overlap [start, end): absent
 * entries are skipped whole, so a 512 GiB hole costs one read. *left_in_range is set if
 * any entry in the range is still present afterwards (so the table cannot be freed).
 */
static int walk_level(struct range_walk *w, u64 *table, unsigned int level, unsigned long start,
		      unsigned long end, bool *left_in_range)
{
	unsigned int shift = level_shift[level];
	unsigned long size = 1ul << shift;
	unsigned int first = table_index(start, shift), last = table_index(end - 1, shift);
	unsigned long va = ALIGN_DOWN(start, size);
	int err = 0;

	*left_in_range = false;
	for (unsigned int i = first; i <= last && !err; i++, va += size) {
		u64 *entry = &table[i];
		unsigned long lo = start > va ? start : va, hi = end < va + size ? end : va + size;
		bool child_left;

		w->mm->pt_entries_visited++;
		if (!(*entry & _PAGE_PRESENT))
			continue;
		if (level == PT_LEVELS - 1) {
			err = w->ops->pte_entry(w->mm, va, (pte_t *)entry, w->data);
			*left_in_range |= *entry & _PAGE_PRESENT;
			continue;
		}
		BUG_ON_MSG(*entry & _PAGE_PSE,
			   "walk_page_range(%s): a large page at 0x%lx in the "
			   "user half, which only ever holds 4 KiB pages",
			   w->mm->name, va);
		err = walk_level(w, entry_table(*entry), level + 1, lo, hi, &child_left);
		if (!err && !child_left && w->ops->free_empty_tables &&
		    table_empty_outside(w->mm, entry_table(*entry),
					table_index(lo, level_shift[level + 1]),
					table_index(hi - 1, level_shift[level + 1])))
			detach_table(w, entry);
		*left_in_range |= *entry & _PAGE_PRESENT;
	}
	return err;
}

/*
 * The TLB rule for freed page tables: a CPU caches not only translations but also the
 * upper-level entries it walked through (paging-structure caches, SDM 4.10.3), and may
 * keep using such a cached entry after we cleared it in memory. If the table page it
 * points to were freed and reused before the flush, the CPU could walk through the new
 * contents as if they were page-table entries. So: clear the parent entries, flush every
 * CPU that may have mm loaded, and only then give the pages back.
 */
int walk_page_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		    const struct mm_walk_ops *ops, void *data)
{
	struct range_walk w = {.mm = mm, .ops = ops, .data = data};
	struct page *page, *next;
	bool left;
	int err;

	BUG_ON_MSG(!IS_ALIGNED(start, PAGE_SIZE) || !IS_ALIGNED(end, PAGE_SIZE) || start >= end ||
		       end > TASK_SIZE,
		   "walk_page_range(%s): bad user range 0x%lx-0x%lx", mm->name, start, end);
	BUG_ON_MSG(!rwsem_is_write_owner(&mm->mmap_lock),
		   "walk_page_range(%s) without mmap_lock held for writing", mm->name);
	INIT_LIST_HEAD(&w.freed_tables);
	err = walk_level(&w, mm->pgd, 0, start, end, &left);
	if (list_empty(&w.freed_tables))
		return err;
	flush_tlb_mm(mm);
	list_for_each_entry_safe(page, next, &w.freed_tables, lru) {
		list_del(&page->lru);
		__free_pages(page, 0);
	}
	return err;
}

phys_addr_t clear_pte_flush(struct mm_struct *mm, unsigned long va, pte_t *pte)
{
	phys_addr_t pa = *pte & PTE_PFN_MASK;

	*pte = 0;
	flush_tlb_page(mm, va);
	return pa;
}

int replace_page(struct mm_struct *mm, unsigned long va, phys_addr_t pa, pgprot_t prot)
{
	return rewrite_present_pte("replace_page", mm, va, pa, prot);
}
