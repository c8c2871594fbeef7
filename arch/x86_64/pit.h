/*
 * arch/x86_64/pit.h - the 8254 Programmable Interval Timer, used only as a stopwatch.
 *
 * The PIT's input clock is a fixed, known 1.193182 MHz, which makes it the reference the
 * local APIC timer and the TSC are calibrated against (arch/x86_64/apic.c). It never
 * interrupts: counter 2 counts down with its gate opened through port 0x61 and we poll
 * its output bit there, so the legacy PIC stays fully masked. See docs/timer.md.
 */
#ifndef ARCH_X86_64_PIT_H
#define ARCH_X86_64_PIT_H

#include "kernel/types.h"

#define PIT_TICK_RATE 1193182 /* Hz, the 8254's input clock (Linux's name) */

/*
 * Claim counter 2 for this CPU, waiting while another CPU holds it; give it back. Every
 * countdown call below must be made between the two, on the same CPU (kernel bug
 * otherwise). The caller must not migrate in between: interrupts off, or not preemptible.
 */
void pit_get(void);
void pit_put(void);
/* Drop the claim of cpu, which INIT stopped (an AP that did not call in in time, maybe
 * mid-calibration: arch/x86_64/smpboot.c); true if it held the PIT. The countdown it left
 * running is harmless: the next pit_countdown_start() reloads the counter. */
bool pit_forget_cpu(int cpu);

/*
 * Counter 2, in mode 0 (interrupt on terminal count), its gate open, the speaker off: its
 * output is low from now until `count` input clocks have passed. count must be > 0.
 * Returns the TSC just after the count was loaded: the countdown began before it.
 */
u64 pit_countdown_start(u16 count);
/* Has the countdown started by pit_countdown_start() reached zero? */
bool pit_countdown_done(void);
/*
 * Busy-wait until it has, and return the last TSC value at which it was seen still
 * running: it ended between that and the caller's next rdtsc(). A wide gap means this CPU
 * was not running when it ended (an SMI, or the host descheduling a virtual CPU). Panics
 * if the PIT never gets there (no PIT, or no port 0x61).
 */
u64 pit_countdown_wait(void);
/* Close counter 2's gate again, as the firmware left it. */
void pit_countdown_stop(void);

#endif
