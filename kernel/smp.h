/*
 * kernel/smp.h - which CPU are we on.
 *
 * sublet runs on one CPU, so the answer is the constant 0. The per-CPU area that the
 * GS base points at (arch/x86_64/percpu.h) exists and holds the CPU's number, but this
 * constant needs no GS base: it is right even before percpu_init(), and spin_lock() and
 * an early panic call it. With a second CPU it would have to read this_cpu()->cpu, and
 * every CPU set its GS base before its first spinlock.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

static inline int smp_processor_id(void)
{
	return 0;
}

#endif
