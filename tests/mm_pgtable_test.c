/*
 * tests/mm_pgtable_test.c - the page-table API (mm/pgtable.c), the direct map and the
 * shared kernel half (mm/paging_init.c), and the TLB helpers (arch/x86_64/tlb.c).
 *
 * Most tests work on a scratch address space: a struct mm_struct whose pgd comes from
 * pgd_alloc(), never loaded in CR3 except for the one test that switches to it with
 * interrupts off to prove the shared kernel half carries the kernel across the switch.
 * Every test that allocates checks that nr_free_pages() is back at its baseline.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/pgtable_types.h"
#include "arch/x86_64/tlbflush.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "mm/memblock.h"
#include "mm/mm_types.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/vmalloc.h"
#include "tests/ktest.h"

/* User-half addresses chosen to need different tables at every level. */
#define TEST_VA 0x400000ul		  /* PML4 0, PDPT 0, PD 2, PT 0 */
#define TEST_VA_OTHER_PD 0x40000000ul	  /* PML4 0, PDPT 1 */
#define TEST_VA_OTHER_PML4 0x8000000000ul /* PML4 1 */
#define TEST_MAGIC 0x5ca1ab1edeadbeefull
/* The leaf bits a test cares about (the CPU may add accessed/dirty). */
#define PERM_BITS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_NX | _PAGE_GLOBAL)

struct scratch {
	struct mm_struct mm;
	unsigned long free_before;
};

/* A fresh address space, and the free-frame count before it existed. */
static void scratch_init(struct ktest *t, struct scratch *s, const char *name)
{
	s->free_before = nr_free_pages();
	s->mm = (struct mm_struct){.pgd = pgd_alloc()};
	strlcpy(s->mm.name, name, sizeof(s->mm.name));
	KASSERT_NOT_NULL(t, s->mm.pgd);
}

/* Tear the address space down and check no frame leaked. Mapped frames must be gone. */
static void scratch_destroy(struct ktest *t, struct scratch *s)
{
	free_user_page_tables(&s->mm);
	pgd_free(s->mm.pgd);
	KEXPECT_EQ(t, nr_free_pages(), s->free_before);
}

static unsigned long map_new_frame(struct ktest *t, struct mm_struct *mm, unsigned long va,
				   pgprot_t prot)
{
	struct page *page = alloc_page(__GFP_ZERO);

	KASSERT_NOT_NULL(t, page);
	KASSERT_EQ(t, map_page(mm, va, page_to_phys(page), prot), 0);
	return page_to_phys(page);
}

static void unmap_and_free(struct ktest *t, struct mm_struct *mm, unsigned long va,
			   phys_addr_t expect_pa)
{
	phys_addr_t pa = unmap_page(mm, va);

	KEXPECT_EQ(t, pa, expect_pa);
	if (pa)
		__free_pages(pfn_to_page(PFN_DOWN(pa)), 0);
}

KTEST(mm_pgtable, new_pgd_shares_kernel_half_and_has_empty_user_half)
{
	struct scratch s;

	scratch_init(t, &s, "pgtable_test");
	KEXPECT_TRUE(t, pgd_kernel_half_matches(s.mm.pgd));
	for (unsigned int i = 0; i < USER_PGD_PTRS; i++)
		KEXPECT_EQ(t, s.mm.pgd[i], 0);
	/* Every kernel slot is present: its PDPT was allocated once at boot. */
	for (unsigned int i = KERNEL_PGD_FIRST; i < PTRS_PER_TABLE; i++)
		KEXPECT_TRUE(t, s.mm.pgd[i] & _PAGE_PRESENT);
	KEXPECT_PTR_NE(t, s.mm.pgd, init_mm.pgd);
	scratch_destroy(t, &s);
}

