/*
 * mm/slab.c - object caches: fixed-size objects carved from buddy-allocator blocks.
 *
 * A kmem_cache hands out objects of one size (task_struct, mm_struct, and the kmalloc-N
 * size classes of mm/kmalloc.c). Its memory comes in slabs: one block of 2^order pages
 * from alloc_pages(), cut into `objects` equal slots, with an allocation bitmap (one bit
 * per object, set while it is allocated) in the last bytes:
 *
 *   slab base = page_address(head page), aligned to the slab size as every buddy block is
 *   | obj 0 | obj 1 | ... | obj n-1 | (unused) | bitmap |
 *
 * The head page's struct page describes the slab: freelist (the first free object; each
 * free object holds a pointer to the next one in its first 8 bytes), slab_inuse, and lru,
 * which links it on one of its cache's three lists: slabs_partial, slabs_full, slabs_free.
 * Every page of the slab has PG_slab and slab_cache set, so any address inside an object
 * leads to its cache (virt_to_page), and rounding the address down to the slab size leads
 * to the head page.
 *
 * Slab size: the smallest order holding SLAB_MIN_OBJECTS objects, so order 0 for objects
 * up to 256 bytes (15 or more per page), order 1 for 512 bytes, ..., order 4 for 4 KiB;
 * an object too big for that gets the largest block, as long as one object fits.
 *
 * The cache descriptors are themselves objects of a cache, "kmem_cache", whose own
 * descriptor is the static kmem_cache_cache: it needs nothing but the buddy allocator,
 * so there is no chicken-and-egg at boot. See docs/memory.md ("The slab allocator").
 */
#include "mm/slab.h"
#include "arch/x86_64/page.h"
#include "kernel/cmdline.h"
#include "kernel/compiler.h"
#include "kernel/fault_inject.h"
#include "kernel/list.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/slab_internal.h"

/* Debugging (poisoning) on by default; slab_debug=0 on the command line turns it off. */
#define SLAB_DEBUG 1

/* A slab is the smallest block holding at least this many objects. */
#define SLAB_MIN_OBJECTS 8
/* Empty slabs a cache keeps for its next allocations; more go back at once. */
#define SLAB_FREE_SLABS_KEPT 1
#define FREE_POINTER_SIZE sizeof(void *)
/* Every slot starts 8-aligned: it holds the free pointer. */
#define SLAB_MIN_ALIGN 8
#define KMEM_CACHE_NAME_LEN 32
#define BITS_PER_BYTE 8

struct kmem_cache {
	char name[KMEM_CACHE_NAME_LEN];
	size_t object_size; /* what the cache was created for; poisoned and zeroed */
	size_t size;	    /* slot size: object_size (at least 8) rounded up to align */
	size_t align;
	unsigned int order;	    /* a slab is 2^order pages */
	unsigned int objects;	    /* objects per slab */
	unsigned int bitmap_offset; /* the allocation bitmap's offset in a slab */
	bool poison;		    /* slab_debug when the cache was created */

	/*
	 * lock protects the fields below, and the freelist, slab_inuse, lru and bitmap of
	 * every slab of this cache. Interrupts are off while it is held, so an interrupt
	 * handler may allocate. Lock order: slab_caches_lock, then lock, then the buddy
	 * allocator's zone_lock.
	 */
	spinlock_t lock;
	struct list_head slabs_partial; /* some objects free */
	struct list_head slabs_full;	/* no object free */
	struct list_head slabs_free;	/* every object free; kept until kmem_cache_shrink */
	unsigned long nr_slabs;		/* on all three lists */
	unsigned long nr_free_slabs;	/* on slabs_free */
	unsigned long in_use;		/* objects allocated */

	struct list_head list; /* on slab_caches, under slab_caches_lock */
};

bool slab_debug = SLAB_DEBUG;

/* Every cache, kmem_cache_cache first; for slab_objects_in_use() and shrinking. */
static LIST_HEAD(slab_caches);
static DEFINE_SPINLOCK(slab_caches_lock);
/* The cache the descriptors come from; its own descriptor is this static one. */
static struct kmem_cache kmem_cache_cache;
static bool slab_ready; /* kmem_cache_init() has run */

