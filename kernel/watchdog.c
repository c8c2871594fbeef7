/*
 * kernel/watchdog.c - the hard-lockup watchdog (Linux's "buddy" hardlockup detector, in
 * our words).
 *
 * Each online CPU watches the next online one (CPU n watches n+1, the last watches CPU
 * 0), from its own timer tick. A CPU that runs with interrupts off takes no tick, so its
 * nr_ticks stops. That alone proves nothing under QEMU's software emulation: the host
 * may simply not be running that virtual CPU, and its counter stops too. So "stuck" is
 * measured in the watched CPU's own progress: once its nr_ticks has stood still for
 * WATCHDOG_QUIET_TICKS of the watcher's ticks, the watcher probes it with an NMI every
 * WATCHDOG_PROBE_INTERVAL ticks. Only a CPU that is running can answer a probe (an NMI
 * cannot be masked); the answer says whether the interrupted code had interrupts off
 * and what nr_ticks was. WATCHDOG_STUCK_PROBES answers in a row, each with interrupts
 * off and no tick taken since the counter stopped, mean the CPU ran at each of those
 * moments and never once let its pending tick in: it is stuck. A descheduled CPU answers
 * nothing and is never reported; one that was only briefly in an interrupts-off
 * section takes its pending tick as soon as it runs again, and the count starts over.
 *
 * The report is a warning, never fatal: its header, then the stuck CPU's registers and
 * backtrace, printed by that CPU from an NMI. Once per stall: the watch resets when the
 * counter moves again. Nothing is reported while a panic is in progress.
 */
#include "kernel/watchdog.h"
#include "arch/x86_64/nmi.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/smp.h"

#define WATCHDOG_QUIET_TICKS 20	  /* the watcher's ticks with no tick there: suspicious */
#define WATCHDOG_PROBE_INTERVAL 5 /* the watcher's ticks between two probes */
#define WATCHDOG_STUCK_PROBES 3	  /* answered probes, interrupts off, no tick between */
#define WATCH_NONE (-1)

atomic_t hardlockup_reports;
int hardlockup_last_cpu = WATCH_NONE;

/* The next online CPU after `cpu`, cyclically; WATCH_NONE if `cpu` is alone. */
static int watched_cpu(int cpu)
{
	for (int step = 1; step < NR_CPUS; step++) {
		int next = (cpu + step) % NR_CPUS;

		if (cpu_online(next))
			return next;
	}
	return WATCH_NONE;
}

static void watch_restart(struct hardlockup_watch *w, int cpu, const struct cpu_state *cs)
{
	w->cpu = cpu;
	w->last_ticks = READ_ONCE(cs->nr_ticks);
	w->quiet_ticks = 0;
	w->last_probe_answers = __atomic_load_n(&cs->probe_answers, __ATOMIC_ACQUIRE);
	w->stuck_probes = 0;
	w->reported = false;
}

/* Count a new probe answer: in a row only if it found interrupts off and no tick. */
static void watch_read_probe(struct hardlockup_watch *w, const struct cpu_state *cs)
{
	u32 answers = __atomic_load_n(&cs->probe_answers, __ATOMIC_ACQUIRE);

	if (answers == w->last_probe_answers)
		return;
	w->last_probe_answers = answers;
	if (READ_ONCE(cs->probe_irqs_off) && READ_ONCE(cs->probe_ticks) == w->last_ticks)
		w->stuck_probes++;
	else
		w->stuck_probes = 0;
}

static void report_hardlockup(const struct hardlockup_watch *w)
{
	nmi_report_lock();
	printk("watchdog: CPU %d stuck with interrupts off: no tick there in %u of CPU %d's "
	       "ticks, while it answered %u NMI probes\n",
	       w->cpu, w->quiet_ticks, smp_processor_id(), w->stuck_probes);
	nmi_report_unlock();
	if (!nmi_request_cpu(w->cpu, NMI_REQ_BACKTRACE, NMI_ANSWER_WAIT_MS))
		printk("watchdog: CPU %d did not answer the backtrace NMI\n", w->cpu);
	WRITE_ONCE(hardlockup_last_cpu, w->cpu);
	atomic_inc(&hardlockup_reports);
}

void watchdog_tick(void)
{
	struct hardlockup_watch *w = &this_cpu()->watch;
	int cpu = watched_cpu(smp_processor_id());
	struct cpu_state *cs = per_cpu_state(cpu);

	if (!cs || panic_in_progress())
		return;
	if (cpu != w->cpu || READ_ONCE(cs->nr_ticks) != w->last_ticks) {
		watch_restart(w, cpu, cs);
		return;
	}
	if (++w->quiet_ticks < WATCHDOG_QUIET_TICKS || w->reported)
		return;
	watch_read_probe(w, cs);
	if (w->stuck_probes >= WATCHDOG_STUCK_PROBES) {
		w->reported = true;
		report_hardlockup(w);
	} else if (w->quiet_ticks % WATCHDOG_PROBE_INTERVAL == 0) {
		nmi_request_cpu(cpu, NMI_REQ_PROBE, 0);
	}
}
