/*
 * kernel/time.c - the timer tick: jiffies, its interrupt handler, and TSC delays.
 *
 * The local APIC timer (arch/x86_64/apic.c) fires LOCAL_TIMER_VECTOR HZ times a second.
 * Each tick acknowledges the interrupt, counts itself in this CPU's nr_ticks, advances
 * jiffies (on the boot CPU only: every CPU's timer ticks, time passes once), and lets the
 * scheduler charge the running task (scheduler_tick() in sched/core.c), which may set
 * need_resched; the switch itself happens on the way out of the interrupt. Every tick
 * also lets the hard-lockup watchdog look at the CPU this one watches (kernel/watchdog.c). See
 * docs/timer.md and docs/smp.md.
 */
#include "kernel/time.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/watchdog.h"
#include "sched/sched.h"

#define HZ_PER_KHZ 1000ul
#define KHZ_PER_MHZ 1000ul

/*
 * Ticks since timer_init(). Written only by the boot CPU's tick handler; an aligned 64-bit
 * store is atomic on x86-64, so a plain load anywhere never sees it torn.
 */
volatile u64 jiffies;
unsigned long tsc_khz;
static u64 tsc_at_start; /* the TSC when timer_init calibrated it: time 0 of ktime_get_ns */
static bool timer_started;

/* The tick. EOI first: scheduler_tick() may ask for a switch, and the next task must
 * not start with this CPU's timer still in service. */
static bool timer_interrupt(struct trap_frame *tf)
{
	apic_eoi();
	this_cpu()->nr_ticks++;
	/* Every CPU's APIC ticks, but wall time advances once per tick: on the boot CPU. */
	if (smp_processor_id() == 0)
		jiffies++;
	scheduler_tick();
	watchdog_tick();
	return true;
}

/* The timer period, in APIC timer ticks per jiffy, for a measured rate. */
static u32 period_from_hz(u64 apic_timer_hz)
{
	u64 period = (apic_timer_hz + HZ / 2) / HZ;

	BUG_ON_MSG(period == 0 || period > UINT32_MAX,
		   "timer: %lu APIC timer Hz gives %lu ticks per jiffy at HZ=%d, which the "
		   "32-bit initial count cannot hold",
		   (unsigned long)apic_timer_hz, (unsigned long)period, HZ);
	return (u32)period;
}

/* Calibrate this CPU's APIC timer and note the result in its cpu_state. */
static void calibrate_this_cpu(struct timer_calibration *cal)
{
	struct cpu_state *cs = this_cpu();
	u64 start = rdtsc();

	apic_timer_calibrate(cal);
	cs->calibration_cycles = rdtsc() - start;
	cs->apic_timer_hz = cal->apic_timer_hz;
	cs->timer_period = period_from_hz(cal->apic_timer_hz);
	cs->calibration_windows = cal->windows;
}

void timer_init(void)
{
	struct timer_calibration cal;

	if (timer_started)
		return;
	apic_init();
	calibrate_this_cpu(&cal);
	tsc_khz = cal.tsc_hz / HZ_PER_KHZ;
	tsc_at_start = rdtsc();
	set_trap_handler(LOCAL_TIMER_VECTOR, timer_interrupt);
	apic_timer_start(this_cpu()->timer_period);
	timer_started = true;
	printk("apic: timer %u ticks/jiffy (HZ=%d), calibrated against the PIT\n",
	       lapic_timer_period, HZ);
	printk("tsc: %lu.%03lu MHz, calibrated against the PIT\n", tsc_khz / KHZ_PER_MHZ,
	       tsc_khz % KHZ_PER_MHZ);
}

/*
 * An AP's own calibration, not the boot CPU's: on real machines the APIC timer runs from
 * each package's bus or crystal clock, which need not agree. The TSC is not
 * re-measured: tsc_khz is the boot CPU's, and the TSC is one clock on the machines
 * sublet runs on (docs/timer.md).
 */
void timer_init_secondary(void)
{
	struct timer_calibration cal;

	calibrate_this_cpu(&cal);
	apic_timer_start_secondary(this_cpu()->timer_period);
}

/* Split at whole seconds, so that the nanosecond product cannot overflow: the rest is
 * below one second of cycles (tsc_khz * 1000), times 10^6 fits 64 bits up to ~18 THz. */
u64 ktime_get_ns(void)
{
	u64 cycles, cycles_per_sec;

	if (!tsc_khz)
		return 0;
	cycles = rdtsc() - tsc_at_start;
	cycles_per_sec = (u64)tsc_khz * MSEC_PER_SEC;
	return cycles / cycles_per_sec * NSEC_PER_SEC +
	       cycles % cycles_per_sec * (NSEC_PER_SEC / MSEC_PER_SEC) / tsc_khz;
}

u64 jiffies_to_msecs(u64 j)
{
	return j / HZ * MSEC_PER_SEC + j % HZ * MSEC_PER_SEC / HZ;
}

/* Split at whole seconds so that ms * HZ cannot overflow, then round the rest up. */
u64 msecs_to_jiffies(u64 ms)
{
	u64 rest = ms % MSEC_PER_SEC * HZ;

	return ms / MSEC_PER_SEC * HZ + (rest + MSEC_PER_SEC - 1) / MSEC_PER_SEC;
}

#define NSEC_PER_JIFFY (NSEC_PER_SEC / HZ)

u64 timespec_to_jiffies(const struct timespec *ts)
{
	u64 secs = (u64)ts->tv_sec;

	if (secs >= MAX_JIFFY_OFFSET / HZ)
		return MAX_JIFFY_OFFSET;
	return secs * HZ + ((u64)ts->tv_nsec + NSEC_PER_JIFFY - 1) / NSEC_PER_JIFFY;
}

void jiffies_to_timespec(u64 j, struct timespec *ts)
{
	ts->tv_sec = (long)(j / HZ);
	ts->tv_nsec = (long)(j % HZ) * NSEC_PER_JIFFY;
}

/* Timeouts this long or longer are left to the ticks: their nanoseconds would not fit. */
#define TIMEOUT_CHECKED_SECS (1l << 32)

void timeout_start(struct timeout *to, const struct timespec *ts)
{
	u64 now = ktime_get_ns();

	to->wake_at = jiffies + timespec_to_jiffies(ts) + 1; /* +1: the current tick is partial */
	to->end_ns = 0;
	if (tsc_khz && ts->tv_sec < TIMEOUT_CHECKED_SECS)
		to->end_ns = now + (u64)ts->tv_sec * NSEC_PER_SEC + (u64)ts->tv_nsec;
}

bool timeout_expired(struct timeout *to)
{
	u64 now = ktime_get_ns();
	struct timespec left;

	if (!to->end_ns || now >= to->end_ns)
		return true;
	left.tv_sec = (long)((to->end_ns - now) / NSEC_PER_SEC);
	left.tv_nsec = (long)((to->end_ns - now) % NSEC_PER_SEC);
	to->wake_at = jiffies + timespec_to_jiffies(&left) + 1;
	return false;
}

void udelay(unsigned long us)
{
	u64 start = rdtsc();
	u64 cycles;

	BUG_ON_MSG(!tsc_khz, "udelay(%lu) before timer_init() calibrated the TSC", us);
	cycles = ((u64)us * tsc_khz + USEC_PER_MSEC - 1) / USEC_PER_MSEC;
	while (rdtsc() - start < cycles)
		cpu_relax();
}
