/*
 * mm/vmalloc.c - kernel stacks with guard pages, and ioremap, in the vmalloc region.
 *
 * The region VMALLOC_START..VMALLOC_END (mm/vmalloc.h) has two parts:
 *
 *   kernel stacks   from VMALLOC_START: KSTACK_MAX_SLOTS fixed-size slots, each an
 *                   unmapped guard page followed by KSTACK_SIZE of stack:
 *
 *                     slot i:  | guard (unmapped) | stack page 0 | ... | stack page 3 |
 *                              ^ base             ^ bottom                       top ^
 *
 *                   A stack grows down from top; running off its bottom lands on the
 *                   guard and faults (arch/x86_64/fault.c names it "kernel stack overflow")
 *                   instead of overwriting the stack below. The frames behind a stack
 *                   need not be contiguous: each page is mapped on its own.
 *   ioremap         from IOREMAP_START: device memory mapped uncached, each mapping
 *                   followed by an unmapped page. iounmap() gives a mapping back; the
 *                   next ioremap takes the lowest gap that fits (first fit), so freed
 *                   space is reused. At most IOREMAP_MAX_AREAS mappings at once.
 *   (never mapped)  IOREMAP_END..VMALLOC_END.
 *
 * Every mapping is made through init_mm. The kernel half's PDPTs are shared by every
 * PML4 (mm/paging_init.c), so a stack mapped here is visible in every address space at
 * once. The page tables of the whole stack part are allocated by vmalloc_init(), so
 * kstack_alloc()/kstack_free() change leaf entries only: a freed stack gives back exactly
 * the frames it took.
 *
 * Slots are handed out in O(1): from a LIFO free list of freed slots, else by bumping
 * kstack_slots_carved. A slot once carved stays a slot forever; its guard is never mapped.
 * See docs/memory.md, "Virtual memory".
 */
#include "mm/vmalloc.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/pgtable_types.h"
#include "kernel/errno.h"
#include "kernel/fault_inject.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "mm/memblock.h"
#include "mm/memblock_internal.h"
#include "mm/mm_types.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"

#define KSTACK_SLOT_SIZE (PAGE_SIZE + KSTACK_SIZE) /* guard page + stack */
#define KSTACK_MAX_SLOTS 4096u
#define KSTACK_AREA_START VMALLOC_START
#define KSTACK_AREA_END (KSTACK_AREA_START + KSTACK_MAX_SLOTS * KSTACK_SLOT_SIZE)
#define IOREMAP_START 0xffffd90000000000ul /* 16 TiB into the region */
/* The rest of the region is never mapped: docs/memory.md names 0xffffe00000000000 as an
 * address that always faults, and the tests rely on it. */
#define IOREMAP_END 0xffffe00000000000ul
#define NO_SLOT 0xffffffffu /* end of the free list */

/* boot/entry64.S: the boot stack, whose guard page paging_init() left unmapped. */
extern char boot_stack_bottom[], boot_stack_top[];

/* vmalloc_lock protects every variable below. The lock-free readers (guard and stack
 * lookups, from the fault path and backtraces) only read kstack_slots_carved, which only
 * grows, and kstack_live[], whose value for a slot only matters while it is in use. */
static DEFINE_SPINLOCK(vmalloc_lock);
static u32 kstack_slots_carved;	       /* slots [0, carved) exist; the rest are untouched space */
static u32 kstack_free_head = NO_SLOT; /* LIFO list of freed slots, linked by next_free */
static u32 kstack_next_free[KSTACK_MAX_SLOTS];
static bool kstack_live[KSTACK_MAX_SLOTS]; /* handed out by kstack_alloc, not yet freed */
static unsigned long kstacks_in_use;
/*
 * The live ioremap mappings, in no order. An entry with pages == 0 is free. An entry
 * being torn down by iounmap keeps its space reserved (dying) until its PTEs are gone,
 * so the space cannot be handed out while still mapped. Protected by vmalloc_lock.
 */
#define IOREMAP_MAX_AREAS 64
struct ioremap_area {
	unsigned long va;    /* page-aligned start */
	unsigned long pages; /* pages mapped; the guard page after them is reserved too */
	bool dying;	     /* iounmap has begun on it */
};
static struct ioremap_area ioremap_areas[IOREMAP_MAX_AREAS];
static unsigned long ioremap_pages_in_use; /* sum of the live areas' pages */
static unsigned int ioremap_areas_in_use;

static unsigned long slot_base(u32 slot)
{
	return KSTACK_AREA_START + (unsigned long)slot * KSTACK_SLOT_SIZE;
}

