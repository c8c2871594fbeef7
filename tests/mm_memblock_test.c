/*
 * tests/mm_memblock_test.c - memblock (mm/memblock.c): range lists and boot reservations.
 *
 * The range rules (sorted, disjoint, merged when touching, overlap tests end-exclusive)
 * are checked on a private struct memblock_type through mm/memblock_internal.h. The live
 * lists are checked against what memblock_init() was given (struct boot_info). And
 * memblock_alloc() runs for real, on a small block lent to it from the buddy allocator,
 * with the global lists saved and restored around it.
 */
#include "arch/x86_64/page.h"
#include "kernel/compiler.h"
#include "kernel/multiboot2.h"
#include "kernel/string.h"
#include "mm/memblock.h"
#include "mm/memblock_internal.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "tests/ktest.h"

/* kernel/main.c: the parsed boot information memblock_init() was called with. */
extern struct boot_info boot_info;
extern char __kernel_end[];

static struct memblock_type scratch = {.name = "scratch"};

static void scratch_reset(void)
{
	scratch.count = 0;
}

/* Is the list sorted, with every region non-empty and not touching the next? */
static bool well_formed(const struct memblock_type *type)
{
	int i;

	for (i = 0; i < type->count; i++) {
		if (type->regions[i].size == 0)
			return false;
		if (i > 0 && memblock_region_end(&type->regions[i - 1]) >= type->regions[i].base)
			return false;
	}
	return true;
}

#define EXPECT_REGION(t, type, i, b, s)                                                            \
	do {                                                                                       \
		KEXPECT_EQ(t, (type)->regions[i].base, (phys_addr_t)(b));                          \
		KEXPECT_EQ(t, (type)->regions[i].size, (phys_addr_t)(s));                          \
	} while (0)

KTEST(memblock, add_keeps_regions_sorted)
{
	scratch_reset();
	memblock_type_add(&scratch, 0x50000, 0x1000);
	memblock_type_add(&scratch, 0x10000, 0x1000);
	memblock_type_add(&scratch, 0x30000, 0x1000);
	memblock_type_add(&scratch, 0x70000, 0);
	KASSERT_EQ(t, scratch.count, 3);
	EXPECT_REGION(t, &scratch, 0, 0x10000, 0x1000);
	EXPECT_REGION(t, &scratch, 1, 0x30000, 0x1000);
	EXPECT_REGION(t, &scratch, 2, 0x50000, 0x1000);
	KEXPECT_TRUE(t, well_formed(&scratch));
}

KTEST(memblock, add_merges_touching_and_overlapping)
{
	scratch_reset();
	memblock_type_add(&scratch, 0x1000, 0x1000);
	memblock_type_add(&scratch, 0x2000, 0x1000); /* touches: [0x1000, 0x3000) */
	KASSERT_EQ(t, scratch.count, 1);
	EXPECT_REGION(t, &scratch, 0, 0x1000, 0x2000);
	memblock_type_add(&scratch, 0x0, 0x1000); /* touches from below */
	KASSERT_EQ(t, scratch.count, 1);
	EXPECT_REGION(t, &scratch, 0, 0x0, 0x3000);
	memblock_type_add(&scratch, 0x2800, 0x1000); /* overlaps the end */
	KASSERT_EQ(t, scratch.count, 1);
	EXPECT_REGION(t, &scratch, 0, 0x0, 0x3800);
	memblock_type_add(&scratch, 0x1000, 0x100); /* inside: nothing changes */
	KASSERT_EQ(t, scratch.count, 1);
	EXPECT_REGION(t, &scratch, 0, 0x0, 0x3800);
}

KTEST(memblock, add_swallows_several_regions)
{
	scratch_reset();
	memblock_type_add(&scratch, 0x10000, 0x1000);
	memblock_type_add(&scratch, 0x20000, 0x1000);
	memblock_type_add(&scratch, 0x30000, 0x1000);
	memblock_type_add(&scratch, 0x40000, 0x1000);
	memblock_type_add(&scratch, 0x60000, 0x1000);
	/* From inside the first region to inside the fourth: those four become one. */
	memblock_type_add(&scratch, 0x10800, 0x30000);
	KASSERT_EQ(t, scratch.count, 2);
	EXPECT_REGION(t, &scratch, 0, 0x10000, 0x31000);
	EXPECT_REGION(t, &scratch, 1, 0x60000, 0x1000);
	/* Bridging the gap exactly. */
	memblock_type_add(&scratch, 0x41000, 0x1f000);
	KASSERT_EQ(t, scratch.count, 1);
	EXPECT_REGION(t, &scratch, 0, 0x10000, 0x51000);
}

