/*
 * arch/x86_64/apic.c - the local APIC: enabling it, its registers, and its timer.
 *
 * The APIC's registers are a 4 KiB page of MMIO at the physical address in
 * MSR_IA32_APIC_BASE (0xfee00000 unless the firmware moved it). The direct map covers
 * RAM only, so the page is mapped uncached with ioremap() (mm/vmalloc.c). Each CPU sees
 * its own APIC at the same address, so one mapping serves every CPU.
 *
 * The timer counts down from an initial count at the bus (or core crystal) clock divided
 * by APIC_TIMER_DIVIDE, a rate no register reports: apic_timer_calibrate() measures it
 * against the PIT (arch/x86_64/pit.c), along with the TSC. Every CPU measures its own
 * (the bus clock could differ between packages); the PIT is shared, so they take turns.
 * kernel/time.c turns the result into a periodic tick of HZ per second. See docs/timer.md. The
 * start-up IPIs that wake the other CPUs are sent from here too (docs/smp.md).
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "mm/vmalloc.h"

/*
 * Calibration: PIT windows of CALIBRATE_MS each (the window counts are in apic.h). A window is
 * clean when we were running both as it began and as it ended, so its bounds are known to within
 * 1/CALIBRATE_PRECISION of its length. The shortest of CALIBRATE_CLEAN_WINDOWS clean windows is
 * kept.
 */
#define CALIBRATE_MS 10
#define CALIBRATE_LATCH ((PIT_TICK_RATE * CALIBRATE_MS + 500) / 1000) /* 11932 PIT ticks */
#define CALIBRATE_PRECISION 1000
/* The timer's start value while calibrating: far more than a window can consume. */
#define APIC_TIMER_MAX_COUNT 0xffffffffu
#define PARTS_PER_MILLION 1000000

static volatile u32 *apic_regs; /* the ioremap()ed register page */
static phys_addr_t apic_phys;	/* its physical address, for checking other CPUs */
u32 lapic_timer_period;

u32 apic_read(u32 reg)
{
	return apic_regs[reg / sizeof(u32)];
}

void apic_write(u32 reg, u32 val)
{
	apic_regs[reg / sizeof(u32)] = val;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

u32 apic_id(void)
{
	return apic_read(APIC_ID) >> APIC_ID_SHIFT;
}

/*
 * A spurious interrupt is the APIC withdrawing an interrupt it had begun to deliver. It
 * sets no in-service bit, so it must not be acknowledged (SDM 10.9): nothing to do.
 */
void apic_send_nmi_to_self(void)
{
	apic_write(APIC_ICR_HIGH, apic_id() << APIC_ID_SHIFT);
	apic_write(APIC_ICR_LOW, APIC_ICR_DELIVERY_NMI | APIC_ICR_LEVEL_ASSERT);
	while (apic_read(APIC_ICR_LOW) & APIC_ICR_SEND_PENDING)
		cpu_relax();
}

static bool spurious_interrupt(struct trap_frame *tf)
{
	return true;
}

static void check_cpu_has_apic(void)
{
	u32 eax, ebx, ecx, edx;

	cpuid(1, 0, &eax, &ebx, &ecx, &edx);
	BUG_ON_MSG(!(edx & CPUID_1_EDX_APIC),
		   "apic: this CPU has no local APIC (CPUID.01H:EDX bit 9 is clear); sublet's "
		   "timer needs one (QEMU: use a -cpu model with an APIC, e.g. -cpu max)");
}

/*
 * Make the APIC globally enabled and in xAPIC (MMIO) mode; return its physical base.
 * Firmware may hand over in x2APIC mode, where the MMIO page is dead. The SDM (10.12.5)
 * allows leaving x2APIC mode only through the disabled state, which resets the APIC.
 */
static phys_addr_t apic_enable_xapic_mode(void)
{
	u64 base = rdmsr(MSR_IA32_APIC_BASE);

	if (base & APIC_BASE_EXTD) {
		base &= ~(APIC_BASE_EXTD | APIC_BASE_ENABLE);
		wrmsr(MSR_IA32_APIC_BASE, base);
	}
	if (!(base & APIC_BASE_ENABLE))
		wrmsr(MSR_IA32_APIC_BASE, base | APIC_BASE_ENABLE);
	return base & APIC_BASE_ADDR_MASK;
}

/* Map the register page once; every later CPU must find its APIC at the same place. */
static void apic_map(phys_addr_t phys)
{
	if (apic_regs) {
		BUG_ON_MSG(phys != apic_phys,
			   "apic: this CPU's APIC is at 0x%lx, the boot CPU's at 0x%lx; sublet "
			   "maps one page for all of them",
			   (unsigned long)phys, (unsigned long)apic_phys);
		return;
	}
	apic_regs = ioremap(phys, PAGE_SIZE);
	BUG_ON_MSG(!apic_regs, "apic: ioremap(0x%lx) of the local APIC page failed",
		   (unsigned long)phys);
	apic_phys = phys;
	set_trap_handler(SPURIOUS_APIC_VECTOR, spurious_interrupt);
}

void apic_init(void)
{
	bool first = !apic_regs;

	check_cpu_has_apic();
	apic_map(apic_enable_xapic_mode());
	/* Accept interrupts of every priority class. */
	apic_write(APIC_TPR, 0);
	/* Software-enable the APIC; without this bit every LVT entry stays masked. */
	apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_APIC_VECTOR);
	if (first)
		printk("apic: local APIC id %u, version 0x%x, registers at phys 0x%lx\n", apic_id(),
		       apic_read(APIC_VERSION) & APIC_VERSION_MASK, (unsigned long)apic_phys);
}