/* ---- slab geometry ------------------------------------------------------------------- */

static size_t bitmap_bytes(size_t objects)
{
	return (objects + BITS_PER_BYTE - 1) / BITS_PER_BYTE;
}

static size_t slab_bytes(const struct kmem_cache *cache)
{
	return (size_t)PAGE_SIZE << cache->order;
}

/* How many slots of `size` bytes fit in a 2^order-page slab beside their bitmap. */
static size_t objects_per_slab(size_t size, unsigned int order)
{
	size_t bytes = (size_t)PAGE_SIZE << order;
	/* n * size + n / 8 <= bytes, give or take the bitmap's last partial byte. */
	size_t n = bytes * BITS_PER_BYTE / (size * BITS_PER_BYTE + 1);

	while (n && n * size + bitmap_bytes(n) > bytes)
		n--;
	return n;
}

/* The smallest order holding SLAB_MIN_OBJECTS slots, else the largest block. */
static unsigned int slab_order(size_t size)
{
	unsigned int order;

	for (order = 0; order < MAX_ORDER - 1; order++) {
		if (objects_per_slab(size, order) >= SLAB_MIN_OBJECTS)
			break;
	}
	return order;
}

/* Fill in a descriptor; allocates nothing. The arguments are checked by the caller. */
static void init_cache(struct kmem_cache *cache, const char *name, size_t size, size_t align)
{
	memset(cache, 0, sizeof(*cache));
	strlcpy(cache->name, name, sizeof(cache->name));
	cache->object_size = size;
	cache->align = MAX(align, (size_t)SLAB_MIN_ALIGN);
	cache->size = ALIGN_UP(MAX(size, FREE_POINTER_SIZE), cache->align);
	cache->order = slab_order(cache->size);
	cache->objects = (unsigned int)objects_per_slab(cache->size, cache->order);
	cache->bitmap_offset = (unsigned int)(slab_bytes(cache) - bitmap_bytes(cache->objects));
	cache->poison = slab_debug;
	spin_lock_init(&cache->lock, cache->name);
	INIT_LIST_HEAD(&cache->slabs_partial);
	INIT_LIST_HEAD(&cache->slabs_full);
	INIT_LIST_HEAD(&cache->slabs_free);
	INIT_LIST_HEAD(&cache->list);
}

/* ---- objects within a slab --------------------------------------------------------------- */

static char *slab_base(const struct page *slab)
{
	return page_address(slab);
}

/* The head page of the slab holding addr: slabs are naturally aligned buddy blocks. */
static struct page *slab_head(const struct kmem_cache *cache, const void *addr)
{
	return virt_to_page((void *)ALIGN_DOWN((unsigned long)addr, slab_bytes(cache)));
}

static unsigned int object_index(const struct kmem_cache *cache, const struct page *slab,
				 const void *obj)
{
	return (unsigned int)(((const char *)obj - slab_base(slab)) / cache->size);
}

static bool object_allocated(const struct kmem_cache *cache, const struct page *slab,
			     unsigned int index)
{
	const u8 *bitmap = (const u8 *)slab_base(slab) + cache->bitmap_offset;

	return bitmap[index / BITS_PER_BYTE] & (1u << (index % BITS_PER_BYTE));
}

static void set_object_allocated(const struct kmem_cache *cache, const struct page *slab,
				 unsigned int index, bool allocated)
{
	u8 *bitmap = (u8 *)slab_base(slab) + cache->bitmap_offset;
	u8 bit = (u8)(1u << (index % BITS_PER_BYTE));

	if (allocated)
		bitmap[index / BITS_PER_BYTE] |= bit;
	else
		bitmap[index / BITS_PER_BYTE] &= (u8)~bit;
}

