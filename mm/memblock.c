/*
 * mm/memblock.c - the boot-time physical memory allocator.
 *
 * Between the multiboot2 memory map and the buddy allocator there is a short stretch of
 * boot in which the kernel needs memory (its own page tables, mem_map) but has no
 * allocator. memblock fills it with two sorted lists of disjoint physical ranges:
 * `memory`, the RAM the firmware says is usable, and `reserved`, what must never be handed
 * out. memblock_alloc() carves from memory minus reserved and records what it gave in
 * reserved; page_alloc_init() later frees every usable, unreserved frame into the buddy
 * lists, after which memblock is only consulted, never changed.
 *
 * Everything here is page-granular: usable ranges shrink inward to whole pages, reserved
 * ranges grow outward to whole pages, so a frame is either entirely usable or not at all.
 * The lists are small (a few dozen entries), so plain arrays and linear scans are enough.
 * See docs/memory.md ("From the memory map to the buddy lists") and Linux's mm/memblock.c.
 */
#include "mm/memblock.h"
#include "arch/x86_64/smpboot.h"
#include "kernel/compiler.h"
#include "kernel/multiboot2.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/memblock_internal.h"
#include "mm/page.h"

#define PHYS_ADDR_MAX ((phys_addr_t)~0ull)

/* The SDM caps MAXPHYADDR at 52 bits; anything above is a broken memory map entry, and
 * clamping there keeps base + size from ever overflowing. */
#define MAX_PHYS_ADDR (1ull << 52)

/* linker.ld: __boot_start is linked at its physical load address (the 32-bit entry runs
 * before paging); __kernel_end is in the higher half, after .bss. */
extern char __boot_start[], __kernel_end[];

struct memblock_type memblock_memory = {.name = "memory"};
struct memblock_type memblock_reserved = {.name = "reserved"};
bool memblock_retired;

/* Index of the first region of type that ends at or after base, i.e. the first one that
 * [base, ...) could overlap or touch. */
static int first_region_reaching(const struct memblock_type *type, phys_addr_t base)
{
	int i = 0;

	while (i < type->count && memblock_region_end(&type->regions[i]) < base)
		i++;
	return i;
}

/*
 * Regions [first, last) all overlap or touch [base, end) (the list is sorted and disjoint,
 * so they are consecutive). They are replaced by one region covering their union with the
 * new range; with no such region, the new one is inserted at `first`, keeping the order.
 */
void memblock_type_add(struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end;
	int first, last, merged;

	if (size == 0)
		return;
	end = base + size;
	first = first_region_reaching(type, base);
	for (last = first; last < type->count && type->regions[last].base <= end; last++) {
		base = MIN(base, type->regions[last].base);
		end = MAX(end, memblock_region_end(&type->regions[last]));
	}
	merged = last - first;
	if (merged == 0) {
		BUG_ON_MSG(type->count >= MEMBLOCK_MAX_REGIONS,
			   "memblock: more than %d %s regions; raise MEMBLOCK_MAX_REGIONS",
			   MEMBLOCK_MAX_REGIONS, type->name);
		memmove(&type->regions[first + 1], &type->regions[first],
			(size_t)(type->count - first) * sizeof(type->regions[0]));
		type->count++;
	} else if (merged > 1) {
		memmove(&type->regions[first + 1], &type->regions[last],
			(size_t)(type->count - last) * sizeof(type->regions[0]));
		type->count -= merged - 1;
	}
	type->regions[first].base = base;
	type->regions[first].size = end - base;
}

/* The first region of type overlapping [base, base + size), or NULL. */
static const struct memblock_region *first_overlap(const struct memblock_type *type,
						   phys_addr_t base, phys_addr_t size)
{
	int i;

	for (i = 0; i < type->count; i++) {
		const struct memblock_region *r = &type->regions[i];

		if (r->base >= base + size)
			break; /* sorted: nothing further can overlap */
		if (memblock_region_end(r) > base)
			return r;
	}
	return NULL;
}

