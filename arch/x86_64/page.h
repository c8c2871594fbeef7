/*
 * arch/x86_64/page.h - converting between physical and kernel virtual addresses.
 *
 * Two windows map physical memory into the kernel half:
 *   the direct map at PAGE_OFFSET (all RAM, built by mm/paging_init.c), and
 *   the kernel image window at KERNEL_VIRT_BASE (only the image itself).
 * __va() always gives the direct-map address; __pa() accepts either window.
 */
#ifndef ARCH_X86_64_PAGE_H
#define ARCH_X86_64_PAGE_H

#include "arch/x86_64/x86.h"
#include "kernel/types.h"

#define PAGE_MASK (~((unsigned long)PAGE_SIZE - 1))
#define PMD_SIZE (1ul << 21)   /* what one page-directory entry maps: 2 MiB */
#define PUD_SIZE (1ul << 30)   /* what one PDPT entry maps: 1 GiB */
#define PGDIR_SIZE (1ul << 39) /* what one PML4 entry maps: 512 GiB */

#define __va(pa) ((void *)((unsigned long)(pa) + PAGE_OFFSET))

static inline phys_addr_t __pa(const void *va)
{
	unsigned long v = (unsigned long)va;

	if (v >= KERNEL_VIRT_BASE)
		return v - KERNEL_VIRT_BASE;
	return v - PAGE_OFFSET;
}

static inline void *phys_to_virt(phys_addr_t pa)
{
	return __va(pa);
}

static inline phys_addr_t virt_to_phys(const void *va)
{
	return __pa(va);
}

#define PFN_DOWN(pa) ((pa) >> PAGE_SHIFT)
#define PFN_UP(pa) (((pa) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_PHYS(pfn) ((phys_addr_t)(pfn) << PAGE_SHIFT)

#endif
