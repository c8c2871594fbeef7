/*
 * kernel/time.h - the periodic tick, jiffies, and short delays.
 *
 * timer_init() calibrates the local APIC timer and the TSC against the PIT and starts a
 * tick of HZ interrupts per second (HZ is set in sched/sched.h). Each tick advances
 * `jiffies` (declared in sched/sched.h) and calls scheduler_tick(). udelay() spins on
 * the calibrated TSC. See docs/timer.md.
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include "kernel/types.h"

#define MSEC_PER_SEC 1000ul
#define USEC_PER_MSEC 1000ul
#define NSEC_PER_SEC 1000000000l

/* Linux's struct timespec (x86-64): nanosleep's argument and its remainder. */
struct timespec {
	long tv_sec;
	long tv_nsec; /* 0 .. NSEC_PER_SEC - 1 */
};

/*
 * The furthest a sleep may look ahead, in ticks: longer sleeps are cut to it (as Linux's
 * MAX_JIFFY_OFFSET), so jiffies + the offset never wraps. At HZ=100 it is ~1.5e9 years.
 */
#define MAX_JIFFY_OFFSET ((u64)1 << 62)

/* TSC cycles per millisecond, measured by timer_init(); 0 before it. */
extern unsigned long tsc_khz;

/*
 * Calibrate, install the tick handler and start the periodic timer on this CPU. The
 * caller enables interrupts afterwards (local_irq_enable()); until then ticks stay
 * pending. Calling it again does nothing.
 */
void timer_init(void);
/* An AP's part (start_secondary, interrupts off): calibrate its own APIC timer against
 * the PIT, waiting while another CPU uses it, and start it periodic. Needs apic_init(). */
void timer_init_secondary(void);

/* Nanoseconds since timer_init() by the calibrated TSC (0 before it): the clock of
 * clock_gettime (kernel/sys_time.c). Never goes backwards on one CPU. */
u64 ktime_get_ns(void);

/* Convert between ticks and milliseconds: exact for whole ticks, rounding down. */
u64 jiffies_to_msecs(u64 j);
/* The number of ticks that spans at least ms milliseconds (rounding up), as msleep needs. */
u64 msecs_to_jiffies(u64 ms);

/* The number of ticks that spans at least *ts (rounding up; a valid timespec), at most
 * MAX_JIFFY_OFFSET. 64-bit throughout: a sleep of 2^32 ms is 2^32 ms, not 0.7 s. */
u64 timespec_to_jiffies(const struct timespec *ts);
/* The length of j ticks as a timespec. */
void jiffies_to_timespec(u64 j, struct timespec *ts);

/*
 * A timed sleep of a system call (nanosleep, a futex wait): the tick that wakes the
 * sleeper, and the CLOCK_MONOTONIC time (ktime_get_ns) it must not end before. Ticks
 * alone are not enough: a tick delivered late (interrupts masked, a virtual CPU the host
 * stalled) is followed by the next one on time, so n + 1 ticks can be a little less than
 * n periods, and a program that checks with clock_gettime sees the sleep end early.
 * Owned by the sleeping task (on its stack).
 */
struct timeout {
	u64 wake_at; /* the jiffies value to wake at */
	u64 end_ns;  /* ktime_get_ns() it must reach; 0: the ticks alone decide */
};

/* Start a timeout of *ts (a valid timespec) from now. */
void timeout_start(struct timeout *to, const struct timespec *ts);
/* Called once jiffies has reached to->wake_at: true if the time has passed by the TSC
 * too; otherwise moves to->wake_at on by what is left, and false. */
bool timeout_expired(struct timeout *to);

/* Spin for at least us microseconds, by the TSC; any interrupt context. Needs timer_init. */
void udelay(unsigned long us);

#endif
