/*
 * arch/x86_64/pit.c - the 8254 PIT's counter 2 as a polled stopwatch.
 *
 * Counter 0 of the PIT is wired to IRQ 0 of the (masked) PIC; counter 2 drives the PC
 * speaker, and its gate input and output level are both reachable through the chipset's
 * NMI Status and Control register at port 0x61. That makes counter 2 usable without any
 * interrupt: open the gate, load a count in mode 0, and poll until the output goes high.
 * This is how Linux's pit_calibrate_tsc() measures a fixed interval, and all apic.c
 * needs to calibrate its timer and the TSC. See docs/timer.md.
 *
 * There is one PIT for the whole machine, and every CPU calibrates its own APIC timer
 * against it (docs/smp.md), so a countdown belongs to one CPU at a time: pit_get() claims
 * the counter, pit_put() hands it back, and every countdown call checks its caller holds
 * it. It is a claim, not a spinlock, because a caller may wait for countdowns with
 * interrupts on (tests/timer_test.c).
 */
#include "arch/x86_64/pit.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/io.h"
#include "kernel/panic.h"
#include "kernel/smp.h"

/* I/O ports (Intel 8254 data sheet). */
#define PIT_CH2_DATA 0x42
#define PIT_MODE_CMD 0x43

/* Control word (port 0x43): select counter, access mode, counting mode, binary count. */
#define PIT_SEL_COUNTER2 (2 << 6)
#define PIT_RW_LSB_MSB (3 << 4) /* the count is written low byte, then high byte */
#define PIT_MODE_0 (0 << 1)	/* interrupt on terminal count: OUT low until count reaches 0 */
#define PIT_BINARY 0

/* NMI Status and Control register (port 0x61), as the Intel chipset datasheets name it. */
#define NMI_SC 0x61
#define NMI_SC_TIM_CNT2_EN (1 << 0)  /* counter 2 gate */
#define NMI_SC_SPKR_DAT_EN (1 << 1)  /* connect counter 2's output to the speaker */
#define NMI_SC_TMR2_OUT_STS (1 << 5) /* read-only: counter 2's output level */

/*
 * The longest a countdown may take before we call the PIT broken: 10^10 TSC cycles is at
 * least a second on any CPU below 10 GHz, a hundred times the longest count (55 ms). The
 * TSC is not calibrated yet, but it does count, and an upper bound is all we need here.
 */
#define PIT_WAIT_LIMIT_TSC 10000000000ull

/*
 * How many loads may find the countdown already over before we call the PIT broken. One
 * such load is a host stall; this many in a row, each a full countdown, is not.
 */
#define PIT_LOAD_TRIES 16

/* The CPU that holds counter 2, or PIT_NO_OWNER: set by pit_get (atomic compare-exchange,
 * acquire), cleared by pit_put (release). */
#define PIT_NO_OWNER (-1)
static int pit_owner = PIT_NO_OWNER;

/* The last TSC value at which the current countdown was seen running. Protected by the
 * claim: only pit_owner reads or writes it. */
static u64 last_seen_running;

/* A countdown by a CPU that has not claimed the PIT races another CPU's: a kernel bug. */
static void check_owner(const char *fn)
{
	int owner = READ_ONCE(pit_owner);

	BUG_ON_MSG(owner != smp_processor_id(), "%s on CPU %d, but the PIT is held by CPU %d", fn,
		   smp_processor_id(), owner);
}

void pit_get(void)
{
	int cpu = smp_processor_id();

	BUG_ON_MSG(READ_ONCE(pit_owner) == cpu, "pit: CPU %d claims the PIT twice", cpu);
	for (;;) {
		int free = PIT_NO_OWNER;

		if (__atomic_compare_exchange_n(&pit_owner, &free, cpu, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		cpu_relax();
	}
}

bool pit_forget_cpu(int cpu)
{
	int held = cpu;

	return __atomic_compare_exchange_n(&pit_owner, &held, PIT_NO_OWNER, false, __ATOMIC_RELEASE,
					   __ATOMIC_RELAXED);
}

void pit_put(void)
{
	check_owner("pit_put");
	__atomic_store_n(&pit_owner, PIT_NO_OWNER, __ATOMIC_RELEASE);
}

/* Load counter 2 with count in mode 0 and return the TSC just after. */
static u64 load_countdown(u16 count)
{
	/* Writing the control word sets OUT low; the count's high byte starts the countdown. */
	outb(PIT_MODE_CMD, PIT_SEL_COUNTER2 | PIT_RW_LSB_MSB | PIT_MODE_0 | PIT_BINARY);
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);
	return rdtsc();
}

u64 pit_countdown_start(u16 count)
{
	u8 sc = inb(NMI_SC);
	u64 loaded;

	check_owner("pit_countdown_start");
	BUG_ON_MSG(count == 0, "pit: a count of 0 means 65536 in mode 0; pass a real count");
	/* Gate on (counting is enabled), speaker off (no beep while we calibrate). */
	outb(NMI_SC, (sc & ~NMI_SC_SPKR_DAT_EN) | NMI_SC_TIM_CNT2_EN);
	/*
	 * OUT is low right after the load unless the whole countdown passed before we looked:
	 * a virtual CPU that the host descheduled for longer than the count (seen under TCG on
	 * a loaded machine). Load again; the caller's window measures from before the first
	 * load, so the lost time counts as uncertainty. Only a PIT whose output never goes low
	 * is broken.
	 */
	for (int tries = 0;; tries++) {
		loaded = load_countdown(count);
		if (!pit_countdown_done())
			break;
		BUG_ON_MSG(
		    tries + 1 >= PIT_LOAD_TRIES,
		    "pit: counter 2's output (port 0x61 bit 5) did not go low when it was "
		    "loaded; this machine has no usable PIT (QEMU: use the pc or q35 machine)");
	}
	last_seen_running = loaded;
	return loaded;
}

bool pit_countdown_done(void)
{
	return inb(NMI_SC) & NMI_SC_TMR2_OUT_STS;
}

u64 pit_countdown_wait(void)
{
	u64 start = rdtsc();

	check_owner("pit_countdown_wait");
	for (;;) {
		/* Read the TSC before polling: if the poll says "running", it was at `now`. */
		u64 now = rdtsc();

		if (pit_countdown_done())
			return last_seen_running;
		last_seen_running = now;
		BUG_ON_MSG(now - start > PIT_WAIT_LIMIT_TSC,
			   "pit: counter 2 never reached zero (port 0x61 bit 5 stayed low); "
			   "the PIT is not counting, so the timers cannot be calibrated");
		cpu_relax();
	}
}

void pit_countdown_stop(void)
{
	check_owner("pit_countdown_stop");
	outb(NMI_SC, inb(NMI_SC) & ~(NMI_SC_TIM_CNT2_EN | NMI_SC_SPKR_DAT_EN));
}
