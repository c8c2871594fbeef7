/*
 * tests/smp_lockup_test.c - a CPU stuck with interrupts off is reported by the
 * hard-lockup watchdog (kernel/watchdog.c), and a spinlock held too long by its waiter
 * (kernel/spinlock.c). Both reports are warnings: the kernel carries on.
 *
 * CPU 1 is made to misbehave from an IPI handler (TEST_LOCKUP_VECTOR, an interrupt gate:
 * interrupts off), which runs ap_test_fn; CPU 0 watches the report counters. Every wait
 * is bounded, so a missing report fails the test instead of hanging it.
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "kernel/smp.h"
#include "kernel/spinlock.h"
#include "kernel/watchdog.h"
#include "sched/sched.h"
#include "tests/ktest.h"

#define TEST_LOCKUP_VECTOR 0xf2
#define REPORT_WAIT_MS 10000 /* the watchdog reports after ~35 ticks: far more than needed */
#define AP_WAIT_MS 1000
#define QUIET_CHECK_MS 1000 /* an idle CPU 1 watched this long must not be reported */
#define STALL_CHECK_MS 2000 /* a stall this long is reported within ~350 ms if it answers */
/* CPU 1 holds the lock at most this many pauses if no report frees it: several times the
 * spinlock's report bound (2^24 spins), so a missing report fails instead of hanging. */
#define HOLD_MAX_SPINS (1ul << 27)

static void (*volatile ap_test_fn)(void);
static volatile bool ap_running, ap_release;
static DEFINE_SPINLOCK(lockup_test_lock);

static bool run_ap_test_fn(struct trap_frame *tf)
{
	apic_eoi();
	ap_test_fn();
	return true;
}

/* Start fn on CPU 1, interrupts off there, and wait until it runs. */
static bool start_on_cpu1(void (*fn)(void))
{
	ap_running = false;
	ap_release = false;
	ap_test_fn = fn;
	set_trap_handler(TEST_LOCKUP_VECTOR, run_ap_test_fn);
	if (!apic_send_ipi_fixed(per_cpu_state(1)->apic_id, TEST_LOCKUP_VECTOR))
		return false;
	for (int ms = 0; ms < AP_WAIT_MS && !ap_running; ms++)
		msleep(1);
	return ap_running;
}

static void ap_spins_with_interrupts_off(void)
{
	ap_running = true;
	while (!ap_release)
		cpu_relax();
}

static void ap_holds_the_lock_until_reported(void)
{
	int before = atomic_read(&spinlock_long_hold_reports);

	spin_lock(&lockup_test_lock);
	ap_running = true;
	for (unsigned long i = 0;
	     i < HOLD_MAX_SPINS && atomic_read(&spinlock_long_hold_reports) == before; i++)
		cpu_relax();
	spin_unlock(&lockup_test_lock);
}

static bool wait_for_change(atomic_t *counter, int before, int ms)
{
	for (int waited = 0; waited < ms && atomic_read(counter) == before; waited++)
		msleep(1);
	return atomic_read(counter) != before;
}

#define SKIP_WITHOUT_CPU1()                                                                        \
	do {                                                                                       \
		if (!cpu_online(1))                                                                \
			KTEST_SKIP("needs a second CPU (SMP=2)");                                  \
	} while (0)

/* An idle CPU takes its ticks: no report, however long it is watched. */
KTEST(smp_lockup, an_idle_cpu_is_not_reported)
{
	int before = atomic_read(&hardlockup_reports);

	SKIP_WITHOUT_CPU1();

	msleep(QUIET_CHECK_MS);
	KEXPECT_EQ(t, atomic_read(&hardlockup_reports), before);
}

/* The probes and the backtrace NMI carry request bits: claimed, never counted among the
 * unknown NMIs. */
