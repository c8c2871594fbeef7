/*
 * mm/page.h - struct page: one per physical page frame, in the mem_map array.
 *
 * mem_map[pfn] describes frame pfn, for every frame below max_pfn (holes included, as
 * Linux's FLATMEM). The buddy allocator uses `order` and `lru` for free blocks; the slab
 * allocator uses `slab_cache`; `_refcount` counts users of an allocated page: the page
 * tables that map it after a copy-on-write fork (mm/mmap.c), which frees it at zero.
 */
#ifndef MM_PAGE_H
#define MM_PAGE_H

#include "arch/x86_64/page.h"
#include "kernel/atomic.h"
#include "kernel/list.h"
#include "kernel/types.h"

/* page->flags bits */
#define PG_reserved (1u << 0)	   /* never in the buddy allocator (hole, kernel, boot data) */
#define PG_buddy (1u << 1)	   /* the head of a free block in the buddy allocator */
#define PG_slab (1u << 2)	   /* owned by a slab cache */
#define PG_head (1u << 3)	   /* first page of an allocated block of order > 0 */
#define PG_large_kmalloc (1u << 4) /* head of a block kmalloc took from the buddy allocator */

struct kmem_cache;

struct page {
	u32 flags;
	u32 order; /* buddy: order of the free block this page heads; or the allocated order */
	atomic_t _refcount;	       /* users of an allocated page; 0 when free */
	u32 slab_inuse;		       /* slab: objects in use on this slab page */
	struct list_head lru;	       /* buddy free list, or a slab cache's page list */
	struct kmem_cache *slab_cache; /* slab: the owning cache */
	void *freelist;		       /* slab: first free object on this page */
};

extern struct page *mem_map;
extern unsigned long max_pfn; /* one past the last frame mem_map describes */

static inline unsigned long page_to_pfn(const struct page *page)
{
	return (unsigned long)(page - mem_map);
}

static inline struct page *pfn_to_page(unsigned long pfn)
{
	return &mem_map[pfn];
}

static inline phys_addr_t page_to_phys(const struct page *page)
{
	return PFN_PHYS(page_to_pfn(page));
}

/* The page's address in the direct map. */
static inline void *page_address(const struct page *page)
{
	return __va(page_to_phys(page));
}

static inline struct page *virt_to_page(const void *addr)
{
	return pfn_to_page(PFN_DOWN(__pa(addr)));
}

static inline int page_count(const struct page *page)
{
	return atomic_read(&page->_refcount);
}

static inline void get_page(struct page *page)
{
	atomic_inc(&page->_refcount);
}

#endif
