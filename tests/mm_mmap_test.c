/*
 * tests/mm_mmap_test.c - the cost of operations on huge, sparse address spaces.
 *
 * A lazy mapping can be as large as user space while holding one page. Tearing it down,
 * unmapping it and forking it must cost what is mapped, not what is reserved: the range
 * walks read only tables that exist (mm->pt_entries_visited, at most 512 entries per
 * table reached), and a gap search reads each VMA at most once (mm->vmas_visited). The
 * tests check those counters, never the time. They also check that page tables emptied
 * by munmap are freed (mm->nr_pgtables, free frames back at baseline) and that unmapped
 * room is found again. docs/memory-virtual.md, "Walking only what exists".
 */
#include "arch/x86_64/page.h"
#include "kernel/errno.h"
#include "mm/mm_struct.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "sched/process.h"
#include "tests/ktest.h"
#include "tests/mm_test_util.h"

#define HUGE_BASE (1ul << 45)  /* 32 TiB */
#define HUGE_LEN (1ul << 46)   /* 64 TiB: a quarter of user space */
#define FAR_OFFSET (3ul << 44) /* another PML4 slot, 48 TiB into the mapping */
#define TABLES_PER_PAGE 3      /* a lone page needs a PDPT, a PD and a PT */
#define ENTRIES_PER_TABLE PTRS_PER_TABLE
#define SMALL_VMAS 8

/* The bound each range walk must keep: 512 entries per table reached, the PML4 included. */
static unsigned long walk_bound(unsigned long tables)
{
	return ENTRIES_PER_TABLE * (tables + 1);
}

/* Fault one page in, as a write from the process would (mmap_lock for reading). */
static int touch(struct mm_struct *mm, unsigned long va)
{
	int err;

	mmap_read_lock(mm);
	err = handle_mm_fault(mm, va, true, false);
	mmap_read_unlock(mm);
	return err;
}

/* A fresh mm with one lazy mapping of HUGE_LEN and `pages` pages touched, far apart. */
static struct mm_struct *huge_sparse_mm(struct ktest *t, int pages)
{
	struct mm_struct *mm = mm_alloc("huge_sparse");

	if (!mm)
		return NULL;
	mm->mmap_base = USER_MMAP_TOP;
	KEXPECT_EQ(t, mm_add_vma(mm, HUGE_BASE, HUGE_LEN, VM_READ | VM_WRITE), 0);
	KEXPECT_EQ(t, touch(mm, HUGE_BASE + 5 * PAGE_SIZE), 0);
	if (pages > 1)
		KEXPECT_EQ(t, touch(mm, HUGE_BASE + FAR_OFFSET), 0);
	KEXPECT_EQ(t, mm->nr_pages, (unsigned long)pages);
	KEXPECT_EQ(t, mm->nr_pgtables, (unsigned long)(TABLES_PER_PAGE * pages));
	return mm;
}

KTEST(mm_mmap, exit_of_huge_lazy_mapping_walks_only_populated_tables)
{
	struct slab_baseline b;
	struct mm_struct *mm;
	unsigned long before, tables;

	take_baseline(&b);
	mm = huge_sparse_mm(t, 1);
	KASSERT_NOT_NULL(t, mm);
	tables = mm->nr_pgtables;
	mmgrab(mm); /* keep the struct to read its counters after exit_mmap */
	before = mm->pt_entries_visited;
	mmput(mm); /* the last user: exit_mmap */
	KEXPECT_LE(t, mm->pt_entries_visited - before, walk_bound(tables));
	KEXPECT_GT(t, mm->pt_entries_visited - before, 0ul);
	KEXPECT_EQ(t, mm->nr_pgtables, 0ul);
	KEXPECT_EQ(t, mm->nr_pages, 0ul);
	mmdrop(mm);
	expect_baseline(t, &b);
}

