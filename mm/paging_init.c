/*
 * mm/paging_init.c - the kernel's own page tables, replacing the boot ones.
 *
 * boot/entry32.S mapped the first 4 GiB three times with writable, executable 2 MiB
 * pages: enough to reach C, nothing more. paging_init() builds the tables the kernel
 * keeps for good and loads them into CR3:
 *
 *   direct map     all RAM (plus the first MiB and every memblock reservation) at
 *                  PAGE_OFFSET, read-write and never executable, in the largest pages that
 *                  fit: 1 GiB, 2 MiB, and 4 KiB only at the edges of a range;
 *   kernel image   at KERNEL_VIRT_BASE + 1 MiB in 4 KiB pages, with W^X: .text read-only
 *                  and executable, .rodata read-only, .data/.bss writable; the page below
 *                  the boot stack stays unmapped as its guard page;
 *   kernel half    PML4 slots 256..511 all point to a PDPT allocated here, once, so that
 *                  every PML4 made later shares them by copying 256 entries (pgd_alloc()),
 *                  and a mapping added below them (kernel stacks, ioremap) is seen by every
 *                  address space without any synchronisation;
 *   user half      empty: the identity map of the boot tables is gone.
 *
 * The buddy allocator does not exist yet (it needs the direct map to build mem_map), so
 * every table here comes from memblock_alloc() and this file walks the tables itself
 * rather than through mm/pgtable.c. The CPU features it relies on (NX, 1 GiB pages,
 * global pages) are read and turned on by arch/x86_64/cpu_features.c. See
 * docs/memory.md, "Virtual memory".
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/pgtable_types.h"
#include "kernel/cmdline.h"
#include "kernel/compiler.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "mm/memblock.h"
#include "mm/memblock_internal.h"
#include "mm/mm.h"
#include "mm/mm_types.h"

/* The direct map may span 64 TiB, up to the guard hole below VMALLOC_START (as Linux). */
#define DIRECT_MAP_SIZE (64ul << 40)

/* linker.ld: section bounds in the higher half; boot/entry64.S: the boot stack. */
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __kernel_end[];
extern char boot_stack_bottom[];

/* How many pages of each size a part of the map used, for the boot summary. */
struct map_stats {
	unsigned long gbpages, pmd_pages, ptes;
};

/* Use 1 GiB pages in the direct map? Decided once, from CPUID and `nogbpages`. */
static bool use_gbpages;

/* A zeroed page-table page from memblock (reachable at __va() through the boot tables:
 * memblock allocates lowest first, far below the 4 GiB they map). */
static u64 *early_alloc_table(void)
{
	return __va(memblock_alloc(PAGE_SIZE, PAGE_SIZE));
}

/* The table *entry points to, allocated now if the entry is empty. */
static u64 *early_table(u64 *entry, unsigned long va)
{
	if (!(*entry & _PAGE_PRESENT))
		*entry = __pa(early_alloc_table()) | _KERNPG_TABLE;
	BUG_ON_MSG(*entry & _PAGE_PSE,
		   "paging_init: 0x%lx is already inside a large page; two ranges overlap", va);
	return __va(*entry & PTE_PFN_MASK);
}

static void set_leaf(u64 *entry, u64 value, unsigned long va)
{
	BUG_ON_MSG(*entry & _PAGE_PRESENT, "paging_init: 0x%lx mapped twice", va);
	*entry = value;
}

/* Map one page of `size` (PUD_SIZE, PMD_SIZE or PAGE_SIZE) at va to pa. Every kernel
 * mapping is global: it means the same in every address space (see arch/x86_64/tlb.c). */
