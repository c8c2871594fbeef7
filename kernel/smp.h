/*
 * kernel/smp.h - which CPU are we on.
 *
 * One CPU for now; the scheduler issue moves this onto the per-CPU area reached through
 * the GS base, and the SMP issue brings up the others.
 */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

static inline int smp_processor_id(void)
{
	return 0;
}

#endif
