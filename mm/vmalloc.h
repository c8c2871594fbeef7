/*
 * mm/vmalloc.h - virtually mapped kernel memory: kernel stacks with guard pages, and
 * device memory (ioremap).
 *
 * The region VMALLOC_START..VMALLOC_END is carved into slots. A kernel stack slot is
 * KSTACK_SIZE of mapped pages with an unmapped guard page below it, so running off the
 * bottom of a stack faults on the guard instead of silently overwriting whatever lies
 * below; the page-fault and double-fault handlers recognise the guard and report
 * "kernel stack overflow".
 */
#ifndef MM_VMALLOC_H
#define MM_VMALLOC_H

#include "kernel/types.h"

#define VMALLOC_START 0xffffc90000000000ul /* Linux's choice too */
#define VMALLOC_END 0xffffe90000000000ul
#define KSTACK_PAGES 4
#define KSTACK_SIZE (KSTACK_PAGES * 4096ul)

struct kstack {
	unsigned long bottom; /* lowest mapped address; bottom - PAGE_SIZE is the guard */
	unsigned long top;    /* one past the highest address: the initial stack pointer */
};

void vmalloc_init(void);
/* Allocate and map a kernel stack; 0 or -ENOMEM. */
int kstack_alloc(struct kstack *stack);
void kstack_free(struct kstack *stack);
/* Is addr inside the guard page of some kernel stack slot (or the boot stack's)? */
bool addr_in_stack_guard(unsigned long addr);
/* If addr is inside a guard page, fill *stack with the stack just above it (for the
 * "kernel stack overflow" report) and return true. */
bool kstack_guard_owner(unsigned long addr, struct kstack *stack);
/* Is addr inside the mapped part of some live kernel stack? (backtraces) */
bool addr_on_kernel_stack(unsigned long addr);
/* Map device memory uncached; returns its virtual address or NULL. */
void *ioremap(phys_addr_t phys, unsigned long size);
/* Undo an ioremap: addr is what it returned (any address in its first page). Its PTEs are
 * gone and its space free for the next ioremap when this returns. An address that is not
 * a live ioremap mapping is refused with a warning (never a crash). */
void iounmap(const volatile void *addr);
/* Is addr in the ioremap part of the vmalloc region (mapped or not)? */
bool addr_is_ioremap(const volatile void *addr);
/* Live ioremap mappings and the pages they map (guard pages not counted). */
void ioremap_usage(unsigned long *areas, unsigned long *pages);
/* Pages of frames currently mapped in the vmalloc region (leak checks). */
unsigned long vmalloc_nr_pages(void);

#endif