KTEST(smp_lockup, a_cpu_stuck_with_interrupts_off_is_reported_once)
{
	int before = atomic_read(&hardlockup_reports);
	int unknown_nmis = atomic_read(&nmi_unknown_count);
	u32 probes;
	u64 ticks;

	SKIP_WITHOUT_CPU1();
	probes = READ_ONCE(per_cpu_state(1)->probe_answers);

	KASSERT_TRUE(t, start_on_cpu1(ap_spins_with_interrupts_off));
	ticks = READ_ONCE(per_cpu_state(1)->nr_ticks);
	KEXPECT_TRUE(t, wait_for_change(&hardlockup_reports, before, REPORT_WAIT_MS));
	KEXPECT_EQ(t, READ_ONCE(hardlockup_last_cpu), 1);
	KEXPECT_GE(t, READ_ONCE(per_cpu_state(1)->probe_answers) - probes, 3u);
	KEXPECT_EQ(t, atomic_read(&nmi_unknown_count), unknown_nmis);
	/* Still stuck, but reported once per stall. */
	msleep(QUIET_CHECK_MS);
	KEXPECT_EQ(t, atomic_read(&hardlockup_reports), before + 1);
	KEXPECT_EQ(t, READ_ONCE(per_cpu_state(1)->nr_ticks), ticks);
	ap_release = true;
	/* Running again, CPU 1 ticks, and the watch starts over without a new report. */
	msleep(QUIET_CHECK_MS);
	KEXPECT_GT(t, READ_ONCE(per_cpu_state(1)->nr_ticks), ticks);
	KEXPECT_EQ(t, atomic_read(&hardlockup_reports), before + 1);
	set_trap_handler(TEST_LOCKUP_VECTOR, NULL);
}

/* CPU 1 stalls inside an NMI handler: NMIs are blocked there, so it answers no probe,
 * as a virtual CPU the host does not run answers none. */
static bool ap_stalls_in_nmi(struct trap_frame *tf)
{
	if (smp_processor_id() != 1)
		return false;
	ap_running = true;
	while (!ap_release)
		cpu_relax();
	return true;
}

/* The rule that keeps a descheduled virtual CPU from being reported: a CPU whose ticks
 * stopped but which answers no probe is never called stuck. */
KTEST(smp_lockup, a_cpu_that_answers_no_probe_is_not_reported)
{
	trap_handler_t old = get_trap_handler(X86_TRAP_NMI);
	int before = atomic_read(&hardlockup_reports);
	u64 ticks;

	SKIP_WITHOUT_CPU1();
	ap_running = false;
	ap_release = false;
	set_trap_handler(X86_TRAP_NMI, ap_stalls_in_nmi);
	KASSERT_TRUE(t, apic_send_nmi(per_cpu_state(1)->apic_id));
	for (int ms = 0; ms < AP_WAIT_MS && !ap_running; ms++)
		msleep(1);
	KEXPECT_TRUE(t, ap_running);
	ticks = READ_ONCE(per_cpu_state(1)->nr_ticks);
	msleep(STALL_CHECK_MS);
	KEXPECT_EQ(t, READ_ONCE(per_cpu_state(1)->nr_ticks), ticks);
	KEXPECT_EQ(t, atomic_read(&hardlockup_reports), before);
	ap_release = true;
	msleep(QUIET_CHECK_MS);
	set_trap_handler(X86_TRAP_NMI, old);
	KEXPECT_GT(t, READ_ONCE(per_cpu_state(1)->nr_ticks), ticks);
}

KTEST(smp_lockup, a_lock_held_too_long_is_reported)
{
	int before = atomic_read(&spinlock_long_hold_reports);
	unsigned long flags;

	SKIP_WITHOUT_CPU1();

	KASSERT_TRUE(t, start_on_cpu1(ap_holds_the_lock_until_reported));
	flags = spin_lock_irqsave(&lockup_test_lock);
	spin_unlock_irqrestore(&lockup_test_lock, flags);
	KEXPECT_EQ(t, atomic_read(&spinlock_long_hold_reports), before + 1);
	KEXPECT_PTR_EQ(t, READ_ONCE(spinlock_last_long_hold), &lockup_test_lock);
	set_trap_handler(TEST_LOCKUP_VECTOR, NULL);
}