/* Does addr start a slot of this slab (whatever its state)? */
static bool is_object_start(const struct kmem_cache *cache, const struct page *slab,
			    const void *addr)
{
	unsigned long offset = (unsigned long)addr - (unsigned long)slab_base(slab);

	return offset < slab_bytes(cache) && offset % cache->size == 0 &&
	       offset / cache->size < cache->objects;
}

static void *get_free_pointer(const void *obj)
{
	return *(void *const *)obj;
}

static void set_free_pointer(void *obj, void *next)
{
	*(void **)obj = next;
}

/* ---- debugging: poison and the free pointer -------------------------------------------- */

/*
 * A free object holds its free pointer in bytes 0..7 and, when the cache poisons,
 * POISON_FREE in every byte from 8 to object_size. The pointer lives inside the object,
 * as in Linux, so a free object costs no memory; what guards it is check_free_pointer():
 * the pointer must be NULL exactly when the object is its slab's last free one, and
 * otherwise a free object of the same slab. The poison is checked when the object is
 * handed out again and when its empty slab goes back to the buddy allocator, so a write
 * after free is reported late, but with the cache, the object and the byte it hit.
 * (kmalloc-8 objects are all pointer: only check_free_pointer guards them.)
 */
static void check_poison(const struct kmem_cache *cache, const void *obj)
{
	const u8 *bytes = obj;
	size_t i;

	for (i = FREE_POINTER_SIZE; i < cache->object_size; i++) {
		if (bytes[i] != POISON_FREE)
			panic("slab %s: use after free: object %p modified at offset %zu "
			      "(0x%02x instead of 0x%02x)",
			      cache->name, obj, i, bytes[i], POISON_FREE);
	}
}

static void poison_object(const struct kmem_cache *cache, void *obj)
{
	if (cache->object_size > FREE_POINTER_SIZE)
		memset((char *)obj + FREE_POINTER_SIZE, POISON_FREE,
		       cache->object_size - FREE_POINTER_SIZE);
}

/* Is next a free object of slab (the only thing a free pointer may hold besides NULL)? */
static bool is_free_object(const struct kmem_cache *cache, const struct page *slab,
			   const void *next)
{
	return next && is_object_start(cache, slab, next) &&
	       !object_allocated(cache, slab, object_index(cache, slab, next));
}

/* obj is being taken off slab's freelist and next is its free pointer. Cheap enough to
 * run with debugging off too. Called with cache->lock held. */
static void check_free_pointer(const struct kmem_cache *cache, const struct page *slab,
			       const void *obj, const void *next)
{
	bool last_free = slab->slab_inuse + 1 == cache->objects;

	if (last_free ? next == NULL : is_free_object(cache, slab, next))
		return;
	panic("slab %s: use after free: object %p modified at offset 0 (its free pointer %p "
	      "should be %s)",
	      cache->name, obj, next,
	      last_free ? "NULL: it is the slab's last free object"
			: "a free object of the same slab");
}

/* ---- slabs ----------------------------------------------------------------------------- */

/* A new slab with every object free, on no list yet. NULL when the buddy allocator has no
 * block of the cache's order. */
static struct page *new_slab(struct kmem_cache *cache, gfp_t gfp)
{
	struct page *slab = __alloc_pages(gfp & ~__GFP_ZERO, cache->order);
	void *next = NULL;
	unsigned int i;

	if (!slab)
		return NULL;
	for (i = 0; i < 1u << cache->order; i++) {
		slab[i].flags |= PG_slab;
		slab[i].slab_cache = cache;
	}
	memset(slab_base(slab) + cache->bitmap_offset, 0, bitmap_bytes(cache->objects));
	/* Thread the freelist through the objects in address order, last one first. */
	for (i = cache->objects; i-- > 0;) {
		void *obj = slab_base(slab) + (size_t)i * cache->size;

		if (cache->poison)
			poison_object(cache, obj);
		set_free_pointer(obj, next);
		next = obj;
	}
	slab->freelist = next;
	slab->slab_inuse = 0;
	return slab;
}

