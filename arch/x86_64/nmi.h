/*
 * arch/x86_64/nmi.h - NMIs one CPU sends another: stop it (panic), have it show its
 * registers and backtrace (the watchdog, a lock held too long), or probe it (the
 * watchdog). An NMI reaches a CPU even while it runs with interrupts off, which is
 * exactly when these questions matter. See docs/smp.md, "When something goes wrong".
 */
#ifndef ARCH_X86_64_NMI_H
#define ARCH_X86_64_NMI_H

#include "arch/x86_64/trap.h"
#include "kernel/types.h"

/* Why an NMI was sent: bits of the receiver's cpu_state.nmi_request. */
#define NMI_REQ_STOP (1u << 0)	    /* show registers and backtrace, then halt for good */
#define NMI_REQ_BACKTRACE (1u << 1) /* show registers and backtrace, then resume */
#define NMI_REQ_PROBE (1u << 2)	    /* record interrupt state and nr_ticks, print nothing */

/* How long a requester waits for a CPU to answer a STOP or BACKTRACE request. */
#define NMI_ANSWER_WAIT_MS 1000

/*
 * Ask CPU cpu (online, not this one) for `request`: set the bits, send the NMI, and
 * when wait_ms is not 0 wait up to that long for its answer. True if it answered (or,
 * with wait_ms 0, if the NMI was sent). Needs the calibrated TSC (udelay).
 */
bool nmi_request_cpu(int cpu, u32 request, unsigned int wait_ms);

/*
 * The NMI handler's first step (traps.c): if another CPU asked this one for something,
 * do it and return true (never returns for NMI_REQ_STOP); false for any other NMI,
 * which keeps its old path (a registered handler, else counted as unknown).
 */
bool nmi_handle_cpu_request(struct trap_frame *tf);

/*
 * The report token: one CPU at a time prints a multi-line report (a watchdog or lock
 * warning, a CPU's backtrace), so lines from two CPUs never interleave. A panic does
 * without it: the panicking CPU asks the others to print one at a time.
 * It nests on the CPU holding it: an NMI that interrupts this CPU's own report may
 * print its own.
 */
void nmi_report_lock(void);
void nmi_report_unlock(void);

#endif