KTEST(memblock, overlap_is_end_exclusive)
{
	scratch_reset();
	memblock_type_add(&scratch, 0x10000, 0x2000);
	memblock_type_add(&scratch, 0x20000, 0x1000);
	KEXPECT_FALSE(t, memblock_type_overlaps(&scratch, 0xf000, 0x1000));
	KEXPECT_TRUE(t, memblock_type_overlaps(&scratch, 0xf000, 0x1001));
	KEXPECT_TRUE(t, memblock_type_overlaps(&scratch, 0x11fff, 1));
	KEXPECT_FALSE(t, memblock_type_overlaps(&scratch, 0x12000, 0xe000));
	KEXPECT_TRUE(t, memblock_type_overlaps(&scratch, 0x12000, 0xe001));
	KEXPECT_TRUE(t, memblock_type_overlaps(&scratch, 0x0, 0x100000));
	KEXPECT_FALSE(t, memblock_type_overlaps(&scratch, 0x21000, 0x100000));
	KEXPECT_FALSE(t, memblock_type_overlaps(&scratch, 0x10000, 0)); /* empty range */
}

KTEST(memblock, covered_counts_bytes)
{
	scratch_reset();
	memblock_type_add(&scratch, 0x10000, 0x2000);
	memblock_type_add(&scratch, 0x20000, 0x1000);
	KEXPECT_EQ(t, memblock_type_covered(&scratch, 0x0, 0x100000), (phys_addr_t)0x3000);
	KEXPECT_EQ(t, memblock_type_covered(&scratch, 0x11000, 0x10000), (phys_addr_t)0x2000);
	KEXPECT_EQ(t, memblock_type_covered(&scratch, 0x12000, 0xe000), (phys_addr_t)0);
	KEXPECT_EQ(t, memblock_total(&scratch), (phys_addr_t)0x3000);
}

/* ---- the live lists ----------------------------------------------------------------- */

KTEST(memblock, live_lists_are_well_formed)
{
	KEXPECT_TRUE(t, well_formed(&memblock_memory));
	KEXPECT_TRUE(t, well_formed(&memblock_reserved));
	KASSERT_GT(t, memblock_memory.count, 0);
	KEXPECT_EQ(t, memblock_end_of_ram(),
		   memblock_region_end(&memblock_memory.regions[memblock_memory.count - 1]));
	KEXPECT_EQ(t, memblock_end_of_ram() & (PAGE_SIZE - 1), (phys_addr_t)0);
	KEXPECT_TRUE(t, memblock_retired); /* the buddy allocator has taken over */
}

/* `memory` is exactly the whole pages of the type-1 map entries, nothing else. */
KTEST(memblock, memory_matches_the_map)
{
	phys_addr_t usable = 0;
	u32 i;

	for (i = 0; i < boot_info.mmap_count; i++) {
		const struct boot_mmap_entry *e = &boot_info.mmap[i];
		phys_addr_t base = ALIGN_UP(e->addr, (phys_addr_t)PAGE_SIZE);
		phys_addr_t end = ALIGN_DOWN(e->addr + e->len, (phys_addr_t)PAGE_SIZE);

		if (e->type != MULTIBOOT_MEMORY_AVAILABLE) {
			KEXPECT_FALSE(t, memblock_type_overlaps(&memblock_memory, base,
								end > base ? end - base : 0));
			continue;
		}
		if (end <= base)
			continue;
		usable += end - base;
		KEXPECT_EQ(t, memblock_type_covered(&memblock_memory, base, end - base),
			   end - base);
	}
	/* Holds for a map whose usable entries do not overlap, as every real one. */
	KEXPECT_EQ(t, memblock_total(&memblock_memory), usable);
}

