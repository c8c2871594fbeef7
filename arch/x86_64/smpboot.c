/*
 * arch/x86_64/smpboot.c - bringing up the application processors (APs).
 *
 * The boot CPU (kmain, after timer_init) reads the MADT (arch/x86_64/acpi.c) and starts
 * each other CPU it lists, one at a time: it allocates the CPU's per-CPU area, GDT, TSS
 * and IST stacks, prepares its runqueue and idle task (sched_init_idle), copies the
 * real-mode trampoline (arch/x86_64/trampoline.S) below 1 MiB and sends INIT, STARTUP,
 * STARTUP. The AP climbs to long mode through the trampoline, lands in start_secondary on
 * its idle task's stack, sets itself up as the boot CPU did, calls in, and idles. A CPU
 * that does not call in within AP_CALLIN_TIMEOUT_MS is reported, sent INIT (which stops
 * it, wherever it got to) and left out. docs/smp.md tells the whole story.
 *
 * Each AP then runs only its idle loop and its timer tick: no task is ever placed on its
 * runqueue yet (the next stage of issue 12), so the only code that runs on two CPUs at
 * once is those two paths, audited in docs/smp.md.
 */
#include "arch/x86_64/smpboot.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/pgtable_types.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/syscall.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/tss.h"
#include "kernel/cmdline.h"
#include "kernel/multiboot2.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/string.h"
#include "kernel/time.h"
#include "mm/memblock.h"
#include "mm/mm_struct.h"
#include "mm/page_alloc.h"
#include "mm/slab.h"
#include "sched/sched.h"

/* SDM 9.4.4: INIT, wait 10 ms, STARTUP, wait 200 us, STARTUP again (the second is for
 * CPUs that missed the first; one already running ignores it). */
#define INIT_DEASSERT_WAIT_MS 10
#define STARTUP_WAIT_US 200
#define STARTUP_IPIS 2
/* How long an AP may take from the first STARTUP to calling in. A real CPU needs well
 * under a millisecond; a virtual one on a loaded host may wait for a host core. */
#define AP_CALLIN_TIMEOUT_MS 2000
#define US_PER_MS 1000
#define HZ_PER_KHZ 1000ul
/* The trampoline's page number must fit a STARTUP IPI's 8-bit vector. */
#define TRAMPOLINE_MAX_PAGE 0xff
/* IST stacks: one block of whole pages from the buddy allocator. */
#define IST_STACKS_ORDER 4
_Static_assert((PAGE_SIZE << IST_STACKS_ORDER) >= IST_STACKS_SIZE, "IST stacks fit");

u64 cpu_online_mask;
u64 smp_boot_cr3, smp_boot_stack, smp_boot_cpu_state;

/* Each online CPU's area: written by the boot CPU before the CPU's online bit (release),
 * never changed after. */
static struct cpu_state *cpu_states[NR_CPUS];
static phys_addr_t trampoline_phys; /* 0: no page below 1 MiB was free */

/* The number of the AP that has called in, written (release) by that AP at the end of
 * start_secondary and read (acquire) by the boot CPU, which waits for it. */
static int callin_cpu = -1;

/*
 * Test only, the boot option `smp_stall_first_ap` (boot check boot:smp_ap_stalls): the
 * first AP started stops just before calling in, with its stack and tables in use, so
 * that the timeout, the INIT that stops it and the freeing of its memory are exercised.
 * Set by the boot CPU before that AP's STARTUP, cleared once it was left out.
 */
static bool stall_next_ap;

/* The boot CPU's control registers, which every AP copies (the same features): written
 * by the boot CPU before the first STARTUP IPI, only read afterwards. */
static u64 boot_cr0, boot_cr4;

/* An AP's own memory besides its idle task: the per-CPU area, GDT and TSS. */
struct ap_area {
	struct cpu_state cs;
	u64 gdt[GDT_ENTRIES] __aligned(16);
	struct tss tss __aligned(16);
};

struct cpu_state *per_cpu_state(int cpu)
{
	return cpu_online(cpu) ? cpu_states[cpu] : NULL;
}

static void set_cpu_online(int cpu)
{
	__atomic_fetch_or(&cpu_online_mask, 1ull << cpu, __ATOMIC_RELEASE);
}