static void early_map(pgd_t *pgd, unsigned long va, phys_addr_t pa, unsigned long size,
		      pgprot_t prot)
{
	pud_t *pud = early_table(&pgd[pgd_index(va)], va);
	pmd_t *pmd;
	pte_t *pte;

	prot |= _PAGE_GLOBAL;
	if (size == PUD_SIZE) {
		set_leaf(&pud[pud_index(va)], pa | prot | _PAGE_PSE, va);
		return;
	}
	pmd = early_table(&pud[pud_index(va)], va);
	if (size == PMD_SIZE) {
		set_leaf(&pmd[pmd_index(va)], pa | prot | _PAGE_PSE, va);
		return;
	}
	pte = early_table(&pmd[pmd_index(va)], va);
	set_leaf(&pte[pte_index(va)], pa | prot, va);
}

/* ---- the direct map --------------------------------------------------------------- */

/* The largest page that starts at pa and stays inside [pa, end). */
static unsigned long direct_page_size(phys_addr_t pa, phys_addr_t end)
{
	if (use_gbpages && IS_ALIGNED(pa, PUD_SIZE) && end - pa >= PUD_SIZE)
		return PUD_SIZE;
	if (IS_ALIGNED(pa, PMD_SIZE) && end - pa >= PMD_SIZE)
		return PMD_SIZE;
	return PAGE_SIZE;
}

static void count_page(struct map_stats *st, unsigned long size)
{
	if (size == PUD_SIZE)
		st->gbpages++;
	else if (size == PMD_SIZE)
		st->pmd_pages++;
	else
		st->ptes++;
}

/*
 * Map [start, end) at PAGE_OFFSET + start. The ranges are disjoint and never touch (see
 * collect_direct_ranges), so a large page here never meets a table another range made.
 */
static void map_direct_range(pgd_t *pgd, phys_addr_t start, phys_addr_t end,
			     struct map_stats *total)
{
	struct map_stats st = {0};
	phys_addr_t pa;

	BUG_ON_MSG(end > DIRECT_MAP_SIZE,
		   "paging_init: RAM at 0x%lx lies beyond the %lu TiB direct map",
		   (unsigned long)end - 1, DIRECT_MAP_SIZE >> 40);
	for (pa = start; pa < end;) {
		unsigned long size = direct_page_size(pa, end);

		early_map(pgd, (unsigned long)__va(pa), pa, size, PAGE_KERNEL);
		count_page(&st, size);
		pa += size;
	}
	printk("paging:   [mem 0x%016lx-0x%016lx] 1G x %lu, 2M x %lu, 4K x %lu\n",
	       (unsigned long)start, (unsigned long)end - 1, st.gbpages, st.pmd_pages, st.ptes);
	total->gbpages += st.gbpages;
	total->pmd_pages += st.pmd_pages;
	total->ptes += st.ptes;
}

/*
 * What the direct map covers: usable RAM, every reservation (the kernel image, the boot
 * information, modules: all of them read through __va()), and the whole first MiB (the
 * VGA text buffer at 0xb8000, BIOS data, firmware tables). memblock_type_add keeps the
 * list sorted and merges ranges that overlap or touch. The first MiB includes the
 * legacy video and ROM area, mapped write-back here; the MTRRs the firmware set up make
 * it uncacheable regardless (the effective type is the stronger one, SDM 11.5.2.2).
 */
static void collect_direct_ranges(struct memblock_type *ranges)
{
	const struct memblock_type *sources[] = {&memblock_memory, &memblock_reserved};

	memblock_type_add(ranges, 0, FIRST_MIB_END);
	for (unsigned int s = 0; s < ARRAY_SIZE(sources); s++) {
		for (int i = 0; i < sources[s]->count; i++) {
			const struct memblock_region *r = &sources[s]->regions[i];
			phys_addr_t base = ALIGN_DOWN(r->base, (phys_addr_t)PAGE_SIZE);
			phys_addr_t end = ALIGN_UP(r->base + r->size, (phys_addr_t)PAGE_SIZE);

			memblock_type_add(ranges, base, end - base);
		}
	}
}

