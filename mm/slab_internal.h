/*
 * mm/slab_internal.h - what mm/kmalloc.c needs from mm/slab.c, and nothing else should.
 *
 * kfree() and ksize() take a bare pointer: slab_object_cache() finds the cache it came
 * from (or says it is not slab memory, so kmalloc.c looks for a large block), and
 * slab_free() frees it without checking again.
 */
#ifndef MM_SLAB_INTERNAL_H
#define MM_SLAB_INTERNAL_H

#include "mm/slab.h"

/*
 * The cache obj belongs to, or NULL if obj's page is not slab memory. Panics, naming
 * `caller`, when obj lies outside the direct map (no slab or kmalloc memory does) or
 * inside a slab but not at the start of an object.
 */
struct kmem_cache *slab_object_cache(const void *obj, const char *caller);
/* Free obj, already checked by slab_object_cache() to start an object of cache. */
void slab_free(struct kmem_cache *cache, void *obj);

/* Create the kmalloc-N caches (mm/kmalloc.c); kmem_cache_init() calls it once. */
void kmalloc_init(void);
/* kmalloc blocks that went straight to the buddy allocator and are not freed yet. */
unsigned long kmalloc_large_in_use(void);

#endif
