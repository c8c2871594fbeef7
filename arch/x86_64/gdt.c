/*
 * arch/x86_64/gdt.c - the Global Descriptor Table and the Task State Segment.
 *
 * Long mode barely uses segmentation, but it still needs: code/data descriptors for
 * ring 0 and ring 3 (in the order SYSCALL/SYSRET dictate, see x86.h), and a TSS, whose
 * RSP0 is the stack the CPU switches to on an interrupt from ring 3 and whose IST slots
 * give #DF, NMI and #MC stacks of their own, so they work even when the current kernel
 * stack is unusable (e.g. it overflowed into its guard page).
 */
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

static u64 gdt[GDT_ENTRIES] __aligned(16);
/* Global: switch_to (arch/x86_64/switch_to.S) writes the next task's stack top into RSP0. */
struct tss cpu_tss __aligned(16);
static u8 ist_stacks[3][IST_STACK_SIZE] __aligned(16);

static void set_tss_descriptor(u64 *slot, const struct tss *t)
{
	u64 base = (u64)t;
	u64 limit = sizeof(*t) - 1;

	slot[0] = (limit & 0xffff) | ((base & 0xffffff) << 16) | DESC_TSS_AVAILABLE | DESC_PRESENT |
		  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	slot[1] = base >> 32;
}

static void load_gdt_and_segments(void)
{
	struct descriptor_pointer ptr = {sizeof(gdt) - 1, (u64)gdt};

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

/* gdt_init - build the GDT and TSS and load them (boot CPU, once). */
void gdt_init(void)
{
	const u64 common = DESC_PRESENT | DESC_CODE_DATA | DESC_LIMIT_MAX | DESC_GRAN4K;

	gdt[0] = 0;
	gdt[GDT_ENTRY_KERNEL_CS] = common | DESC_EXEC | DESC_RW | DESC_LONG;
	gdt[GDT_ENTRY_KERNEL_DS] = common | DESC_RW | DESC_DB32;
	gdt[GDT_ENTRY_USER32_CS] = common | DESC_DPL3 | DESC_EXEC | DESC_RW | DESC_DB32;
	gdt[GDT_ENTRY_USER_DS] = common | DESC_DPL3 | DESC_RW | DESC_DB32;
	gdt[GDT_ENTRY_USER_CS] = common | DESC_DPL3 | DESC_EXEC | DESC_RW | DESC_LONG;

	memset(&cpu_tss, 0, sizeof(cpu_tss));
	cpu_tss.ist[IST_DOUBLE_FAULT - 1] = (u64)ist_stacks[0] + IST_STACK_SIZE;
	cpu_tss.ist[IST_NMI - 1] = (u64)ist_stacks[1] + IST_STACK_SIZE;
	cpu_tss.ist[IST_MACHINE_CHECK - 1] = (u64)ist_stacks[2] + IST_STACK_SIZE;
	cpu_tss.iomap_base = sizeof(cpu_tss);
	set_tss_descriptor(&gdt[GDT_ENTRY_TSS], &cpu_tss);

	load_gdt_and_segments();
}

/* set_kernel_stack - the stack the CPU loads on an interrupt or syscall from ring 3. */
void set_kernel_stack(u64 rsp0)
{
	cpu_tss.rsp[0] = rsp0;
}

/* Is addr inside one of the IST stacks? (for backtraces: see stacktrace.c) */
bool addr_on_ist_stack(u64 addr)
{
	return addr >= (u64)ist_stacks && addr < (u64)ist_stacks + sizeof(ist_stacks);
}