KTEST(mm_mmap, munmap_of_huge_range_frees_its_page_tables)
{
	struct slab_baseline b;
	struct mm_struct *mm;
	unsigned long before, tables;

	take_baseline(&b);
	mm = huge_sparse_mm(t, 2);
	KASSERT_NOT_NULL(t, mm);
	tables = mm->nr_pgtables;
	before = mm->pt_entries_visited;
	KEXPECT_EQ(t, mm_unmap_range(mm, HUGE_BASE, HUGE_LEN), 0);
	KEXPECT_LE(t, mm->pt_entries_visited - before, walk_bound(tables));
	KEXPECT_EQ(t, mm->nr_pages, 0ul);
	KEXPECT_EQ(t, mm->nr_pgtables, 0ul); /* every table it emptied went back */
	mmput(mm);
	expect_baseline(t, &b);
}

/* Unmapping one page frees its PT, PD and PDPT, but not tables something else uses. */
KTEST(mm_mmap, munmap_frees_only_tables_left_empty)
{
	struct slab_baseline b;
	struct mm_struct *mm;
	unsigned long free_with_one_page;

	take_baseline(&b);
	mm = huge_sparse_mm(t, 1);
	KASSERT_NOT_NULL(t, mm);
	free_with_one_page = nr_free_pages();
	KEXPECT_EQ(t, touch(mm, HUGE_BASE + 6 * PAGE_SIZE), 0); /* the same PT */
	KEXPECT_EQ(t, mm->nr_pgtables, (unsigned long)TABLES_PER_PAGE);
	KEXPECT_EQ(t, mm_unmap_range(mm, HUGE_BASE + 6 * PAGE_SIZE, PAGE_SIZE), 0);
	KEXPECT_EQ(t, mm->nr_pgtables, (unsigned long)TABLES_PER_PAGE); /* page 5 still there */
	KEXPECT_EQ(t, nr_free_pages(), free_with_one_page);
	KEXPECT_EQ(t, mm_unmap_range(mm, HUGE_BASE + 5 * PAGE_SIZE, PAGE_SIZE), 0);
	KEXPECT_EQ(t, mm->nr_pgtables, 0ul);
	KEXPECT_EQ(t, nr_free_pages(), free_with_one_page + 1 + TABLES_PER_PAGE);
	mmput(mm);
	expect_baseline(t, &b);
}

KTEST(mm_mmap, fork_of_huge_sparse_mapping_walks_only_populated_tables)
{
	struct slab_baseline b;
	struct mm_struct *mm, *child;
	unsigned long before, tables;

	take_baseline(&b);
	mm = huge_sparse_mm(t, 2);
	KASSERT_NOT_NULL(t, mm);
	tables = mm->nr_pgtables;
	before = mm->pt_entries_visited;
	child = dup_mm(mm, "child");
	KASSERT_NOT_NULL(t, child);
	KEXPECT_LE(t, mm->pt_entries_visited - before, walk_bound(tables));
	KEXPECT_EQ(t, child->nr_pages, 2ul);
	KEXPECT_EQ(t, child->nr_pgtables, tables);
	KEXPECT_EQ(t, child->mmap_base, mm->mmap_base);
	mmput(child);
	mmput(mm);
	expect_baseline(t, &b);
}

/*
 * One huge MAP_FIXED obstacle under mmap_base, small mappings below it: a search for one
 * page reads each VMA at most once (the old search stepped down one length at a time,
 * rescanning every VMA at each step: ~23 minutes behind such an obstacle).
 */
KTEST(mm_mmap, gap_search_visits_each_vma_at_most_once)
{
	struct slab_baseline b;
	struct mm_struct *mm;
	unsigned long obstacle_start = HUGE_BASE, addr, before, nr_vmas = SMALL_VMAS + 1;

	take_baseline(&b);
	mm = mm_alloc("gap_search");
	KASSERT_NOT_NULL(t, mm);
	mm->mmap_base = USER_MMAP_TOP;
	KEXPECT_EQ(t, mm_add_vma(mm, obstacle_start, USER_MMAP_TOP - obstacle_start, VM_READ), 0);
	for (unsigned long i = 0; i < SMALL_VMAS; i++) /* packed right under the obstacle */
		KEXPECT_EQ(
		    t, mm_add_vma(mm, obstacle_start - (i + 1) * PAGE_SIZE, PAGE_SIZE, VM_READ), 0);
	mmap_write_lock(mm);
	before = mm->vmas_visited;
	addr = get_unmapped_area(mm, PAGE_SIZE);
	KEXPECT_LE(t, mm->vmas_visited - before, nr_vmas);
	KEXPECT_EQ(t, addr, obstacle_start - (SMALL_VMAS + 1) * PAGE_SIZE);
	before = mm->vmas_visited;
	KEXPECT_EQ(t, get_unmapped_area(mm, USER_MMAP_TOP), 0ul); /* cannot fit: still one pass */
	KEXPECT_LE(t, mm->vmas_visited - before, nr_vmas);
	mmap_write_unlock(mm);
	mmput(mm);
	expect_baseline(t, &b);
}