KTEST(memblock, boot_reservations)
{
	phys_addr_t kernel_end = __pa(__kernel_end);
	u32 i;

	KEXPECT_TRUE(t, memblock_is_reserved(0, 1));
	KEXPECT_TRUE(t, memblock_is_reserved(FIRST_MIB_END - PAGE_SIZE, PAGE_SIZE));
	KEXPECT_TRUE(t, memblock_is_reserved(KERNEL_PHYS_LOAD, PAGE_SIZE));
	KEXPECT_TRUE(t, memblock_is_reserved(kernel_end - 1, 1));
	KEXPECT_EQ(t, memblock_type_covered(&memblock_reserved, 0, kernel_end), kernel_end);
	KEXPECT_EQ(
	    t, memblock_type_covered(&memblock_reserved, boot_info.mbi_phys, boot_info.mbi_size),
	    (phys_addr_t)boot_info.mbi_size);
	for (i = 0; i < boot_info.module_count; i++) {
		const struct boot_module *m = &boot_info.modules[i];

		KEXPECT_EQ(t,
			   memblock_type_covered(&memblock_reserved, m->start, m->end - m->start),
			   m->end - m->start);
	}
	KEXPECT_TRUE(t, memblock_is_reserved(__pa(mem_map), PAGE_SIZE));
}

/* ---- memblock_alloc, on a lent block ------------------------------------------------ */

#define LENT_ORDER 4 /* 16 pages */

static struct memblock_type saved_memory, saved_reserved;
static bool saved_retired;

/* Point memblock at [base, base + 16 pages) only, with its second page reserved. */
static void lend_block(phys_addr_t base)
{
	saved_memory = memblock_memory;
	saved_reserved = memblock_reserved;
	saved_retired = memblock_retired;
	memblock_retired = false;
	memblock_memory.count = 0;
	memblock_reserved.count = 0;
	memblock_type_add(&memblock_memory, base, (phys_addr_t)PAGE_SIZE << LENT_ORDER);
	memblock_type_add(&memblock_reserved, base + PAGE_SIZE, PAGE_SIZE);
}

static void return_block(void)
{
	memblock_memory = saved_memory;
	memblock_reserved = saved_reserved;
	memblock_retired = saved_retired;
}

KTEST(memblock, alloc_lowest_fit_aligned_zeroed)
{
	unsigned long free_before = nr_free_pages();
	struct page *block = alloc_pages(GFP_KERNEL, LENT_ORDER);
	phys_addr_t base, a, b, c;
	const u8 *mem;
	size_t i, nonzero = 0;

	KASSERT_NOT_NULL(t, block);
	base = page_to_phys(block);
	KASSERT_GE(t, base, FIRST_MIB_END); /* memblock never allocates below 1 MiB */
	memset(page_address(block), 0x5a, PAGE_SIZE << LENT_ORDER);
	lend_block(base);

	a = memblock_alloc(100, 1);			  /* lowest: page 0; rounded up to a page */
	b = memblock_alloc(PAGE_SIZE, PAGE_SIZE);	  /* page 1 is reserved: page 2 */
	c = memblock_alloc(2 * PAGE_SIZE, 4 * PAGE_SIZE); /* aligned: page 4 (of a 64K block) */
	KEXPECT_EQ(t, memblock_type_covered(&memblock_reserved, base, 5 * PAGE_SIZE),
		   (phys_addr_t)4 * PAGE_SIZE); /* pages 0, 1, 2 and 4, not 3 */
	KEXPECT_FALSE(t, memblock_is_reserved(base + 3 * PAGE_SIZE, PAGE_SIZE));
	KEXPECT_TRUE(t, well_formed(&memblock_reserved));
	return_block();

	KEXPECT_EQ(t, a, base);
	KEXPECT_EQ(t, b, base + 2 * PAGE_SIZE);
	KEXPECT_EQ(t, c, base + 4 * PAGE_SIZE);
	mem = page_address(block);
	for (i = 0; i < 6 * PAGE_SIZE; i++) {
		if (i / PAGE_SIZE != 1 && i / PAGE_SIZE != 3) /* a, b and c: pages 0, 2, 4, 5 */
			nonzero += mem[i] != 0;
	}
	KEXPECT_EQ(t, nonzero, (size_t)0);
	KEXPECT_EQ(t, mem[PAGE_SIZE], 0x5a);	 /* the reserved page was not touched */
	KEXPECT_EQ(t, mem[3 * PAGE_SIZE], 0x5a); /* nor the alignment gap */
	__free_pages(block, LENT_ORDER);
	KEXPECT_EQ(t, nr_free_pages(), free_before);
}

