/*
 * tests/mm_buddy_test.c - the buddy allocator (mm/page_alloc.c) and mem_map.
 *
 * The tests lean on one property of a buddy allocator that merges eagerly: the free
 * blocks are determined by the set of free frames alone (each maximal aligned run is one
 * block). So after any sequence of allocations that are all freed again, not only
 * nr_free_pages() but every nr_free_blocks(order) must be back at its baseline.
 * The death tests check that the frees that would corrupt the lists panic instead.
 */
#include "arch/x86_64/page.h"
#include "kernel/compiler.h"
#include "kernel/string.h"
#include "mm/memblock.h"
#include "mm/memblock_internal.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "tests/ktest.h"

/* What the free lists looked like when a test started. */
struct buddy_snapshot {
	unsigned long free_pages;
	unsigned long blocks[MAX_ORDER];
};

static void take_snapshot(struct buddy_snapshot *s)
{
	unsigned int order;

	s->free_pages = nr_free_pages();
	for (order = 0; order < MAX_ORDER; order++)
		s->blocks[order] = nr_free_blocks(order);
}

/* Expect the free lists to match snapshot s exactly, order by order. */
#define EXPECT_SNAPSHOT(t, s)                                                                      \
	do {                                                                                       \
		unsigned int o_;                                                                   \
		KEXPECT_EQ(t, nr_free_pages(), (s)->free_pages);                                   \
		for (o_ = 0; o_ < MAX_ORDER; o_++)                                                 \
			KEXPECT_EQ(t, nr_free_blocks(o_), (s)->blocks[o_]);                        \
	} while (0)

/*
 * Blocks a test holds, one list per order, chained through the head pages' lru (which
 * belongs to whoever allocated the page). The frames themselves are never touched: with
 * 8 GiB, writing one word into each of 2 000 blocks makes the host back 2 000 fresh huge
 * pages, which takes seconds under QEMU.
 */
struct held_blocks {
	struct list_head by_order[MAX_ORDER];
};

static void held_init(struct held_blocks *h)
{
	unsigned int order;

	for (order = 0; order < MAX_ORDER; order++)
		INIT_LIST_HEAD(&h->by_order[order]);
}

static void hold(struct held_blocks *h, struct page *page, unsigned int order)
{
	list_add(&page->lru, &h->by_order[order]);
}

/* Free every held block; returns how many no longer looked allocated (refcount 1). */
static unsigned long release_all(struct held_blocks *h)
{
	unsigned long damaged = 0;
	unsigned int order;

	for (order = 0; order < MAX_ORDER; order++) {
		struct page *page, *next;

		list_for_each_entry_safe(page, next, &h->by_order[order], lru) {
			list_del_init(&page->lru);
			damaged += page_count(page) != 1;
			__free_pages(page, order);
		}
	}
	return damaged;
}

/* Allocate every free block of orders [0, below), so those lists are empty. */
static void drain_orders_below(struct held_blocks *held, unsigned int below)
{
	unsigned int order;

	for (order = 0; order < below; order++) {
		while (nr_free_blocks(order) > 0)
			hold(held, alloc_pages(GFP_KERNEL, order), order);
	}
}

KTEST(buddy, counts_are_consistent)
{
	unsigned long sum = 0;
	unsigned int order;

	for (order = 0; order < MAX_ORDER; order++)
		sum += nr_free_blocks(order) << order;
	KEXPECT_EQ(t, sum, nr_free_pages());
	KEXPECT_GT(t, nr_free_pages(), 0ul);
	KEXPECT_EQ(t, nr_free_blocks(MAX_ORDER), 0ul);
	KEXPECT_EQ(t, max_pfn, PFN_UP(memblock_end_of_ram()));
}

KTEST(buddy, reserved_frames_are_marked)
{
	extern char __kernel_end[];
	struct page *kernel_last = virt_to_page((void *)((unsigned long)__kernel_end - 1));

	KEXPECT_TRUE(t, pfn_to_page(0)->flags & PG_reserved);
	KEXPECT_TRUE(t, kernel_last->flags & PG_reserved);
	KEXPECT_TRUE(t, virt_to_page(mem_map)->flags & PG_reserved);
	KEXPECT_EQ(t, page_count(pfn_to_page(0)), 1);
	KEXPECT_FALSE(t, pfn_to_page(0)->flags & PG_buddy);
}

/* Frames in the holes between usable ranges have a struct page, marked reserved. */
KTEST(buddy, holes_are_reserved)
{
	int i, holes = 0;

	for (i = 0; i + 1 < memblock_memory.count; i++) {
		phys_addr_t hole = memblock_region_end(&memblock_memory.regions[i]);
		phys_addr_t next = memblock_memory.regions[i + 1].base;

		KEXPECT_TRUE(t, pfn_to_page(PFN_DOWN(hole))->flags & PG_reserved);
		KEXPECT_TRUE(t, pfn_to_page(PFN_DOWN(next) - 1)->flags & PG_reserved);
		holes++;
	}
	ktest_log(t, "%d holes below max_pfn 0x%lx", holes, max_pfn);
}

