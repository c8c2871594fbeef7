/*
 * mm/page_alloc.c - the buddy allocator: physical frames in blocks of 2^order pages.
 *
 * Free memory is kept in free_area[order], one list per block size. Only the first page
 * of a free block is on a list; it carries PG_buddy and the block's order. A block of
 * order o at frame pfn (pfn is a multiple of 2^o) has exactly one buddy, the other half of
 * the order o + 1 block it came from, at pfn ^ 2^o:
 *
 *   alloc_pages(order)   take a block from the smallest non-empty list >= order and split
 *                        it, putting the unused upper halves back on the lower lists;
 *   __free_pages(order)  while the buddy is a free block of the same order, take it off
 *                        its list and merge; then list the result.
 *
 * Each step is O(1); a call does at most MAX_ORDER of them. mem_map (one struct page per
 * frame) and the initial free lists are built by page_alloc_init() from memblock
 * (mm/memblock.c) once the direct map covers all RAM. See docs/memory.md.
 */
#include "mm/page_alloc.h"
#include "arch/x86_64/page.h"
#include "kernel/compiler.h"
#include "kernel/fault_inject.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "mm/memblock.h"
#include "mm/memblock_internal.h"
#include "mm/page.h"

struct page *mem_map;
unsigned long max_pfn;

/* The free blocks of one order. Linux calls the same structure free_area. */
struct free_area {
	struct list_head free_list; /* head pages (PG_buddy, ->order == this order) */
	unsigned long nr_free;	    /* blocks on free_list */
};

/* Not static, so that GDB can `p free_area[3]` and `p nr_free_total`. */
struct free_area free_area[MAX_ORDER];
unsigned long nr_free_total; /* pages on all lists: sum of nr_free << order */
/* Frames handed to the lists at boot; written once by page_alloc_init, then read-only. */
static unsigned long totalram;

/* zone_lock protects free_area, nr_free_total and the PG_buddy/order fields of free
 * pages. Interrupts are off while it is held, so an interrupt handler may allocate. */
static DEFINE_SPINLOCK(zone_lock);

/* linker.ld: the image runs from __boot_start (linked at its physical address) to
 * __kernel_end (higher half); only used for the "Memory:" accounting here. */
extern char __boot_start[], __kernel_end[];

/* Is page the head of a free block of exactly this order? Only such a buddy may merge. */
static bool page_is_buddy(const struct page *page, unsigned int order)
{
	return (page->flags & PG_buddy) && page->order == order;
}

static void add_to_free_area(struct page *page, unsigned int order)
{
	page->flags |= PG_buddy;
	page->order = order;
	list_add(&page->lru, &free_area[order].free_list);
	free_area[order].nr_free++;
	nr_free_total += 1ul << order;
}

static void del_from_free_area(struct page *page, unsigned int order)
{
	list_del_init(&page->lru);
	page->flags &= ~PG_buddy;
	page->order = 0;
	free_area[order].nr_free--;
	nr_free_total -= 1ul << order;
}

/*
 * page heads a block of order `high` just taken off its list; keep its first 2^low pages
 * and give back the rest, halving each time: the upper half of each split goes on the
 * list one order down. Example, low 0, high 3: frames +4..+7 become an order-2 block,
 * +2..+3 order 1, +1 order 0, and +0 is what the caller gets.
 */
static void expand(struct page *page, unsigned int low, unsigned int high)
{
	while (high > low) {
		high--;
		add_to_free_area(page + (1ul << high), high);
	}
}

/* Take a block of exactly `order` pages off the lists, splitting a bigger one if needed.
 * Called with zone_lock held; NULL if no list at or above order has a block. */
static struct page *take_block(unsigned int order)
{
	unsigned int o;

	for (o = order; o < MAX_ORDER; o++) {
		struct page *page;

		if (list_empty(&free_area[o].free_list))
			continue;
		page = list_first_entry(&free_area[o].free_list, struct page, lru);
		del_from_free_area(page, o);
		expand(page, order, o);
		return page;
	}
	return NULL;
}

/* Give a block just taken off the lists its allocated state: one reference, and for
 * order > 0 its order on the head page so that a mismatched free is caught. */
static void prep_new_page(struct page *page, unsigned int order)
{
	page->flags = order ? PG_head : 0;
	page->order = order;
	page->slab_inuse = 0;
	page->slab_cache = NULL;
	page->freelist = NULL;
	atomic_set(&page->_refcount, 1);
}

struct page *__alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page;
	unsigned long flags;

	BUG_ON_MSG(!mem_map, "alloc_pages: called before page_alloc_init()");
	if (order >= MAX_ORDER)
		return NULL;
	flags = spin_lock_irqsave(&zone_lock);
	page = take_block(order);
	spin_unlock_irqrestore(&zone_lock, flags);
	if (!page)
		return NULL;
	prep_new_page(page, order);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
	return page;
}

struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	if (should_fail_alloc(FAULT_PAGE))
		return NULL;
	return __alloc_pages(gfp, order);
}