/* What one PIT window measured. */
struct calibration_window {
	u64 apic_ticks;	 /* APIC timer ticks from just before the window to just after */
	u64 tsc_ticks;	 /* TSC cycles, likewise */
	u64 uncertainty; /* TSC cycles during which the window's start or end was unseen */
};

/*
 * One window: sample both counters, let the PIT count CALIBRATE_LATCH ticks, sample
 * again. The samples bracket the countdown, so a delay (a port access, an SMI, the host
 * descheduling a virtual CPU just as the PIT's output flips) can only make the window look
 * longer, never shorter, and by at most the time between the last sight of the countdown
 * running and the first of it done (plus the time to load it).
 */
static void calibrate_window(struct calibration_window *w)
{
	u32 apic_start = apic_read(APIC_TIMER_CURRENT_COUNT);
	u64 tsc_start = rdtsc();
	u64 tsc_loaded = pit_countdown_start(CALIBRATE_LATCH);
	u64 tsc_running = pit_countdown_wait();
	u64 tsc_end = rdtsc();

	w->apic_ticks = apic_start - apic_read(APIC_TIMER_CURRENT_COUNT); /* it counts down */
	w->tsc_ticks = tsc_end - tsc_start;
	w->uncertainty = (tsc_loaded - tsc_start) + (tsc_end - tsc_running);
	pit_countdown_stop();
}

static bool window_is_clean(const struct calibration_window *w)
{
	return w->uncertainty * CALIBRATE_PRECISION <= w->tsc_ticks;
}

/*
 * Measure windows until CALIBRATE_CLEAN_WINDOWS are clean and return the shortest clean
 * one (Linux's pit_calibrate_tsc() keeps the minimum too). If none is clean in
 * CALIBRATE_MAX_WINDOWS, which takes a badly overloaded host, the least uncertain window
 * is the best there is.
 */
static int measure_windows(struct calibration_window *best)
{
	struct calibration_window w, least_uncertain = {.uncertainty = UINT64_MAX};
	int clean = 0, windows;

	*best = (struct calibration_window){UINT64_MAX, UINT64_MAX, 0};
	for (windows = 0; windows < CALIBRATE_MAX_WINDOWS && clean < CALIBRATE_CLEAN_WINDOWS;
	     windows++) {
		calibrate_window(&w);
		if (w.uncertainty < least_uncertain.uncertainty)
			least_uncertain = w;
		if (!window_is_clean(&w))
			continue;
		clean++;
		best->apic_ticks = MIN(best->apic_ticks, w.apic_ticks);
		best->tsc_ticks = MIN(best->tsc_ticks, w.tsc_ticks);
		best->uncertainty = MAX(best->uncertainty, w.uncertainty);
	}
	if (clean)
		return windows;
	*best = least_uncertain;
	printk("apic: no clean PIT window in %d; calibration may be off by %lu ppm\n",
	       CALIBRATE_MAX_WINDOWS,
	       (unsigned long)(best->uncertainty * PARTS_PER_MILLION / best->tsc_ticks));
	return windows;
}

