/*
 * arch/x86_64/percpu.h - the per-CPU area, reached through the GS base.
 *
 * Each CPU has one struct cpu_state; MSR_GS_BASE points at it while the CPU runs kernel
 * code (swapgs exchanges it with the user's GS base on entry from and exit to ring 3).
 * `current` is one instruction, `mov %gs:offset, %reg`, so it is right even if the task
 * is preempted and moved right after: it reads the CPU it runs on, atomically.
 *
 * Fields are only touched by their own CPU, with preemption or interrupts disabled,
 * except where a comment says otherwise. See docs/scheduler.md and docs/smp.md.
 *
 * The boot CPU's area is the static boot_cpu_state; each application processor gets
 * one from kzalloc when arch/x86_64/smpboot.c brings it up. Either is found by number
 * through per_cpu_state() (kernel/smp.h).
 */
#ifndef ARCH_X86_64_PERCPU_H
#define ARCH_X86_64_PERCPU_H

#include "kernel/compiler.h"
#include "kernel/types.h"

struct task_struct;
struct mm_struct;
struct rq;
struct tss;

/*
 * What a CPU read from its own registers as it came up (the boot CPU in smp_init, an AP at
 * the end of start_secondary), written once by that CPU before it is online and never
 * again: for the smp self-tests and for debugging, since no CPU can read another's
 * registers.
 */
struct cpu_boot_record {
	int cpu;     /* smp_processor_id() as it answered */
	u32 apic_id; /* its local APIC's ID register */
	u64 gs_base; /* MSR_GS_BASE: must be its struct cpu_state */
	u64 cr0, cr4, efer;
	u64 gdt_base, idt_base;	 /* from sgdt / sidt */
	u16 tr;			 /* from str: the TSS selector */
	u32 timer_initial_count; /* APIC_TIMER_INITIAL_COUNT: the period it really runs */
};

/*
 * The hard-lockup watchdog's view of the one CPU this CPU watches (kernel/watchdog.c):
 * written and read only by the watching CPU's own timer tick.
 */
struct hardlockup_watch {
	int cpu;		/* the CPU watched, or -1 before the first tick */
	u64 last_ticks;		/* its nr_ticks when last seen to move */
	u32 quiet_ticks;	/* this CPU's ticks since then */
	u32 last_probe_answers; /* its probe_answers when last looked at */
	u32 stuck_probes;	/* probes answered with interrupts off and no tick between */
	bool reported;		/* this stall was reported: once per stall */
};

struct cpu_state {
	struct cpu_state *self;		  /* %gs:0, so this_cpu() is one load */
	struct task_struct *current_task; /* the task running here (`current`) */
	u64 syscall_scratch_rsp;	  /* user rsp, parked by the syscall entry */
	u64 kernel_stack_top;		  /* current task's stack top: TSS.RSP0 and syscall entry */
	int cpu;			  /* this CPU's number, 0 for the boot CPU */
	/* > 0: no preemption. Only preempt_disable() raises it: spinlocks leave it alone,
	 * because spin_lock() requires interrupts off (kernel/spinlock.c), which already
	 * keeps the tick, and with it preemption, away. */
	int preempt_count;
	bool need_resched; /* set by the tick or a wake-up; acted on at preemption points */
	bool is_lazy;	   /* running a kernel thread on a borrowed mm: no CR3 write was made */
	struct mm_struct *loaded_mm; /* what CR3 really holds (may differ from active_mm) */
	struct rq *rq;		     /* this CPU's runqueue */
	/* Counters, read by tests and `make bench`. */
	u64 nr_switches;      /* context switches */
	u64 nr_cr3_writes;    /* switch_mm calls that wrote CR3 */
	u64 nr_lazy_switches; /* switches that kept CR3 (to a kernel thread, or same mm) */
	/* Timer interrupts taken here. Written by this CPU's tick only; other CPUs (the smp
	 * self-tests) read it with READ_ONCE: an aligned 64-bit load is never torn. */
	u64 nr_ticks;
	/* This CPU's APIC timer as it measured it against the PIT (kernel/time.c), written
	 * once before it is online: ticks per second, ticks per jiffy programmed, the 10 ms
	 * PIT windows the measurement took and the TSC cycles (instructions under QEMU's
	 * -icount shift=0, docs/benchmarks.md) it cost, claiming the PIT included. */
	u64 apic_timer_hz;
	u32 timer_period;
	int calibration_windows;
	u64 calibration_cycles;
	/* The CPU's own descriptor tables and stacks (arch/x86_64/gdt.c), fixed once the CPU
	 * is up. switch_to writes the next task's stack top into tss->rsp[0]. */
	struct tss *tss;
	u64 *gdt;		  /* GDT_ENTRIES descriptors */
	unsigned long ist_bottom; /* IST_STACKS_SIZE bytes: the #DF, NMI and #MC stacks */
	u32 apic_id;		  /* this CPU's local APIC ID, as the MADT lists it */
	struct cpu_boot_record boot_record;
	/* NMIs another CPU asks this one to take (arch/x86_64/nmi.c). nmi_request holds
	 * NMI_REQ_* bits: set by the requester (atomic or, release) before it sends the NMI,
	 * taken by this CPU's NMI handler (atomic exchange). nmi_answers: bumped by the
	 * handler (release) once it dealt with a request; the requester waits for it. */
	u32 nmi_request;
	u32 nmi_answers;
	/* What this CPU's last NMI_REQ_PROBE found, written by its NMI handler before it
	 * bumps probe_answers (release); read by the CPU watching it (kernel/watchdog.c). */
	bool probe_irqs_off; /* the interrupted code ran with interrupts off */
	u64 probe_ticks;     /* nr_ticks at that moment */
	u32 probe_answers;
	struct hardlockup_watch watch; /* the CPU this one watches: its own tick only */
};

#define CPU_STATE_CURRENT_OFFSET 8 /* offsetof(struct cpu_state, current_task) */
#define CPU_STATE_CPU_OFFSET 32	   /* offsetof(struct cpu_state, cpu) */

/* This CPU's area. Callers must not be preemptible, or the answer may be stale. */
static inline struct cpu_state *this_cpu(void)
{
	struct cpu_state *cs;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(cs));
	return cs;
}

static inline struct task_struct *get_current(void)
{
	struct task_struct *t;

	__asm__ __volatile__("movq %%gs:%c1, %0" : "=r"(t) : "i"(CPU_STATE_CURRENT_OFFSET));
	return t;
}

#define current get_current()

/* This CPU's number: one load through GS, right on every CPU once percpu_init() ran
 * (the boot CPU runs it first thing in kmain, before any spinlock). */
static inline int raw_smp_processor_id(void)
{
	int cpu;

	__asm__ __volatile__("movl %%gs:%c1, %0" : "=r"(cpu) : "i"(CPU_STATE_CPU_OFFSET));
	return cpu;
}

/* Point GS at cpu's area (boot CPU: first thing in kmain, before anything uses `current`
 * or takes a lock; an AP: first thing in start_secondary). */
void percpu_init(struct cpu_state *cs, int cpu);
extern struct cpu_state boot_cpu_state;

#endif