/*
 * Merge the free block (pfn, order) with its buddies as far as they go, then list it.
 * The buddy must be below max_pfn and the head of a free block of the same order: a
 * reserved frame or hole never has PG_buddy, and a buddy of a different order is split
 * (part of it is in use), so either ends the merging. Called with zone_lock held.
 */
static void free_one_block(unsigned long pfn, unsigned int order)
{
	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = pfn ^ (1ul << order);
		struct page *buddy;

		if (buddy_pfn >= max_pfn)
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!page_is_buddy(buddy, order))
			break;
		del_from_free_area(buddy, order);
		pfn &= ~(1ul << order); /* the merged block starts at the lower of the two */
		order++;
	}
	add_to_free_area(pfn_to_page(pfn), order);
}

/*
 * Panic unless page can be freed as a block of `order`: a frame of mem_map, aligned to
 * its order, allocated (not reserved, not already free), holding exactly the caller's
 * reference, and allocated with this same order. Any of these failing is a kernel bug
 * that would corrupt the free lists if let through. Called with zone_lock held, so the
 * state checked cannot change under us.
 */
static void check_free(const struct page *page, unsigned int order, const char *caller)
{
	unsigned long pfn = page_to_pfn(page);
	int refs;

	BUG_ON_MSG(page < mem_map || pfn >= max_pfn, "%s: %p is not a struct page in mem_map",
		   caller, page);
	refs = page_count(page);
	BUG_ON_MSG(order >= MAX_ORDER, "%s: order %u of pfn 0x%lx is >= MAX_ORDER (%d)", caller,
		   order, pfn, MAX_ORDER);
	BUG_ON_MSG(pfn & ((1ul << order) - 1),
		   "%s: pfn 0x%lx cannot start an order-%u block (not aligned)", caller, pfn,
		   order);
	BUG_ON_MSG(page->flags & PG_reserved,
		   "%s: pfn 0x%lx is reserved (kernel, boot data, firmware or a hole); it was "
		   "never allocated",
		   caller, pfn);
	BUG_ON_MSG((page->flags & PG_buddy) || refs == 0,
		   "%s: double free of pfn 0x%lx (refcount %d: already free, or not the first "
		   "page of its block)",
		   caller, pfn, refs);
	BUG_ON_MSG(refs != 1, "%s: pfn 0x%lx still has %d references; drop them with put_page",
		   caller, pfn, refs);
	BUG_ON_MSG(order != ((page->flags & PG_head) ? page->order : 0),
		   "%s: pfn 0x%lx freed with order %u but allocated with order %u", caller, pfn,
		   order, (page->flags & PG_head) ? page->order : 0);
}

void __free_pages(struct page *page, unsigned int order)
{
	unsigned long flags = spin_lock_irqsave(&zone_lock);

	BUG_ON_MSG(!mem_map, "__free_pages: called before page_alloc_init()");
	check_free(page, order, "__free_pages");
	atomic_set(&page->_refcount, 0);
	page->flags = 0;
	free_one_block(page_to_pfn(page), order);
	spin_unlock_irqrestore(&zone_lock, flags);
}

/* The last reference frees the block, with the order it was allocated with. */
void put_page(struct page *page)
{
	int refs = atomic_dec_return(&page->_refcount);

	if (refs > 0)
		return;
	BUG_ON_MSG(refs < 0, "put_page: double free of pfn 0x%lx (no reference left to drop)",
		   page_to_pfn(page));
	/* We held the last reference: hand it to __free_pages, which expects exactly one. */
	atomic_set(&page->_refcount, 1);
	__free_pages(page, (page->flags & PG_head) ? page->order : 0);
}

unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

/* As Linux, freeing address 0 (a failed __get_free_pages) does nothing. */
void free_pages(unsigned long addr, unsigned int order)
{
	if (addr == 0)
		return;
	BUG_ON_MSG(addr & (PAGE_SIZE - 1), "free_pages: 0x%lx is not page-aligned", addr);
	__free_pages(virt_to_page((const void *)addr), order);
}

unsigned long totalram_pages(void)
{
	return READ_ONCE(totalram);
}

unsigned long nr_free_pages(void)
{
	return READ_ONCE(nr_free_total);
}

unsigned long nr_free_blocks(unsigned int order)
{
	if (order >= MAX_ORDER)
		return 0;
	return READ_ONCE(free_area[order].nr_free);
}

/* ---- building mem_map and the initial free lists ------------------------------------ */

/* Frames [start, end) are never allocatable: as Linux, they hold one reference that
 * nobody will drop, and PG_reserved, so a stray free of one panics. */
static void mark_reserved(unsigned long start, unsigned long end)
{
	unsigned long pfn;

	for (pfn = start; pfn < end; pfn++) {
		mem_map[pfn].flags = PG_reserved;
		atomic_set(&mem_map[pfn]._refcount, 1);
	}
}

