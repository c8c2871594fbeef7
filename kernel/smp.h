/*
 * kernel/smp.h - which CPU are we on, which CPUs are up, and each one's per-CPU area.
 *
 * smp_processor_id() reads this CPU's number from its per-CPU area through the GS base
 * (arch/x86_64/percpu.h). Every CPU points GS at its area before it takes its first
 * spinlock: the boot CPU first thing in kmain, an application processor first thing in
 * start_secondary (arch/x86_64/smpboot.c). The answer is stable only while the caller
 * cannot move to another CPU (interrupts or preemption off); spinlocks' owner checks
 * run with interrupts off.
 *
 * The online mask and the table of per-CPU areas are written by the boot CPU's
 * smp_init() (arch/x86_64/smpboot.c) and never change afterwards: a CPU's area is
 * published before its bit goes on in cpu_online_mask (release), so a reader that sees
 * the bit (acquire) sees the area. See docs/smp.md.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

#include "arch/x86_64/percpu.h"
#include "kernel/types.h"

/* CPUs sublet can run: one bit each in a u64 mask (cpu_online_mask, mm->cpumask). */
#define NR_CPUS 64

static inline int smp_processor_id(void)
{
	return raw_smp_processor_id();
}

/* Bit n: CPU n is up (running its idle task, its timer ticking). Written only by
 * smp_init on the boot CPU, with __atomic release stores; read with acquire loads. */
extern u64 cpu_online_mask;

static inline bool cpu_online(int cpu)
{
	return cpu >= 0 && cpu < NR_CPUS &&
	       (__atomic_load_n(&cpu_online_mask, __ATOMIC_ACQUIRE) & (1ull << cpu));
}

/* Counted by hand: the compiler's popcount is a libgcc call, and the kernel has no libgcc. */
static inline int num_online_cpus(void)
{
	u64 mask = __atomic_load_n(&cpu_online_mask, __ATOMIC_ACQUIRE);
	int n = 0;

	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

#define for_each_online_cpu(cpu)                                                                   \
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++)                                                  \
		if (cpu_online(cpu))

/* CPU cpu's per-CPU area, or NULL if that CPU is not online. */
struct cpu_state *per_cpu_state(int cpu);

/* Bring up the application processors the MADT lists (arch/x86_64/smpboot.c): boot CPU,
 * once, after timer_init(); with no usable MADT it only reports that it runs alone. */
void smp_init(void);

#endif