KTEST(mm_pgtable, map_translate_unmap)
{
	struct scratch s;
	phys_addr_t pa, got;
	u64 flags;

	scratch_init(t, &s, "pgtable_test");
	KEXPECT_FALSE(t, translate(&s.mm, TEST_VA, &got, &flags));
	pa = map_new_frame(t, &s.mm, TEST_VA, _PAGE_RW | _PAGE_USER | _PAGE_NX);

	KASSERT_TRUE(t, translate(&s.mm, TEST_VA + 0x123, &got, &flags));
	KEXPECT_EQ(t, got, pa + 0x123);
	KEXPECT_EQ(t, flags & PERM_BITS, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_NX);
	KEXPECT_FALSE(t, flags & _PAGE_PSE);
	/* Intermediate entries of the user half carry the user bit. */
	KEXPECT_EQ(t, s.mm.pgd[0] & PTE_FLAGS_MASK & ~(u64)_PAGE_ACCESSED,
		   _PAGE_TABLE & ~(u64)_PAGE_ACCESSED);
	/* The neighbours are still unmapped. */
	KEXPECT_FALSE(t, translate(&s.mm, TEST_VA + PAGE_SIZE, &got, &flags));
	KEXPECT_FALSE(t, translate(&s.mm, TEST_VA - PAGE_SIZE, &got, &flags));

	KEXPECT_EQ(t, map_page(&s.mm, TEST_VA, pa, _PAGE_RW | _PAGE_NX), -EEXIST);
	unmap_and_free(t, &s.mm, TEST_VA, pa);
	KEXPECT_FALSE(t, translate(&s.mm, TEST_VA, &got, &flags));
	KEXPECT_EQ(t, unmap_page(&s.mm, TEST_VA), 0);
	scratch_destroy(t, &s);
}

KTEST(mm_pgtable, protect_page_changes_flags)
{
	struct scratch s;
	phys_addr_t pa, got;
	u64 flags = 0;

	scratch_init(t, &s, "pgtable_test");
	pa = map_new_frame(t, &s.mm, TEST_VA, _PAGE_RW | _PAGE_NX);
	KEXPECT_EQ(t, protect_page(&s.mm, TEST_VA, _PAGE_USER), 0);
	KEXPECT_TRUE(t, translate(&s.mm, TEST_VA, &got, &flags));
	KEXPECT_EQ(t, got, pa);
	KEXPECT_EQ(t, flags & PERM_BITS, _PAGE_PRESENT | _PAGE_USER);
	KEXPECT_EQ(t, protect_page(&s.mm, TEST_VA + PAGE_SIZE, _PAGE_NX), -ENOENT);
	unmap_and_free(t, &s.mm, TEST_VA, pa);
	KEXPECT_EQ(t, protect_page(&s.mm, TEST_VA, _PAGE_NX), -ENOENT);
	scratch_destroy(t, &s);
}

KTEST(mm_pgtable, walk_pte_allocates_only_when_asked)
{
	struct scratch s;
	phys_addr_t pa;
	pte_t *pte;

	scratch_init(t, &s, "pgtable_test");
	KEXPECT_NULL(t, walk_pte(&s.mm, TEST_VA, false));
	KEXPECT_EQ(t, s.mm.pgd[0], 0);
	pte = walk_pte(&s.mm, TEST_VA, true);
	KASSERT_NOT_NULL(t, pte);
	KEXPECT_EQ(t, *pte, 0);
	KEXPECT_PTR_EQ(t, walk_pte(&s.mm, TEST_VA, false), pte);
	pa = map_new_frame(t, &s.mm, TEST_VA, _PAGE_NX);
	KEXPECT_EQ(t, *pte, pa | _PAGE_PRESENT | _PAGE_NX);
	unmap_and_free(t, &s.mm, TEST_VA, pa);
	/* A large page has no pte: the direct map at 2 MiB. */
	KEXPECT_NULL(t, walk_pte(&init_mm, (unsigned long)__va(PMD_SIZE), false));
	scratch_destroy(t, &s);
}

KTEST(mm_pgtable, freeing_tables_leaks_nothing)
{
	static const unsigned long vas[] = {TEST_VA, TEST_VA + PAGE_SIZE, TEST_VA_OTHER_PD,
					    TEST_VA_OTHER_PML4};
	phys_addr_t pas[ARRAY_SIZE(vas)];
	struct scratch s;

	scratch_init(t, &s, "pgtable_test");
	for (unsigned int i = 0; i < ARRAY_SIZE(vas); i++)
		pas[i] = map_new_frame(t, &s.mm, vas[i], _PAGE_RW | _PAGE_NX);
	/* PML4, 4 frames, slot 0: PDPT + 2 PDs + 2 PTs, slot 1: PDPT + PD + PT. */
	KEXPECT_EQ(t, s.free_before - nr_free_pages(), 1 + 4 + 5 + 3);
	for (unsigned int i = 0; i < ARRAY_SIZE(vas); i++)
		unmap_and_free(t, &s.mm, vas[i], pas[i]);
	free_user_page_tables(&s.mm);
	KEXPECT_EQ(t, s.mm.pgd[0], 0);
	KEXPECT_EQ(t, s.mm.pgd[1], 0);
	KEXPECT_TRUE(t, pgd_kernel_half_matches(s.mm.pgd));
	KEXPECT_EQ(t, s.free_before - nr_free_pages(), 1); /* only the PML4 is left */
	scratch_destroy(t, &s);
}

