/*
 * kernel/sys_time.c - clock_gettime(2) and gettimeofday(2): the time for user programs.
 *
 * Both read the calibrated TSC (ktime_get_ns, kernel/time.c), which counts from the
 * moment the timer was calibrated at boot. sublet reads no real-time clock, so the
 * "wall" clocks (CLOCK_REALTIME, gettimeofday) start at the Unix epoch at boot: the
 * difference between two readings is right, the date is 1970. (nanosleep, which sleeps
 * by the tick, is in kernel/syscalls.c.) Clock ids, layouts and errors are Linux's.
 */
#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/syscall_table.h"
#include "kernel/time.h"

/* Linux's clock ids (its uapi/linux/time.h) that sublet can answer. */
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7

#define NSEC_PER_USEC 1000l

struct timeval {
	long tv_sec;
	long tv_usec;
};

/* gettimeofday's obsolete second argument: Linux fills it with zeros by default. */
struct timezone {
	int tz_minuteswest;
	int tz_dsttime;
};

/*
 * Every clock sublet has is the TSC since boot. The CPU-time clocks are refused
 * (-EINVAL, as Linux for an unknown id): sublet keeps no per-task accounting, and
 * answering them with elapsed time would be a lie.
 */
static bool clock_is_boot_time(unsigned long id)
{
	switch (id) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		return true;
	default:
		return false;
	}
}

long sys_clock_gettime(unsigned long id, unsigned long tp, unsigned long a2, unsigned long a3,
		       unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	u64 ns = ktime_get_ns();
	struct timespec ts = {.tv_sec = (long)(ns / NSEC_PER_SEC),
			      .tv_nsec = (long)(ns % NSEC_PER_SEC)};

	if (!clock_is_boot_time(id))
		return -EINVAL;
	return copy_to_user((void *)tp, &ts, sizeof(ts)) ? -EFAULT : 0;
}

long sys_gettimeofday(unsigned long tv, unsigned long tz, unsigned long a2, unsigned long a3,
		      unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	u64 ns = ktime_get_ns();
	struct timeval now = {.tv_sec = (long)(ns / NSEC_PER_SEC),
			      .tv_usec = (long)(ns % NSEC_PER_SEC / NSEC_PER_USEC)};
	struct timezone zone = {0, 0};

	if (tv && copy_to_user((void *)tv, &now, sizeof(now)))
		return -EFAULT;
	if (tz && copy_to_user((void *)tz, &zone, sizeof(zone)))
		return -EFAULT;
	return 0;
}