void realmode_reserve(void)
{
	trampoline_phys = memblock_alloc_low(TRAMPOLINE_PAGES * PAGE_SIZE);
	if (!trampoline_phys) {
		printk("smp: no free RAM below 1 MiB for the AP trampoline: the other CPUs will "
		       "not be started\n");
		return;
	}
	printk("memblock: reserve [mem 0x%016lx-0x%016lx] AP trampoline\n",
	       (unsigned long)trampoline_phys,
	       (unsigned long)(trampoline_phys + TRAMPOLINE_PAGES * PAGE_SIZE - 1));
}

/* ---- the trampoline ------------------------------------------------------------------- */

static void patch_u32(u8 *copy, const u8 *field, u32 value)
{
	memcpy(copy + (field - trampoline_start), &value, sizeof(value));
}

static u32 trampoline_linear(const u8 *label)
{
	return (u32)(trampoline_phys + (u32)(label - trampoline_start));
}

/*
 * Copy the trampoline and give it page tables: init_mm's PML4 (its kernel half: the code
 * the AP jumps to) plus an identity map of the first 2 MiB (one large page, writable and
 * executable: it holds the trampoline itself, and it is only in these tables).
 */
static void trampoline_setup(void)
{
	u8 *copy = __va(trampoline_phys);
	u64 *pml4 = (u64 *)(copy + TRAMPOLINE_PML4_PAGE * PAGE_SIZE);
	u64 *pdpt = (u64 *)(copy + TRAMPOLINE_PDPT_PAGE * PAGE_SIZE);
	u64 *pd = (u64 *)(copy + TRAMPOLINE_PD_PAGE * PAGE_SIZE);
	size_t size = trampoline_end - trampoline_start;

	BUG_ON_MSG(size > PAGE_SIZE, "smp: the trampoline is %zu bytes, more than a page", size);
	BUG_ON_MSG(init_mm.pgd[0] & _PAGE_PRESENT,
		   "smp: init_mm maps the first 512 GiB of user space; the trampoline's "
		   "identity map would replace it");
	memcpy(copy, trampoline_start, size);
	patch_u32(copy, tr_gdt_base, trampoline_linear(tr_gdt));
	patch_u32(copy, tr_pm_target, trampoline_linear(tr_protected_mode));
	patch_u32(copy, tr_lm_target, trampoline_linear(tr_long_mode));

	memcpy(pml4, init_mm.pgd, PAGE_SIZE);
	memset(pdpt, 0, PAGE_SIZE);
	memset(pd, 0, PAGE_SIZE);
	pml4[0] = (trampoline_phys + TRAMPOLINE_PDPT_PAGE * PAGE_SIZE) | _KERNPG_TABLE;
	pdpt[0] = (trampoline_phys + TRAMPOLINE_PD_PAGE * PAGE_SIZE) | _KERNPG_TABLE;
	pd[0] = _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE; /* physical 0 .. 2 MiB */
	smp_boot_cr3 = __pa(init_mm.pgd);
}

/* ---- the AP's side ---------------------------------------------------------------------- */

/* Fill this CPU's boot record from its own registers (see percpu.h). */
static void record_boot_state(struct cpu_state *cs)
{
	struct cpu_boot_record *r = &cs->boot_record;
	struct descriptor_pointer gdtr, idtr;

	__asm__ __volatile__("sgdt %0" : "=m"(gdtr));
	__asm__ __volatile__("sidt %0" : "=m"(idtr));
	__asm__ __volatile__("str %0" : "=r"(r->tr));
	r->cpu = smp_processor_id();
	r->apic_id = apic_id();
	r->gs_base = rdmsr(MSR_GS_BASE);
	r->cr0 = read_cr0();
	r->cr4 = read_cr4();
	r->efer = rdmsr(MSR_EFER);
	r->gdt_base = gdtr.base;
	r->idt_base = idtr.base;
	r->timer_initial_count = apic_read(APIC_TIMER_INITIAL_COUNT);
}

/* The features the boot CPU turned on (paging's, SMEP/SMAP/UMIP, the FPU's), in one go:
 * CR0 and CR4 as the boot CPU has them. EFER's NXE came with the trampoline, SCE comes
 * with syscall_init. */
