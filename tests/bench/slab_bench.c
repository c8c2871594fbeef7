/*
 * tests/bench/slab_bench.c - micro-benchmarks of the slab allocator (mm/slab.c,
 * mm/kmalloc.c).
 *
 * Each operation is one allocation followed by the matching free, so a slab is in the
 * same state before every operation: the pair measures the fast path (take the first
 * free object of a partial slab, push it back), never the buddy allocator. With
 * debugging on (the default), each pair also writes and checks the object's poison:
 * the 256-byte cache is measured both ways to show that cost. Run with `make bench`.
 */
#include "kernel/bench.h"
#include "kernel/panic.h"
#include "mm/slab.h"

#define SLAB_BENCH_ITERS 1000
#define BENCH_OBJECT_SIZE 256

static void kmalloc_kfree_pair(void *arg)
{
	size_t size = *(const size_t *)arg;
	void *p = kmalloc(size, GFP_KERNEL);

	BUG_ON_MSG(!p, "slab bench: kmalloc(%zu) failed", size);
	kfree(p);
}

KBENCH(kmalloc_kfree_64, "ticks per kmalloc(64) + kfree pair")
{
	size_t size = 64;

	bench_report(b, bench_median(kmalloc_kfree_pair, &size, BENCH_BATCHES, SLAB_BENCH_ITERS),
		     slab_debug ? "slab_debug on" : "slab_debug off");
}

static void cache_alloc_free_pair(void *arg)
{
	struct kmem_cache *cache = arg;
	void *p = kmem_cache_alloc(cache, GFP_KERNEL);

	BUG_ON_MSG(!p, "slab bench: kmem_cache_alloc failed");
	kmem_cache_free(cache, p);
}

/* Time the pair on a fresh 256-byte cache created with the given debug setting (a cache
 * keeps the setting it was created with). */
static void bench_cache_256(const struct kbench *b, bool debug)
{
	bool saved = slab_debug;
	struct kmem_cache *cache;

	slab_debug = debug;
	cache = kmem_cache_create(b->name, BENCH_OBJECT_SIZE, 0);
	slab_debug = saved;
	BUG_ON_MSG(!cache, "slab bench: cannot create a %d-byte cache", BENCH_OBJECT_SIZE);
	bench_report(b, bench_median(cache_alloc_free_pair, cache, BENCH_BATCHES, SLAB_BENCH_ITERS),
		     debug ? "slab_debug on" : "slab_debug off");
	kmem_cache_destroy(cache);
}

KBENCH(kmem_cache_alloc_free_256, "ticks per kmem_cache_alloc + kmem_cache_free, 256-byte cache")
{
	bench_cache_256(b, slab_debug);
}

KBENCH(kmem_cache_alloc_free_256_nodebug,
       "ticks per kmem_cache_alloc + kmem_cache_free, 256-byte cache, no poisoning")
{
	bench_cache_256(b, false);
}
