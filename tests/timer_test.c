/*
 * tests/timer_test.c - the local APIC timer, its PIT calibration, jiffies and udelay.
 *
 * The APIC must be enabled with its spurious vector, the timer periodic on
 * LOCAL_TIMER_VECTOR, and the PIC still fully masked. With interrupts on, jiffies must
 * advance at HZ as measured by two independent clocks (the TSC and the PIT), and not at
 * all with interrupts off. The suite starts the timer itself if kmain has not yet
 * (timer_init() is idempotent). Tests that enable interrupts restore the flag after.
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/trap.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "sched/sched.h"
#include "tests/ktest.h"

/* The 8259A data ports read back the interrupt mask (arch/x86_64/pic.c). */
#define PIC1_DATA 0x21
#define PIC2_DATA 0xa1
#define PIC_MASK_ALL 0xff

#define RATE_WINDOW_MS 200	/* long enough for 20 ticks at HZ=100 */
#define TICK_WAIT_LIMIT_MS 1000 /* a tick that has not come in a second never will */
#define PIT_WINDOW_MS 10
#define PIT_WINDOW_LATCH ((PIT_TICK_RATE * PIT_WINDOW_MS + 500) / 1000)
#define PIT_LONG_MS 50
#define PIT_LONG_LATCH ((PIT_TICK_RATE * PIT_LONG_MS + 500) / 1000) /* fits in 16 bits */
#define TSC_SAMPLES 5

static int timer_suite_init(void)
{
	timer_init();
	return 0;
}

KTEST_SUITE_HOOKS(timer, .suite_init = timer_suite_init);

/* Turn interrupts on for a measurement; timer_irqs_restore() puts the flag back. */
static unsigned long timer_irqs_on(void)
{
	unsigned long flags = local_irq_save();

	local_irq_enable();
	return flags;
}

static void timer_irqs_restore(unsigned long flags)
{
	local_irq_disable();
	local_irq_restore(flags);
}

static void tsc_spin_ms(u64 ms)
{
	u64 start = rdtsc();

	while (rdtsc() - start < ms * tsc_khz)
		cpu_relax();
}

/* Spin until jiffies moves past j0 or TICK_WAIT_LIMIT_MS pass; return jiffies. */
static u64 wait_for_tick_after(u64 j0)
{
	u64 start = rdtsc();

	while (jiffies == j0 && rdtsc() - start < TICK_WAIT_LIMIT_MS * tsc_khz)
		cpu_relax();
	return jiffies;
}

KTEST(timer, apic_enabled_with_spurious_vector)
{
	u64 base = rdmsr(MSR_IA32_APIC_BASE);
	u32 svr = apic_read(APIC_SVR);

	KEXPECT_TRUE(t, base & APIC_BASE_ENABLE);
	KEXPECT_FALSE(t, base & APIC_BASE_EXTD);
	KEXPECT_TRUE(t, svr & APIC_SVR_ENABLE);
	KEXPECT_EQ(t, svr & APIC_VECTOR_MASK, SPURIOUS_APIC_VECTOR);
	KEXPECT_NOT_NULL(t, get_trap_handler(SPURIOUS_APIC_VECTOR));
	KEXPECT_EQ(t, apic_read(APIC_TPR), 0);
}

KTEST(timer, apic_id_matches_cpuid)
{
	u32 eax, ebx, ecx, edx;

	cpuid(1, 0, &eax, &ebx, &ecx, &edx);
	KEXPECT_EQ(t, apic_id(), ebx >> 24); /* CPUID.01H:EBX[31:24]: initial APIC ID */
}

KTEST(timer, lvt_is_periodic_on_local_timer_vector)
{
	u32 lvt = apic_read(APIC_LVT_TIMER);

	KEXPECT_EQ(t, lvt & APIC_LVT_TIMER_MODE_MASK, APIC_LVT_TIMER_PERIODIC);
	KEXPECT_EQ(t, lvt & APIC_VECTOR_MASK, LOCAL_TIMER_VECTOR);
	KEXPECT_FALSE(t, lvt & APIC_LVT_MASKED);
	KEXPECT_EQ(t, apic_read(APIC_TIMER_DIVIDE) & APIC_TIMER_DIVIDE_MASK,
		   APIC_TIMER_DIVIDE_BY_16);
	KEXPECT_NE(t, lapic_timer_period, 0);
	KEXPECT_EQ(t, apic_read(APIC_TIMER_INITIAL_COUNT), lapic_timer_period);
	KEXPECT_NOT_NULL(t, get_trap_handler(LOCAL_TIMER_VECTOR));
}

