/*
 * tests/mm_test_util.c - see tests/mm_test_util.h.
 */
#include "tests/mm_test_util.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"

void take_baseline(struct slab_baseline *b)
{
	kmem_cache_shrink_all();
	b->free_pages = nr_free_pages();
	b->objects = slab_objects_in_use();
}

void expect_baseline(struct ktest *t, const struct slab_baseline *b)
{
	kmem_cache_shrink_all();
	KEXPECT_EQ(t, nr_free_pages(), b->free_pages);
	KEXPECT_EQ(t, slab_objects_in_use(), b->objects);
}
