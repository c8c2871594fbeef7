/*
 * tests/bench/page_alloc_bench.c - micro-benchmarks of the buddy allocator
 * (mm/page_alloc.c).
 *
 * Each operation is one alloc_pages() followed by the matching __free_pages(), so the
 * free lists are in the same state before every operation and batches are comparable.
 * The pair rows measure the fast path, no split and no merge (bench_order sets the
 * lists up for it); the burst entry makes the allocator split blocks and merge them back
 * on purpose. Run with `make bench` (kernel command line `bench`).
 */
#include "kernel/bench.h"
#include "kernel/panic.h"
#include "mm/page_alloc.h"

#define PAGE_ALLOC_BENCH_ITERS 1000
#define BURST_PAGES 64

static void alloc_free_pair(void *arg)
{
	unsigned int order = *(const unsigned int *)arg;
	struct page *page = alloc_pages(GFP_KERNEL, order);

	BUG_ON_MSG(!page, "page_alloc bench: no free order-%u block", order);
	__free_pages(page, order);
}

/*
 * Measure the pair on lists in a known state, not in whatever state boot left them:
 * otherwise, when free_area[order] happens to be empty, every pair splits a bigger block
 * and merges it back, and the row moves with the kernel's size (where its image ends
 * decides which blocks the boot allocations break up). Taking two blocks and giving the
 * first back leaves it at the head of free_area[order] with its buddy in use (its old
 * buddy, or the second block, split from the same parent), so each pair takes it and
 * returns it without a split or a merge: the allocator's fast path, every boot.
 */
static void bench_order(const struct kbench *b, unsigned int order)
{
	struct page *first = alloc_pages(GFP_KERNEL, order);
	struct page *held = alloc_pages(GFP_KERNEL, order);

	BUG_ON_MSG(!first || !held, "page_alloc bench: no free order-%u blocks", order);
	__free_pages(first, order);
	bench_report(
	    b, bench_median(alloc_free_pair, &order, BENCH_BATCHES, PAGE_ALLOC_BENCH_ITERS), NULL);
	__free_pages(held, order);
}

KBENCH(page_alloc_order0, "ticks per alloc_pages(0) + __free_pages pair")
{
	bench_order(b, 0);
}

KBENCH(page_alloc_order4, "ticks per alloc_pages(4) + __free_pages pair")
{
	bench_order(b, 4);
}

/* BURST_PAGES order-0 pages allocated, then freed in the same order: the first frees
 * find their buddies still in use, the later ones merge back into the blocks that were
 * split. Reported per page (one allocation plus one free). */
static void burst(void *arg)
{
	struct page *pages[BURST_PAGES];
	int i;

	for (i = 0; i < BURST_PAGES; i++) {
		pages[i] = alloc_pages(GFP_KERNEL, 0);
		BUG_ON_MSG(!pages[i], "page_alloc bench: out of memory in the burst");
	}
	for (i = 0; i < BURST_PAGES; i++)
		__free_pages(pages[i], 0);
}

KBENCH(page_alloc_burst64, "ticks per page: 64 alloc_pages(0) then 64 __free_pages")
{
	u64 per_burst = bench_median(burst, NULL, BENCH_BATCHES, PAGE_ALLOC_BENCH_ITERS / 16);

	bench_report(b, per_burst / BURST_PAGES, NULL);
}