KTEST(timer, counter_runs_within_the_period)
{
	u32 first = apic_read(APIC_TIMER_CURRENT_COUNT);
	u32 second;

	tsc_spin_ms(1);
	second = apic_read(APIC_TIMER_CURRENT_COUNT);
	KEXPECT_NE(t, first, second);
	KEXPECT_LE(t, first, lapic_timer_period);
	KEXPECT_LE(t, second, lapic_timer_period);
}

KTEST(timer, pic_stays_fully_masked)
{
	KEXPECT_EQ(t, inb(PIC1_DATA), PIC_MASK_ALL);
	KEXPECT_EQ(t, inb(PIC2_DATA), PIC_MASK_ALL);
}

KTEST(timer, timer_init_twice_does_nothing)
{
	unsigned long khz = tsc_khz;
	u32 period = lapic_timer_period;

	/* A second calibration would measure a slightly different TSC rate. */
	timer_init();
	KEXPECT_EQ(t, tsc_khz, khz);
	KEXPECT_EQ(t, lapic_timer_period, period);
	KEXPECT_EQ(t, apic_read(APIC_TIMER_INITIAL_COUNT), period);
	KEXPECT_EQ(t, apic_read(APIC_LVT_TIMER) & APIC_LVT_TIMER_MODE_MASK,
		   APIC_LVT_TIMER_PERIODIC);
}

KTEST(timer, jiffies_advance_with_irqs_on)
{
	unsigned long flags = timer_irqs_on();
	u64 j0 = jiffies;
	u64 j1 = wait_for_tick_after(j0);

	timer_irqs_restore(flags);
	KEXPECT_GT(t, j1, j0);
}

KTEST(timer, jiffies_frozen_with_irqs_off)
{
	unsigned long flags = local_irq_save();
	u64 j0 = jiffies;
	u64 frozen, thawed;

	tsc_spin_ms(3 * MSEC_PER_SEC / HZ); /* three periods: the tick is pending, not taken */
	frozen = jiffies;
	local_irq_enable();
	thawed = wait_for_tick_after(j0);
	local_irq_disable();
	local_irq_restore(flags);
	KEXPECT_EQ(t, frozen, j0);
	KEXPECT_GT(t, thawed, j0);
}

KTEST(timer, tick_rate_matches_tsc)
{
	u64 expected = RATE_WINDOW_MS * HZ / MSEC_PER_SEC;
	unsigned long flags = timer_irqs_on();
	u64 j0 = jiffies;
	u64 ticks;

	tsc_spin_ms(RATE_WINDOW_MS);
	ticks = jiffies - j0;
	timer_irqs_restore(flags);
	ktest_log(t, "%lu ticks in %d ms by the TSC (expected %lu)", (unsigned long)ticks,
		  RATE_WINDOW_MS, (unsigned long)expected);
	/* TCG time wobbles: allow 2x either way, which still catches a 10x error. */
	KEXPECT_GE(t, ticks, expected / 2);
	KEXPECT_LE(t, ticks, expected * 2);
}

KTEST(timer, tick_rate_matches_pit)
{
	u64 expected = RATE_WINDOW_MS * HZ / MSEC_PER_SEC;
	unsigned long flags = timer_irqs_on();
	u64 j0 = jiffies;
	u64 ticks;

	pit_get(); /* tasks run on the boot CPU only, so this one cannot migrate meanwhile */
	for (int i = 0; i < RATE_WINDOW_MS / PIT_WINDOW_MS; i++) {
		pit_countdown_start(PIT_WINDOW_LATCH);
		pit_countdown_wait();
	}
	pit_countdown_stop();
	pit_put();
	ticks = jiffies - j0;
	timer_irqs_restore(flags);
	ktest_log(t, "%lu ticks in %d ms by the PIT (expected %lu)", (unsigned long)ticks,
		  RATE_WINDOW_MS, (unsigned long)expected);
	KEXPECT_GE(t, ticks, expected / 2);
	KEXPECT_LE(t, ticks, expected * 2);
}