/* The largest order a block starting at pfn may have without passing end. */
static unsigned int max_block_order(unsigned long pfn, unsigned long end)
{
	unsigned int order = MAX_ORDER - 1;

	while ((pfn & ((1ul << order) - 1)) || pfn + (1ul << order) > end)
		order--;
	return order;
}

/*
 * Put the free frames [start, end) on the lists as the fewest aligned blocks: the
 * largest block that starts at `start` and fits, then the next. These are exactly the
 * blocks that freeing every frame one by one would merge into (start and end are bounded
 * by reserved frames or holes, so nothing outside could merge with them), for a cost of
 * O(blocks) instead of O(frames). The frames' struct pages are still zero from
 * memblock_alloc(), which is the state of a free tail page.
 */
static void release_range(unsigned long start, unsigned long end)
{
	while (start < end) {
		unsigned int order = max_block_order(start, end);

		add_to_free_area(pfn_to_page(start), order);
		start += 1ul << order;
	}
}

/*
 * Walk memory minus reserved in address order. Frames between the free ranges (holes,
 * reservations) are marked reserved, the free ranges released; *next_pfn is the first
 * frame not yet dealt with. Both lists are sorted, so one pass over each suffices.
 */
static void release_region(const struct memblock_region *mem, unsigned long *next_pfn)
{
	phys_addr_t cursor = mem->base, end = memblock_region_end(mem);
	int i;

	for (i = 0; i < memblock_reserved.count && cursor < end; i++) {
		const struct memblock_region *r = &memblock_reserved.regions[i];

		if (memblock_region_end(r) <= cursor)
			continue;
		if (r->base > cursor) {
			mark_reserved(*next_pfn, PFN_DOWN(cursor));
			release_range(PFN_DOWN(cursor), PFN_DOWN(MIN(r->base, end)));
			*next_pfn = PFN_DOWN(MIN(r->base, end));
		}
		cursor = memblock_region_end(r);
	}
	if (cursor < end) {
		mark_reserved(*next_pfn, PFN_DOWN(cursor));
		release_range(PFN_DOWN(cursor), PFN_DOWN(end));
		*next_pfn = PFN_DOWN(end);
	}
}

/* "Memory: avail/total available (... reserved)", as Linux's mem_init_print_info(). */
static void print_memory_info(phys_addr_t map_bytes)
{
	phys_addr_t kernel_start = (phys_addr_t)(uintptr_t)__boot_start;
	phys_addr_t total = memblock_total(&memblock_memory);
	phys_addr_t avail = PFN_PHYS(nr_free_pages());
	phys_addr_t kernel = memblock_type_covered(&memblock_memory, kernel_start,
						   __pa(__kernel_end) - kernel_start);
	phys_addr_t map = memblock_type_covered(&memblock_memory, __pa(mem_map), map_bytes);
	phys_addr_t low = memblock_type_covered(&memblock_memory, 0, FIRST_MIB_END);
	/* What memblock_alloc gave paging_init, plus the boot information and modules. */
	phys_addr_t boot = total - avail - kernel - map - low;
	unsigned int order;

	printk("Memory: %luK/%luK available (%luK kernel code+data, %luK mem_map, "
	       "%luK boot data, %luK first MiB, %luK reserved)\n",
	       (unsigned long)(avail >> 10), (unsigned long)(total >> 10),
	       (unsigned long)(kernel >> 10), (unsigned long)(map >> 10),
	       (unsigned long)(boot >> 10), (unsigned long)(low >> 10),
	       (unsigned long)((total - avail) >> 10));
	printk("buddy: free blocks per order 0..%d:", MAX_ORDER - 1);
	for (order = 0; order < MAX_ORDER; order++)
		printk(" %lu", free_area[order].nr_free);
	printk("\n");
}

/*
 * mem_map covers every frame below max_pfn, holes included, so pfn_to_page() is plain
 * indexing. It must be called after paging_init(): mem_map may lie above 4 GiB and is
 * written through the direct map.
 */
void page_alloc_init(void)
{
	phys_addr_t map_bytes;
	unsigned long next_pfn = 0;
	unsigned int order;
	int i;

	BUG_ON_MSG(mem_map, "page_alloc_init: called twice");
	for (order = 0; order < MAX_ORDER; order++)
		INIT_LIST_HEAD(&free_area[order].free_list);
	max_pfn = PFN_UP(memblock_end_of_ram());
	map_bytes = ALIGN_UP((phys_addr_t)max_pfn * sizeof(struct page), (phys_addr_t)PAGE_SIZE);
	/* Zeroed by memblock_alloc: flags 0, refcount 0 is a free tail page. */
	mem_map = __va(memblock_alloc(map_bytes, PAGE_SIZE));
	for (i = 0; i < memblock_memory.count; i++)
		release_region(&memblock_memory.regions[i], &next_pfn);
	mark_reserved(next_pfn, max_pfn);
	memblock_retired = true;
	totalram = nr_free_pages(); /* nothing has been allocated from the lists yet */
	print_memory_info(map_bytes);
}