static void map_direct(pgd_t *pgd)
{
	static struct memblock_type ranges = {.name = "direct map"};
	struct map_stats total = {0};
	phys_addr_t end = 0;

	collect_direct_ranges(&ranges);
	for (int i = 0; i < ranges.count; i++) {
		const struct memblock_region *r = &ranges.regions[i];

		map_direct_range(pgd, r->base, memblock_region_end(r), &total);
		end = memblock_region_end(r);
	}
	printk("paging: direct map 0x%016lx-0x%016lx: 1G x %lu, 2M x %lu, 4K x %lu%s\n",
	       PAGE_OFFSET, (unsigned long)__va(end) - 1, total.gbpages, total.pmd_pages,
	       total.ptes, use_gbpages ? "" : " (no 1G pages)");
}

/* ---- the kernel image ------------------------------------------------------------- */

/* The boot stack's guard page: the last page of the boot page directories (in
 * .bss.boot, just below the stack), which nothing uses once CR3 holds our tables. */
static unsigned long boot_stack_guard(void)
{
	return (unsigned long)boot_stack_bottom - PAGE_SIZE;
}

static void map_kernel_part(pgd_t *pgd, const char *what, const void *start, const void *end,
			    pgprot_t prot, const char *perms)
{
	unsigned long va;

	BUG_ON_MSG(!IS_ALIGNED((unsigned long)start, PAGE_SIZE),
		   "paging_init: kernel %s starts at 0x%lx, not page aligned (linker.ld)", what,
		   (unsigned long)start);
	for (va = (unsigned long)start; va < (unsigned long)end; va += PAGE_SIZE) {
		if (va != boot_stack_guard())
			early_map(pgd, va, __pa((void *)va), PAGE_SIZE, prot);
	}
	printk("paging: kernel %-9s 0x%016lx-0x%016lx %s\n", what, (unsigned long)start,
	       ALIGN_UP((unsigned long)end, PAGE_SIZE) - 1, perms);
}

/*
 * W^X: no page of the image is both writable and executable, so a stray write cannot
 * plant code and a jump into data cannot run it. .text ends mid-page; its last page is
 * text padding up to .rodata, which linker.ld aligns.
 */
static void map_kernel_image(pgd_t *pgd)
{
	unsigned long text_end = ALIGN_UP((unsigned long)__text_end, PAGE_SIZE);

	BUG_ON_MSG(text_end > (unsigned long)__rodata_start ||
		       (unsigned long)__rodata_end > (unsigned long)__data_start,
		   "paging_init: kernel sections overlap (linker.ld must page-align them)");
	map_kernel_part(pgd, ".text", __text_start, (void *)text_end, PAGE_KERNEL_EXEC, "r-x");
	map_kernel_part(pgd, ".rodata", __rodata_start, __rodata_end, PAGE_KERNEL_RO, "r--");
	map_kernel_part(pgd, ".data/bss", __data_start, __kernel_end, PAGE_KERNEL, "rw-");
	printk("paging: boot stack guard page 0x%016lx left unmapped\n", boot_stack_guard());
}

/* ---- putting it together ---------------------------------------------------------- */

/* Every kernel-half slot gets its PDPT now; none is ever added or removed later. */
static void alloc_kernel_half(pgd_t *pgd)
{
	for (unsigned int i = KERNEL_PGD_FIRST; i < PTRS_PER_TABLE; i++)
		pgd[i] = __pa(early_alloc_table()) | _KERNPG_TABLE;
}

/*
 * paging_init - build the kernel page tables (see the top of this file), make them
 * init_mm's and load them. Runs once, on the boot stack, after memblock_init().
 */
void paging_init(void)
{
	pgd_t *pgd;

	cpu_require_nx();
	use_gbpages = cpu_has_gbpages() && !kernel_param_has("nogbpages");

	pgd = (pgd_t *)early_alloc_table();
	alloc_kernel_half(pgd);
	map_direct(pgd);
	map_kernel_image(pgd);

	init_mm.pgd = pgd;
	write_cr3(__pa(pgd));
	/* Global pages survive CR3 switches; from here on flushes must account for that
	 * (arch/x86_64/tlb.c). */
	cpu_enable_global_pages();
	printk("paging: kernel page tables loaded: CR3 = 0x%lx, identity map gone\n",
	       (unsigned long)read_cr3());
}
