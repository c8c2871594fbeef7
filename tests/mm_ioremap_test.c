/*
 * tests/mm_ioremap_test.c - ioremap (mm/vmalloc.c): device memory, mapped uncached.
 *
 * The local APIC's registers at 0xfee00000 are the device every x86 machine (and QEMU
 * with -cpu max) has: mapped through ioremap, its version register must read back a
 * plausible value.
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