KTEST(buddy, order_too_large_is_null)
{
	struct buddy_snapshot before;

	take_snapshot(&before);
	KEXPECT_NULL(t, alloc_pages(GFP_KERNEL, MAX_ORDER));
	KEXPECT_NULL(t, alloc_pages(GFP_KERNEL, 63));
	EXPECT_SNAPSHOT(t, &before);
}

KTEST(buddy, every_order_is_aligned)
{
	struct buddy_snapshot before;
	struct page *pages[MAX_ORDER];
	unsigned long taken = 0;
	unsigned int order;

	take_snapshot(&before);
	for (order = 0; order < MAX_ORDER; order++) {
		struct page *p = alloc_pages(GFP_KERNEL, order);

		pages[order] = p;
		if (!p) {
			ktest_log(t, "no free order-%u block (small memory?)", order);
			continue;
		}
		taken += 1ul << order;
		KEXPECT_EQ(t, page_to_phys(p) & (((phys_addr_t)PAGE_SIZE << order) - 1), 0ul);
		KEXPECT_EQ(t, page_count(p), 1);
		KEXPECT_EQ(t, !!(p->flags & PG_head), order > 0);
		KEXPECT_FALSE(t, p->flags & (PG_buddy | PG_reserved));
	}
	KASSERT_NOT_NULL(t, pages[0]);
	KEXPECT_EQ(t, nr_free_pages(), before.free_pages - taken);
	for (order = 0; order < MAX_ORDER; order++) {
		if (pages[order])
			__free_pages(pages[order], order);
	}
	EXPECT_SNAPSHOT(t, &before);
}

/*
 * With orders 0..2 drained, an order-0 request must split the smallest block left (order
 * h >= 3), leaving exactly one free block at each order below h; freeing it must merge
 * all of them back. Then the same with two order-0 buddies freed one after the other.
 */
KTEST(buddy, split_then_merge)
{
	struct buddy_snapshot before, drained;
	struct held_blocks held;
	struct page *p, *q;
	unsigned int order, h;

	take_snapshot(&before);
	held_init(&held);
	drain_orders_below(&held, 3);
	take_snapshot(&drained);
	for (h = 3; h < MAX_ORDER && drained.blocks[h] == 0; h++)
		;
	if (h == MAX_ORDER) {
		release_all(&held);
		KTEST_SKIP("no free block of order 3 or more");
	}

	p = alloc_pages(GFP_KERNEL, 0);
	KASSERT_NOT_NULL(t, p);
	KEXPECT_EQ(t, page_to_pfn(p) & ((1ul << h) - 1), 0ul); /* the split block's start */
	for (order = 0; order < h; order++)
		KEXPECT_EQ(t, nr_free_blocks(order), 1ul);
	KEXPECT_EQ(t, nr_free_blocks(h), drained.blocks[h] - 1);
	__free_pages(p, 0);
	EXPECT_SNAPSHOT(t, &drained);

	/* Two buddies: p gets the split block's first frame, q its order-0 buddy. */
	p = alloc_pages(GFP_KERNEL, 0);
	q = alloc_pages(GFP_KERNEL, 0);
	KASSERT_NOT_NULL(t, p);
	KASSERT_NOT_NULL(t, q);
	KEXPECT_EQ(t, page_to_pfn(q), page_to_pfn(p) ^ 1);
	KEXPECT_EQ(t, nr_free_blocks(0), 0ul);
	__free_pages(p, 0);
	KEXPECT_EQ(t, nr_free_blocks(0), 1ul); /* its buddy q is in use: no merge yet */
	KEXPECT_EQ(t, nr_free_blocks(1), 1ul);
	__free_pages(q, 0);
	KEXPECT_EQ(t, nr_free_blocks(0), 0ul); /* p and q became one order-1 block, ... */
	EXPECT_SNAPSHOT(t, &drained);	       /* ... which merged on up to order h */

	KEXPECT_EQ(t, release_all(&held), 0ul);
	EXPECT_SNAPSHOT(t, &before);
}

