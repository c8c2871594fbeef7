/*
 * mm/mm.h - bringing up memory management, in order.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include "kernel/types.h"

struct boot_info;

/*
 * mm_init - from the memory map to kmalloc:
 *   memblock_init     usable RAM and reserved ranges from the multiboot2 memory map
 *   paging_init       the kernel's own page tables (direct map, W^X image), CR3 switch
 *   page_alloc_init   mem_map and the buddy allocator
 *   kmem_cache_init   slab caches and kmalloc
 *   vmalloc_init      the kernel-stack / ioremap region
 *   page_fault_init   the page-fault and double-fault handlers
 */
void mm_init(const struct boot_info *bi);
/* TSC ticks mm_init took (instructions under -icount shift=0: see make bench). */
extern u64 mm_init_cycles;

void paging_init(void);
/* Install the #PF and #DF handlers (arch/x86_64/fault.c). */
void page_fault_init(void);

#endif
