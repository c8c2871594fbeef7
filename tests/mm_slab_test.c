/*
 * tests/mm_slab_test.c - object caches (mm/slab.c): kmem_cache_create and friends.
 *
 * Custom caches are created with chosen sizes and alignments; the tests check where the
 * objects land (alignment, no overlap, every page of a multi-page slab leading back to
 * its cache), how many pages a slab takes, the in-use counts, poisoning and zeroing, and
 * that shrinking and destroying give every page back (nr_free_pages() at its baseline).
 * The death tests check the misuses that must panic rather than corrupt a slab.
 */
#include "arch/x86_64/page.h"
#include "kernel/compiler.h"
#include "kernel/string.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "tests/ktest.h"
#include "tests/mm_test_util.h"

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

/* 200-byte objects, 64-aligned: 256-byte slots, 15 to a page, so 40 take three slabs. */
#define CUSTOM_SIZE 200
#define CUSTOM_ALIGN 64
#define CUSTOM_COUNT 40

KTEST(slab, custom_size_and_alignment)
{
	static u8 *objs[CUSTOM_COUNT];
	struct slab_baseline base;
	struct kmem_cache *cache;
	int i, j, misaligned = 0, overlaps = 0, damaged = 0;

	take_baseline(&base);
	cache = kmem_cache_create("test-200", CUSTOM_SIZE, CUSTOM_ALIGN);
	KASSERT_NOT_NULL(t, cache);
	KEXPECT_EQ(t, kmem_cache_size(cache), CUSTOM_SIZE);
	KEXPECT_EQ(t, kmem_cache_in_use(cache), 0);
	for (i = 0; i < CUSTOM_COUNT; i++) {
		objs[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		KASSERT_NOT_NULL(t, objs[i]);
		KEXPECT_EQ(t, kmem_cache_in_use(cache), (unsigned long)i + 1);
		misaligned += !IS_ALIGNED((unsigned long)objs[i], CUSTOM_ALIGN);
		memset(objs[i], i + 1, CUSTOM_SIZE);
	}
	for (i = 0; i < CUSTOM_COUNT; i++) {
		for (j = i + 1; j < CUSTOM_COUNT; j++)
			overlaps +=
			    objs[i] < objs[j] + CUSTOM_SIZE && objs[j] < objs[i] + CUSTOM_SIZE;
		damaged += !all_bytes_are(objs[i], (u8)(i + 1), CUSTOM_SIZE);
	}
	KEXPECT_EQ(t, misaligned, 0);
	KEXPECT_EQ(t, overlaps, 0);
	KEXPECT_EQ(t, damaged, 0);
	/* The descriptor is an object of the "kmem_cache" cache, so it counts too. */
	KEXPECT_EQ(t, slab_objects_in_use(), base.objects + 1 + CUSTOM_COUNT);
	for (i = 0; i < CUSTOM_COUNT; i += 2)
		kmem_cache_free(cache, objs[i]);
	KEXPECT_EQ(t, kmem_cache_in_use(cache), CUSTOM_COUNT / 2);
	for (i = 1; i < CUSTOM_COUNT; i += 2)
		kmem_cache_free(cache, objs[i]);
	KEXPECT_EQ(t, kmem_cache_in_use(cache), 0);
	kmem_cache_destroy(cache);
	expect_baseline(t, &base);
}

KTEST(slab, default_alignment_is_at_least_8)
{
	static const size_t sizes[] = {1, 4, 12, 24, 33};
	struct slab_baseline base;
	unsigned int i;

	take_baseline(&base);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct kmem_cache *cache = kmem_cache_create("test-small", sizes[i], 0);
		void *a, *b;

		KASSERT_NOT_NULL(t, cache);
		a = kmem_cache_alloc(cache, GFP_KERNEL);
		b = kmem_cache_alloc(cache, GFP_KERNEL);
		KASSERT_TRUE(t, a && b);
		KEXPECT_TRUE(t, IS_ALIGNED((unsigned long)a, 8));
		KEXPECT_TRUE(t, IS_ALIGNED((unsigned long)b, 8));
		KEXPECT_PTR_NE(t, a, b);
		kmem_cache_free(cache, a);
		kmem_cache_free(cache, b);
		kmem_cache_destroy(cache);
	}
	expect_baseline(t, &base);
}