KTEST(buddy, gfp_zero_zeroes)
{
	struct buddy_snapshot before;
	const unsigned int order = 2;
	const size_t bytes = PAGE_SIZE << order;
	struct page *p, *q;
	const u8 *mem;
	size_t i, nonzero = 0;

	take_snapshot(&before);
	p = alloc_pages(GFP_KERNEL, order);
	KASSERT_NOT_NULL(t, p);
	memset(page_address(p), 0xa5, bytes);
	__free_pages(p, order);
	/* The lists are LIFO and the state after the free equals the state before the
	 * allocation, so the same, dirty, block comes back. */
	q = alloc_pages(__GFP_ZERO, order);
	KASSERT_PTR_EQ(t, q, p);
	mem = page_address(q);
	for (i = 0; i < bytes; i++)
		nonzero += mem[i] != 0;
	KEXPECT_EQ(t, nonzero, (size_t)0);
	__free_pages(q, order);
	EXPECT_SNAPSHOT(t, &before);
}

KTEST(buddy, direct_map_variants)
{
	struct buddy_snapshot before;
	unsigned long addr, zeroed;
	const unsigned long *word;
	unsigned long i, nonzero = 0;

	take_snapshot(&before);
	addr = __get_free_pages(GFP_KERNEL, 1);
	KASSERT_NE(t, addr, 0ul);
	KEXPECT_EQ(t, addr & ((PAGE_SIZE << 1) - 1), 0ul);
	KEXPECT_GE(t, addr, (unsigned long)PAGE_OFFSET);
	KEXPECT_PTR_EQ(t, page_address(virt_to_page((void *)addr)), (void *)addr);
	memset((void *)addr, 0xff, PAGE_SIZE << 1);
	free_pages(addr, 1);
	zeroed = get_zeroed_page(GFP_KERNEL);
	KASSERT_NE(t, zeroed, 0ul);
	word = (const unsigned long *)zeroed;
	for (i = 0; i < PAGE_SIZE / sizeof(*word); i++)
		nonzero += word[i] != 0;
	KEXPECT_EQ(t, nonzero, 0ul);
	free_pages(zeroed, 0);
	free_pages(0, 3); /* a failed __get_free_pages: ignored */
	EXPECT_SNAPSHOT(t, &before);
}

KTEST(buddy, refcount_frees_at_zero)
{
	struct buddy_snapshot before;
	struct page *p;

	take_snapshot(&before);
	p = alloc_page(GFP_KERNEL);
	KASSERT_NOT_NULL(t, p);
	KEXPECT_EQ(t, page_count(p), 1);
	get_page(p);
	KEXPECT_EQ(t, page_count(p), 2);
	put_page(p);
	KEXPECT_EQ(t, page_count(p), 1);
	KEXPECT_EQ(t, nr_free_pages(), before.free_pages - 1); /* still allocated */
	put_page(p);
	KEXPECT_EQ(t, page_count(p), 0);
	EXPECT_SNAPSHOT(t, &before);

	/* A block of order > 0 goes back whole when its head's last reference is dropped. */
	p = alloc_pages(GFP_KERNEL, 3);
	KASSERT_NOT_NULL(t, p);
	KEXPECT_EQ(t, nr_free_pages(), before.free_pages - 8);
	put_page(p);
	EXPECT_SNAPSHOT(t, &before);
}

/* ---- exhausting memory -------------------------------------------------------------- */

/* One bit per frame below max_pfn, in a block allocated before memory runs out. */
struct frame_bitmap {
	struct page *block;
	unsigned int order;
	unsigned long *bits;
};

static bool bitmap_alloc(struct frame_bitmap *bm)
{
	unsigned long bytes = ALIGN_UP(max_pfn, 64ul) / 8;

	for (bm->order = 0; ((unsigned long)PAGE_SIZE << bm->order) < bytes; bm->order++)
		;
	bm->block = alloc_pages(__GFP_ZERO, bm->order);
	bm->bits = bm->block ? page_address(bm->block) : NULL;
	return bm->block != NULL;
}

/* Set the bits of [pfn, pfn + n); returns how many were already set. */
static unsigned long bitmap_claim(struct frame_bitmap *bm, unsigned long pfn, unsigned long n)
{
	unsigned long dup = 0, end = pfn + n;

	for (; pfn < end; pfn++) {
		unsigned long mask = 1ul << (pfn % 64);

		dup += !!(bm->bits[pfn / 64] & mask);
		bm->bits[pfn / 64] |= mask;
	}
	return dup;
}

struct exhaust_result {
	unsigned long pages, duplicates, reserved, outside, misaligned;
};

/* Check one block just allocated: usable, unreserved, aligned, never handed out before. */
static void account_block(struct exhaust_result *r, struct frame_bitmap *bm, struct page *page,
			  unsigned int order)
{
	phys_addr_t base = page_to_phys(page), size = (phys_addr_t)PAGE_SIZE << order;

	r->pages += 1ul << order;
	r->duplicates += bitmap_claim(bm, page_to_pfn(page), 1ul << order);
	r->reserved += memblock_is_reserved(base, size);
	r->outside += memblock_type_covered(&memblock_memory, base, size) != size;
	r->misaligned += (base & (size - 1)) != 0;
}

