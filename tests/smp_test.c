/*
 * tests/smp_test.c - the application processors are up, each as the boot CPU is: its own
 * per-CPU area, descriptor tables and stacks, the same CPU features, init_mm loaded, an
 * idle task swapper/N on an empty runqueue, and a timer that it calibrated itself and that
 * ticks at HZ.
 *
 * No CPU can read another's registers, so each recorded them itself as it came up
 * (struct cpu_boot_record, arch/x86_64/percpu.h); the tests compare those records and
 * the live per-CPU areas. The count of CPUs expected comes from QEMU itself (fw_cfg),
 * not from the MADT the kernel read. The runner boots this suite with SMP=1, 2, 4 and 8
 * (tools/ktest_runner.py).
 */
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fw_cfg.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/tss.h"
#include "arch/x86_64/x86.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "mm/mm_struct.h"
#include "sched/sched.h"
#include "sched/sched_debug.h"
#include "tests/ktest.h"

/* A vector nothing else uses, for the IPI test; how long an IPI may take to arrive. */
#define TEST_IPI_VECTOR 0xf0
#define IPI_WAIT_MS 1000

/* Ticks to wait for: every timer must move in this time, and jiffies by as much. */
#define TICK_WAIT_MS 100
#define MIN_TICKS 3

/* Each CPU's own calibration must agree with the boot CPU's to CALIBRATION_TOLERANCE_PPM
 * (QEMU clocks every APIC timer alike; a clean window is good to 0.1%, docs/timer.md).
 * Over RATE_WINDOW_MS an AP's ticks must be between RATE_LOW_PCT and RATE_HIGH_PCT of
 * jiffies'. Loose on purpose: under TCG the host may stall any virtual CPU, which costs
 * that CPU ticks (an AP's count falls, or CPU 0's jiffies do), and CI's machines are
 * loaded; a period wrong by a factor of two, the error this catches, gives 50% or 200%. */
#define CALIBRATION_TOLERANCE_PPM 10000
#define RATE_WINDOW_MS 500
#define RATE_LOW_PCT 60
#define RATE_HIGH_PCT 160
#define PERCENT 100
#define PPM 1000000

static bool ranges_overlap(unsigned long a, unsigned long a_size, unsigned long b,
			   unsigned long b_size)
{
	return a < b + b_size && b < a + a_size;
}

KTEST(smp, every_cpu_qemu_started_is_online)
{
	unsigned int qemu_cpus;
	int cpu, n = 0;

	KASSERT_EQ(t, fw_cfg_read_nb_cpus(&fw_cfg_ports, &qemu_cpus), 0);
	KEXPECT_EQ(t, num_online_cpus(), (int)qemu_cpus);
	for_each_online_cpu(cpu)
	{
		KEXPECT_EQ(t, cpu, n); /* numbered densely from 0 */
		n++;
	}
	KEXPECT_EQ(t, n, (int)qemu_cpus);
	KEXPECT_NULL(t, per_cpu_state(n));
	KEXPECT_NULL(t, per_cpu_state(NR_CPUS));
	KEXPECT_FALSE(t, cpu_online(-1));
}

KTEST(smp, boot_cpu_reads_its_own_area)
{
	unsigned long flags = local_irq_save();

	KEXPECT_EQ(t, smp_processor_id(), 0);
	KEXPECT_PTR_EQ(t, this_cpu(), &boot_cpu_state);
	KEXPECT_PTR_EQ(t, per_cpu_state(0), &boot_cpu_state);
	KEXPECT_EQ(t, rdmsr(MSR_GS_BASE), (u64)&boot_cpu_state);
	local_irq_restore(flags);
}

