/*
 * mm/pgtable.h - mapping, unmapping and looking up 4 KiB pages in any mm's page tables.
 *
 * Intermediate tables are allocated on demand from the buddy allocator (zeroed). The
 * kernel half (PML4 slots 256..511) is never touched through these for a user mm: its
 * PDPTs were allocated once at boot and are shared by every PML4 (see paging_init.c), so
 * a kernel mapping added through init_mm shows up in every address space at once.
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include "arch/x86_64/pgtable_types.h"
#include "mm/mm_types.h"

/* Map one 4 KiB page va -> pa with leaf flags prot (_PAGE_PRESENT implied).
 * Returns 0, -ENOMEM (a table could not be allocated) or -EEXIST (already mapped). */
int map_page(struct mm_struct *mm, unsigned long va, phys_addr_t pa, pgprot_t prot);
/* Remove the mapping of va; returns the physical address it mapped, or 0 if none (a
 * large page is not a 4 KiB mapping: it is left alone).
 * Flushes the TLB entry. Does not free the frame: the caller owns it. */
phys_addr_t unmap_page(struct mm_struct *mm, unsigned long va);
/* Change the leaf flags of an existing 4 KiB mapping; -ENOENT if va is not mapped (or
 * lies inside a large page). Flushes the TLB entry. */
int protect_page(struct mm_struct *mm, unsigned long va, pgprot_t prot);
/* Translate va: true with *pa (and *flags, the leaf entry's flag bits) if mapped, at
 * any page size. */
bool translate(struct mm_struct *mm, unsigned long va, phys_addr_t *pa, u64 *flags);
/* Pointer to the leaf pte of va, allocating tables when alloc is set; NULL if absent
 * (or a large page maps va). */
pte_t *walk_pte(struct mm_struct *mm, unsigned long va, bool alloc);

/* Point the existing 4 KiB mapping of va at pa with leaf flags prot, in one step (a
 * copy-on-write break); -ENOENT if va is not mapped. Flushes the TLB entry. */
int replace_page(struct mm_struct *mm, unsigned long va, phys_addr_t pa, pgprot_t prot);

/*
 * walk_page_range - visit every present 4 KiB leaf of mm in [start, end) (page-aligned,
 * user half), reading only the page tables that exist: an empty PML4, PDPT or PD entry
 * skips its whole 512 GiB, 1 GiB or 2 MiB at once. Each table reached is read at most
 * once, at most 512 entries (mm->pt_entries_visited counts them). pte_entry may clear
 * the leaf (clear_pte_flush); a nonzero return stops the walk and is returned. With
 * free_empty_tables, a PT/PD/PDPT left with no present entry is unhooked and freed
 * after one TLB flush (the rule for freed tables, in pgtable.c). The caller holds
 * mm->mmap_lock for writing.
 */
struct mm_walk_ops {
	int (*pte_entry)(struct mm_struct *mm, unsigned long va, pte_t *pte, void *data);
	bool free_empty_tables;
};
int walk_page_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		    const struct mm_walk_ops *ops, void *data);
/* Clear the leaf *pte of va (from a pte_entry callback) and flush it; the frame it
 * mapped, which the caller now owns. */
phys_addr_t clear_pte_flush(struct mm_struct *mm, unsigned long va, pte_t *pte);

/* Allocate a PML4 with the kernel half copied from init_mm and an empty user half. */
pgd_t *pgd_alloc(void);
void pgd_free(pgd_t *pgd);
/* Free every user-half page table (PDPTs, PDs, PTs) of mm; the PML4 stays, its user
 * slots cleared. Leaf frames are not freed: exit_mmap does that first. */
void free_user_page_tables(struct mm_struct *mm);
/* Is every kernel-half slot of pgd equal to init_mm's? (an invariant, for tests) */
bool pgd_kernel_half_matches(const pgd_t *pgd);
/* Is every user-half slot of pgd empty, as pgd_alloc makes it and free_user_page_tables
 * leaves it? (pgd_free's precondition; the tests of a dying mm check it too) */
bool pgd_user_half_empty(const pgd_t *pgd);

#endif