static unsigned long slot_bottom(u32 slot)
{
	return slot_base(slot) + PAGE_SIZE;
}

/* The carved slot holding addr, or NO_SLOT. */
static u32 slot_of(unsigned long addr)
{
	u32 carved = READ_ONCE(kstack_slots_carved);

	if (addr < KSTACK_AREA_START || addr >= slot_base(carved))
		return NO_SLOT;
	return (u32)((addr - KSTACK_AREA_START) / KSTACK_SLOT_SIZE);
}

static unsigned long boot_stack_guard(void)
{
	return (unsigned long)boot_stack_bottom - PAGE_SIZE;
}

/* ---- slots ------------------------------------------------------------------------ */

/* A slot for a new stack, marked live; NO_SLOT when all are in use. */
static u32 take_slot(void)
{
	unsigned long irq = spin_lock_irqsave(&vmalloc_lock);
	u32 slot = kstack_free_head;

	if (slot != NO_SLOT)
		kstack_free_head = kstack_next_free[slot];
	else if (kstack_slots_carved < KSTACK_MAX_SLOTS)
		slot = kstack_slots_carved++;
	if (slot != NO_SLOT) {
		kstack_live[slot] = true;
		kstacks_in_use++;
	}
	spin_unlock_irqrestore(&vmalloc_lock, irq);
	return slot;
}

static void put_slot(u32 slot)
{
	unsigned long irq = spin_lock_irqsave(&vmalloc_lock);

	kstack_live[slot] = false;
	kstacks_in_use--;
	kstack_next_free[slot] = kstack_free_head;
	kstack_free_head = slot;
	spin_unlock_irqrestore(&vmalloc_lock, irq);
}

/* Unmap the first `pages` pages of the stack at bottom and free their frames. */
static void unmap_stack_pages(unsigned long bottom, unsigned int pages)
{
	for (unsigned int i = 0; i < pages; i++) {
		unsigned long va = bottom + (unsigned long)i * PAGE_SIZE;
		phys_addr_t pa = unmap_page(&init_mm, va);

		BUG_ON_MSG(!pa, "kstack: stack page 0x%lx was not mapped", va);
		__free_pages(pfn_to_page(PFN_DOWN(pa)), 0);
	}
}

/* ---- kernel stacks ---------------------------------------------------------------- */

/* One frame of a kernel stack; NULL when memory is short (or FAULT_KSTACK fails it). */
static struct page *alloc_stack_page(void)
{
	if (should_fail_alloc(FAULT_KSTACK))
		return NULL;
	return __alloc_pages(GFP_KERNEL, 0);
}

int kstack_alloc(struct kstack *stack)
{
	u32 slot = take_slot();
	unsigned long bottom;
	unsigned int mapped;

	if (slot == NO_SLOT) {
		printk("kstack_alloc: all %u kernel stack slots are in use\n", KSTACK_MAX_SLOTS);
		return -ENOMEM;
	}
	bottom = slot_bottom(slot);
	for (mapped = 0; mapped < KSTACK_PAGES; mapped++) {
		unsigned long va = bottom + mapped * PAGE_SIZE;
		struct page *page = alloc_stack_page();
		int err;

		if (!page)
			goto err_unmap;
		/* Cannot fail: vmalloc_init made the tables, and a free slot is unmapped. */
		err = map_page(&init_mm, va, page_to_phys(page), PAGE_KERNEL);
		BUG_ON_MSG(err, "kstack_alloc: mapping 0x%lx failed (%d)", va, err);
	}
	stack->bottom = bottom;
	stack->top = bottom + KSTACK_SIZE;
	return 0;

err_unmap:
	unmap_stack_pages(bottom, mapped);
	put_slot(slot);
	return -ENOMEM;
}

void kstack_free(struct kstack *stack)
{
	u32 slot = slot_of(stack->bottom);
	unsigned long sp = (unsigned long)__builtin_frame_address(0);

	BUG_ON_MSG(slot == NO_SLOT || stack->bottom != slot_bottom(slot) || !kstack_live[slot],
		   "kstack_free: 0x%lx is not a live kernel stack (double free?)", stack->bottom);
	BUG_ON_MSG(sp >= stack->bottom && sp < stack->top,
		   "kstack_free: freeing the stack we are running on (0x%lx)", stack->bottom);
	unmap_stack_pages(stack->bottom, KSTACK_PAGES);
	put_slot(slot);
	stack->bottom = stack->top = 0;
}