/* Each CPU's record: its number, GS base, tables and APIC ID are its own. */
KTEST(smp, each_cpu_knows_itself)
{
	int cpu;

	for_each_online_cpu(cpu)
	{
		struct cpu_state *cs = per_cpu_state(cpu);
		const struct cpu_boot_record *r = &cs->boot_record;

		ktest_log(t, "CPU %d: APIC ID %u, GS base %lx\n", cpu, r->apic_id,
			  (unsigned long)r->gs_base);
		KEXPECT_PTR_EQ(t, cs->self, cs);
		KEXPECT_EQ(t, cs->cpu, cpu);
		KEXPECT_EQ(t, r->cpu, cpu);
		KEXPECT_EQ(t, r->gs_base, (u64)cs);
		KEXPECT_EQ(t, r->apic_id, cs->apic_id);
		KEXPECT_EQ(t, r->gdt_base, (u64)cs->gdt);
		KEXPECT_EQ(t, r->tr, TSS_SELECTOR);
		KEXPECT_EQ(t, r->idt_base, boot_cpu_state.boot_record.idt_base);
	}
}

/* The features the boot CPU turned on, on every CPU: CR0, CR4 (SMEP, SMAP, UMIP, PGE,
 * the FPU's bits) and EFER (NX, SYSCALL, long mode). */
KTEST(smp, every_cpu_has_the_boot_cpus_features)
{
	u64 cr0 = read_cr0(), cr4 = read_cr4(), efer = rdmsr(MSR_EFER);
	int cpu;

	KEXPECT_TRUE(t, efer & EFER_NXE);
	KEXPECT_TRUE(t, efer & EFER_SCE);
	for_each_online_cpu(cpu)
	{
		const struct cpu_boot_record *r = &per_cpu_state(cpu)->boot_record;

		KEXPECT_EQ(t, r->cr0, cr0);
		KEXPECT_EQ(t, r->cr4, cr4);
		KEXPECT_EQ(t, r->efer, efer);
	}
}

/* Distinct GDTs, TSSs, IST stacks and idle stacks; each TSS points at its own stacks. */
KTEST(smp, every_cpu_has_its_own_tables_and_stacks)
{
	int a, b;

	for_each_online_cpu(a)
	{
		struct cpu_state *cs = per_cpu_state(a);
		struct task_struct *idle = cs->rq->idle;

		for (int slot = 1; slot <= IST_NR_STACKS; slot++) {
			KEXPECT_GT(t, cs->tss->ist[slot - 1], cs->ist_bottom);
			KEXPECT_LE(t, cs->tss->ist[slot - 1], cs->ist_bottom + IST_STACKS_SIZE);
		}
		if (a != 0) /* swapper/0's stack top is the boot stack's; an AP's is its own */
			KEXPECT_EQ(t, cs->tss->rsp[0], idle->stack.top);
		for_each_online_cpu(b)
		{
			struct cpu_state *other = per_cpu_state(b);
			struct task_struct *other_idle = other->rq->idle;

			if (b <= a)
				continue;
			KEXPECT_PTR_NE(t, cs->gdt, other->gdt);
			KEXPECT_PTR_NE(t, cs->tss, other->tss);
			KEXPECT_FALSE(t, ranges_overlap(cs->ist_bottom, IST_STACKS_SIZE,
							other->ist_bottom, IST_STACKS_SIZE));
			KEXPECT_FALSE(
			    t,
			    ranges_overlap(idle->stack.bottom, idle->stack.top - idle->stack.bottom,
					   other_idle->stack.bottom,
					   other_idle->stack.top - other_idle->stack.bottom));
		}
	}
}

/* swapper/N: no mm, lazy on init_mm with a reference of its own, alone on an empty
 * runqueue; init_mm loaded and this CPU in its cpumask. */
