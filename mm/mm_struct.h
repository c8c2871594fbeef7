/*
 * mm/mm_struct.h - creating address spaces and the two reference counts.
 *
 *   mmgrab / mmdrop          mm_count: keep the struct and the PML4 alive
 *   mmget / mmget_not_zero / mmput   mm_users: keep the user mappings alive
 *
 * The rules (Linux's; docs/active_mm.md, "Two counters", walks through them):
 * a new mm starts with mm_users == 1 and mm_count == 1, that one mm_count being shared
 * by all real users together. When mm_users reaches 0, exit_mmap() unmaps and frees
 * every user page and user page table, then that shared mm_count is dropped. When
 * mm_count reaches 0, __mmdrop() frees the PML4 and the struct; it must never run for
 * init_mm, with the PML4 still in CR3, or under the runqueue lock. A count that would
 * go below zero panics.
 */
#ifndef MM_MM_STRUCT_H
#define MM_MM_STRUCT_H

#include "kernel/panic.h"
#include "mm/mm_types.h"

/*
 * The lowest address a user mapping may have: the first 64 KiB stay unmapped, so a
 * kernel NULL-pointer dereference (plus a small offset) can never reach user data.
 * Linux's default vm.mmap_min_addr; MAP_FIXED below it fails with -EPERM as there.
 */
#define MMAP_MIN_ADDR 0x10000ul

/*
 * mmap_lock, by Linux's names (the rule is in mm/mm_types.h). The mm_* functions below
 * take it themselves; the do_* ones, find_vma, get_unmapped_area and handle_mm_fault
 * expect the caller to hold it, and say how.
 */
static inline void mmap_read_lock(struct mm_struct *mm)
{
	down_read(&mm->mmap_lock);
}

static inline bool mmap_read_trylock(struct mm_struct *mm)
{
	return down_read_trylock(&mm->mmap_lock);
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	up_read(&mm->mmap_lock);
}

static inline void mmap_write_lock(struct mm_struct *mm)
{
	down_write(&mm->mmap_lock);
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	up_write(&mm->mmap_lock);
}

/* Held by someone (a reader cannot be told apart from another reader). */
#define mmap_assert_locked(mm)                                                                     \
	BUG_ON_MSG(!rwsem_is_locked(&(mm)->mmap_lock), "%s: %s's mmap_lock is not held", __func__, \
		   (mm)->name)
#define mmap_assert_write_locked(mm)                                                               \
	BUG_ON_MSG(!rwsem_is_write_owner(&(mm)->mmap_lock),                                        \
		   "%s: %s's mmap_lock is not held for writing by this task", __func__,            \
		   (mm)->name)

/* A fresh address space: empty user half, kernel half shared; NULL if out of memory. */
struct mm_struct *mm_alloc(const char *name);

void mmgrab(struct mm_struct *mm);
void mmdrop(struct mm_struct *mm);
void mmget(struct mm_struct *mm);
bool mmget_not_zero(struct mm_struct *mm);
void mmput(struct mm_struct *mm);

/* Map len bytes of zeroed anonymous memory at addr (page-aligned), populated now.
 * 0, -EINVAL (bad range or overlap), -ENOMEM. Takes mmap_lock. */
int mm_map_anon(struct mm_struct *mm, unsigned long addr, unsigned long len,
		unsigned long vm_flags);
/* Add a VMA for [addr, addr + len) without populating it: pages appear on first touch
 * (demand-zero, handle_mm_fault). 0, -EINVAL (bad range or overlap), -ENOMEM. */
int mm_add_vma(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long vm_flags);
/* Remove [addr, addr + len) from mm: unmap and free its pages (and the page tables left
 * empty), trim or split VMAs. 0, -EINVAL, -ENOMEM. */
