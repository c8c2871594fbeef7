/*
 * tests/mm_wx_test.c - W^X and NX on the kernel's own mappings (mm/paging_init.c).
 *
 * Each protection is checked by trying it: the fault-safe probes of
 * arch/x86_64/extable.h report whether a write or a call faulted, so the tests see what
 * the CPU enforces, not just what the tables say. Then the whole kernel half of init_mm
 * is walked to check that no page anywhere is both writable and executable.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/pgtable_types.h"
#include "kernel/errno.h"
#include "mm/mm_types.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "tests/ktest.h"

#define X86_RET 0xc3 /* the one-byte `ret` instruction */

extern char __text_start[], __rodata_start[], __data_start[], __bss_start[];
extern char __boot_start[], boot_stack_bottom[];

static const u64 rodata_word = 0x0123456789abcdefull;
static u8 data_ret[16] = {X86_RET}; /* initialised: lands in .data */
static u8 bss_ret[16];

/* A function that just returns, so executing .text can be shown to work. */
static __noinline void just_return(void)
{
	barrier();
}

KTEST(mm_wx, text_is_executable_but_not_writable)
{
	u8 *code = (u8 *)just_return;

	KEXPECT_EQ(t, probe_exec(just_return), 0);
	/* Writing the byte that is already there: harmless if the write were allowed. */
	KEXPECT_EQ(t, probe_write_u8(code, *code), -EFAULT);
	KEXPECT_EQ(t, probe_write_u8(__text_start, *(u8 *)__text_start), -EFAULT);
}

KTEST(mm_wx, rodata_is_readable_but_not_writable)
{
	u64 val = 0;

	KEXPECT_EQ(t, probe_read_u64(&rodata_word, &val), 0);
	KEXPECT_EQ(t, val, rodata_word);
	KEXPECT_EQ(t, probe_write_u8((void *)&rodata_word, (u8)rodata_word), -EFAULT);
}

KTEST(mm_wx, data_and_bss_are_writable_but_not_executable)
{
	KEXPECT_EQ(t, probe_write_u8(&data_ret[1], 0x5a), 0);
	KEXPECT_EQ(t, data_ret[1], 0x5a);
	KEXPECT_EQ(t, probe_exec(data_ret), -EFAULT);
	bss_ret[0] = X86_RET;
	KEXPECT_EQ(t, probe_exec(bss_ret), -EFAULT);
	bss_ret[0] = 0;
}

KTEST(mm_wx, direct_map_is_not_executable)
{
	struct page *page = alloc_page(__GFP_ZERO);
	u8 *code;

	KASSERT_NOT_NULL(t, page);
	code = page_address(page);
	code[0] = X86_RET;
	KEXPECT_EQ(t, probe_exec(code), -EFAULT);
	__free_pages(page, 0);
	/* Not even the direct-map alias of the kernel's own code. */
	KEXPECT_EQ(t, probe_exec(__va(__pa(just_return))), -EFAULT);
}

KTEST(mm_wx, identity_map_is_gone)
{
	u64 val;

	KEXPECT_EQ(t, probe_read_u64((const void *)0x1000, &val), -EFAULT);
	KEXPECT_EQ(t, probe_read_u64((const void *)(uintptr_t)KERNEL_PHYS_LOAD, &val), -EFAULT);
	KEXPECT_EQ(t, probe_read_u64((const void *)0x80000000ul, &val), -EFAULT);
}

KTEST(mm_wx, section_flags_in_the_page_tables)
{
	u64 flags = 0;

	KASSERT_TRUE(t, translate(&init_mm, (unsigned long)__text_start, NULL, &flags));
	KEXPECT_EQ(t, flags & (_PAGE_RW | _PAGE_NX | _PAGE_GLOBAL), _PAGE_GLOBAL);
	KASSERT_TRUE(t, translate(&init_mm, (unsigned long)__rodata_start, NULL, &flags));
	KEXPECT_EQ(t, flags & (_PAGE_RW | _PAGE_NX | _PAGE_GLOBAL), _PAGE_NX | _PAGE_GLOBAL);
	KASSERT_TRUE(t, translate(&init_mm, (unsigned long)__data_start, NULL, &flags));
	KEXPECT_EQ(t, flags & (_PAGE_RW | _PAGE_NX | _PAGE_GLOBAL),
		   _PAGE_RW | _PAGE_NX | _PAGE_GLOBAL);
	KASSERT_TRUE(t, translate(&init_mm, (unsigned long)__bss_start, NULL, &flags));
	KEXPECT_EQ(t, flags & (_PAGE_RW | _PAGE_NX), _PAGE_RW | _PAGE_NX);
}