KTEST(smp, every_cpu_idles_on_init_mm)
{
	unsigned long flags;
	int cpu, lazy_on_init_mm = 0;

	for_each_online_cpu(cpu)
	{
		struct cpu_state *cs = per_cpu_state(cpu);
		struct task_struct *idle = cs->rq->idle;
		char name[TASK_COMM_LEN];

		snprintf(name, sizeof(name), "swapper/%d", cpu);
		KEXPECT_STREQ(t, idle->comm, name);
		KEXPECT_EQ(t, idle->pid, 0);
		KEXPECT_TRUE(t, idle->flags & PF_IDLE);
		KEXPECT_EQ(t, idle->cpu, cpu);
		KEXPECT_NULL(t, idle->mm);
		/* The boot CPU runs this test, not its idle task, and a switched-out task
		 * with no mm holds no active_mm: the lazy reference travels with the CPU.
		 * Nor need it have init_mm loaded: this test may run lazily on the mm of a
		 * task that ran before it (check_task_invariants checks CPU 0's mask bit). */
		if (cpu == 0)
			continue;
		KEXPECT_TRUE(t, init_mm.cpumask & (1ull << cpu));
		KEXPECT_PTR_EQ(t, idle->active_mm, &init_mm);
		lazy_on_init_mm += idle->active_mm == &init_mm;
		KEXPECT_PTR_EQ(t, cs->current_task, idle);
		KEXPECT_PTR_EQ(t, cs->rq->curr, idle);
		KEXPECT_PTR_EQ(t, cs->loaded_mm, &init_mm);
		KEXPECT_FALSE(t, cs->is_lazy);
		KEXPECT_TRUE(t, list_empty(&cs->rq->queue));
		KEXPECT_EQ(t, cs->rq->nr_running, 0);
		KEXPECT_EQ(t, cs->nr_switches, 0); /* nothing was ever placed there */
	}
	KEXPECT_EQ(t, lazy_on_init_mm, num_online_cpus() - 1);
	/* The APs have init_mm loaded, and no CPU that is not online is in its mask (CPU 0
	 * may have another mm loaded while this test runs lazily). */
	KEXPECT_EQ(t, init_mm.cpumask & ~1ull, cpu_online_mask & ~1ull);
	/* Every reference on init_mm is accounted for, each idle task's included. */
	flags = local_irq_save();
	KEXPECT_EQ(t, atomic_read(&init_mm.mm_count), mm_census_expected(&init_mm, 0));
	local_irq_restore(flags);
	KEXPECT_EQ(t, check_task_invariants(), 0);
}

/*
 * Sleep ms and return how far jiffies moved; ticks[cpu] gets how many ticks each online
 * CPU took meanwhile. Both ends are read with interrupts off, so jiffies and CPU 0's
 * count move together.
 */
static u64 ticks_over(struct ktest *t, unsigned int ms, u64 ticks[NR_CPUS])
{
	u64 jiffies_before, jiffies_passed;
	unsigned long flags = local_irq_save();
	int cpu;

	jiffies_before = jiffies;
	for_each_online_cpu(cpu) ticks[cpu] = READ_ONCE(per_cpu_state(cpu)->nr_ticks);
	local_irq_restore(flags);
	msleep(ms);
	flags = local_irq_save();
	jiffies_passed = jiffies - jiffies_before;
	for_each_online_cpu(cpu) ticks[cpu] = READ_ONCE(per_cpu_state(cpu)->nr_ticks) - ticks[cpu];
	local_irq_restore(flags);
	for_each_online_cpu(cpu)
	    ktest_log(t, "CPU %d: %lu ticks while jiffies moved %lu\n", cpu,
		      (unsigned long)ticks[cpu], (unsigned long)jiffies_passed);
	return jiffies_passed;
}

/* Each CPU's own timer ticks; time (jiffies) advances once per tick, not once per CPU. */
KTEST(smp, every_cpu_timer_ticks)
{
	u64 ticks[NR_CPUS] = {0};
	u64 jiffies_passed = ticks_over(t, TICK_WAIT_MS, ticks);
	int cpu;

	KEXPECT_GE(t, jiffies_passed, MIN_TICKS);
	for_each_online_cpu(cpu) KEXPECT_GE(t, ticks[cpu], MIN_TICKS);
	/* The boot CPU's ticks are jiffies' (a host that stalls an AP slows only that AP's
	 * count, so the others are not compared with jiffies exactly). */
	KEXPECT_EQ(t, ticks[0], jiffies_passed);
}