int mm_unmap_range(struct mm_struct *mm, unsigned long addr, unsigned long len);
/* Grow or shrink the VMA ending at old_end to end at new_end (the heap); 0 or -errno. */
int mm_resize_vma(struct mm_struct *mm, unsigned long old_end, unsigned long new_end);

/* The same three, for a caller that holds mmap_lock for writing (a syscall doing
 * several steps as one, such as mmap(MAP_FIXED): unmap, then map). */
int do_add_vma(struct mm_struct *mm, unsigned long addr, unsigned long len, unsigned long vm_flags);
int do_munmap(struct mm_struct *mm, unsigned long addr, unsigned long len);
int do_resize_vma(struct mm_struct *mm, unsigned long old_end, unsigned long new_end);
/* mprotect: give [start, end) (page-aligned, inside VMAs with no hole, else -ENOMEM) the
 * access rights vm_flags (VM_READ | VM_WRITE | VM_EXEC), splitting VMAs at the edges and
 * rewriting the present PTEs (TLB flushed). */
int do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long end,
		unsigned long vm_flags);
/* madvise(MADV_DONTNEED): drop the pages of [start, end) (no hole, else -ENOMEM); the
 * VMAs stay, so the next touch finds a zeroed page, as Linux's private anonymous memory. */
int do_madvise_dontneed(struct mm_struct *mm, unsigned long start, unsigned long end);
/* Room for len bytes: the highest free range below mm->mmap_base, or 0. One pass over
 * the VMAs (mm->vmas_visited grows by at most their number). mmap_lock for writing. */
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len);

/* Does no VMA overlap [start, end)? mmap_lock held. */
bool mm_range_is_free(struct mm_struct *mm, unsigned long start, unsigned long end);
/* Whether VMAs cover [start, end) without a hole. mmap_lock held. */
bool mm_range_is_mapped(struct mm_struct *mm, unsigned long start, unsigned long end);
/* The VMA containing addr, or NULL. mmap_lock held (reading is enough). */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/*
 * handle_mm_fault - resolve a page fault at addr in mm: a missing page inside a VMA is
 * allocated zeroed (demand paging); a write to a copy-on-write page gets a private copy
 * (or the page itself, if nobody else shares it). 0 if the access may be retried,
 * -EFAULT if addr is in no VMA or the access breaks its permissions (any access to a
 * PROT_NONE mapping), -ENOMEM. The caller holds mmap_lock, for reading at least.
 */
int handle_mm_fault(struct mm_struct *mm, unsigned long addr, bool write, bool exec);

/* What a fault on a user address was (Linux's FAULT_FLAG_* names), for resolve_user_fault. */
#define FAULT_FLAG_WRITE 0x01	    /* a write */
#define FAULT_FLAG_INSTRUCTION 0x02 /* an instruction fetch */
#define FAULT_FLAG_USER 0x04	    /* from user mode (else a user copy in the kernel) */
#define FAULT_FLAG_ATOMIC 0x08	    /* interrupts were off there: the resolver may not sleep */
/*
 * resolve_user_fault - make the access at addr in current->mm work, with mmap_lock
 * (mm/fault.c): demand paging, copy-on-write, and the OOM killer when frames run out.
 * Called by the #PF handler with interrupts off, which it turns on while it may sleep
 * and off again. True if the access may be retried (or, from user mode, the OOM killer
 * chose the task and SIGKILL will end it on the way out).
 */
bool resolve_user_fault(unsigned long addr, unsigned int flags);
/* A copy of oldmm for fork: same VMAs, heap and mmap base, every page shared
 * copy-on-write. Takes oldmm's mmap_lock for writing. NULL on failure. */
struct mm_struct *dup_mm(struct mm_struct *oldmm, const char *name);
/* Unmap and free every user page and user page table (mm_users reached 0). */
void exit_mmap(struct mm_struct *mm);
/* mm_struct objects currently allocated (leak checks). */
unsigned long mm_structs_in_use(void);
/* Called once at boot. */
void mm_struct_init(void);

#endif