static void cpu_init_features(void)
{
	write_cr0(boot_cr0);
	write_cr4(boot_cr4);
	fpu_init_cpu();
}

/*
 * start_secondary - an AP's first C code, on its idle task's stack (secondary_startup_64).
 * First its GS base, so smp_processor_id(), `current` and spinlocks work; then its own
 * GDT/TSS, the shared IDT, the boot CPU's features, the syscall MSRs, init_mm (CR3 and
 * its cpumask bit), its APIC and timer (calibrated here, against the PIT, while the boot
 * CPU waits in wait_for_callin on the TSC). It calls in and becomes swapper/N.
 */
__noreturn void start_secondary(struct cpu_state *cs)
{
	percpu_init(cs, cs->cpu);
	gdt_init_cpu(cs);
	idt_load();
	cpu_init_features();
	syscall_init();
	mmu_context_init();
	apic_init();
	timer_init_secondary(); /* its own calibration: the PIT is free, APs come one by one */
	set_kernel_stack(cs->kernel_stack_top); /* as switch_to would: the idle task's */
	record_boot_state(cs);
	while (READ_ONCE(stall_next_ap))
		halt(); /* interrupts are still off: only INIT ends this */
	__atomic_store_n(&callin_cpu, cs->cpu, __ATOMIC_RELEASE);
	cpu_idle(); /* its first safe_halt turns interrupts on; never returns */
}

/* ---- the boot CPU's side ---------------------------------------------------------------- */

static struct ap_area *ap_area_alloc(int cpu, u32 apic_id)
{
	struct ap_area *area = kzalloc(sizeof(*area), GFP_KERNEL);
	unsigned long ist;

	if (!area)
		return NULL;
	ist = __get_free_pages(GFP_KERNEL, IST_STACKS_ORDER);
	if (!ist) {
		kfree(area);
		return NULL;
	}
	area->cs.self = &area->cs;
	area->cs.cpu = cpu;
	area->cs.apic_id = apic_id;
	area->cs.gdt = area->gdt;
	area->cs.tss = &area->tss;
	area->cs.ist_bottom = ist;
	if (sched_init_idle(&area->cs)) {
		free_pages(ist, IST_STACKS_ORDER);
		kfree(area);
		return NULL;
	}
	return area;
}

static void ap_area_free(struct ap_area *area)
{
	sched_free_idle(&area->cs);
	free_pages(area->cs.ist_bottom, IST_STACKS_ORDER);
	kfree(area);
}

static bool wait_for_callin(int cpu)
{
	for (int ms = 0; ms < AP_CALLIN_TIMEOUT_MS; ms++) {
		if (__atomic_load_n(&callin_cpu, __ATOMIC_ACQUIRE) == cpu)
			return true;
		udelay(US_PER_MS);
	}
	return __atomic_load_n(&callin_cpu, __ATOMIC_ACQUIRE) == cpu;
}

/* INIT, STARTUP, STARTUP; false if the APIC could not send one of them. */
static bool send_init_sipi_sipi(u32 apic_id)
{
	u8 page = trampoline_phys >> PAGE_SHIFT;

	if (!apic_send_init(apic_id))
		return false;
	udelay(INIT_DEASSERT_WAIT_MS * US_PER_MS);
	for (int i = 0; i < STARTUP_IPIS; i++) {
		if (!apic_send_startup(apic_id, page))
			return false;
		udelay(STARTUP_WAIT_US);
		if (__atomic_load_n(&callin_cpu, __ATOMIC_ACQUIRE) >= 0)
			break; /* it is running: a second STARTUP is not needed */
	}
	return true;
}

