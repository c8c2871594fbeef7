/*
 * mm/kmalloc.c - kmalloc, kzalloc, kfree and ksize: kernel memory of any size.
 *
 * Up to KMALLOC_MAX_CACHE_SIZE (4 KiB) a request is served by the smallest of ten
 * power-of-two caches, kmalloc-8 .. kmalloc-4096 (mm/slab.c), that fits it. Above that
 * it goes straight to the buddy allocator as one block of the smallest sufficient order;
 * the block's head page gets PG_large_kmalloc, which is how kfree tells such a block
 * (give it back with __free_pages) from slab memory (PG_slab: give the object back to
 * its cache) and from anything else (a bug: panic).
 *
 * Alignment follows from the layout: kmalloc-N's slots are N bytes in a slab whose base is
 * page aligned, so its objects are N-aligned; large blocks are page aligned. So every
 * object is aligned to its size rounded up to a power of two, at least 8, at most
 * PAGE_SIZE.
 *
 * kmalloc(0) returns NULL. (Linux returns ZERO_SIZE_PTR, a non-NULL pointer that faults
 * when used; here the caller's usual NULL check catches the odd request instead.)
 */
#include "arch/x86_64/page.h"
#include "kernel/atomic.h"
#include "kernel/compiler.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "mm/slab_internal.h"

/* log2(KMALLOC_MIN_SIZE) */
#define KMALLOC_SHIFT_LOW 3
/* kmalloc-8, -16, ..., -4096 */
#define KMALLOC_NR_CACHES 10
/* The largest block the buddy allocator has: order MAX_ORDER - 1 */
#define KMALLOC_MAX_SIZE ((size_t)PAGE_SIZE << (MAX_ORDER - 1))
/* Room for "kmalloc-4096" */
#define KMALLOC_NAME_LEN 16

_Static_assert(KMALLOC_MIN_SIZE << (KMALLOC_NR_CACHES - 1) == KMALLOC_MAX_CACHE_SIZE,
	       "KMALLOC_NR_CACHES must span KMALLOC_MIN_SIZE .. KMALLOC_MAX_CACHE_SIZE");

/* kmalloc_caches[i] serves sizes up to KMALLOC_MIN_SIZE << i. Written once at boot. */
static struct kmem_cache *kmalloc_caches[KMALLOC_NR_CACHES];
/* Large blocks handed out and not yet freed (leak checks). */
static atomic_t kmalloc_large_blocks;

/* The index of the smallest kmalloc cache holding size bytes (1 <= size <= 4096). */
static unsigned int kmalloc_index(size_t size)
{
	if (size <= KMALLOC_MIN_SIZE)
		return 0;
	/* 64 - clzl(size - 1) is the bit length of size - 1: size rounds up to 2^that. */
	return (unsigned int)(64 - __builtin_clzl(size - 1)) - KMALLOC_SHIFT_LOW;
}

/* The smallest order whose block holds size bytes (size <= KMALLOC_MAX_SIZE). */
static unsigned int size_to_order(size_t size)
{
	unsigned int order = 0;

	while (((size_t)PAGE_SIZE << order) < size)
		order++;
	return order;
}

static void *kmalloc_large(size_t size, gfp_t gfp)
{
	struct page *page;
	unsigned int order;

	if (size > KMALLOC_MAX_SIZE) {
		printk("kmalloc: %zu bytes is more than the largest block (%zu KiB)\n", size,
		       KMALLOC_MAX_SIZE >> 10);
		return NULL;
	}
	order = size_to_order(size);
	page = alloc_pages(gfp, order);
	if (!page)
		return NULL;
	/* alloc_pages recorded the order in page->order (PG_head: order > 0 here). */
	page->flags |= PG_large_kmalloc;
	atomic_inc(&kmalloc_large_blocks);
	return page_address(page);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	if (size == 0)
		return NULL;
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(size, gfp);
	return kmem_cache_alloc(kmalloc_caches[kmalloc_index(size)], gfp);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

/* The head page of the live large block starting at obj, which is not slab memory;
 * panics if obj is no such thing. */
static struct page *large_block_head(const void *obj, const char *caller)
{
	struct page *page = virt_to_page(obj);

	BUG_ON_MSG(!IS_ALIGNED((unsigned long)obj, PAGE_SIZE) || !(page->flags & PG_large_kmalloc),
		   "%s: %p is not an object start: not slab memory, and not the start of a live "
		   "kmalloc block (freed twice? from alloc_pages?)",
		   caller, obj);
	return page;
}

void kfree(const void *obj)
{
	struct kmem_cache *cache;
	struct page *page;

	if (!obj)
		return;
	cache = slab_object_cache(obj, "kfree");
	if (cache) {
		/* kfree takes a const pointer, as Linux's: freeing is not writing through it. */
		slab_free(cache, (void *)obj);
		return;
	}
	page = large_block_head(obj, "kfree");
	page->flags &= ~PG_large_kmalloc;
	atomic_dec(&kmalloc_large_blocks);
	__free_pages(page, page->order);
}

size_t ksize(const void *obj)
{
	struct kmem_cache *cache;

	if (!obj)
		return 0;
	cache = slab_object_cache(obj, "ksize");
	if (cache)
		return kmem_cache_size(cache);
	return (size_t)PAGE_SIZE << large_block_head(obj, "ksize")->order;
}

unsigned long kmalloc_large_in_use(void)
{
	return (unsigned long)atomic_read(&kmalloc_large_blocks);
}

void kmalloc_init(void)
{
	char name[KMALLOC_NAME_LEN];
	unsigned int i;

	for (i = 0; i < KMALLOC_NR_CACHES; i++) {
		size_t size = (size_t)KMALLOC_MIN_SIZE << i;

		/* kmem_cache_create copies the name. align = size: kmalloc's alignment
		 * promise (above) rests on it. */
		snprintf(name, sizeof(name), "kmalloc-%zu", size);
		kmalloc_caches[i] = kmem_cache_create(name, size, size);
		BUG_ON_MSG(!kmalloc_caches[i], "kmalloc_init: cannot create %s", name);
	}
}