KTEST(mm_wx, boot_section_and_boot_stack_guard_unmapped)
{
	/* .boot is linked at its physical address; nothing maps it in the higher half. */
	unsigned long boot_alias = KERNEL_VIRT_BASE + (unsigned long)__boot_start;
	unsigned long guard = (unsigned long)boot_stack_bottom - PAGE_SIZE;
	u64 val;

	KEXPECT_FALSE(t, translate(&init_mm, boot_alias, NULL, NULL));
	KEXPECT_FALSE(t, translate(&init_mm, guard, NULL, NULL));
	KEXPECT_EQ(t, probe_read_u64((const void *)(guard + PAGE_SIZE - 8), &val), -EFAULT);
	KEXPECT_TRUE(t, translate(&init_mm, guard + PAGE_SIZE, NULL, NULL));
}

/* What a walk of the kernel half found. */
struct wx_census {
	unsigned long leaves[3]; /* 1 GiB, 2 MiB, 4 KiB */
	unsigned long violations;
	unsigned long first_violation;
	unsigned long user_leaves;
};

static const unsigned int census_shift[] = {PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT};

/*
 * Walk one table at `level` (0 = PML4) covering addresses from `base`. Access rights
 * combine down the walk (SDM 4.6): writable only if every level says RW, executable only
 * if no level says NX, so the check is on the effective rights, not just the leaf's.
 */
static void census_table(const u64 *table, unsigned int level, unsigned long base, bool rw, bool x,
			 struct wx_census *c)
{
	unsigned int first = level == 0 ? KERNEL_PGD_FIRST : 0;

	for (unsigned int i = first; i < PTRS_PER_TABLE; i++) {
		u64 e = table[i];
		unsigned long va = base | ((unsigned long)i << census_shift[level]);
		bool leaf = level == 3 || (level > 0 && (e & _PAGE_PSE));
		bool erw = rw && (e & _PAGE_RW), ex = x && !(e & _PAGE_NX);

		if (!(e & _PAGE_PRESENT))
			continue;
		if (!leaf) {
			census_table(__va(e & PTE_PFN_MASK), level + 1, va, erw, ex, c);
			continue;
		}
		c->leaves[level - 1]++;
		if (e & _PAGE_USER)
			c->user_leaves++;
		if (erw && ex && !c->violations++)
			c->first_violation = va;
	}
}

KTEST(mm_wx, no_kernel_mapping_is_writable_and_executable)
{
	static struct wx_census c; /* static: keep the recursion's caller frame small */

	c = (struct wx_census){0};
	census_table(init_mm.pgd, 0, 0xffff000000000000ul, true, true, &c);
	if (c.violations)
		KEXPECT_FAIL(t, "%lu W+X pages, the first at 0x%016lx", c.violations,
			     c.first_violation);
	KEXPECT_EQ(t, c.user_leaves, 0);
	KEXPECT_GT(t, c.leaves[2], 0);		     /* the kernel image at least */
	KEXPECT_GT(t, c.leaves[0] + c.leaves[1], 0); /* the direct map */
	ktest_log(t, "kernel half: 1G x %lu, 2M x %lu, 4K x %lu", c.leaves[0], c.leaves[1],
		  c.leaves[2]);
}

KTEST_DEATH(mm_wx, writable_executable_kernel_mapping_refused, "kernel mappings are W^X")
{
	map_page(&init_mm, 0xffffe00000000000ul, 0, PAGE_KERNEL & ~_PAGE_NX);
}
