/*
 * kernel/watchdog.h - the hard-lockup watchdog: a CPU stuck with interrupts off is
 * reported by the CPU watching it, from that CPU's timer tick. See kernel/watchdog.c
 * and docs/smp.md, "When something goes wrong".
 */
#ifndef KERNEL_WATCHDOG_H
#define KERNEL_WATCHDOG_H

#include "kernel/atomic.h"

/* Called by every CPU's timer tick (kernel/time.c), interrupts off. */
void watchdog_tick(void);

/* Stalls reported so far, and the CPU of the last one (tests read them). */
extern atomic_t hardlockup_reports;
extern int hardlockup_last_cpu;

#endif
