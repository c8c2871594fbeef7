/*
 * mm/page_alloc.h - the buddy allocator: physical page frames in power-of-two blocks.
 *
 * Free memory sits in free_area[order] lists, one per block size 2^order pages. An
 * allocation takes a block of the smallest sufficient order, splitting larger ones; a
 * free merges the block with its buddy (the block it was split from) while the buddy is
 * free too. Every step is O(1) apart from the splits and merges (at most MAX_ORDER).
 * See docs/memory.md.
 */
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include "mm/page.h"

#define MAX_ORDER 11 /* orders 0 .. MAX_ORDER - 1: 4 KiB .. 4 MiB */

typedef unsigned int gfp_t;
#define GFP_KERNEL 0u
#define __GFP_ZERO (1u << 0) /* fill the block with zeroes */

/* Allocate 2^order contiguous frames; NULL when no block that large is free (or fault
 * injection failed it: FAULT_PAGE). The first page's refcount is 1. */
struct page *alloc_pages(gfp_t gfp, unsigned int order);
/* alloc_pages without the FAULT_PAGE hook, for the allocators built on this one (slab,
 * page tables, kernel stacks): their own hook has counted the allocation under its kind
 * (kernel/fault_inject.h). */
struct page *__alloc_pages(gfp_t gfp, unsigned int order);
/* Free a block from alloc_pages with the same order. */
void __free_pages(struct page *page, unsigned int order);
static inline struct page *alloc_page(gfp_t gfp)
{
	return alloc_pages(gfp, 0);
}

/* Drop a reference; the page is freed (order 0) when the last one goes. */
void put_page(struct page *page);

/* Direct-map address variants, as Linux's __get_free_pages / free_pages. */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);

/* Pages the buddy allocator manages, free or not: every frame it was given at boot
 * (Linux's totalram_pages(); sysinfo's totalram). */
unsigned long totalram_pages(void);
/* Pages currently free in the buddy allocator. */
unsigned long nr_free_pages(void);
/* Free blocks of one order (for tests and /proc/buddyinfo-style output). */
unsigned long nr_free_blocks(unsigned int order);

/* Build mem_map and release every usable, unreserved frame into the buddy lists;
 * prints Linux-style accounting ("Memory: ...K/...K available (... reserved)"). */
void page_alloc_init(void);

#endif
