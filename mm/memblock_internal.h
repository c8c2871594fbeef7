/*
 * mm/memblock_internal.h - the range-list primitives under memblock's globals.
 *
 * memblock_add() and memblock_reserve() are thin wrappers around these, applied to
 * memblock_memory and memblock_reserved. They take the list as a parameter so that
 * tests/mm_memblock_test.c can check the sorting, merging and overlap rules on a private
 * struct memblock_type without disturbing the live ones, and so that page_alloc_init() can
 * measure how much of a range is covered for its "Memory: ..." accounting.
 * Nothing else should need this header.
 */
#ifndef MM_MEMBLOCK_INTERNAL_H
#define MM_MEMBLOCK_INTERNAL_H

#include "mm/memblock.h"

/* The first MiB holds the real-mode IVT, the BIOS data area, the EBDA, option ROMs and the
 * firmware, and (under UEFI) sometimes the boot information: it is never handed out. */
#define FIRST_MIB_END 0x100000ull

/* Add [base, base + size) to type exactly as given (no page alignment), merging it with
 * every region it overlaps or touches so that the list stays sorted and disjoint. */
void memblock_type_add(struct memblock_type *type, phys_addr_t base, phys_addr_t size);
/* Does [base, base + size) overlap any region of type? */
bool memblock_type_overlaps(const struct memblock_type *type, phys_addr_t base, phys_addr_t size);
/* How many bytes of [base, base + size) lie inside regions of type. */
phys_addr_t memblock_type_covered(const struct memblock_type *type, phys_addr_t base,
				  phys_addr_t size);

/*
 * Set by page_alloc_init() once every free frame belongs to the buddy allocator: from then
 * on memblock_alloc() and memblock_reserve() would hand out or fence off frames the buddy
 * allocator owns, so they panic. (tests/mm_memblock_test.c clears it around a test that
 * points memblock at a block of its own.)
 */
extern bool memblock_retired;

static inline phys_addr_t memblock_region_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

#endif