KTEST(smp, every_cpu_calibrated_its_own_timer)
{
	u64 boot_hz = boot_cpu_state.apic_timer_hz;
	int cpu;

	KASSERT_NE(t, boot_hz, 0);
	for_each_online_cpu(cpu)
	{
		const struct cpu_state *cs = per_cpu_state(cpu);
		u64 diff = cs->apic_timer_hz > boot_hz ? cs->apic_timer_hz - boot_hz
						       : boot_hz - cs->apic_timer_hz;

		ktest_log(t, "CPU %d: %lu Hz, %u ticks/jiffy, %d PIT windows\n", cpu,
			  (unsigned long)cs->apic_timer_hz, cs->timer_period,
			  cs->calibration_windows);
		KEXPECT_LE(t, diff * PPM, boot_hz * CALIBRATION_TOLERANCE_PPM);
		KEXPECT_EQ(t, cs->timer_period, (u32)((cs->apic_timer_hz + HZ / 2) / HZ));
		/* What its APIC really counts from, read by the CPU itself as it came up. */
		KEXPECT_EQ(t, cs->boot_record.timer_initial_count, cs->timer_period);
		KEXPECT_GE(t, cs->calibration_windows, CALIBRATE_CLEAN_WINDOWS);
		KEXPECT_LE(t, cs->calibration_windows, CALIBRATE_MAX_WINDOWS);
	}
	KEXPECT_EQ(t, boot_cpu_state.timer_period, lapic_timer_period);
}

KTEST(smp, every_ap_timer_ticks_at_hz)
{
	u64 ticks[NR_CPUS] = {0};
	u64 jiffies_passed = ticks_over(t, RATE_WINDOW_MS, ticks);
	int cpu;

	for_each_online_cpu(cpu)
	{
		/* +1: the two counts were read a few instructions apart. */
		KEXPECT_LE(t, ticks[cpu] * PERCENT, (jiffies_passed + 1) * RATE_HIGH_PCT);
		KEXPECT_GE(t, ticks[cpu] * PERCENT, jiffies_passed * RATE_LOW_PCT);
	}
	KEXPECT_GE(t, jiffies_passed, RATE_WINDOW_MS * HZ / MSEC_PER_SEC / 2);
}

/* IPIs each CPU took on TEST_IPI_VECTOR: slot n written only by CPU n's handler. */
static u64 test_ipis[NR_CPUS];

static bool count_test_ipi(struct trap_frame *tf)
{
	test_ipis[smp_processor_id()]++;
	apic_eoi();
	return true;
}

/* Wait (sleeping) until CPU cpu has taken more than `before` test IPIs. */
static bool wait_for_ipi(int cpu, u64 before)
{
	for (int ms = 0; ms < IPI_WAIT_MS; ms++) {
		if (READ_ONCE(test_ipis[cpu]) != before)
			return true;
		msleep(1);
	}
	return READ_ONCE(test_ipis[cpu]) != before;
}

/* The primitive the next stage's IPIs build on: an interrupt sent to one CPU by its APIC
 * ID is taken there, once, by the handler of its vector, on that CPU. */
KTEST(smp, a_fixed_ipi_reaches_the_cpu_it_names)
{
	trap_handler_t old = get_trap_handler(TEST_IPI_VECTOR);
	int cpu;

	KASSERT_NULL(t, old);
	set_trap_handler(TEST_IPI_VECTOR, count_test_ipi);
	for_each_online_cpu(cpu)
	{
		u64 before[NR_CPUS];
		int other;

		for_each_online_cpu(other) before[other] = READ_ONCE(test_ipis[other]);
		KEXPECT_TRUE(t, apic_send_ipi_fixed(per_cpu_state(cpu)->apic_id, TEST_IPI_VECTOR));
		KEXPECT_TRUE(t, wait_for_ipi(cpu, before[cpu]));
		for_each_online_cpu(other)
		    KEXPECT_EQ(t, READ_ONCE(test_ipis[other]) - before[other], other == cpu);
	}
	set_trap_handler(TEST_IPI_VECTOR, old);
}
