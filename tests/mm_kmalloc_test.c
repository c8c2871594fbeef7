/*
 * tests/mm_kmalloc_test.c - kmalloc, kzalloc, kfree and ksize (mm/kmalloc.c).
 *
 * Every size from 1 to 8192 bytes is allocated, written whole and checked for its usable
 * size and alignment; a spread of sizes is kept live at once to prove no two objects
 * overlap; sizes above 4 KiB must come from the buddy allocator and go back to it. Each
 * test ends by freeing everything, shrinking the caches, and checking nr_free_pages()
 * and slab_objects_in_use() are back where they started. The death tests check that a
 * write after free, a double free and a bad pointer panic with a useful message.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/page.h"
#include "kernel/compiler.h"
#include "kernel/string.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "tests/ktest.h"
#include "tests/mm_test_util.h"

#define MAX_TESTED_SIZE 8192
#define PATTERN_BYTE 0x5a

static size_t round_up_pow2(size_t size)
{
	size_t p = 1;

	while (p < size)
		p <<= 1;
	return p;
}

/* What ksize must say for a request of size bytes: the kmalloc-N cache's N, or the
 * buddy block's size. */
static size_t expected_ksize(size_t size)
{
	size_t rounded = round_up_pow2(MAX(size, (size_t)KMALLOC_MIN_SIZE));

	return size <= KMALLOC_MAX_CACHE_SIZE ? rounded : ALIGN_UP(rounded, (size_t)PAGE_SIZE);
}

/* kmalloc's promise: aligned to the size's power of two, at least 8, at most a page. */
static size_t expected_align(size_t size)
{
	return MIN(round_up_pow2(MAX(size, (size_t)KMALLOC_MIN_SIZE)), (size_t)PAGE_SIZE);
}

static bool all_bytes_are(const void *p, u8 value, size_t len)
{
	const u8 *bytes = p;
	size_t i;

	for (i = 0; i < len; i++) {
		if (bytes[i] != value)
			return false;
	}
	return true;
}

KTEST(kmalloc, every_size_1_to_8192)
{
	struct slab_baseline base;
	size_t size, bad_size = 0, bad_align = 0, bad_data = 0;

	take_baseline(&base);
	for (size = 1; size <= MAX_TESTED_SIZE; size++) {
		u8 *p = kmalloc(size, GFP_KERNEL);

		KASSERT_NOT_NULL(t, p);
		if (!bad_size && ksize(p) != expected_ksize(size))
			bad_size = size;
		if (!bad_align && !IS_ALIGNED((unsigned long)p, expected_align(size)))
			bad_align = size;
		/* The whole usable size is the caller's: write every byte of it. */
		memset(p, PATTERN_BYTE, ksize(p));
		if (!bad_data && !all_bytes_are(p, PATTERN_BYTE, ksize(p)))
			bad_data = size;
		kfree(p);
	}
	KEXPECT_EQ(t, bad_size, 0);
	KEXPECT_EQ(t, bad_align, 0);
	KEXPECT_EQ(t, bad_data, 0);
	expect_baseline(t, &base);
}

/* A spread of sizes live at once: every cache, both sides of 4096, several objects per
 * cache. 8192 / 29 gives about 280 objects (some 1.5 MiB), small enough for MEM=32M. */
#define SPREAD_STEP 29
#define SPREAD_COUNT (MAX_TESTED_SIZE / SPREAD_STEP + 1)

static bool overlap(const u8 *a, size_t a_len, const u8 *b, size_t b_len)
{
	return a < b + b_len && b < a + a_len;
}

KTEST(kmalloc, live_objects_do_not_overlap)
{
	static u8 *objs[SPREAD_COUNT];
	static size_t sizes[SPREAD_COUNT];
	struct slab_baseline base;
	int n = 0, i, j, overlaps = 0, damaged = 0;

	take_baseline(&base);
	for (size_t size = 1; size <= MAX_TESTED_SIZE; size += SPREAD_STEP) {
		objs[n] = kmalloc(size, GFP_KERNEL);
		KASSERT_NOT_NULL(t, objs[n]);
		sizes[n] = size;
		/* A different byte per object: an overlap shows up as a wrong byte too. */
		memset(objs[n], (u8)(n + 1), size);
		n++;
	}
	KEXPECT_EQ(t, slab_objects_in_use(), base.objects + (unsigned long)n);
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++)
			overlaps += overlap(objs[i], sizes[i], objs[j], sizes[j]);
		damaged += !all_bytes_are(objs[i], (u8)(i + 1), sizes[i]);
	}
	KEXPECT_EQ(t, overlaps, 0);
	KEXPECT_EQ(t, damaged, 0);
	for (i = 0; i < n; i++)
		kfree(objs[i]);
	expect_baseline(t, &base);
}