void apic_timer_calibrate(struct timer_calibration *cal)
{
	struct calibration_window best;
	unsigned long flags = local_irq_save();

	pit_get(); /* the boot CPU or another AP may be calibrating */
	/* One-shot and masked: the counter runs down from the top without interrupting. */
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | APIC_LVT_TIMER_ONESHOT | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_16);
	apic_write(APIC_TIMER_INITIAL_COUNT, APIC_TIMER_MAX_COUNT);
	cal->windows = measure_windows(&best);
	apic_write(APIC_TIMER_INITIAL_COUNT, 0); /* a count of 0 stops the timer */
	pit_put();
	local_irq_restore(flags);

	cal->apic_timer_hz = best.apic_ticks * PIT_TICK_RATE / CALIBRATE_LATCH;
	cal->tsc_hz = best.tsc_ticks * PIT_TICK_RATE / CALIBRATE_LATCH;
	BUG_ON_MSG(cal->apic_timer_hz == 0 || cal->tsc_hz == 0,
		   "apic: calibration measured %lu APIC timer Hz and %lu TSC Hz: one of them "
		   "is not counting",
		   (unsigned long)cal->apic_timer_hz, (unsigned long)cal->tsc_hz);
}

static void apic_timer_program(u32 ticks_per_jiffy)
{
	apic_write(APIC_TIMER_DIVIDE, APIC_TIMER_DIVIDE_BY_16);
	apic_write(APIC_LVT_TIMER, APIC_LVT_TIMER_PERIODIC | LOCAL_TIMER_VECTOR);
	/* Writing the initial count (re)starts the countdown; it reloads at every zero. */
	apic_write(APIC_TIMER_INITIAL_COUNT, ticks_per_jiffy);
}

void apic_timer_start(u32 ticks_per_jiffy)
{
	BUG_ON_MSG(ticks_per_jiffy == 0, "apic: a timer period of 0 ticks would stop the timer");
	lapic_timer_period = ticks_per_jiffy;
	apic_timer_program(ticks_per_jiffy);
}

void apic_timer_start_secondary(u32 ticks_per_jiffy)
{
	BUG_ON_MSG(ticks_per_jiffy == 0, "apic: a timer period of 0 ticks would stop the timer");
	apic_timer_program(ticks_per_jiffy);
}

/* ---- start-up IPIs ------------------------------------------------------------------- */

/* How long the APIC may take to send an IPI; it normally takes a few hundred cycles. */
#define APIC_ICR_SEND_TIMEOUT_US 1000
#define APIC_ICR_POLL_US 10

static bool apic_send_ipi(u32 apic_id, u32 icr_low)
{
	apic_write(APIC_ICR_HIGH, apic_id << APIC_ID_SHIFT);
	apic_write(APIC_ICR_LOW, icr_low);
	for (int waited = 0; waited < APIC_ICR_SEND_TIMEOUT_US; waited += APIC_ICR_POLL_US) {
		if (!(apic_read(APIC_ICR_LOW) & APIC_ICR_SEND_PENDING))
			return true;
		udelay(APIC_ICR_POLL_US);
	}
	return false;
}

bool apic_send_init(u32 apic_id)
{
	return apic_send_ipi(apic_id, APIC_ICR_DELIVERY_INIT | APIC_ICR_LEVEL_ASSERT |
					  APIC_ICR_TRIGGER_LEVEL);
}

bool apic_send_ipi_fixed(u32 apic_id, u8 vector)
{
	return apic_send_ipi(apic_id, APIC_ICR_DELIVERY_FIXED | APIC_ICR_LEVEL_ASSERT | vector);
}

bool apic_send_nmi(u32 apic_id)
{
	return apic_send_ipi(apic_id, APIC_ICR_DELIVERY_NMI | APIC_ICR_LEVEL_ASSERT);
}

bool apic_send_startup(u32 apic_id, u8 page)
{
	return apic_send_ipi(apic_id, APIC_ICR_DELIVERY_STARTUP | (page & APIC_ICR_VECTOR_MASK));
}