/*
 * How many pages each new slab takes: the smallest block holding 8 objects beside the
 * bitmap. 100-byte objects (104-byte slots): one page holds 39, with a 5-byte bitmap.
 * 1000-byte objects: two pages hold 8 (8000 bytes plus one bitmap byte); one would hold 4.
 */
static void check_slab_pages(struct ktest *t, size_t size, unsigned long pages,
			     unsigned int per_slab)
{
	struct kmem_cache *cache = kmem_cache_create("test-geometry", size, 0);
	static void *objs[64];
	unsigned long before;
	unsigned int i;

	KASSERT_NOT_NULL(t, cache);
	KASSERT_LT(t, per_slab, ARRAY_SIZE(objs));
	before = nr_free_pages();
	for (i = 0; i < per_slab; i++) {
		objs[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		KASSERT_NOT_NULL(t, objs[i]);
	}
	KEXPECT_EQ(t, nr_free_pages(), before - pages);
	/* One more object than a slab holds needs a second slab. */
	objs[per_slab] = kmem_cache_alloc(cache, GFP_KERNEL);
	KASSERT_NOT_NULL(t, objs[per_slab]);
	KEXPECT_EQ(t, nr_free_pages(), before - 2 * pages);
	for (i = 0; i <= per_slab; i++)
		kmem_cache_free(cache, objs[i]);
	kmem_cache_destroy(cache);
	KEXPECT_EQ(t, nr_free_pages(), before);
}

KTEST(slab, slab_sizes)
{
	struct slab_baseline base;

	take_baseline(&base);
	check_slab_pages(t, 100, 1, 39);
	check_slab_pages(t, 1000, 2, 8);
	expect_baseline(t, &base);
}

/* In a multi-page slab, objects in the second page must still find their cache. */
KTEST(slab, objects_in_tail_pages_find_their_cache)
{
	struct slab_baseline base;
	struct kmem_cache *cache;
	void *objs[8];
	unsigned int i, in_tail = 0;

	take_baseline(&base);
	cache = kmem_cache_create("test-1000", 1000, 0);
	KASSERT_NOT_NULL(t, cache);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		struct page *page;

		objs[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		KASSERT_NOT_NULL(t, objs[i]);
		page = virt_to_page(objs[i]);
		KEXPECT_NE(t, page->flags & PG_slab, 0);
		KEXPECT_PTR_EQ(t, page->slab_cache, cache);
		in_tail += page != virt_to_page(objs[0]);
	}
	/* 8 objects of 1000 bytes in one 8 KiB slab: objects 5..7 start in its second page
	 * (object 4 straddles the boundary and starts in the first). */
	KEXPECT_EQ(t, in_tail, 3);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(cache, objs[i]);
	KEXPECT_EQ(t, kmem_cache_in_use(cache), 0);
	kmem_cache_shrink(cache);
	/* The frames went back to the buddy allocator without their slab marks. */
	KEXPECT_EQ(t, virt_to_page(objs[0])->flags & PG_slab, 0);
	KEXPECT_EQ(t, virt_to_page(objs[7])->flags & PG_slab, 0);
	kmem_cache_destroy(cache);
	expect_baseline(t, &base);
}

KTEST(slab, zalloc_zeroes_and_free_poisons)
{
	struct slab_baseline base;
	struct kmem_cache *cache;
	u8 *p, *q;

	take_baseline(&base);
	cache = kmem_cache_create("test-300", 300, 0);
	KASSERT_NOT_NULL(t, cache);
	p = kmem_cache_alloc(cache, GFP_KERNEL);
	KASSERT_NOT_NULL(t, p);
	memset(p, 0xff, 300);
	kmem_cache_free(cache, p);
	if (slab_debug)
		KEXPECT_TRUE(t,
			     all_bytes_are(p + sizeof(void *), POISON_FREE, 300 - sizeof(void *)));
	q = kmem_cache_zalloc(cache, GFP_KERNEL);
	KEXPECT_PTR_EQ(t, q, p);
	KEXPECT_TRUE(t, all_bytes_are(q, 0, 300));
	kmem_cache_free(cache, q);
	kmem_cache_destroy(cache);
	expect_baseline(t, &base);
}

KTEST(slab, shrink_returns_empty_slabs)
{
	static void *objs[3 * 39]; /* three full one-page slabs of 100-byte objects */
	struct slab_baseline base;
	struct kmem_cache *cache;
	unsigned long after_create;
	unsigned int i;

	take_baseline(&base);
	cache = kmem_cache_create("test-shrink", 100, 0);
	KASSERT_NOT_NULL(t, cache);
	after_create = nr_free_pages();
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = kmem_cache_alloc(cache, GFP_KERNEL);
		KASSERT_NOT_NULL(t, objs[i]);
	}
	KEXPECT_EQ(t, nr_free_pages(), after_create - 3);
	for (i = 0; i < ARRAY_SIZE(objs); i++)
		kmem_cache_free(cache, objs[i]);
	/* Freeing keeps one empty slab for the next allocation and gives back the rest. */
	KEXPECT_EQ(t, nr_free_pages(), after_create - 1);
	kmem_cache_shrink(cache);
	KEXPECT_EQ(t, nr_free_pages(), after_create);
	kmem_cache_destroy(cache);
	expect_baseline(t, &base);
}

