/*
 * mm/mm_types.h - struct mm_struct, an address space, and init_mm.
 *
 * An address space is its page tables (pgd), the list of user mappings (VMAs), and two
 * reference counts with different jobs (mm/mm_struct.c, docs/active_mm.md):
 *   mm_users  real users; at 0 the user mappings and user page tables go (exit_mmap);
 *   mm_count  references to the struct and its PML4: one for all real users together,
 *             one per lazy user (a kernel thread running on it), one per mmgrab.
 * See ../shared/reference/active_mm.md for Linux's exact rules, which these follow.
 */
#ifndef MM_MM_TYPES_H
#define MM_MM_TYPES_H

#include "arch/x86_64/pgtable_types.h"
#include "kernel/atomic.h"
#include "kernel/list.h"
#include "kernel/spinlock.h"
#include "kernel/types.h"

#define MM_NAME_LEN 16

/* A user mapping: [vm_start, vm_end), page-aligned. */
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
	pgd_t *pgd;	   /* the PML4, in the direct map; its kernel half equals init_mm's */
	atomic_t mm_users; /* real users: tasks with ->mm == this, plus mmget holders */
	atomic_t mm_count; /* lazy users + explicit grabs + 1 while mm_users > 0 */
	spinlock_t page_table_lock; /* protects mmap (the VMA list) and the user tables */
	struct list_head mmap;	    /* VMAs, sorted by address */
	unsigned long nr_pages;	    /* user pages mapped (for tests: they all go at exit_mmap) */
	/*
	 * The CPUs that may hold translations of this mm in their TLB: a CPU sets its bit
	 * in switch_mm before loading CR3 and clears it when it loads another mm. Atomic.
	 */
	unsigned long cpumask;
	char name[MM_NAME_LEN]; /* for messages: "init_mm", a program name, a test's name */
};

/*
 * The kernel's own address space. Its pgd is the kernel PML4 built by paging_init();
 * its user half is empty. Nobody has init_mm as ->mm: it is only ever borrowed.
 */
extern struct mm_struct init_mm;

#endif
