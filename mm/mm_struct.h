/*
 * mm/mm_struct.h - creating address spaces and the two reference counts.
 *
 *   mmgrab / mmdrop          mm_count: keep the struct and the PML4 alive
 *   mmget / mmget_not_zero / mmput   mm_users: keep the user mappings alive
 *
 * The rules (Linux's, see ../shared/reference/active_mm.md and docs/active_mm.md):
 * a new mm starts with mm_users == 1 and mm_count == 1, that one mm_count being shared
 * by all real users together. When mm_users reaches 0, exit_mmap() unmaps and frees
 * every user page and user page table, then that shared mm_count is dropped. When
 * mm_count reaches 0, __mmdrop() frees the PML4 and the struct; it must never run for
 * init_mm, with the PML4 still in CR3, or under the runqueue lock. A count that would
 * go below zero panics.
 */
#ifndef MM_MM_STRUCT_H
#define MM_MM_STRUCT_H

#include "mm/mm_types.h"

/* A fresh address space: empty user half, kernel half shared; NULL if out of memory. */
struct mm_struct *mm_alloc(const char *name);

void mmgrab(struct mm_struct *mm);
void mmdrop(struct mm_struct *mm);
void mmget(struct mm_struct *mm);
bool mmget_not_zero(struct mm_struct *mm);
void mmput(struct mm_struct *mm);

/* Map len bytes of zeroed anonymous memory at addr (page-aligned), populated now.
 * 0, -EINVAL (bad range or overlap), -ENOMEM. */
int mm_map_anon(struct mm_struct *mm, unsigned long addr, unsigned long len,
		unsigned long vm_flags);
/* Add a VMA for [addr, addr + len) without populating it: pages appear on first touch
 * (demand-zero, handle_mm_fault). 0, -EINVAL (bad range or overlap), -ENOMEM. */
int mm_add_vma(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long vm_flags);
/* Does no VMA overlap [start, end)? */
bool mm_range_is_free(struct mm_struct *mm, unsigned long start, unsigned long end);
/* The VMA containing addr, or NULL. Caller holds page_table_lock or owns mm. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* Remove [addr, addr + len) from mm: unmap and free its pages, trim or split VMAs. */
int mm_unmap_range(struct mm_struct *mm, unsigned long addr, unsigned long len);
/* Grow or shrink the VMA ending at old_end to end at new_end (the heap); 0 or -errno. */
int mm_resize_vma(struct mm_struct *mm, unsigned long old_end, unsigned long new_end);
/*
 * handle_mm_fault - resolve a page fault at addr in mm: a missing page inside a VMA is
 * allocated zeroed (demand paging); a write to a copy-on-write page gets a private copy
 * (or the page itself, if nobody else shares it). 0 if the access may be retried,
 * -EFAULT if addr is in no VMA or the access breaks its permissions, -ENOMEM.
 */
int handle_mm_fault(struct mm_struct *mm, unsigned long addr, bool write, bool exec);
/* A copy of oldmm for fork: same VMAs, every page shared copy-on-write. NULL on failure. */
struct mm_struct *dup_mm(struct mm_struct *oldmm, const char *name);
/* Unmap and free every user page and user page table (mm_users reached 0). */
void exit_mmap(struct mm_struct *mm);
/* mm_struct objects currently allocated (leak checks). */
unsigned long mm_structs_in_use(void);
/* Called once at boot. */
void mm_struct_init(void);

#endif