KTEST(slab, create_rejects_bad_arguments)
{
	struct slab_baseline base;

	take_baseline(&base);
	KEXPECT_NULL(t, kmem_cache_create("test-bad", 0, 0));
	KEXPECT_NULL(t, kmem_cache_create("test-bad", 64, 3));
	KEXPECT_NULL(t, kmem_cache_create("test-bad", 64, 2 * PAGE_SIZE));
	KEXPECT_NULL(t, kmem_cache_create("test-bad", (size_t)PAGE_SIZE << MAX_ORDER, 0));
	KEXPECT_NULL(t, kmem_cache_create(NULL, 64, 0));
	KEXPECT_NULL(t, kmem_cache_create("", 64, 0));
	expect_baseline(t, &base);
}

KTEST(slab, null_arguments_are_no_ops)
{
	struct slab_baseline base;
	struct kmem_cache *cache;

	take_baseline(&base);
	cache = kmem_cache_create("test-null", 64, 0);
	KASSERT_NOT_NULL(t, cache);
	kmem_cache_free(cache, NULL);
	KEXPECT_EQ(t, kmem_cache_in_use(cache), 0);
	kmem_cache_destroy(cache);
	kmem_cache_destroy(NULL);
	expect_baseline(t, &base);
}

KTEST(slab, kfree_takes_cache_objects)
{
	struct slab_baseline base;
	struct kmem_cache *cache;
	void *p;

	take_baseline(&base);
	cache = kmem_cache_create("test-kfree", 72, 0);
	KASSERT_NOT_NULL(t, cache);
	p = kmem_cache_alloc(cache, GFP_KERNEL);
	KASSERT_NOT_NULL(t, p);
	KEXPECT_EQ(t, ksize(p), 72);
	kfree(p);
	KEXPECT_EQ(t, kmem_cache_in_use(cache), 0);
	kmem_cache_destroy(cache);
	expect_baseline(t, &base);
}

/*
 * Random allocations and frees over caches of several geometries (one page, two pages,
 * sixteen pages per slab), each object stamped with its own number and checked when
 * freed: slabs move between the partial, full and free lists in every order.
 */
#define CHURN_LIVE 200
#define CHURN_STEPS 5000

struct churn_object {
	u32 *obj;
	unsigned int cache;
	u32 stamp;
};

