/*
 * tests/mm_ioremap_test.c - ioremap (mm/vmalloc.c): device memory, mapped uncached.
 *
 * The local APIC's registers at 0xfee00000 are the device every x86 machine (and QEMU
 * with -cpu max) has: mapped through ioremap, its version register must read back a
 * plausible value. iounmap must leave no PTE behind, give the space to the next ioremap,
 * and refuse (with a warning) what ioremap did not return; every test leaves the count
 * of live mappings (ioremap_usage) as it found it.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/pgtable_types.h"
#include "arch/x86_64/x86.h"
#include "kernel/errno.h"
#include "mm/mm_types.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/vmalloc.h"
#include "tests/ktest.h"

#define APIC_DEFAULT_PHYS 0xfee00000ul
#define APIC_BASE_ENABLE (1ull << 11) /* IA32_APIC_BASE: xAPIC globally enabled */
#define APIC_LVR 0x30		      /* version register: version in bits 7:0, max LVT in 23:16 */

KTEST(mm_ioremap, maps_the_local_apic_uncached)
{
	volatile u32 *apic;
	phys_addr_t pa;
	u64 flags = 0;
	u32 version;

	if (!(rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_ENABLE))
		KTEST_SKIP("the local APIC is disabled");
	apic = ioremap(APIC_DEFAULT_PHYS, PAGE_SIZE);
	KASSERT_NOT_NULL(t, apic);
	KEXPECT_GE(t, (unsigned long)apic, VMALLOC_START);
	KEXPECT_LT(t, (unsigned long)apic, VMALLOC_END);
	KEXPECT_TRUE(t, translate(&init_mm, (unsigned long)apic, &pa, &flags));
	KEXPECT_EQ(t, pa, APIC_DEFAULT_PHYS);
	KEXPECT_EQ(t, flags & (_PAGE_PCD | _PAGE_PWT | _PAGE_RW | _PAGE_NX),
		   _PAGE_PCD | _PAGE_PWT | _PAGE_RW | _PAGE_NX);
	version = apic[APIC_LVR / 4];
	KEXPECT_NE(t, version & 0xff, 0);
	KEXPECT_GE(t, (version >> 16) & 0xff, 2); /* at least LINT0, LINT1 and the timer */
	iounmap(apic);
}

KTEST(mm_ioremap, keeps_the_offset_and_spans_pages)
{
	unsigned long va = (unsigned long)ioremap(APIC_DEFAULT_PHYS + 0xff0, 0x20);
	phys_addr_t pa;
	u64 val;

	KASSERT_NE(t, va, 0);
	KEXPECT_EQ(t, va & (PAGE_SIZE - 1), 0xff0);
	KEXPECT_TRUE(t, translate(&init_mm, va, &pa, NULL));
	KEXPECT_EQ(t, pa, APIC_DEFAULT_PHYS + 0xff0);
	KEXPECT_TRUE(t, translate(&init_mm, va + 0x10, &pa, NULL));
	KEXPECT_EQ(t, pa, APIC_DEFAULT_PHYS + 0x1000);
	/* An unmapped page follows every mapping. */
	KEXPECT_FALSE(t, translate(&init_mm, (va & PAGE_MASK) + 2 * PAGE_SIZE, &pa, NULL));
	KEXPECT_EQ(t, probe_read_u64((const void *)((va & PAGE_MASK) + 2 * PAGE_SIZE), &val),
		   -EFAULT);
	iounmap((void *)va);
}

/* Two pages past the APIC's: device space (not RAM), never read here, only mapped. */
#define TWO_PAGES (2 * PAGE_SIZE)

