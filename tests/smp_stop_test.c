/*
 * tests/smp_stop_test.c - a panic on one CPU stops the others (kernel/panic.c,
 * arch/x86_64/nmi.c), death tests.
 *
 * Each test panics; the runner (tools/ktest_runner.py) boots it with the CPU count its
 * expect text names (`smp=N`) and checks every text joined by `&&`: the other CPUs'
 * "NMI backtrace for CPU n" headers, a symbol from each one's backtrace, and the end
 * line, which the panicking CPU prints only after the others answered. `once:` texts
 * must start exactly one line: two CPUs panicking together give one report. A CPU that
 * cannot take the stop NMI is named, and the report still ends.
 *
 * Code runs on an AP through an IPI on TEST_STOP_VECTOR, whose handler calls
 * ap_test_fn with interrupts off (an interrupt gate).
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "kernel/panic.h"
#include "kernel/smp.h"
#include "tests/ktest.h"

#define TEST_STOP_VECTOR 0xf1

static void (*volatile ap_test_fn)(void);
static volatile bool ap_ready, go;

static bool run_ap_test_fn(struct trap_frame *tf)
{
	apic_eoi();
	ap_test_fn();
	return true;
}

/* Run fn on CPU 1 from its IPI handler; panics if there is no CPU 1 (the runner boots
 * these tests with two CPUs or more, so that panic fails the expect texts). */
static void run_on_cpu1(void (*fn)(void))
{
	BUG_ON_MSG(!cpu_online(1), "smp_stop: needs a CPU 1");
	ap_test_fn = fn;
	set_trap_handler(TEST_STOP_VECTOR, run_ap_test_fn);
	BUG_ON_MSG(!apic_send_ipi_fixed(per_cpu_state(1)->apic_id, TEST_STOP_VECTOR),
		   "smp_stop: the IPI to CPU 1 was not sent");
}

/* CPU 0 waits here, interrupts on, while CPU 1 panics: its backtrace shows this name. */
static __noinline void cpu0_waits_for_the_ap_panic(void)
{
	for (;;)
		cpu_relax();
}

static void ap_panics(void)
{
	panic("smp_stop: panic on CPU %d", smp_processor_id());
}

static void ap_panics_with_cpu0(void)
{
	ap_ready = true;
	while (!go)
		cpu_relax();
	panic("smp_stop race: panic on CPU %d", smp_processor_id());
}

KTEST_DEATH(smp_stop, panic_on_cpu0_shows_cpu1,
	    "smp=2 Kernel panic - not syncing: smp_stop: panic on CPU 0 && NMI backtrace for "
	    "CPU 1 (stopped by the panic) && cpu_idle+ && ---[ end Kernel panic")
{
	panic("smp_stop: panic on CPU %d", smp_processor_id());
}

KTEST_DEATH(smp_stop, panic_on_cpu0_stops_three_cpus,
	    "smp=4 Kernel panic - not syncing: smp_stop: panic on CPU 0 && NMI backtrace for "
	    "CPU 1 && NMI backtrace for CPU 2 && NMI backtrace for CPU 3 && ---[ end Kernel "
	    "panic")
{
	panic("smp_stop: panic on CPU %d", smp_processor_id());
}

KTEST_DEATH(smp_stop, panic_on_an_ap_shows_cpu0,
	    "smp=2 Kernel panic - not syncing: smp_stop: panic on CPU 1 && NMI backtrace for "
	    "CPU 0 (stopped by the panic) && cpu0_waits_for_the_ap_panic+ && ---[ end Kernel "
	    "panic")
{
	run_on_cpu1(ap_panics);
	cpu0_waits_for_the_ap_panic();
}

/* CPU 1 stalls inside an NMI handler, where NMIs are blocked: the stop NMI cannot reach
 * it, and the panicking CPU must say so and still finish its report. */
static bool ap_stalls_in_nmi(struct trap_frame *tf)
{
	if (smp_processor_id() != 1)
		return false;
	ap_ready = true;
	for (;;)
		cpu_relax();
}

KTEST_DEATH(smp_stop, a_cpu_that_does_not_answer_is_named,
	    "smp=2 Kernel panic - not syncing: smp_stop: CPU 1 is deaf && panic: CPU 1 did not "
	    "answer the stop NMI within 1000 ms && ---[ end Kernel panic")
{
	BUG_ON_MSG(!cpu_online(1), "smp_stop: needs a CPU 1");
	set_trap_handler(X86_TRAP_NMI, ap_stalls_in_nmi);
	BUG_ON_MSG(!apic_send_nmi(per_cpu_state(1)->apic_id), "smp_stop: NMI not sent");
	while (!ap_ready)
		cpu_relax();
	panic("smp_stop: CPU 1 is deaf");
}

KTEST_DEATH(smp_stop, two_cpus_panicking_print_one_panic,
	    "smp=2 once:Kernel panic - not syncing: smp_stop race && NMI backtrace for CPU && "
	    "once:---[ end Kernel panic")
{
	run_on_cpu1(ap_panics_with_cpu0);
	while (!ap_ready)
		cpu_relax();
	go = true;
	panic("smp_stop race: panic on CPU %d", smp_processor_id());
}
