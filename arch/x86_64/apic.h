/*
 * arch/x86_64/apic.h - the local APIC: this CPU's interrupt controller and its timer.
 *
 * Every CPU has a local APIC, reached through a page of memory-mapped registers (xAPIC
 * mode) at the physical address held in MSR_IA32_APIC_BASE. sublet uses it for the
 * periodic timer tick (kernel/time.c) and to start the other CPUs (INIT and STARTUP
 * inter-processor interrupts, arch/x86_64/smpboot.c). The legacy PIC stays masked
 * (arch/x86_64/pic.c). Register names and bits are the Intel SDM's (vol. 3A, chapter 10 "Advanced
 * Programmable Interrupt Controller"); see docs/timer.md for how the timer is set up.
 */
#ifndef ARCH_X86_64_APIC_H
#define ARCH_X86_64_APIC_H

#include "kernel/types.h"

/* Vectors (Linux's choices): the timer high, so it outranks device interrupts. */
#define LOCAL_TIMER_VECTOR 0xec
#define SPURIOUS_APIC_VECTOR 0xff /* the low 4 bits must be 1 on P6-era APICs */

/* IA32_APIC_BASE MSR (SDM 10.4.4). */
#define APIC_BASE_BSP (1ull << 8)		  /* this is the bootstrap processor */
#define APIC_BASE_EXTD (1ull << 10)		  /* x2APIC mode */
#define APIC_BASE_ENABLE (1ull << 11)		  /* APIC global enable */
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull /* physical base, bits 12..51 */

/* CPUID.01H:EDX.APIC: the processor has a local APIC. */
#define CPUID_1_EDX_APIC (1u << 9)

/* Register offsets in the xAPIC page (SDM table 10-1). */
#define APIC_ID 0x020 /* local APIC ID, bits 31:24 */
#define APIC_VERSION 0x030
#define APIC_TPR 0x080	    /* task priority: 0 accepts every vector */
#define APIC_EOI 0x0b0	    /* write 0: end of interrupt */
#define APIC_SVR 0x0f0	    /* spurious-interrupt vector register */
#define APIC_ESR 0x280	    /* error status */
#define APIC_ICR_LOW 0x300  /* interrupt command: writing it sends the IPI */
#define APIC_ICR_HIGH 0x310 /* interrupt command: destination APIC ID, bits 31:24 */
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INITIAL_COUNT 0x380
#define APIC_TIMER_CURRENT_COUNT 0x390
#define APIC_TIMER_DIVIDE 0x3e0 /* divide configuration register */

#define APIC_ID_SHIFT 24
#define APIC_SVR_ENABLE (1u << 8) /* APIC software enable */
#define APIC_VECTOR_MASK 0xffu	  /* the vector field of the SVR and of every LVT entry */
#define APIC_VERSION_MASK 0xffu	  /* the version field of APIC_VERSION */

/* LVT entries (SDM figure 10-8). */
/* Interrupt command register, low half (SDM vol. 3, 11.6.1). */
#define APIC_ICR_DELIVERY_FIXED (0u << 8) /* the vector, as an ordinary interrupt */
#define APIC_ICR_DELIVERY_NMI (4u << 8)
#define APIC_ICR_DELIVERY_INIT (5u << 8)
#define APIC_ICR_DELIVERY_STARTUP (6u << 8) /* vector = the page the AP starts at */
#define APIC_ICR_SEND_PENDING (1u << 12)    /* delivery status: not yet accepted */
#define APIC_ICR_LEVEL_ASSERT (1u << 14)
#define APIC_ICR_TRIGGER_LEVEL (1u << 15)
#define APIC_ICR_VECTOR_MASK 0xffu

#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_TIMER_MODE_MASK (3u << 17)
#define APIC_LVT_TIMER_ONESHOT (0u << 17)
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
#define APIC_LVT_TIMER_TSC_DEADLINE (2u << 17)