/* ---- below 1 MiB, and "is it RAM": lists only, no memory touched --------------------- */

#define LOW_RAM_END 0x9f000 /* a BIOS machine's usable low memory, as QEMU's */
#define LOW_BUSY 0x1000	    /* a page the boot loader used (the information block, say) */
#define TRAMPOLINE_SIZE (4 * PAGE_SIZE)

/* The AP trampoline's pages: the lowest free ones above page 0, below 1 MiB; nothing
 * (0) when they do not fit there. memblock_alloc_low writes no memory, so the lists can
 * describe any range. */
KTEST(memblock, alloc_low_skips_page_0_and_reservations)
{
	phys_addr_t got;

	lend_block(0); /* replaced at once: only the save and restore are wanted */
	memblock_memory.count = 0;
	memblock_reserved.count = 0;
	memblock_type_add(&memblock_memory, 0, LOW_RAM_END);
	memblock_type_add(&memblock_reserved, LOW_BUSY, PAGE_SIZE);
	got = memblock_alloc_low(TRAMPOLINE_SIZE);
	KEXPECT_EQ(t, got, LOW_BUSY + PAGE_SIZE);
	KEXPECT_EQ(t, memblock_type_covered(&memblock_reserved, got, TRAMPOLINE_SIZE),
		   TRAMPOLINE_SIZE);
	KEXPECT_EQ(t, memblock_alloc_low(LOW_RAM_END), 0); /* more than is left below 1 MiB */
	memblock_type_add(&memblock_memory, FIRST_MIB_END, FIRST_MIB_END);
	KEXPECT_EQ(t, memblock_alloc_low(LOW_RAM_END), 0); /* RAM above 1 MiB does not count */
	return_block();
}

KTEST(memblock, is_memory_needs_the_whole_range_in_ram)
{
	const phys_addr_t base = FIRST_MIB_END, size = FIRST_MIB_END;

	lend_block(0);
	memblock_memory.count = 0;
	memblock_type_add(&memblock_memory, base, size);
	KEXPECT_TRUE(t, memblock_is_memory(base, 1));
	KEXPECT_TRUE(t, memblock_is_memory(base + size - PAGE_SIZE, PAGE_SIZE));
	KEXPECT_FALSE(t, memblock_is_memory(base + size - PAGE_SIZE, 2 * PAGE_SIZE));
	KEXPECT_FALSE(t, memblock_is_memory(base - PAGE_SIZE, 2 * PAGE_SIZE));
	KEXPECT_FALSE(t, memblock_is_memory(base + 2 * size, 1)); /* past the end entirely */
	return_block();
}

/* ---- bugs that must panic ----------------------------------------------------------- */

KTEST_DEATH(memblock, alloc_too_big_panics, "memblock_alloc: no free")
{
	memblock_retired = false; /* a death test: nothing to restore */
	memblock_alloc(1ull << 50, PAGE_SIZE);
}

KTEST_DEATH(memblock, alloc_after_boot_panics, "memblock_alloc: called after page_alloc_init()")
{
	memblock_alloc(PAGE_SIZE, PAGE_SIZE);
}

KTEST_DEATH(memblock, reserve_after_boot_panics, "memblock_reserve: called after page_alloc_init()")
{
	memblock_reserve(FIRST_MIB_END, PAGE_SIZE);
}

KTEST_DEATH(memblock, too_many_regions_panics, "raise MEMBLOCK_MAX_REGIONS")
{
	phys_addr_t i;

	scratch_reset();
	for (i = 0; i <= MEMBLOCK_MAX_REGIONS; i++)
		memblock_type_add(&scratch, i * 2 * PAGE_SIZE, PAGE_SIZE);
}