KTEST(mm_pgtable, kernel_mappings_made_later_are_shared)
{
	struct kstack stack;
	struct scratch s;
	phys_addr_t via_init, via_scratch;
	u64 flags;

	scratch_init(t, &s, "pgtable_test");
	KASSERT_EQ(t, kstack_alloc(&stack), 0);
	KEXPECT_TRUE(t, translate(&init_mm, stack.bottom, &via_init, &flags));
	KEXPECT_TRUE(t, translate(&s.mm, stack.bottom, &via_scratch, &flags));
	KEXPECT_EQ(t, via_scratch, via_init);
	KEXPECT_EQ(t, flags & PERM_BITS, _PAGE_PRESENT | _PAGE_RW | _PAGE_NX | _PAGE_GLOBAL);
	KEXPECT_TRUE(t, pgd_kernel_half_matches(s.mm.pgd));
	kstack_free(&stack);
	KEXPECT_FALSE(t, translate(&s.mm, stack.bottom, &via_scratch, &flags));
	scratch_destroy(t, &s);
}

KTEST(mm_pgtable, direct_map_translates_large_pages)
{
	struct page *page = alloc_page(GFP_KERNEL);
	phys_addr_t pa;
	u64 flags;

	KASSERT_NOT_NULL(t, page);
	KEXPECT_TRUE(t, translate(&init_mm, (unsigned long)page_address(page) + 8, &pa, &flags));
	KEXPECT_EQ(t, pa, page_to_phys(page) + 8);
	__free_pages(page, 0);

	/* 2..4 MiB is RAM holding the kernel image: a 2 MiB page (or inside a 1 GiB one). */
	KEXPECT_TRUE(t, translate(&init_mm, (unsigned long)__va(0x201234), &pa, &flags));
	KEXPECT_EQ(t, pa, 0x201234);
	KEXPECT_TRUE(t, flags & _PAGE_PSE);
	KEXPECT_EQ(t, flags & PERM_BITS, _PAGE_PRESENT | _PAGE_RW | _PAGE_NX | _PAGE_GLOBAL);
	/* The first MiB, where the VGA text buffer is read through __va(). */
	KEXPECT_TRUE(t, translate(&init_mm, (unsigned long)__va(0xb8000), &pa, &flags));
	KEXPECT_EQ(t, pa, 0xb8000);
	KEXPECT_TRUE(t, translate(&init_mm, (unsigned long)__va(0), &pa, &flags));
	KEXPECT_EQ(t, pa, 0);
}

/* The page size mapping va in init_mm (0 if unmapped), read off the tables directly. */
static unsigned long mapping_size(unsigned long va)
{
	const u64 *table = init_mm.pgd;
	u64 entry = table[pgd_index(va)];
	unsigned long sizes[] = {PUD_SIZE, PMD_SIZE, PAGE_SIZE};
	unsigned int shifts[] = {PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT};

	for (unsigned int level = 0; level < ARRAY_SIZE(sizes); level++) {
		if (!(entry & _PAGE_PRESENT))
			return 0;
		table = __va(entry & PTE_PFN_MASK);
		entry = table[(va >> shifts[level]) & (PTRS_PER_TABLE - 1)];
		if (!(entry & _PAGE_PRESENT))
			return 0;
		if (level < 2 && (entry & _PAGE_PSE))
			return sizes[level];
	}
	return PAGE_SIZE;
}

static bool expect_gbpages(void)
{
	return cpu_has_gbpages() && !kernel_param_has("nogbpages");
}

/* The features paging_init relies on, as arch/x86_64/cpu_features.c sets them: NX on
 * (the boot code's EFER.NXE) and global pages on. Whether cpu_has_gbpages() told the
 * truth shows in the direct map's page sizes, checked below. */
KTEST(mm_pgtable, cpu_features_match_the_hardware)
{
	KEXPECT_TRUE(t, rdmsr(MSR_EFER) & EFER_NXE);
	KEXPECT_TRUE(t, read_cr4() & CR4_PGE);
}