KTEST(kmalloc, kzalloc_zeroes_the_whole_object)
{
	static const size_t sizes[] = {1, 8, 60, 64, 100, 512, 4000, 4096, 5000, 16384};
	struct slab_baseline base;
	unsigned int i;

	take_baseline(&base);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u8 *dirty = kmalloc(sizes[i], GFP_KERNEL);
		u8 *p;

		KASSERT_NOT_NULL(t, dirty);
		/* Leave garbage behind: the free list is LIFO, so kzalloc gets this memory. */
		memset(dirty, 0xff, ksize(dirty));
		kfree(dirty);
		p = kzalloc(sizes[i], GFP_KERNEL);
		KASSERT_NOT_NULL(t, p);
		if (sizes[i] <= KMALLOC_MAX_CACHE_SIZE)
			KEXPECT_PTR_EQ(t, p, dirty);
		KEXPECT_TRUE(t, all_bytes_are(p, 0, ksize(p)));
		kfree(p);
	}
	expect_baseline(t, &base);
}

/* Allocate `size` bytes above the cache limit and check they are one buddy block of
 * `pages` pages, marked as a kmalloc block rather than slab memory. */
static void check_large(struct ktest *t, size_t size, unsigned long pages)
{
	unsigned long before = nr_free_pages(), objects = slab_objects_in_use();
	u8 *p = kmalloc(size, GFP_KERNEL);
	struct page *head;

	KASSERT_NOT_NULL(t, p);
	head = virt_to_page(p);
	KEXPECT_EQ(t, nr_free_pages(), before - pages);
	KEXPECT_TRUE(t, IS_ALIGNED((unsigned long)p, PAGE_SIZE));
	KEXPECT_EQ(t, ksize(p), pages * PAGE_SIZE);
	KEXPECT_EQ(t, head->flags & PG_slab, 0);
	KEXPECT_NE(t, head->flags & PG_large_kmalloc, 0);
	KEXPECT_EQ(t, slab_objects_in_use(), objects + 1);
	memset(p, PATTERN_BYTE, ksize(p));
	KEXPECT_TRUE(t, all_bytes_are(p, PATTERN_BYTE, ksize(p)));
	kfree(p);
	KEXPECT_EQ(t, head->flags & PG_large_kmalloc, 0);
	KEXPECT_EQ(t, nr_free_pages(), before);
	KEXPECT_EQ(t, slab_objects_in_use(), objects);
}

KTEST(kmalloc, large_sizes_come_from_the_buddy_allocator)
{
	struct slab_baseline base;

	take_baseline(&base);
	check_large(t, KMALLOC_MAX_CACHE_SIZE + 1, 2);
	check_large(t, 16 * 1024, 4);
	check_large(t, 16 * 1024 + 1, 8);
	check_large(t, 1024 * 1024, 256);
	expect_baseline(t, &base);
}

KTEST(kmalloc, zero_and_oversized_requests_return_null)
{
	struct slab_baseline base;

	take_baseline(&base);
	KEXPECT_NULL(t, kmalloc(0, GFP_KERNEL));
	KEXPECT_NULL(t, kzalloc(0, GFP_KERNEL));
	/* One byte more than the largest buddy block (order MAX_ORDER - 1). */
	KEXPECT_NULL(t, kmalloc(((size_t)PAGE_SIZE << (MAX_ORDER - 1)) + 1, GFP_KERNEL));
	KEXPECT_NULL(t, kmalloc((size_t)-1, GFP_KERNEL));
	kfree(NULL);
	KEXPECT_EQ(t, ksize(NULL), 0);
	expect_baseline(t, &base);
}