bool memblock_type_overlaps(const struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	return size != 0 && first_overlap(type, base, size) != NULL;
}

phys_addr_t memblock_type_covered(const struct memblock_type *type, phys_addr_t base,
				  phys_addr_t size)
{
	phys_addr_t end = base + size, covered = 0;
	int i;

	for (i = 0; i < type->count; i++) {
		phys_addr_t lo = MAX(base, type->regions[i].base);
		phys_addr_t hi = MIN(end, memblock_region_end(&type->regions[i]));

		if (lo < hi)
			covered += hi - lo;
	}
	return covered;
}

/* Usable RAM: only whole pages inside [base, base + size) count. */
void memblock_add(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end;

	if (base >= MAX_PHYS_ADDR)
		return;
	end = MIN(base + MIN(size, MAX_PHYS_ADDR), MAX_PHYS_ADDR);
	base = ALIGN_UP(base, (phys_addr_t)PAGE_SIZE);
	end = ALIGN_DOWN(end, (phys_addr_t)PAGE_SIZE);
	if (end > base)
		memblock_type_add(&memblock_memory, base, end - base);
}

/* Never hand out [base, base + size): every page it touches is reserved whole. */
void memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t end;

	BUG_ON_MSG(memblock_retired, "memblock_reserve: called after page_alloc_init(); the "
				     "buddy allocator owns free memory now");
	if (size == 0 || base >= MAX_PHYS_ADDR)
		return;
	end = MIN(base + MIN(size, MAX_PHYS_ADDR), MAX_PHYS_ADDR);
	base = ALIGN_DOWN(base, (phys_addr_t)PAGE_SIZE);
	end = ALIGN_UP(end, (phys_addr_t)PAGE_SIZE);
	memblock_type_add(&memblock_reserved, base, end - base);
}

bool memblock_is_reserved(phys_addr_t base, phys_addr_t size)
{
	return memblock_type_overlaps(&memblock_reserved, base, size);
}

phys_addr_t memblock_end_of_ram(void)
{
	if (memblock_memory.count == 0)
		return 0;
	return memblock_region_end(&memblock_memory.regions[memblock_memory.count - 1]);
}

phys_addr_t memblock_total(const struct memblock_type *type)
{
	phys_addr_t total = 0;
	int i;

	for (i = 0; i < type->count; i++)
		total += type->regions[i].size;
	return total;
}

/*
 * The lowest address in [min, limit) inside region r where `size` bytes aligned to `align` are
 * free of reservations, or 0 if r has none. Each failed try skips past the reservation
 * that blocked it, so this is O(reserved regions) per memory region.
 */
static phys_addr_t find_free_in_region(const struct memblock_region *r, phys_addr_t size,
				       phys_addr_t align, phys_addr_t min, phys_addr_t limit)
{
	phys_addr_t end = MIN(memblock_region_end(r), limit);
	phys_addr_t base = ALIGN_UP(MAX(r->base, min), align);

	while (base < end && size <= end - base) {
		const struct memblock_region *busy = first_overlap(&memblock_reserved, base, size);

		if (!busy)
			return base;
		base = ALIGN_UP(memblock_region_end(busy), align);
	}
	return 0;
}

/*
 * Sizes are rounded up to whole pages and alignments to at least a page, because the
 * buddy allocator later takes over memory page by page. The lowest fitting address wins:
 * until paging_init() has built the full direct map, __va() only reaches the first 4 GiB
 * (the boot page tables), and boot allocations are few and small, so they land far below.
 */