/* Check one page of RAM: mapped at __va(pa), to pa, read-write and not executable. */
static void check_direct_page(struct ktest *t, phys_addr_t pa)
{
	phys_addr_t got = 0;
	u64 flags = 0;

	if (!translate(&init_mm, (unsigned long)__va(pa), &got, &flags)) {
		KEXPECT_FAIL(t, "RAM at 0x%lx is not in the direct map", (unsigned long)pa);
		return;
	}
	KEXPECT_EQ(t, got, pa);
	KEXPECT_EQ(t, flags & PERM_BITS, _PAGE_PRESENT | _PAGE_RW | _PAGE_NX | _PAGE_GLOBAL);
}

/*
 * Every region of RAM is mapped (checked at its ends and every 2 MiB), and every aligned
 * 2 MiB (1 GiB when the CPU has 1 GiB pages) lying inside it uses a page of at least
 * that size. With MEM=8G this covers RAM above 4 GiB, behind the PCI hole.
 */
KTEST(mm_pgtable, direct_map_covers_ram_with_large_pages)
{
	unsigned long big = expect_gbpages() ? PUD_SIZE : PMD_SIZE;
	unsigned long large = 0;

	for (int i = 0; i < memblock_memory.count; i++) {
		phys_addr_t base = memblock_memory.regions[i].base;
		phys_addr_t end = base + memblock_memory.regions[i].size;
		phys_addr_t pa;

		check_direct_page(t, base);
		check_direct_page(t, end - PAGE_SIZE);
		for (pa = ALIGN_UP(base, PMD_SIZE); pa + PMD_SIZE <= end; pa += PMD_SIZE) {
			unsigned long want = PMD_SIZE;

			if (IS_ALIGNED(pa, big) && ALIGN_DOWN(pa, big) + big <= end &&
			    ALIGN_DOWN(pa, big) >= base)
				want = big;
			check_direct_page(t, pa);
			KEXPECT_GE(t, mapping_size((unsigned long)__va(pa)), want);
			large++;
		}
	}
	KEXPECT_GT(t, large, 0);
	KEXPECT_TRUE(t, read_cr4() & CR4_PGE);
	/* Nothing right above the direct map's RAM. */
	KEXPECT_EQ(t, mapping_size((unsigned long)__va(ALIGN_UP(memblock_end_of_ram(), PUD_SIZE))),
		   0);
}

/*
 * Switch CR3 to the scratch PML4 and keep running: code, stack and data are all in the
 * kernel half, which the scratch PML4 shares. Touch a user-half page that only the
 * scratch mm maps, change and remove it while loaded (the TLB must be flushed: QEMU's
 * TLB, like a real one, keeps stale entries otherwise), and switch back. Interrupts stay
 * off: nothing else may run on a CR3 it does not know about. No KEXPECT in between: a
 * failure report must not run on the borrowed CR3.
 */
KTEST(mm_pgtable, cr3_switch_to_scratch_pgd)
{
	volatile u64 *user = (volatile u64 *)TEST_VA;
	int write_after_protect, read_after_protect, read_after_unmap;
	u64 seen, val, old_cr3;
	unsigned long irq;
	struct scratch s;
	phys_addr_t pa, unmapped;

	scratch_init(t, &s, "cr3_test");
	pa = map_new_frame(t, &s.mm, TEST_VA, _PAGE_RW | _PAGE_NX);

	irq = local_irq_save();
	old_cr3 = read_cr3();
	write_cr3(__pa(s.mm.pgd));
	*user = TEST_MAGIC;
	seen = *user;
	protect_page(&s.mm, TEST_VA, _PAGE_NX); /* read-only now */
	write_after_protect = probe_write_u8((void *)TEST_VA, 0);
	read_after_protect = probe_read_u64((const void *)TEST_VA, &val);
	unmapped = unmap_page(&s.mm, TEST_VA);
	read_after_unmap = probe_read_u64((const void *)TEST_VA, &val);
	write_cr3(old_cr3);
	local_irq_restore(irq);

	KEXPECT_EQ(t, seen, TEST_MAGIC);
	KEXPECT_EQ(t, *(u64 *)__va(pa), TEST_MAGIC);
	KEXPECT_EQ(t, write_after_protect, -EFAULT);
	KEXPECT_EQ(t, read_after_protect, 0);
	KEXPECT_EQ(t, read_after_unmap, -EFAULT);
	KEXPECT_EQ(t, unmapped, pa);
	/* Back on init_mm, the user half is empty again. */
	KEXPECT_EQ(t, probe_read_u64((const void *)TEST_VA, &val), -EFAULT);
	__free_pages(pfn_to_page(PFN_DOWN(pa)), 0);
	scratch_destroy(t, &s);
}

