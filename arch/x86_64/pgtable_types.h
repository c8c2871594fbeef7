/*
 * arch/x86_64/pgtable_types.h - 4-level page-table entry bits and index arithmetic.
 *
 * Naming follows Linux: pgd (PML4), pud (PDPT), pmd (page directory), pte (page table).
 * A virtual address splits into 9-bit indexes at bits 39, 30, 21 and 12. Bit names are
 * the Intel SDM's (vol. 3, 4.5).
 */
#ifndef ARCH_X86_64_PGTABLE_TYPES_H
#define ARCH_X86_64_PGTABLE_TYPES_H

#include "kernel/types.h"

typedef u64 pgd_t;
typedef u64 pud_t;
typedef u64 pmd_t;
typedef u64 pte_t;
typedef u64 pgprot_t;

#define _PAGE_PRESENT (1ull << 0)
#define _PAGE_RW (1ull << 1)
#define _PAGE_USER (1ull << 2)
#define _PAGE_PWT (1ull << 3)
#define _PAGE_PCD (1ull << 4)
#define _PAGE_ACCESSED (1ull << 5)
#define _PAGE_DIRTY (1ull << 6)
#define _PAGE_PSE (1ull << 7) /* in a pud/pmd: a 1 GiB / 2 MiB page */
#define _PAGE_GLOBAL (1ull << 8)
#define _PAGE_COW (1ull << 9) /* software bit (AVL): shared by fork, copied on write */
#define _PAGE_NX (1ull << 63)

#define PTE_PFN_MASK 0x000ffffffffff000ull /* physical address bits of an entry */
#define PTE_FLAGS_MASK (~PTE_PFN_MASK)

/* Protections for kernel mappings: W^X, so never _PAGE_RW without _PAGE_NX. */
#define PAGE_KERNEL (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX)
#define PAGE_KERNEL_RO (_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_NX)
#define PAGE_KERNEL_EXEC (_PAGE_PRESENT | _PAGE_ACCESSED)	  /* read-only + executable */
#define PAGE_KERNEL_NOCACHE (PAGE_KERNEL | _PAGE_PCD | _PAGE_PWT) /* device memory */
/* Intermediate tables are permissive; the leaf entry decides. */
#define _PAGE_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED)
#define _KERNPG_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)

#define PTRS_PER_TABLE 512
#define PGDIR_SHIFT 39
#define PUD_SHIFT 30
#define PMD_SHIFT 21

#define pgd_index(va) (((va) >> PGDIR_SHIFT) & (PTRS_PER_TABLE - 1))
#define pud_index(va) (((va) >> PUD_SHIFT) & (PTRS_PER_TABLE - 1))
#define pmd_index(va) (((va) >> PMD_SHIFT) & (PTRS_PER_TABLE - 1))
#define pte_index(va) (((va) >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1))

/* PML4 slots 0..255 map user space, 256..511 the kernel half shared by every mm. */
#define USER_PGD_PTRS 256
#define KERNEL_PGD_FIRST 256
#define TASK_SIZE 0x00007ffffffff000ull /* top of user space (last page left unmapped) */

#endif