/* munmap leaves a hole; the next search from the top finds it again. */
KTEST(mm_mmap, unmapped_range_is_reused)
{
	struct slab_baseline b;
	struct mm_struct *mm;
	unsigned long first, second, again;

	take_baseline(&b);
	mm = mm_alloc("reuse");
	KASSERT_NOT_NULL(t, mm);
	mm->mmap_base = USER_MMAP_TOP;
	mmap_write_lock(mm);
	first = get_unmapped_area(mm, 4 * PAGE_SIZE);
	KEXPECT_EQ(t, first, USER_MMAP_TOP - 4 * PAGE_SIZE);
	KEXPECT_EQ(t, do_add_vma(mm, first, 4 * PAGE_SIZE, VM_READ), 0);
	second = get_unmapped_area(mm, PAGE_SIZE);
	KEXPECT_EQ(t, second, first - PAGE_SIZE);
	KEXPECT_EQ(t, do_add_vma(mm, second, PAGE_SIZE, VM_READ), 0);
	KEXPECT_EQ(t, do_munmap(mm, first, 4 * PAGE_SIZE), 0);
	again = get_unmapped_area(mm, 2 * PAGE_SIZE); /* fits in the hole: gets its top */
	KEXPECT_EQ(t, again, USER_MMAP_TOP - 2 * PAGE_SIZE);
	KEXPECT_EQ(t, mm->mmap_base, USER_MMAP_TOP); /* the base no longer only shrinks */
	mmap_write_unlock(mm);
	mmput(mm);
	expect_baseline(t, &b);
}

KTEST_DEATH(mm_mmap, find_vma_without_mmap_lock, "find_vma: death_mm's mmap_lock is not held")
{
	struct mm_struct *mm = mm_alloc("death_mm");

	find_vma(mm, HUGE_BASE);
}

/*
 * A fault on a page that is present and allows the access is retried once (after a TLB
 * flush: a stale entry was the only thing paging could fix); the same page faulting
 * again straight away is -EFAULT, or an unfixable fault would loop for ever. Any other
 * resolution in between starts the count again.
 */
KTEST(mm_mmap, spurious_fault_is_retried_once)
{
	struct slab_baseline b;
	struct mm_struct *mm;
	unsigned long va = HUGE_BASE, other = HUGE_BASE + PAGE_SIZE;

	take_baseline(&b);
	mm = mm_alloc("spurious");
	KASSERT_NOT_NULL(t, mm);
	KEXPECT_EQ(t, mm_add_vma(mm, va, 2 * PAGE_SIZE, VM_READ | VM_WRITE), 0);
	KEXPECT_EQ(t, touch(mm, va), 0);       /* demand-zero: resolved */
	KEXPECT_EQ(t, touch(mm, va), 0);       /* present and writable: retried */
	KEXPECT_EQ(t, touch(mm, va), -EFAULT); /* the same again: never fixable */
	KEXPECT_EQ(t, touch(mm, va), 0);       /* a new fault: retried once more */
	KEXPECT_EQ(t, touch(mm, other), 0);    /* another page resolved in between */
	KEXPECT_EQ(t, touch(mm, va), 0);
	KEXPECT_EQ(t, current->spurious_fault_page, va | 1);
	KEXPECT_EQ(t, touch(mm, other), 0); /* present: spurious for `other` now */
	current->spurious_fault_page = 0;   /* the test thread's own faults start clean */
	mmput(mm);
	expect_baseline(t, &b);
}