/* Divide configuration (SDM figure 10-10): bits 0, 1 and 3 encode the divisor. */
#define APIC_TIMER_DIVIDE_MASK 0xbu
#define APIC_TIMER_DIVIDE_BY_16 0x3
#define APIC_TIMER_DIVISOR 16

/* The programmed timer period, in APIC timer ticks per jiffy (Linux's name); 0 until
 * apic_timer_start() has run. */
extern u32 lapic_timer_period;

/* Calibration stops after this many clean 10 ms PIT windows, or this many in all (half a
 * second: it gives up looking for clean ones). */
#define CALIBRATE_CLEAN_WINDOWS 3
#define CALIBRATE_MAX_WINDOWS 50

/* What apic_timer_calibrate() measured against the PIT, per second. */
struct timer_calibration {
	u64 apic_timer_hz; /* local APIC timer ticks, after the divide-by-16 */
	u64 tsc_hz;	   /* time-stamp counter cycles */
	int windows;	   /* PIT windows measured (CALIBRATE_MS each, apic.c) */
};

/*
 * Enable this CPU's local APIC in xAPIC mode, software-enabled with the spurious vector,
 * accepting every priority. The first call maps the register page with ioremap() and
 * registers the spurious-interrupt handler; later calls (other CPUs) reuse the mapping.
 * Panics if the CPU has no local APIC.
 */
void apic_init(void);

u32 apic_read(u32 reg);
void apic_write(u32 reg, u32 val);
/* Signal the end of the interrupt being handled, so the APIC delivers the next one. */
void apic_eoi(void);
/* This CPU's local APIC ID. */
u32 apic_id(void);
/* Send this CPU an NMI through its own interrupt command register (tests of the NMI
 * path). Touches no per-CPU data, so it may run with the user's GS base loaded. */
void apic_send_nmi_to_self(void);

/*
 * Measure the local APIC timer (divide-by-16) and the TSC against 10 ms PIT windows,
 * keeping the shortest window whose ends were seen to within 0.1% (see docs/timer.md).
 * Runs with interrupts disabled (it saves and restores the flag) and the PIT claimed
 * (pit_get: one CPU at a time); leaves the APIC timer stopped. Needs apic_init().
 */
void apic_timer_calibrate(struct timer_calibration *cal);
/* Start this CPU's timer: periodic, LOCAL_TIMER_VECTOR every ticks_per_jiffy ticks, and
 * record the period in lapic_timer_period (the boot CPU, once). */
void apic_timer_start(u32 ticks_per_jiffy);
/* Start an AP's timer with the period it calibrated itself (kernel/time.c); the boot
 * CPU's lapic_timer_period is left alone. */
void apic_timer_start_secondary(u32 ticks_per_jiffy);

/*
 * Start-up IPIs (SDM vol. 3A, 9.4.4 "MP Initialization Example"). apic_send_init puts the
 * CPU with that APIC ID into its wait-for-SIPI state (also how a CPU that failed to come
 * up is stopped); apic_send_startup starts it in real mode at page `page`, CS:IP =
 * page * 256:0. Both wait until the APIC has sent the IPI; false if it never did.
 */
bool apic_send_init(u32 apic_id);
bool apic_send_startup(u32 apic_id, u8 page);
/*
 * Send interrupt `vector` to the CPU with APIC ID apic_id (fixed delivery, edge: an
 * inter-processor interrupt; it may be this CPU's own ID). Its handler must end with
 * apic_eoi(), as the timer's does. False if the APIC never sent it. Nothing in the kernel
 * sends one yet (the smp self-tests do): the next stage's reschedule and TLB-shootdown
 * IPIs are this call with their own vectors.
 */
bool apic_send_ipi_fixed(u32 apic_id, u8 vector);
/*
 * Send an NMI (delivery mode NMI; the vector field is ignored) to the CPU with APIC ID
 * apic_id: it arrives even while that CPU runs with interrupts off. The receiver tells
 * why it came from its per-CPU request bits (arch/x86_64/nmi.c), which the sender sets
 * first. False if the APIC never sent it.
 */
bool apic_send_nmi(u32 apic_id);

#endif
