/*
 * mm/slab.h - object caches (kmem_cache) and kmalloc.
 *
 * A kmem_cache hands out fixed-size objects carved from pages of the buddy allocator
 * (task_struct, mm_struct, ...). kmalloc serves arbitrary sizes from power-of-two caches
 * (8 bytes .. 4 KiB) and goes straight to the buddy allocator above that.
 *
 * Debugging is on by default: a freed object is filled with POISON_FREE (0x6b, as in
 * Linux) and checked when it is handed out again; a write after free or a double free
 * panics naming the cache and the address. See mm/slab.c, mm/kmalloc.c, docs/memory.md.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include "kernel/types.h"
#include "mm/page_alloc.h"

#define POISON_FREE 0x6b
#define KMALLOC_MIN_SIZE 8
#define KMALLOC_MAX_CACHE_SIZE 4096

struct kmem_cache;

/*
 * align 0 means the natural alignment (8 bytes, or the size's power of two if smaller);
 * otherwise a power of two up to PAGE_SIZE. Returns NULL (with a message) for a bad
 * size or alignment, or when memory for the descriptor is short.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);
/* NULL when the buddy allocator has no block for a new slab. __GFP_ZERO zeroes. */
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp);
void *kmem_cache_zalloc(struct kmem_cache *cache, gfp_t gfp);
/* obj must come from this cache; NULL is a no-op. */
void kmem_cache_free(struct kmem_cache *cache, void *obj);
/* Objects of this cache currently allocated (leak checks). */
unsigned long kmem_cache_in_use(const struct kmem_cache *cache);
/* The object size the cache was created with. */
size_t kmem_cache_size(const struct kmem_cache *cache);
/* Return the cache's empty pages to the buddy allocator. */
void kmem_cache_shrink(struct kmem_cache *cache);
/* kmem_cache_shrink() on every cache: leak tests call it before reading nr_free_pages(). */
void kmem_cache_shrink_all(void);
/* Destroy a cache with no objects in use (panics otherwise). NULL is a no-op. */
void kmem_cache_destroy(struct kmem_cache *cache);

/* kmalloc(0) returns NULL; so does a size above the largest buddy block (4 MiB). Every
 * object is aligned to its size rounded up to a power of two, at least 8, at most
 * PAGE_SIZE. */
void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
/* NULL is a no-op; anything but an object start panics. */
void kfree(const void *obj);
/* Usable size of a kmalloc'ed object (0 for NULL). */
size_t ksize(const void *obj);

/* Total objects in use across every cache, plus the kmalloc blocks above
 * KMALLOC_MAX_CACHE_SIZE that went straight to the buddy allocator (leak checks). */
unsigned long slab_objects_in_use(void);

/*
 * Poison and check free objects in caches created while this is true. Each cache keeps
 * the value it was created with, so changing it never leaves a checking cache with
 * unpoisoned free objects. Defaults to SLAB_DEBUG (mm/slab.c); the boot option
 * slab_debug=0 turns it off before the kmalloc caches are created.
 */
extern bool slab_debug;

void kmem_cache_init(void);

#endif