bool kstack_guard_owner(unsigned long addr, struct kstack *stack)
{
	u32 slot;

	if (addr >= boot_stack_guard() && addr < (unsigned long)boot_stack_bottom) {
		stack->bottom = (unsigned long)boot_stack_bottom;
		stack->top = (unsigned long)boot_stack_top;
		return true;
	}
	slot = slot_of(addr);
	if (slot == NO_SLOT || addr >= slot_bottom(slot))
		return false;
	stack->bottom = slot_bottom(slot);
	stack->top = slot_bottom(slot) + KSTACK_SIZE;
	return true;
}

bool addr_in_stack_guard(unsigned long addr)
{
	struct kstack stack;

	return kstack_guard_owner(addr, &stack);
}

/* The boot stack counts: it is the boot CPU's idle stack for good. */
bool addr_on_kernel_stack(unsigned long addr)
{
	u32 slot;

	if (addr >= (unsigned long)boot_stack_bottom && addr < (unsigned long)boot_stack_top)
		return true;
	slot = slot_of(addr);
	return slot != NO_SLOT && addr >= slot_bottom(slot) && READ_ONCE(kstack_live[slot]);
}

/* Only stack frames count: ioremap maps device memory, which nobody allocated. */
unsigned long vmalloc_nr_pages(void)
{
	return READ_ONCE(kstacks_in_use) * KSTACK_PAGES;
}

/* ---- ioremap ---------------------------------------------------------------------- */

/* The space an area takes: its pages and the guard page after them. */
static unsigned long area_span(unsigned long pages)
{
	return (pages + 1) * PAGE_SIZE;
}

/* The live area overlapping [va, va + span), or NULL. Caller holds vmalloc_lock. */
static struct ioremap_area *area_overlapping(unsigned long va, unsigned long span)
{
	for (int i = 0; i < IOREMAP_MAX_AREAS; i++) {
		struct ioremap_area *a = &ioremap_areas[i];

		if (a->pages && a->va < va + span && va < a->va + area_span(a->pages))
			return a;
	}
	return NULL;
}

/* The lowest start at which span bytes fit, or 0. Caller holds vmalloc_lock. */
static unsigned long first_fit(unsigned long span)
{
	unsigned long va = IOREMAP_START;
	struct ioremap_area *a;

	while (span <= IOREMAP_END - va && (a = area_overlapping(va, span)))
		va = a->va + area_span(a->pages);
	return span <= IOREMAP_END - va ? va : 0;
}

/* Virtual space for `pages` pages plus a guard page after them; 0 if the part is full
 * or every area entry is taken. */
static unsigned long reserve_ioremap_space(unsigned long pages)
{
	unsigned long irq = spin_lock_irqsave(&vmalloc_lock);
	unsigned long va = 0;

	for (int i = 0; i < IOREMAP_MAX_AREAS; i++) {
		if (ioremap_areas[i].pages)
			continue;
		va = pages < (IOREMAP_END - IOREMAP_START) / PAGE_SIZE ? first_fit(area_span(pages))
								       : 0;
		if (va) {
			ioremap_areas[i] = (struct ioremap_area){va, pages, false};
			ioremap_pages_in_use += pages;
			ioremap_areas_in_use++;
		}
		break;
	}
	spin_unlock_irqrestore(&vmalloc_lock, irq);
	return va;
}

/* Give back the space of the area starting at va (iounmap, or a failed ioremap). */
static void release_ioremap_space(unsigned long va)
{
	unsigned long irq = spin_lock_irqsave(&vmalloc_lock);
	struct ioremap_area *a = area_overlapping(va, PAGE_SIZE);

	BUG_ON_MSG(!a || a->va != va, "ioremap: releasing 0x%lx, which starts no area", va);
	ioremap_pages_in_use -= a->pages;
	ioremap_areas_in_use--;
	*a = (struct ioremap_area){0};
	spin_unlock_irqrestore(&vmalloc_lock, irq);
}

/*
 * RAM is refused: it is already in the direct map as write-back, and mapping the same
 * frame with another memory type is undefined behaviour (SDM 11.12.4).
 */
