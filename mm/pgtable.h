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

/* Allocate a PML4 with the kernel half copied from init_mm and an empty user half. */
pgd_t *pgd_alloc(void);
void pgd_free(pgd_t *pgd);
/* Free every user-half page table (PDPTs, PDs, PTs) of mm; the PML4 stays, its user
 * slots cleared. Leaf frames are not freed: exit_mmap does that first. */
void free_user_page_tables(struct mm_struct *mm);
/* Is every kernel-half slot of pgd equal to init_mm's? (an invariant, for tests) */
bool pgd_kernel_half_matches(const pgd_t *pgd);

#endif
