/*
 * tests/mm_test_util.h - leak checks shared by the memory self-tests.
 *
 * A baseline is taken with empty slabs given back to the buddy allocator, so it can be
 * compared exactly after a test freed what it allocated.
 */
#ifndef TESTS_MM_TEST_UTIL_H
#define TESTS_MM_TEST_UTIL_H

#include "tests/ktest.h"

/* Free frames and slab objects in use when a test started. */
struct slab_baseline {
	unsigned long free_pages;
	unsigned long objects;
};

void take_baseline(struct slab_baseline *b);
/* Expect free frames and slab objects back at *b (after shrinking the caches). */
void expect_baseline(struct ktest *t, const struct slab_baseline *b);

#endif