/* Whatever mm this CPU has loaded (init_mm, or one borrowed lazily), its kernel half is
 * init_mm's; and init_mm itself has an empty user half. */
KTEST(mm_pgtable, init_mm_and_the_loaded_pml4)
{
	KEXPECT_TRUE(t, pgd_kernel_half_matches(__va(read_cr3() & PTE_PFN_MASK)));
	KEXPECT_STREQ(t, init_mm.name, "init_mm");
	KEXPECT_GE(t, atomic_read(&init_mm.mm_users), 1);
	KEXPECT_GE(t, atomic_read(&init_mm.mm_count), 1);
	for (unsigned int i = 0; i < USER_PGD_PTRS; i++)
		KEXPECT_EQ(t, init_mm.pgd[i], 0);
	/* docs/memory.md promises this address is never mapped; other tests rely on it. */
	KEXPECT_FALSE(t, translate(&init_mm, 0xffffe00000000000ul, NULL, NULL));
}

/* Point va's pte at pa behind the TLB's back (no flush), after making sure the old
 * translation is cached by reading through it. */
static void retarget_pte(unsigned long va, phys_addr_t pa)
{
	pte_t *pte = walk_pte(&init_mm, va, false);

	(void)*(volatile u64 *)va;
	*pte = (*pte & PTE_FLAGS_MASK) | pa;
}

/*
 * Each kernel flush must make the CPU see a changed pte. QEMU's TLB, like a real one,
 * keeps serving a cached translation until it is flushed, so a flush that did nothing
 * would read the old frame here.
 */
KTEST(mm_pgtable, flushes_drop_stale_kernel_translations)
{
	struct page *a = alloc_page(GFP_KERNEL), *b = alloc_page(GFP_KERNEL);
	unsigned long free_before = nr_free_pages();
	struct kstack stack;
	phys_addr_t orig;
	volatile u64 *va;

	KASSERT_NOT_NULL(t, a);
	KASSERT_NOT_NULL(t, b);
	*(u64 *)page_address(a) = 0xaaaa;
	*(u64 *)page_address(b) = 0xbbbb;
	KASSERT_EQ(t, kstack_alloc(&stack), 0);
	va = (volatile u64 *)stack.bottom;
	KASSERT_TRUE(t, translate(&init_mm, stack.bottom, &orig, NULL));

	retarget_pte(stack.bottom, page_to_phys(a));
	__flush_tlb_global();
	KEXPECT_EQ(t, *va, 0xaaaa);
	retarget_pte(stack.bottom, page_to_phys(b));
	flush_tlb_kernel_page(stack.bottom);
	KEXPECT_EQ(t, *va, 0xbbbb);
	retarget_pte(stack.bottom, page_to_phys(a));
	flush_tlb_mm(&init_mm);
	KEXPECT_EQ(t, *va, 0xaaaa);
	retarget_pte(stack.bottom, page_to_phys(b));
	flush_tlb_page(&init_mm, stack.bottom);
	KEXPECT_EQ(t, *va, 0xbbbb);
	KEXPECT_TRUE(t, read_cr4() & CR4_PGE); /* the global flush put PGE back */

	retarget_pte(stack.bottom, orig);
	flush_tlb_kernel_page(stack.bottom);
	kstack_free(&stack);
	KEXPECT_EQ(t, nr_free_pages(), free_before);
	__free_pages(a, 0);
	__free_pages(b, 0);
}

KTEST_DEATH(mm_pgtable, pgd_free_with_user_tables_attached,
	    "pgd_free: user page tables still attached")
{
	pgd_t *pgd = pgd_alloc();
	struct mm_struct mm = {.pgd = pgd, .name = "death_test"};

	walk_pte(&mm, TEST_VA, true);
	pgd_free(pgd);
}

KTEST_DEATH(mm_pgtable, kernel_mapping_through_user_mm, "kernel mappings go through init_mm")
{
	struct mm_struct mm = {.pgd = pgd_alloc(), .name = "death_test"};

	map_page(&mm, VMALLOC_START, 0, PAGE_KERNEL);
}
