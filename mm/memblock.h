/*
 * mm/memblock.h - physical memory before the buddy allocator exists.
 *
 * At boot the kernel knows RAM only as the multiboot2 memory map. memblock keeps two
 * sorted, merged range lists: `memory` (usable RAM, type 1 only) and `reserved` (what
 * must never be handed out: the first MiB, the kernel image, the multiboot2 information,
 * GRUB modules, and everything memblock_alloc() has given away). Early page tables and
 * mem_map come from memblock_alloc(); then page_alloc_init() hands every page that is in
 * `memory` and not in `reserved` to the buddy allocator, and memblock is done.
 * Named after Linux's memblock, which does the same job.
 */
#ifndef MM_MEMBLOCK_H
#define MM_MEMBLOCK_H

#include "kernel/types.h"

#define MEMBLOCK_MAX_REGIONS 128

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
};

struct memblock_type {
	const char *name;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
	int count;
};

extern struct memblock_type memblock_memory;
extern struct memblock_type memblock_reserved;

struct boot_info;

/* Fill `memory` from the memory map and reserve the first MiB, the kernel image, the
 * boot information block and the modules. Prints what was reserved. */
void memblock_init(const struct boot_info *bi);
void memblock_add(phys_addr_t base, phys_addr_t size);
void memblock_reserve(phys_addr_t base, phys_addr_t size);
/* Allocate size bytes aligned to align from usable, unreserved RAM (lowest address
 * first above 1 MiB), reserve them and return the physical address, zeroed through the
 * direct map. Panics if nothing fits: there is no recovering this early. */
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align);
/* Does [base, base + size) overlap a reserved range? */
bool memblock_is_reserved(phys_addr_t base, phys_addr_t size);
/* Does [base, base + size) lie wholly in usable RAM (and so in the direct map)? */
bool memblock_is_memory(phys_addr_t base, phys_addr_t size);
/* A free, page-aligned block of usable RAM below 1 MiB, above page 0, reserved; 0 if none.
 * Only before the first MiB is reserved whole, in memblock_init (the AP trampoline). */
phys_addr_t memblock_alloc_low(phys_addr_t size);
/* One past the highest usable RAM address. */
phys_addr_t memblock_end_of_ram(void);
/* Total bytes in a range list. */
phys_addr_t memblock_total(const struct memblock_type *type);

#endif