void *ioremap(phys_addr_t phys, unsigned long size)
{
	phys_addr_t first = ALIGN_DOWN(phys, (phys_addr_t)PAGE_SIZE);
	phys_addr_t end = ALIGN_UP(phys + size, (phys_addr_t)PAGE_SIZE);
	unsigned long pages, va, i;

	if (size == 0 || end <= first || end > PTE_PFN_MASK + 1) {
		printk("ioremap: bad range 0x%lx + 0x%lx\n", (unsigned long)phys, size);
		return NULL;
	}
	if (memblock_type_overlaps(&memblock_memory, first, end - first)) {
		printk("ioremap: [mem 0x%lx-0x%lx] is RAM, already in the direct map (__va)\n",
		       (unsigned long)first, (unsigned long)end - 1);
		return NULL;
	}
	pages = (end - first) / PAGE_SIZE;
	va = reserve_ioremap_space(pages);
	if (!va) {
		printk("ioremap: no room for %lu pages in the ioremap region\n", pages);
		return NULL;
	}
	for (i = 0; i < pages; i++) {
		if (map_page(&init_mm, va + i * PAGE_SIZE, first + i * PAGE_SIZE,
			     PAGE_KERNEL_NOCACHE))
			goto err_unmap;
	}
	return (void *)(va + (phys - first));

err_unmap:
	printk("ioremap: out of memory for page tables mapping 0x%lx\n", (unsigned long)phys);
	while (i--)
		unmap_page(&init_mm, va + i * PAGE_SIZE);
	release_ioremap_space(va);
	return NULL;
}

/*
 * Take the area that starts at the page of addr for unmapping: mark it dying and return
 * its page count, or 0 (reported) if addr is not a live ioremap mapping.
 */
static unsigned long claim_area_for_unmap(unsigned long addr)
{
	unsigned long va = addr & PAGE_MASK, pages = 0;
	unsigned long irq = spin_lock_irqsave(&vmalloc_lock);
	struct ioremap_area *a = area_overlapping(va, PAGE_SIZE);

	if (a && a->va == va && !a->dying) {
		a->dying = true;
		pages = a->pages;
	}
	spin_unlock_irqrestore(&vmalloc_lock, irq);
	return pages;
}

/*
 * Unmap every page of the mapping (unmap_page flushes each from this CPU's TLB) and
 * only then free the space, so the next ioremap of it cannot meet a stale translation
 * here. Other CPUs' TLBs are not flushed: today ioremap and iounmap run at boot on the
 * boot CPU only, and the only mappings an AP ever touches (the local APIC page) are never
 * unmapped; the ACPI tables are read and unmapped in smp_init() before the first AP
 * starts (docs/smp.md). Once an AP can touch a mapping that is later unmapped, this must
 * flush every CPU before release_ioremap_space() (issue 12's kernel-mapping shootdown).
 */
void iounmap(const volatile void *addr)
{
	unsigned long va = (unsigned long)addr & PAGE_MASK;
	unsigned long pages = claim_area_for_unmap((unsigned long)addr);

	if (WARN_ON(!pages)) {
		printk("iounmap: 0x%lx is not a mapping from ioremap; ignored\n",
		       (unsigned long)addr);
		return;
	}
	for (unsigned long i = 0; i < pages; i++)
		unmap_page(&init_mm, va + i * PAGE_SIZE);
	release_ioremap_space(va);
}

bool addr_is_ioremap(const volatile void *addr)
{
	unsigned long va = (unsigned long)addr;

	return va >= IOREMAP_START && va < IOREMAP_END;
}

void ioremap_usage(unsigned long *areas, unsigned long *pages)
{
	unsigned long irq = spin_lock_irqsave(&vmalloc_lock);

	*areas = ioremap_areas_in_use;
	*pages = ioremap_pages_in_use;
	spin_unlock_irqrestore(&vmalloc_lock, irq);
}

/* ---- set-up ----------------------------------------------------------------------- */

/*
 * Allocate the page tables under the whole stack part now (one PT per 2 MiB, about 40
 * pages), while memory is plentiful. They live in the shared kernel half for good.
 */
static void populate_kstack_tables(void)
{
	for (unsigned long va = KSTACK_AREA_START; va < KSTACK_AREA_END; va += PMD_SIZE) {
		BUG_ON_MSG(!walk_pte(&init_mm, va, true),
			   "vmalloc_init: out of memory for kernel stack page tables");
	}
}

void vmalloc_init(void)
{
	BUG_ON_MSG(!init_mm.pgd, "vmalloc_init: called before paging_init");
	populate_kstack_tables();
	printk("vmalloc: kernel stacks 0x%016lx-0x%016lx (%u slots: guard page + %lu KiB)\n",
	       KSTACK_AREA_START, KSTACK_AREA_END - 1, KSTACK_MAX_SLOTS, KSTACK_SIZE >> 10);
	printk("vmalloc: ioremap      0x%016lx-0x%016lx (uncached device memory)\n", IOREMAP_START,
	       IOREMAP_END - 1);
}