phys_addr_t memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	phys_addr_t base;
	int i;

	BUG_ON_MSG(memblock_retired, "memblock_alloc: called after page_alloc_init(); use "
				     "alloc_pages() or kmalloc()");
	BUG_ON_MSG(size == 0, "memblock_alloc: zero-sized allocation");
	BUG_ON_MSG(align & (align - 1), "memblock_alloc: alignment 0x%lx is not a power of two",
		   (unsigned long)align);
	size = ALIGN_UP(size, (phys_addr_t)PAGE_SIZE);
	align = MAX(align, (phys_addr_t)PAGE_SIZE);
	for (i = 0; i < memblock_memory.count; i++) {
		base = find_free_in_region(&memblock_memory.regions[i], size, align, FIRST_MIB_END,
					   PHYS_ADDR_MAX);
		if (base) {
			memblock_type_add(&memblock_reserved, base, size);
			memset(__va(base), 0, size);
			return base;
		}
	}
	panic("memblock_alloc: no free %lu KiB block aligned to 0x%lx in usable RAM "
	      "(%lu KiB usable, %lu KiB reserved); give QEMU more memory (-m)",
	      (unsigned long)(size >> 10), (unsigned long)align,
	      (unsigned long)(memblock_total(&memblock_memory) >> 10),
	      (unsigned long)(memblock_total(&memblock_reserved) >> 10));
}

phys_addr_t memblock_alloc_low(phys_addr_t size)
{
	phys_addr_t base;

	size = ALIGN_UP(size, (phys_addr_t)PAGE_SIZE);
	for (int i = 0; i < memblock_memory.count; i++) {
		base = find_free_in_region(&memblock_memory.regions[i], size, PAGE_SIZE, PAGE_SIZE,
					   FIRST_MIB_END);
		if (base) {
			memblock_type_add(&memblock_reserved, base, size);
			return base;
		}
	}
	return 0;
}

bool memblock_is_memory(phys_addr_t base, phys_addr_t size)
{
	for (int i = 0; i < memblock_memory.count; i++) {
		const struct memblock_region *r = &memblock_memory.regions[i];

		phys_addr_t end = memblock_region_end(r);

		if (base >= r->base && base < end && size <= end - base)
			return true;
	}
	return false;
}

/* Reserve [base, end) and say why, in Linux's "[mem first-last]" (inclusive) notation. */
static void reserve_and_report(phys_addr_t base, phys_addr_t end, const char *what)
{
	if (end <= base)
		return;
	printk("memblock: reserve [mem 0x%016lx-0x%016lx] %s\n", (unsigned long)base,
	       (unsigned long)end - 1, what);
	memblock_reserve(base, end - base);
}

static void add_usable_ram(const struct boot_info *bi)
{
	u32 i;

	for (i = 0; i < bi->mmap_count; i++) {
		if (bi->mmap[i].type == MULTIBOOT_MEMORY_AVAILABLE)
			memblock_add(bi->mmap[i].addr, bi->mmap[i].len);
	}
	if (memblock_memory.count == 0)
		panic("memblock: the memory map has no usable (type %d) RAM",
		      MULTIBOOT_MEMORY_AVAILABLE);
}

/*
 * ACPI tables and firmware data sit in map entries of other types (reserved, ACPI
 * reclaimable, NVS), which were never added to `memory`, so they need no reservation.
 */
void memblock_init(const struct boot_info *bi)
{
	u32 i;

	add_usable_ram(bi);
	reserve_and_report((phys_addr_t)(uintptr_t)__boot_start, __pa(__kernel_end),
			   "kernel image");
	reserve_and_report(bi->mbi_phys, bi->mbi_phys + bi->mbi_size, "multiboot2 information");
	for (i = 0; i < bi->module_count; i++)
		reserve_and_report(bi->modules[i].start, bi->modules[i].end, "boot module");
	/* Before the first MiB goes whole: the AP trampoline must come from there, and
	 * away from whatever of the above the boot loader put there. */
	realmode_reserve();
	reserve_and_report(0, FIRST_MIB_END, "first MiB (real-mode data, BIOS, firmware)");
	printk("memblock: %lu KiB usable RAM in %d ranges, ending at 0x%lx\n",
	       (unsigned long)(memblock_total(&memblock_memory) >> 10), memblock_memory.count,
	       (unsigned long)memblock_end_of_ram());
}
