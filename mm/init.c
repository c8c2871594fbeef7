/*
 * mm/init.c - mm_init(): the order memory management comes up in.
 *
 * Each step relies on the one before: the kernel page tables are built from memblock
 * (the buddy allocator does not exist yet), mem_map needs the direct map to cover all
 * RAM, slab needs pages, kernel stacks need slab and page tables. See docs/memory.md.
 */
#include "arch/x86_64/cpu.h"
#include "kernel/multiboot2.h"
#include "mm/memblock.h"
#include "mm/mm.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"

u64 mm_init_cycles;

void mm_init(const struct boot_info *bi)
{
	u64 start = rdtsc();

	memblock_init(bi);
	paging_init();
	page_alloc_init();
	kmem_cache_init();
	vmalloc_init();
	page_fault_init();
	mm_init_cycles = rdtsc() - start;
}