/*
 * Time a PIT countdown of `ms` by the TSC, in both directions it can be bracketed: at
 * most `longest` cycles passed between the countdown's start and its end, and at least
 * `shortest`. Neither bound moves when the host deschedules us, so the checks are exact.
 */
static void time_pit_countdown(u16 latch, u64 *shortest, u64 *longest)
{
	u64 start = rdtsc();
	u64 loaded = pit_countdown_start(latch);
	u64 running = pit_countdown_wait();

	*longest = rdtsc() - start;
	*shortest = running - loaded;
}

KTEST(timer, pit_countdown_polls_its_output)
{
	u64 expected = PIT_LONG_MS * tsc_khz;
	u64 shortest, longest;
	bool done_at_start;

	pit_get();
	pit_countdown_start(PIT_LONG_LATCH);
	done_at_start = pit_countdown_done();
	pit_countdown_stop();
	KEXPECT_FALSE(t, done_at_start);

	time_pit_countdown(PIT_LONG_LATCH, &shortest, &longest);
	KEXPECT_TRUE(t, pit_countdown_done());
	pit_countdown_stop();
	pit_put();
	KEXPECT_LE(t, shortest, expected * 21 / 20);
	KEXPECT_GE(t, longest, expected * 19 / 20);
	KEXPECT_LE(t, shortest, longest);
}

/* The PIT is claimed by one CPU at a time; a stopped CPU's claim can be dropped. */
KTEST(timer, pit_claim_is_held_and_forgotten)
{
	unsigned long flags = local_irq_save();
	int cpu = smp_processor_id();
	bool forgot_unheld, forgot_held, forgot_again;

	forgot_unheld = pit_forget_cpu(cpu);
	pit_get();
	forgot_held = pit_forget_cpu(cpu + 1); /* another CPU's claim: not ours to drop */
	forgot_held = !forgot_held && pit_forget_cpu(cpu);
	forgot_again = pit_forget_cpu(cpu);
	pit_get(); /* free again: this must not wait */
	pit_put();
	local_irq_restore(flags);
	KEXPECT_FALSE(t, forgot_unheld);
	KEXPECT_TRUE(t, forgot_held);
	KEXPECT_FALSE(t, forgot_again);
}

/* tsc_khz against fresh PIT windows: within 5%, whatever the host's load. */
KTEST(timer, tsc_khz_matches_pit)
{
	u64 expected = PIT_WINDOW_MS * tsc_khz;
	int too_short = 0, too_long = 0;

	KASSERT_NE(t, tsc_khz, 0);
	pit_get();
	for (int i = 0; i < TSC_SAMPLES; i++) {
		u64 shortest, longest;

		time_pit_countdown(PIT_WINDOW_LATCH, &shortest, &longest);
		too_long += shortest > expected * 21 / 20;
		too_short += longest < expected * 19 / 20;
	}
	pit_countdown_stop();
	pit_put();
	KEXPECT_EQ(t, too_long, 0);
	KEXPECT_EQ(t, too_short, 0);
}

KTEST(timer, udelay_waits_at_least_as_asked)
{
	const unsigned long us = 20000;
	u64 start = rdtsc();
	u64 elapsed;

	udelay(us);
	elapsed = rdtsc() - start;
	KEXPECT_GE(t, elapsed, (u64)us * tsc_khz / USEC_PER_MSEC);
	KEXPECT_LE(t, elapsed, (u64)us * tsc_khz / USEC_PER_MSEC * 10);
}

