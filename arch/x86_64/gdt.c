/*
 * arch/x86_64/gdt.c - the Global Descriptor Table and the Task State Segment.
 *
 * Long mode barely uses segmentation, but it still needs: code/data descriptors for
 * ring 0 and ring 3 (in the order SYSCALL/SYSRET dictate, see x86.h), and a TSS, whose
 * RSP0 is the stack the CPU switches to on an interrupt from ring 3 and whose IST slots
 * give #DF, NMI and #MC stacks of their own, so they work even when the current kernel
 * stack is unusable (e.g. it overflowed into its guard page). Each CPU has its own of
 * all three (gdt_init_cpu), reached from its struct cpu_state.
 */
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/tss.h"
#include "arch/x86_64/x86.h"
#include "kernel/compiler.h"
#include "kernel/string.h"

/* Access bytes and flags (Intel SDM vol. 3, 3.4.5). */
#define DESC_PRESENT (1ull << 47)
#define DESC_DPL3 (3ull << 45)
#define DESC_CODE_DATA (1ull << 44) /* S: code or data, not system */
#define DESC_EXEC (1ull << 43)
#define DESC_RW (1ull << 41)   /* readable code / writable data */
#define DESC_LONG (1ull << 53) /* L: 64-bit code */
#define DESC_DB32 (1ull << 54)
#define DESC_GRAN4K (1ull << 55)
#define DESC_LIMIT_MAX (0xffffull | (0xfull << 48))
#define DESC_TSS_AVAILABLE (0x9ull << 40)

/* The boot CPU's tables and stacks; each application processor's come from
 * arch/x86_64/smpboot.c, which hands them over in its struct cpu_state. */
static u64 boot_gdt[GDT_ENTRIES] __aligned(16);
static struct tss boot_tss __aligned(16);
static u8 boot_ist_stacks[IST_STACKS_SIZE] __aligned(16);

static void set_tss_descriptor(u64 *slot, const struct tss *t)
{
	u64 base = (u64)t;
	u64 limit = sizeof(*t) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | DESC_TSS_AVAILABLE | DESC_PRESENT |
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

static void load_gdt_and_segments(const u64 *gdt)
{
	struct descriptor_pointer ptr = {GDT_ENTRIES * sizeof(*gdt) - 1, (u64)gdt};

	__asm__ __volatile__("lgdt %0\n\t"
			     "pushq %1\n\t" /* far return to reload CS */
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\n\t"
			     "movw %w2, %%ds\n\t"
			     "movw %w2, %%es\n\t"
			     "movw %w2, %%ss\n\t"
			     :
			     : "m"(ptr), "i"(KERNEL_CS), "r"(KERNEL_DS)
			     : "rax", "memory");
	__asm__ __volatile__("ltr %w0" : : "r"(TSS_SELECTOR));
}

/*
 * gdt_init_cpu - build cs's GDT and TSS in the memory cs->gdt, cs->tss and cs->ist_bottom
 * point at, and load them on this CPU. Every CPU needs its own TSS (its RSP0 is the
 * current task's stack, its IST slots its own emergency stacks), and the TSS descriptor
 * it is loaded through is marked busy by `ltr`, so each needs its own GDT too.
 */
void gdt_init_cpu(struct cpu_state *cs)
{
	const u64 common = DESC_PRESENT | DESC_CODE_DATA | DESC_LIMIT_MAX | DESC_GRAN4K;
	u64 *gdt = cs->gdt;
	struct tss *tss = cs->tss;

	gdt[0] = 0;
	gdt[GDT_ENTRY_KERNEL_CS] = common | DESC_EXEC | DESC_RW | DESC_LONG;
	gdt[GDT_ENTRY_KERNEL_DS] = common | DESC_RW | DESC_DB32;
	gdt[GDT_ENTRY_USER32_CS] = common | DESC_DPL3 | DESC_EXEC | DESC_RW | DESC_DB32;
	gdt[GDT_ENTRY_USER_DS] = common | DESC_DPL3 | DESC_RW | DESC_DB32;
	gdt[GDT_ENTRY_USER_CS] = common | DESC_DPL3 | DESC_EXEC | DESC_RW | DESC_LONG;

	memset(tss, 0, sizeof(*tss));
	for (int slot = 1; slot <= IST_NR_STACKS; slot++)
		tss->ist[slot - 1] = cs->ist_bottom + (u64)slot * IST_STACK_SIZE;
	tss->iomap_base = sizeof(*tss);
	set_tss_descriptor(&gdt[GDT_ENTRY_TSS], tss);

	load_gdt_and_segments(gdt);
}

/* gdt_init - the boot CPU's tables (kmain, once, after percpu_init). */
void gdt_init(void)
{
	boot_cpu_state.gdt = boot_gdt;
	boot_cpu_state.tss = &boot_tss;
	boot_cpu_state.ist_bottom = (unsigned long)boot_ist_stacks;
	gdt_init_cpu(&boot_cpu_state);
}

/* set_kernel_stack - the stack the CPU loads on an interrupt or syscall from ring 3. */
void set_kernel_stack(u64 rsp0)
{
	this_cpu()->tss->rsp[0] = rsp0;
}

/* Is addr inside one of this CPU's IST stacks? (for backtraces: see stacktrace.c) */
bool addr_on_ist_stack(u64 addr)
{
	unsigned long bottom = this_cpu()->ist_bottom;

	return addr >= bottom && addr < bottom + IST_STACKS_SIZE;
}