static u32 churn_random(u32 *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

static bool churn_intact(const struct churn_object *c, size_t size)
{
	size_t i;

	for (i = 0; i < size / sizeof(u32); i++) {
		if (c->obj[i] != c->stamp)
			return false;
	}
	return true;
}

KTEST(slab, random_churn_keeps_objects_intact)
{
	static const size_t sizes[] = {16, 200, 1000, 4096};
	static struct churn_object live[CHURN_LIVE];
	struct kmem_cache *caches[ARRAY_SIZE(sizes)];
	struct slab_baseline base;
	int n = 0, damaged = 0, step;
	u32 seed = 1, stamp = 0;
	unsigned int i;

	take_baseline(&base);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		caches[i] = kmem_cache_create("test-churn", sizes[i], 0);
		KASSERT_NOT_NULL(t, caches[i]);
	}
	for (step = 0; step < CHURN_STEPS; step++) {
		if (n < CHURN_LIVE && (n == 0 || churn_random(&seed) % 3)) {
			struct churn_object *c = &live[n];
			size_t k;

			c->cache = churn_random(&seed) % ARRAY_SIZE(sizes);
			c->obj = kmem_cache_alloc(caches[c->cache], GFP_KERNEL);
			KASSERT_NOT_NULL(t, c->obj);
			c->stamp = ++stamp;
			for (k = 0; k < sizes[c->cache] / sizeof(u32); k++)
				c->obj[k] = c->stamp;
			n++;
		} else {
			int victim = (int)(churn_random(&seed) % (u32)n);

			damaged += !churn_intact(&live[victim], sizes[live[victim].cache]);
			kmem_cache_free(caches[live[victim].cache], live[victim].obj);
			live[victim] = live[--n];
		}
	}
	while (n--) {
		damaged += !churn_intact(&live[n], sizes[live[n].cache]);
		kmem_cache_free(caches[live[n].cache], live[n].obj);
	}
	KEXPECT_EQ(t, damaged, 0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		KEXPECT_EQ(t, kmem_cache_in_use(caches[i]), 0);
		kmem_cache_destroy(caches[i]);
	}
	expect_baseline(t, &base);
}

KTEST_DEATH(slab, destroy_with_objects_in_use,
	    "kmem_cache_destroy(test-busy): 1 object(s) "
	    "still in use")
{
	struct kmem_cache *cache = kmem_cache_create("test-busy", 64, 0);

	kmem_cache_alloc(cache, GFP_KERNEL);
	kmem_cache_destroy(cache);
}

KTEST_DEATH(slab, free_to_the_wrong_cache, "kmem_cache_free(test-a): 0x")
{
	struct kmem_cache *a = kmem_cache_create("test-a", 64, 0);
	struct kmem_cache *b = kmem_cache_create("test-b", 64, 0);

	kmem_cache_free(a, kmem_cache_alloc(b, GFP_KERNEL));
}

KTEST_DEATH(slab, double_free, "slab test-double: double free of 0x")
{
	struct kmem_cache *cache = kmem_cache_create("test-double", 48, 0);
	void *p = kmem_cache_alloc(cache, GFP_KERNEL);

	kmem_cache_free(cache, p);
	kmem_cache_free(cache, p);
}

KTEST_DEATH(slab, write_after_free_caught_by_shrink, "slab test-uaf: use after free: object")
{
	struct kmem_cache *cache = kmem_cache_create("test-uaf", 128, 0);
	u8 *p = kmem_cache_alloc(cache, GFP_KERNEL);

	kmem_cache_free(cache, p);
	p[100] = 0;
	/* Nobody allocates p again: the check when its empty slab goes back catches it. */
	kmem_cache_shrink(cache);
}

KTEST_DEATH(slab, freelist_cut_short_is_caught, "slab test-cut: use after free: object")
{
	struct kmem_cache *cache = kmem_cache_create("test-cut", 64, 0);
	void *a = kmem_cache_alloc(cache, GFP_KERNEL);

	kmem_cache_free(cache, a);
	/* A NULL free pointer would lose the rest of the slab's free objects. */
	*(void **)a = NULL;
	kmem_cache_alloc(cache, GFP_KERNEL);
}