KTEST(kmalloc, kfree_poisons_the_object)
{
	struct slab_baseline base;
	u8 *p;

	if (!slab_debug)
		KTEST_SKIP("booted with slab_debug=0");
	take_baseline(&base);
	p = kmalloc(64, GFP_KERNEL);
	KASSERT_NOT_NULL(t, p);
	memset(p, PATTERN_BYTE, 64);
	kfree(p);
	/* Still mapped, so reading it is safe here; bytes 0..7 hold the free pointer. */
	KEXPECT_TRUE(t, all_bytes_are(p + sizeof(void *), POISON_FREE, 64 - sizeof(void *)));
	expect_baseline(t, &base);
}

KTEST(kmalloc, reuse_is_lifo_and_starts_poisoned)
{
	struct slab_baseline base;
	u8 *p, *q;

	take_baseline(&base);
	p = kmalloc(128, GFP_KERNEL);
	KASSERT_NOT_NULL(t, p);
	kfree(p);
	q = kmalloc(100, GFP_KERNEL);
	KEXPECT_PTR_EQ(t, q, p);
	/* With debugging, even the free pointer's bytes are poison once handed out. */
	if (slab_debug)
		KEXPECT_TRUE(t, all_bytes_are(q, POISON_FREE, 128));
	kfree(q);
	expect_baseline(t, &base);
}

KTEST(kmalloc, objects_in_use_counts_each_allocation)
{
	struct slab_baseline base;
	void *a, *b, *c;

	take_baseline(&base);
	a = kmalloc(16, GFP_KERNEL);
	b = kmalloc(3000, GFP_KERNEL);
	c = kmalloc(10000, GFP_KERNEL);
	KASSERT_TRUE(t, a && b && c);
	KEXPECT_EQ(t, slab_objects_in_use(), base.objects + 3);
	kfree(b);
	KEXPECT_EQ(t, slab_objects_in_use(), base.objects + 2);
	kfree(c);
	kfree(a);
	expect_baseline(t, &base);
}

KTEST(kmalloc, interrupt_flag_is_restored)
{
	unsigned long flags = local_irq_save();
	void *p = kmalloc(32, GFP_KERNEL);

	/* The cache lock disables interrupts; unlocking must not re-enable them here. */
	KEXPECT_TRUE(t, irqs_disabled());
	kfree(p);
	KEXPECT_TRUE(t, irqs_disabled());
	local_irq_restore(flags);
	KEXPECT_NOT_NULL(t, p);
}

KTEST_DEATH(kmalloc, write_after_free_is_caught, "slab kmalloc-64: use after free: object")
{
	u8 *p = kmalloc(64, GFP_KERNEL);

	kfree(p);
	p[8] = 0;
	/* LIFO: this hands out p again, and checks its poison first. */
	kmalloc(64, GFP_KERNEL);
}

KTEST_DEATH(kmalloc, free_pointer_overwrite_is_caught, "slab kmalloc-64: use after free: object")
{
	u8 *a = kmalloc(64, GFP_KERNEL);
	u8 *b = kmalloc(64, GFP_KERNEL);

	kfree(b);
	kfree(a);
	/* a's free pointer (bytes 0..7) links it to the next free object; aim it into b. */
	*(u8 **)a = b + 8;
	kmalloc(64, GFP_KERNEL);
}

KTEST_DEATH(kmalloc, double_free_is_caught, "slab kmalloc-64: double free of 0x")
{
	void *p = kmalloc(64, GFP_KERNEL);

	kfree(p);
	kfree(p);
}

KTEST_DEATH(kmalloc, interior_pointer_is_caught, "is not an object start (8 bytes into object")
{
	u8 *p = kmalloc(64, GFP_KERNEL);

	kfree(p + 8);
}

KTEST_DEATH(kmalloc, pointer_inside_large_block_is_caught,
	    "is not an object start: not slab memory, and not the start of a live kmalloc")
{
	u8 *p = kmalloc(5 * PAGE_SIZE, GFP_KERNEL);

	kfree(p + PAGE_SIZE);
}

KTEST_DEATH(kmalloc, pointer_outside_direct_map_is_caught,
	    "is not an object start (outside the direct map")
{
	static u64 not_from_kmalloc;

	/* A kernel-image address: never slab memory. */
	kfree(&not_from_kmalloc);
}