/* Give an empty slab, already off its list, back to the buddy allocator. */
static void free_slab(struct kmem_cache *cache, struct page *slab)
{
	unsigned int i;

	BUG_ON_MSG(slab->slab_inuse, "slab %s: freeing slab %p with %u objects in use", cache->name,
		   slab_base(slab), slab->slab_inuse);
	if (cache->poison) {
		for (i = 0; i < cache->objects; i++)
			check_poison(cache, slab_base(slab) + (size_t)i * cache->size);
	}
	for (i = 0; i < 1u << cache->order; i++) {
		slab[i].flags &= ~PG_slab;
		slab[i].slab_cache = NULL;
	}
	slab->freelist = NULL;
	__free_pages(slab, cache->order);
}

/* Move slab to the list its slab_inuse now calls for. Called with cache->lock held. */
static void refile_slab(struct kmem_cache *cache, struct page *slab)
{
	struct list_head *list = &cache->slabs_partial;

	if (slab->slab_inuse == 0)
		list = &cache->slabs_free;
	else if (slab->slab_inuse == cache->objects)
		list = &cache->slabs_full;
	list_del(&slab->lru);
	list_add(&slab->lru, list);
}

/* Add a fresh slab to the cache; false when there is no memory for one. */
static bool grow_cache(struct kmem_cache *cache, gfp_t gfp)
{
	struct page *slab = new_slab(cache, gfp);
	unsigned long flags;

	if (!slab)
		return false;
	flags = spin_lock_irqsave(&cache->lock);
	list_add(&slab->lru, &cache->slabs_free);
	cache->nr_slabs++;
	cache->nr_free_slabs++;
	spin_unlock_irqrestore(&cache->lock, flags);
	return true;
}

/* Take the first free object of a partial slab, else of an empty one; NULL if the cache
 * has no free object. Partial slabs first, so that empty ones can be given back. */
static void *take_object(struct kmem_cache *cache)
{
	unsigned long flags = spin_lock_irqsave(&cache->lock);
	struct page *slab = NULL;
	void *obj = NULL, *next;

	if (!list_empty(&cache->slabs_partial))
		slab = list_first_entry(&cache->slabs_partial, struct page, lru);
	else if (!list_empty(&cache->slabs_free))
		slab = list_first_entry(&cache->slabs_free, struct page, lru);
	if (!slab)
		goto out;
	obj = slab->freelist;
	BUG_ON_MSG(!obj || object_allocated(cache, slab, object_index(cache, slab, obj)),
		   "slab %s: slab %p lists %p as free, but it is not (corrupted struct page?)",
		   cache->name, slab_base(slab), obj);
	next = get_free_pointer(obj);
	check_free_pointer(cache, slab, obj, next);
	set_object_allocated(cache, slab, object_index(cache, slab, obj), true);
	slab->freelist = next;
	if (slab->slab_inuse++ == 0)
		cache->nr_free_slabs--;
	cache->in_use++;
	if (slab->slab_inuse == 1 || slab->slab_inuse == cache->objects)
		refile_slab(cache, slab);
out:
	spin_unlock_irqrestore(&cache->lock, flags);
	return obj;
}

/* ---- the kmem_cache interface ---------------------------------------------------------- */

void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp)
{
	void *obj;

	BUG_ON_MSG(!cache, "kmem_cache_alloc: NULL cache (kmalloc before kmem_cache_init?)");
	if (should_fail_alloc(FAULT_SLAB))
		return NULL;
	while (!(obj = take_object(cache))) {
		if (!grow_cache(cache, gfp))
			return NULL;
	}
	/* The object is ours now: check it outside the lock. */
	if (cache->poison) {
		check_poison(cache, obj);
		/* Uninitialised reads then show 0x6b6b... rather than a stale pointer. */
		memset(obj, POISON_FREE, MIN(cache->object_size, FREE_POINTER_SIZE));
	}
	if (gfp & __GFP_ZERO)
		memset(obj, 0, cache->object_size);
	return obj;
}

void *kmem_cache_zalloc(struct kmem_cache *cache, gfp_t gfp)
{
	return kmem_cache_alloc(cache, gfp | __GFP_ZERO);
}