KTEST(mm_ioremap, iounmap_removes_the_ptes_and_frees_the_space)
{
	unsigned long areas0, pages0, areas, pages, va, again;
	unsigned long free_before = nr_free_pages();
	phys_addr_t pa;
	u64 val;

	ioremap_usage(&areas0, &pages0);
	va = (unsigned long)ioremap(APIC_DEFAULT_PHYS, TWO_PAGES);
	KASSERT_NE(t, va, 0);
	ioremap_usage(&areas, &pages);
	KEXPECT_EQ(t, areas, areas0 + 1);
	KEXPECT_EQ(t, pages, pages0 + 2);
	KEXPECT_TRUE(t, translate(&init_mm, va + PAGE_SIZE, &pa, NULL));

	iounmap((void *)va);
	KEXPECT_FALSE(t, translate(&init_mm, va, &pa, NULL));
	KEXPECT_FALSE(t, translate(&init_mm, va + PAGE_SIZE, &pa, NULL));
	/* Not in this CPU's TLB either: the read faults instead of reaching the APIC. */
	KEXPECT_EQ(t, probe_read_u64((const void *)va, &val), -EFAULT);
	ioremap_usage(&areas, &pages);
	KEXPECT_EQ(t, areas, areas0);
	KEXPECT_EQ(t, pages, pages0);

	/* First fit: the same request gets the same, now free, space. */
	again = (unsigned long)ioremap(APIC_DEFAULT_PHYS, TWO_PAGES);
	KEXPECT_EQ(t, again, va);
	KEXPECT_TRUE(t, translate(&init_mm, again, &pa, NULL));
	KEXPECT_EQ(t, pa, APIC_DEFAULT_PHYS);
	iounmap((void *)again);
	ioremap_usage(&areas, &pages);
	KEXPECT_EQ(t, areas, areas0);
	KEXPECT_EQ(t, pages, pages0);
	/* Page-table pages stay (the kernel half's tables are never freed); no frame leaks. */
	KEXPECT_EQ(t, nr_free_pages(), free_before);
}

KTEST(mm_ioremap, iounmap_refuses_what_ioremap_did_not_return)
{
	unsigned long areas0, pages0, areas, pages, va;
	struct page *page = alloc_page(GFP_KERNEL);
	phys_addr_t pa;

	KASSERT_NOT_NULL(t, page);
	ioremap_usage(&areas0, &pages0);
	va = (unsigned long)ioremap(APIC_DEFAULT_PHYS, TWO_PAGES);
	KASSERT_NE(t, va, 0);
	iounmap(page_address(page));	   /* the direct map */
	iounmap((void *)(va + PAGE_SIZE)); /* inside a mapping, not its start */
	iounmap((void *)(va + TWO_PAGES)); /* its guard page */
	iounmap(NULL);
	/* Each was refused: the mapping is intact and still counted. */
	KEXPECT_TRUE(t, translate(&init_mm, va, &pa, NULL));
	KEXPECT_TRUE(t, translate(&init_mm, va + PAGE_SIZE, &pa, NULL));
	ioremap_usage(&areas, &pages);
	KEXPECT_EQ(t, areas, areas0 + 1);
	KEXPECT_EQ(t, pages, pages0 + 2);

	iounmap((void *)va);
	iounmap((void *)va); /* twice: the second is refused */
	ioremap_usage(&areas, &pages);
	KEXPECT_EQ(t, areas, areas0);
	KEXPECT_EQ(t, pages, pages0);
	KEXPECT_FALSE(t, addr_is_ioremap(page_address(page)));
	KEXPECT_TRUE(t, addr_is_ioremap((void *)va));
	__free_pages(page, 0);
}

KTEST(mm_ioremap, refuses_ram_and_empty_ranges)
{
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned long free_before;

	KASSERT_NOT_NULL(t, page);
	free_before = nr_free_pages();
	KEXPECT_NULL(t, ioremap(page_to_phys(page), PAGE_SIZE));
	KEXPECT_NULL(t, ioremap(APIC_DEFAULT_PHYS, 0));
	KEXPECT_NULL(t, ioremap(~0ul - 0x10, 0x100)); /* wraps around */
	KEXPECT_EQ(t, nr_free_pages(), free_before);
	__free_pages(page, 0);
}
