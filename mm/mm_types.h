/*
 * mm/mm_types.h - struct mm_struct, an address space, and init_mm.
 *
 * An address space is its page tables (pgd), the list of user mappings (VMAs), and two
 * reference counts with different jobs (mm/mm_struct.c, docs/active_mm.md):
 *   mm_users  real users; at 0 the user mappings and user page tables go (exit_mmap);
 *   mm_count  references to the struct and its PML4: one for all real users together,
 *             one per lazy user (a kernel thread running on it), one per mmgrab.
 *
 * Locking (Linux's rule; docs/memory-virtual.md, "The address-space lock"):
 *   mmap_lock        a sleeping reader/writer lock (kernel/rwsem.h). Held for reading
 *                    to look at the VMAs (find_vma) and to fault pages in
 *                    (handle_mm_fault); for writing to change them: mmap, munmap, brk,
 *                    fork (dup_mm write-protects the parent's PTEs), exit_mmap.
 *   page_table_lock  a spinlock, inside mmap_lock: faults run side by side under the
 *                    read lock, so each takes it to re-check and then change a user PTE
 *                    (install a page, break copy-on-write). A writer of mmap_lock
 *                    excludes every fault and changes PTEs without it.
 * Under each field: the lock that protects it.
 */
#ifndef MM_MM_TYPES_H
#define MM_MM_TYPES_H

#include "arch/x86_64/pgtable_types.h"
#include "kernel/atomic.h"
#include "kernel/list.h"
#include "kernel/rwsem.h"
#include "kernel/spinlock.h"
#include "kernel/types.h"

#define MM_NAME_LEN 16

/* A user mapping: [vm_start, vm_end), page-aligned. Every field: vm_mm->mmap_lock. */
struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	unsigned long vm_flags;	  /* VM_READ | VM_WRITE | VM_EXEC */
	struct list_head vm_list; /* mm->mmap, sorted by address */
	struct mm_struct *vm_mm;
};

#define VM_READ 0x1ul
#define VM_WRITE 0x2ul
#define VM_EXEC 0x4ul

struct mm_struct {
	/*
	 * The PML4, in the direct map; its kernel half equals init_mm's and never changes.
	 * The user half and the tables below it: changed under mmap_lock for writing, or
	 * for reading plus page_table_lock (faults); table pages are allocated and freed
	 * under pgtable_lock too (mm/pgtable.c), and freed only under mmap_lock for writing.
	 */
	pgd_t *pgd;
	/* The two counts are atomic; no lock. */
	atomic_t mm_users;	       /* real users: tasks with ->mm == this, plus mmget holders */
	atomic_t mm_count;	       /* lazy users + explicit grabs + 1 while mm_users > 0 */
	struct rw_semaphore mmap_lock; /* see above: VMAs, heap, mmap_base, user PTEs */
	spinlock_t page_table_lock;    /* user PTEs, among faults holding mmap_lock for reading */
	struct list_head mmap;	       /* VMAs, sorted by address: mmap_lock */
	/* User pages mapped: mmap_lock for writing, or reading + page_table_lock. Tests and
	 * exit_mmap check they all go. */
	unsigned long nr_pages;
	/* User-half page-table pages (PDPTs, PDs, PTs): pgtable_lock (mm/pgtable.c). */
	unsigned long nr_pgtables;

	/* The process's layout, shared by its threads (Linux keeps them here too): all
	 * under mmap_lock. Set by exec; copied by fork. */
	unsigned long brk_start, brk; /* the heap: [brk_start, brk) */
	unsigned long mmap_base;      /* mmap searches for room top-down from here */

	/*
	 * Work counters, for the tests that bound the cost of operations on huge, sparse
	 * address spaces (docs/memory-virtual.md, "Walking only what exists"); they only
	 * grow. pt_entries_visited: page-table entries read by range walks (munmap, fork,
	 * exit); vmas_visited: VMAs looked at by gap searches. mmap_lock for writing.
	 */
	unsigned long pt_entries_visited;
	unsigned long vmas_visited;
	/*
	 * The CPUs that may hold translations of this mm in their TLB: a CPU sets its bit
	 * in switch_mm before loading CR3 and clears it when it loads another mm. Atomic.
	 */
	unsigned long cpumask;
	char name[MM_NAME_LEN]; /* for messages (set once by mm_alloc): a program's name... */
};

/*
 * The kernel's own address space. Its pgd is the kernel PML4 built by paging_init();
 * its user half is empty. Nobody has init_mm as ->mm: it is only ever borrowed.
 */
extern struct mm_struct init_mm;

#endif