KTEST(timer, msecs_to_jiffies_rounds_up)
{
	const u64 ms_per_tick = MSEC_PER_SEC / HZ;

	KEXPECT_EQ(t, msecs_to_jiffies(0), 0);
	KEXPECT_EQ(t, msecs_to_jiffies(1), 1);
	KEXPECT_EQ(t, msecs_to_jiffies(ms_per_tick), 1);
	KEXPECT_EQ(t, msecs_to_jiffies(ms_per_tick + 1), 2);
	KEXPECT_EQ(t, msecs_to_jiffies(MSEC_PER_SEC), HZ);
	KEXPECT_EQ(t, msecs_to_jiffies(7 * MSEC_PER_SEC + 1), 7 * HZ + 1);
	/* No overflow in ms * HZ: the result still grows with its argument at the top. */
	KEXPECT_GE(t, msecs_to_jiffies(UINT64_MAX), UINT64_MAX / MSEC_PER_SEC * HZ);
}

KTEST(timer, jiffies_to_msecs_round_trips)
{
	u64 bad_ticks = 0, bad_msecs = 0;

	KEXPECT_EQ(t, jiffies_to_msecs(0), 0);
	KEXPECT_EQ(t, jiffies_to_msecs(1), MSEC_PER_SEC / HZ);
	KEXPECT_EQ(t, jiffies_to_msecs(HZ), MSEC_PER_SEC);
	KEXPECT_EQ(t, jiffies_to_msecs(3 * HZ + 1), 3 * MSEC_PER_SEC + MSEC_PER_SEC / HZ);
	for (u64 j = 0; j < 10 * HZ; j++)
		bad_ticks += msecs_to_jiffies(jiffies_to_msecs(j)) != j;
	for (u64 ms = 0; ms < 10 * MSEC_PER_SEC; ms++)
		bad_msecs += jiffies_to_msecs(msecs_to_jiffies(ms)) < ms;
	KEXPECT_EQ(t, bad_ticks, 0);
	KEXPECT_EQ(t, bad_msecs, 0);
}

/* nanosleep's conversion is 64-bit: {4294968, 0} (2^32 ms and a bit) is 429496800 ticks,
 * not the 0.7 s a 32-bit millisecond count wrapped it to (issue 8); the fraction rounds
 * up, and an absurd length saturates instead of wrapping jiffies. */
KTEST(timer, timespec_to_jiffies_is_64_bit)
{
	struct timespec long_sleep = {.tv_sec = 4294968, .tv_nsec = 0};
	struct timespec one_ns = {.tv_sec = 0, .tv_nsec = 1};
	struct timespec huge = {.tv_sec = 0x7fffffffffffffffl, .tv_nsec = NSEC_PER_SEC - 1};
	struct timespec back;

	KEXPECT_EQ(t, timespec_to_jiffies(&long_sleep), (u64)4294968 * HZ);
	KEXPECT_EQ(t, timespec_to_jiffies(&one_ns), (u64)1);
	KEXPECT_EQ(t, timespec_to_jiffies(&huge), MAX_JIFFY_OFFSET);
	jiffies_to_timespec((u64)4294968 * HZ + 1, &back);
	KEXPECT_EQ(t, back.tv_sec, 4294968l);
	KEXPECT_EQ(t, back.tv_nsec, NSEC_PER_SEC / HZ);
}

/*
 * A timed sleep ends by the TSC, not by the tick alone: reached early (here: at once, as a
 * late tick followed by one on time can make it), the timeout is not over and its wake-up
 * tick moves on; once the time has passed by the TSC, it is. A timeout too long for
 * nanoseconds is left to the ticks.
 */
KTEST(timer, timeout_ends_by_the_tsc_not_the_tick)
{
	struct timespec ts = {.tv_sec = 0, .tv_nsec = 30 * 1000 * 1000}, huge = {1l << 40, 0};
	struct timeout to;
	u64 start = ktime_get_ns();

	timeout_start(&to, &ts);
	KEXPECT_EQ(t, to.end_ns >= start + 30 * 1000 * 1000, true);
	KEXPECT_EQ(t, timeout_expired(&to), false);
	KEXPECT_GE(t, to.wake_at, jiffies + 1);
	KEXPECT_LE(t, to.wake_at, jiffies + msecs_to_jiffies(30) + 1);
	msleep(40);
	KEXPECT_EQ(t, timeout_expired(&to), true);
	KEXPECT_GE(t, ktime_get_ns(), to.end_ns);

	timeout_start(&to, &huge);
	KEXPECT_EQ(t, to.end_ns, 0ul);
	KEXPECT_EQ(t, timeout_expired(&to), true);
}