struct kmem_cache *slab_object_cache(const void *obj, const char *caller)
{
	unsigned long addr = (unsigned long)obj;
	struct kmem_cache *cache;
	struct page *slab;
	size_t offset;

	BUG_ON_MSG(addr < PAGE_OFFSET || addr - PAGE_OFFSET >= PFN_PHYS(max_pfn),
		   "%s: %p is not an object start (outside the direct map, where all slab and "
		   "kmalloc memory lies)",
		   caller, obj);
	if (!(virt_to_page(obj)->flags & PG_slab))
		return NULL;
	cache = virt_to_page(obj)->slab_cache;
	slab = slab_head(cache, obj);
	if (is_object_start(cache, slab, obj))
		return cache;
	offset = (size_t)(addr - (unsigned long)slab_base(slab));
	if (offset / cache->size < cache->objects)
		panic("%s: %p is not an object start (%zu bytes into object %p of slab %s)", caller,
		      obj, offset % cache->size,
		      slab_base(slab) + offset / cache->size * cache->size, cache->name);
	panic("%s: %p is not an object start (past the last object of a slab of %s)", caller, obj,
	      cache->name);
}

void slab_free(struct kmem_cache *cache, void *obj)
{
	struct page *slab = slab_head(cache, obj);
	unsigned int index = object_index(cache, slab, obj);
	struct page *release = NULL;
	unsigned long flags = spin_lock_irqsave(&cache->lock);

	BUG_ON_MSG(!object_allocated(cache, slab, index), "slab %s: double free of %p", cache->name,
		   obj);
	set_object_allocated(cache, slab, index, false);
	if (cache->poison)
		poison_object(cache, obj);
	set_free_pointer(obj, slab->freelist);
	slab->freelist = obj;
	slab->slab_inuse--;
	cache->in_use--;
	if (slab->slab_inuse == 0 || slab->slab_inuse == cache->objects - 1)
		refile_slab(cache, slab);
	if (slab->slab_inuse == 0 && ++cache->nr_free_slabs > SLAB_FREE_SLABS_KEPT) {
		list_del(&slab->lru);
		cache->nr_free_slabs--;
		cache->nr_slabs--;
		release = slab;
	}
	spin_unlock_irqrestore(&cache->lock, flags);
	if (release)
		free_slab(cache, release);
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	struct kmem_cache *owner;

	if (!obj)
		return;
	BUG_ON_MSG(!cache, "kmem_cache_free: NULL cache for %p", obj);
	owner = slab_object_cache(obj, "kmem_cache_free");
	BUG_ON_MSG(owner != cache, "kmem_cache_free(%s): %p belongs to %s%s", cache->name, obj,
		   owner ? "cache " : "no cache: it is not slab memory", owner ? owner->name : "");
	slab_free(cache, obj);
}

unsigned long kmem_cache_in_use(const struct kmem_cache *cache)
{
	return READ_ONCE(cache->in_use);
}

size_t kmem_cache_size(const struct kmem_cache *cache)
{
	return cache->object_size;
}

void kmem_cache_shrink(struct kmem_cache *cache)
{
	LIST_HEAD(empty);
	struct page *slab, *tmp;
	unsigned long flags = spin_lock_irqsave(&cache->lock);

	/* Unlink under the lock; hand back outside it, the buddy allocator has its own. */
	while (!list_empty(&cache->slabs_free)) {
		slab = list_first_entry(&cache->slabs_free, struct page, lru);
		list_del(&slab->lru);
		list_add(&slab->lru, &empty);
	}
	cache->nr_slabs -= cache->nr_free_slabs;
	cache->nr_free_slabs = 0;
	spin_unlock_irqrestore(&cache->lock, flags);

	list_for_each_entry_safe(slab, tmp, &empty, lru) {
		list_del(&slab->lru);
		free_slab(cache, slab);
	}
}

void kmem_cache_shrink_all(void)
{
	struct kmem_cache *cache;
	unsigned long flags = spin_lock_irqsave(&slab_caches_lock);

	list_for_each_entry(cache, &slab_caches, list)
		kmem_cache_shrink(cache);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
}