/* Start CPU number cpu, APIC ID apic_id; true once it has called in. */
static bool start_ap(int cpu, u32 apic_id)
{
	struct ap_area *area = ap_area_alloc(cpu, apic_id);

	if (!area) {
		printk("smp: CPU %d (APIC ID %u): out of memory for its per-CPU data; left out\n",
		       cpu, apic_id);
		return false;
	}
	smp_boot_stack = area->cs.kernel_stack_top;
	smp_boot_cpu_state = (u64)&area->cs;
	__atomic_store_n(&callin_cpu, -1, __ATOMIC_RELEASE);
	if (send_init_sipi_sipi(apic_id) && wait_for_callin(cpu)) {
		cpu_states[cpu] = &area->cs;
		set_cpu_online(cpu);
		return true;
	}
	printk("smp: CPU %d (APIC ID %u) did not come up within %d ms; left out\n", cpu, apic_id,
	       AP_CALLIN_TIMEOUT_MS);
	/* INIT stops it wherever it got to, so its stack and tables can go, and the bit
	 * its mmu_context_init may have set in init_mm's cpumask (none of init_mm's
	 * translations stay in a CPU held in INIT), and its claim on the PIT if it was
	 * stopped calibrating. */
	if (!apic_send_init(apic_id))
		panic("smp: CPU %d (APIC ID %u) neither came up nor accepts INIT; its memory "
		      "cannot be reused safely",
		      cpu, apic_id);
	__atomic_fetch_and(&init_mm.cpumask, ~(1ull << cpu), __ATOMIC_SEQ_CST);
	if (pit_forget_cpu(cpu))
		printk("smp: CPU %d was stopped calibrating its timer; the PIT is free again\n",
		       cpu);
	ap_area_free(area);
	return false;
}

static void print_online(void)
{
	int cpu;

	printk("smp: %d CPU%s online:", num_online_cpus(), num_online_cpus() == 1 ? "" : "s");
	for_each_online_cpu(cpu) printk(" %d (APIC ID %u)", cpu, cpu_states[cpu]->apic_id);
	printk("\n");
	for_each_online_cpu(cpu)
	{
		const struct cpu_state *cs = cpu_states[cpu];

		printk("smp: CPU %d: APIC timer %lu kHz, %u ticks/jiffy (%d PIT windows, %lu TSC "
		       "cycles)\n",
		       cpu, (unsigned long)(cs->apic_timer_hz / HZ_PER_KHZ), cs->timer_period,
		       cs->calibration_windows, (unsigned long)cs->calibration_cycles);
	}
}

/* The CPUs to start, from the MADT; false (reported) if there is no usable one. */
static bool read_madt(struct acpi_scan *scan)
{
	scan->ops = &acpi_ops_real;
	scan->boot_apic_id = apic_id();
	if (!boot_info.has_rsdp) {
		printk("smp: the boot loader passed no ACPI RSDP: running on the boot CPU alone\n");
		return false;
	}
	if (acpi_find_cpus(scan, boot_info.rsdp_phys)) {
		printk("smp: no usable MADT (%s): running on the boot CPU alone\n", scan->why);
		return false;
	}
	if (scan->lapic_phys != (rdmsr(MSR_IA32_APIC_BASE) & APIC_BASE_ADDR_MASK)) {
		printk("smp: the MADT puts the local APICs at 0x%lx, the boot CPU's is elsewhere: "
		       "running on the boot CPU alone\n",
		       (unsigned long)scan->lapic_phys);
		return false;
	}
	printk("acpi: MADT lists %d CPU%s\n", scan->nr_cpus, scan->nr_cpus == 1 ? "" : "s");
	return true;
}

void smp_init(void)
{
	static struct acpi_scan scan; /* boot-time only: too big for the stack */
	int next_cpu = 1;

	boot_cpu_state.apic_id = apic_id();
	record_boot_state(&boot_cpu_state);
	cpu_states[0] = &boot_cpu_state;
	set_cpu_online(0);
	if (read_madt(&scan) && scan.nr_cpus > 1 && trampoline_phys) {
		BUG_ON(trampoline_phys >> PAGE_SHIFT > TRAMPOLINE_MAX_PAGE);
		boot_cr0 = read_cr0();
		boot_cr4 = read_cr4();
		trampoline_setup();
		stall_next_ap = kernel_param_has("smp_stall_first_ap");
		for (int i = 0; i < scan.nr_cpus; i++) {
			if (scan.apic_ids[i] == boot_cpu_state.apic_id)
				continue;
			if (start_ap(next_cpu, scan.apic_ids[i]))
				next_cpu++;
			stall_next_ap = false;
		}
	}
	print_online();
}