/*
 * Take every free frame. Largest orders first, so that almost every block comes off its
 * list whole (no splitting) and the test stays fast with gigabytes of RAM; the smaller
 * orders then mop up, and order 0 last until alloc_pages() says NULL. Every frame is
 * still checked individually through the bitmap.
 */
static void exhaust(struct held_blocks *held, struct exhaust_result *r, struct frame_bitmap *bm)
{
	int order;
	struct page *page;

	for (order = MAX_ORDER - 1; order >= 0; order--) {
		while ((page = alloc_pages(GFP_KERNEL, order)) != NULL) {
			account_block(r, bm, page, order);
			hold(held, page, order);
		}
	}
}

KTEST(buddy, exhaust_and_free_everything)
{
	struct buddy_snapshot before;
	struct held_blocks held;
	struct exhaust_result r = {0};
	struct frame_bitmap bm;
	unsigned int order;

	KASSERT_TRUE(t, bitmap_alloc(&bm));
	bitmap_claim(&bm, page_to_pfn(bm.block), 1ul << bm.order);
	take_snapshot(&before);

	held_init(&held);
	exhaust(&held, &r, &bm);
	KEXPECT_EQ(t, nr_free_pages(), 0ul);
	for (order = 0; order < MAX_ORDER; order++)
		KEXPECT_NULL(t, alloc_pages(GFP_KERNEL, order));
	KEXPECT_EQ(t, r.pages, before.free_pages);
	KEXPECT_EQ(t, r.duplicates, 0ul);
	KEXPECT_EQ(t, r.reserved, 0ul);
	KEXPECT_EQ(t, r.outside, 0ul);
	KEXPECT_EQ(t, r.misaligned, 0ul);

	KEXPECT_EQ(t, release_all(&held), 0ul);
	EXPECT_SNAPSHOT(t, &before);
	__free_pages(bm.block, bm.order);
}

/* The same through order 0 only, on a slice of memory: the last frames come from splits. */
#define ORDER0_KEEP 64ul

KTEST(buddy, order0_until_null)
{
	struct buddy_snapshot before;
	struct held_blocks held, big;
	struct page *page;
	unsigned long got = 0, order0_free;
	int order;

	take_snapshot(&before);
	held_init(&held);
	held_init(&big);
	/* Hold everything but ORDER0_KEEP frames, scattered over whatever blocks are left. */
	for (order = MAX_ORDER - 1; order >= 0; order--) {
		while (nr_free_pages() >= (1ul << order) + ORDER0_KEEP &&
		       (page = alloc_pages(GFP_KERNEL, order)) != NULL)
			hold(&big, page, order);
	}
	order0_free = nr_free_pages();
	while ((page = alloc_pages(GFP_KERNEL, 0)) != NULL) {
		hold(&held, page, 0);
		got++;
	}
	KEXPECT_EQ(t, got, order0_free);
	KEXPECT_EQ(t, nr_free_pages(), 0ul);
	KEXPECT_NULL(t, alloc_pages(GFP_KERNEL, 0));
	KEXPECT_EQ(t, release_all(&held), 0ul);
	KEXPECT_EQ(t, nr_free_pages(), order0_free);
	KEXPECT_EQ(t, release_all(&big), 0ul);
	EXPECT_SNAPSHOT(t, &before);
}

/* ---- frees that must panic ---------------------------------------------------------- */

KTEST_DEATH(buddy, double_free_panics, "__free_pages: double free of pfn 0x")
{
	struct page *p = alloc_page(GFP_KERNEL);

	__free_pages(p, 0);
	__free_pages(p, 0);
}

KTEST_DEATH(buddy, double_free_of_block_panics, "__free_pages: double free of pfn 0x")
{
	struct page *p = alloc_pages(GFP_KERNEL, 4);

	__free_pages(p, 4);
	__free_pages(p, 4);
}

KTEST_DEATH(buddy, wrong_order_panics, "freed with order 1 but allocated with order 2")
{
	__free_pages(alloc_pages(GFP_KERNEL, 2), 1);
}

KTEST_DEATH(buddy, order0_free_of_block_panics, "freed with order 0 but allocated with order 3")
{
	__free_pages(alloc_pages(GFP_KERNEL, 3), 0);
}

KTEST_DEATH(buddy, free_reserved_panics, "__free_pages: pfn 0x0 is reserved")
{
	__free_pages(pfn_to_page(0), 0);
}

KTEST_DEATH(buddy, free_with_references_panics, "still has 2 references")
{
	struct page *p = alloc_page(GFP_KERNEL);

	get_page(p);
	__free_pages(p, 0);
}

KTEST_DEATH(buddy, put_page_after_free_panics, "put_page: double free of pfn 0x")
{
	struct page *p = alloc_page(GFP_KERNEL);

	put_page(p);
	put_page(p);
}