/* Can a cache be made for these arguments? Says why not. */
static bool cache_args_valid(const char *name, size_t size, size_t align)
{
	if (!name || !*name) {
		printk("kmem_cache_create: a cache needs a name\n");
		return false;
	}
	if (align & (align - 1) || align > PAGE_SIZE) {
		printk("kmem_cache_create(%s): alignment %zu is not a power of two up to %d\n",
		       name, align, PAGE_SIZE);
		return false;
	}
	if (size == 0 || size > ((size_t)PAGE_SIZE << (MAX_ORDER - 1)) ||
	    objects_per_slab(
		ALIGN_UP(MAX(size, FREE_POINTER_SIZE), MAX(align, (size_t)SLAB_MIN_ALIGN)),
		MAX_ORDER - 1) == 0) {
		printk("kmem_cache_create(%s): object size %zu is 0 or too big for a slab\n", name,
		       size);
		return false;
	}
	return true;
}

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
	struct kmem_cache *cache;
	unsigned long flags;

	BUG_ON_MSG(!slab_ready, "kmem_cache_create(%s): called before kmem_cache_init()",
		   name ? name : "(null)");
	if (!cache_args_valid(name, size, align))
		return NULL;
	cache = kmem_cache_alloc(&kmem_cache_cache, GFP_KERNEL);
	if (!cache)
		return NULL;
	init_cache(cache, name, size, align);
	flags = spin_lock_irqsave(&slab_caches_lock);
	list_add_tail(&cache->list, &slab_caches);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	return cache;
}

void kmem_cache_destroy(struct kmem_cache *cache)
{
	unsigned long flags;

	if (!cache)
		return;
	BUG_ON_MSG(cache == &kmem_cache_cache, "kmem_cache_destroy: kmem_cache holds every "
					       "cache descriptor and cannot be destroyed");
	BUG_ON_MSG(kmem_cache_in_use(cache),
		   "kmem_cache_destroy(%s): %lu object(s) still in use; free them first, or they "
		   "would point into freed pages",
		   cache->name, kmem_cache_in_use(cache));
	flags = spin_lock_irqsave(&slab_caches_lock);
	list_del(&cache->list);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	kmem_cache_shrink(cache);
	/* in_use == 0, so every slab was empty and the shrink gave them all back. */
	BUG_ON(cache->nr_slabs);
	kmem_cache_free(&kmem_cache_cache, cache);
}

unsigned long slab_objects_in_use(void)
{
	const struct kmem_cache *cache;
	unsigned long total = kmalloc_large_in_use();
	unsigned long flags = spin_lock_irqsave(&slab_caches_lock);

	list_for_each_entry(cache, &slab_caches, list)
		total += kmem_cache_in_use(cache);
	spin_unlock_irqrestore(&slab_caches_lock, flags);
	return total;
}

/* slab_debug=0/off or 1/on from the command line; anything else keeps the default. */
static void read_slab_debug_option(void)
{
	const char *value = kernel_param("slab_debug");

	if (!value)
		return;
	if (!strcmp(value, "0") || !strcmp(value, "off"))
		slab_debug = false;
	else if (!strcmp(value, "1") || !strcmp(value, "on"))
		slab_debug = true;
	else
		printk("slab: ignoring slab_debug=%s (use 0, off, 1 or on)\n", value);
}

void kmem_cache_init(void)
{
	BUG_ON_MSG(slab_ready, "kmem_cache_init: called twice");
	read_slab_debug_option();
	init_cache(&kmem_cache_cache, "kmem_cache", sizeof(struct kmem_cache), 0);
	list_add_tail(&kmem_cache_cache.list, &slab_caches);
	slab_ready = true;
	kmalloc_init();
	printk("slab: caches kmalloc-%d .. kmalloc-%d ready; debugging %s\n", KMALLOC_MIN_SIZE,
	       KMALLOC_MAX_CACHE_SIZE,
	       slab_debug ? "on (free objects poisoned with 0x6b, checked on reuse)" : "off");
}
