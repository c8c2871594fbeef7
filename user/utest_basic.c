/*
 * user/utest_basic.c - the first syscalls a process makes: identity, output, yielding,
 * sleeping, and the kernel's answer to a bad descriptor or an unknown syscall number.
 *
 * Needs nothing but a running process: no fork, no exec, no memory syscalls. Sleep
 * lengths are compared with the time-stamp counter, so the test needs no clock syscall.
 */
#include "user/lib/utest.h"

UTEST_SUITE(utest_basic);

#define NO_SUCH_SYSCALL 1000 /* far past the last Linux x86-64 syscall */
#define NSEC_PER_SEC 1000000000l

static unsigned long long rdtsc(void)
{
	unsigned int lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long long)hi << 32) | lo;
}

/* Time-stamp counter ticks that usleep((ms) * 1000) took. */
static unsigned long long ticks_to_sleep(unsigned long ms)
{
	unsigned long long start = rdtsc();

	UEXPECT_EQ(usleep((ms)*1000), 0);
	return rdtsc() - start;
}

UTEST(getpid_is_positive_and_stable)
{
	pid_t pid = getpid();

	UEXPECT_GT(pid, 0);
	UEXPECT_EQ(getpid(), pid);
}

UTEST(getppid_is_another_process)
{
	pid_t parent = getppid();

	UEXPECT_GT(parent, 0); /* init's ktest mode (or a shell) started us */
	UEXPECT_NE(parent, getpid());
	UEXPECT_EQ(getppid(), parent);
}

UTEST(write_stdout_returns_length)
{
	static const char line[] =
	    "    # write_stdout_returns_length: a line written by write(1)\n";

	UEXPECT_EQ(write(STDOUT_FILENO, line, sizeof(line) - 1), (ssize_t)(sizeof(line) - 1));
}

UTEST(write_stderr_returns_length)
{
	static const char line[] =
	    "    # write_stderr_returns_length: a line written by write(2)\n";

	UEXPECT_EQ(write(STDERR_FILENO, line, sizeof(line) - 1), (ssize_t)(sizeof(line) - 1));
}

UTEST(write_zero_bytes_returns_zero)
{
	UEXPECT_EQ(write(STDOUT_FILENO, "x", 0), 0);
}

UTEST(write_bad_fd_is_ebadf)
{
	UEXPECT_ERRNO(write(-1, "x", 1), EBADF);
	UEXPECT_ERRNO(write(1000, "x", 1), EBADF);
	UEXPECT_ERRNO(write(0x7fffffff, "x", 1), EBADF);
}

UTEST(unknown_syscall_is_enosys)
{
	UEXPECT_ERRNO(syscall(NO_SUCH_SYSCALL, 0, 0, 0, 0, 0, 0), ENOSYS);
	UEXPECT_ERRNO(syscall(-1, 0, 0, 0, 0, 0, 0), ENOSYS); /* not a huge table index */
	UEXPECT_ERRNO(syscall(NO_SUCH_SYSCALL, -1, -1, -1, -1, -1, -1), ENOSYS);
}

UTEST(syscall_preserves_registers)
{
	/* Everything but rax, rcx and r11 must survive a syscall, as Linux promises. */
	register long r12 __asm__("r12") = 0x1212121212121212;
	register long r13 __asm__("r13") = 0x1313131313131313;
	long rbx = 0x0b0b0b0b0b0b0b0b, rdi = 0xd1d1d1d1, rsi = 0x5151, rdx = 0xdddd;
	long r8_out, r9_out, r10_out, rbx_out, rdi_out, rsi_out, rdx_out;

	__asm__ __volatile__("movq $0x0808, %%r8\n\t"
			     "movq $0x0909, %%r9\n\t"
			     "movq $0x1010, %%r10\n\t"
			     "movl %[nr], %%eax\n\t"
			     "syscall\n\t"
			     "movq %%r8, %[r8]\n\t"
			     "movq %%r9, %[r9]\n\t"
			     "movq %%r10, %[r10]"
			     : [r8] "=&m"(r8_out), [r9] "=&m"(r9_out), [r10] "=&m"(r10_out),
			       "+b"(rbx), "+D"(rdi), "+S"(rsi), "+d"(rdx), "+r"(r12), "+r"(r13)
			     : [nr] "i"(__NR_getpid)
			     : "rax", "rcx", "r11", "r8", "r9", "r10", "memory");
	rbx_out = rbx;
	rdi_out = rdi;
	rsi_out = rsi;
	rdx_out = rdx;
	UEXPECT_EQ(rbx_out, 0x0b0b0b0b0b0b0b0b);
	UEXPECT_EQ(rdi_out, 0xd1d1d1d1);
	UEXPECT_EQ(rsi_out, 0x5151);
	UEXPECT_EQ(rdx_out, 0xdddd);
	UEXPECT_EQ(r8_out, 0x0808);
	UEXPECT_EQ(r9_out, 0x0909);
	UEXPECT_EQ(r10_out, 0x1010);
	UEXPECT_EQ(r12, 0x1212121212121212);
	UEXPECT_EQ(r13, 0x1313131313131313);
}

UTEST(sched_yield_returns_zero)
{
	for (int i = 0; i < 100; i++)
		UASSERT_EQ(sched_yield(), 0);
}

UTEST(nanosleep_zero_returns_at_once)
{
	struct timespec zero = {0, 0};

	UEXPECT_EQ(nanosleep(&zero, NULL), 0);
}

UTEST(nanosleep_bad_timespec_is_einval)
{
	struct timespec too_many_ns = {0, NSEC_PER_SEC};
	struct timespec negative_ns = {0, -1};
	struct timespec negative_s = {-1, 0};

	UEXPECT_ERRNO(nanosleep(&too_many_ns, NULL), EINVAL);
	UEXPECT_ERRNO(nanosleep(&negative_ns, NULL), EINVAL);
	UEXPECT_ERRNO(nanosleep(&negative_s, NULL), EINVAL);
}

UTEST(nanosleep_bad_pointer_is_efault)
{
	UEXPECT_ERRNO(nanosleep(NULL, NULL), EFAULT);
	UEXPECT_ERRNO(nanosleep((const struct timespec *)0xffff888000000000ul, NULL), EFAULT);
}

UTEST(sleep_ms_sleeps_in_proportion)
{
	/* The TSC's rate is unknown, but ten times the sleep must take several times the
	 * ticks, whatever the timer's granularity (one tick of slack on the short one). */
	unsigned long long short_sleep = ticks_to_sleep(20);
	unsigned long long long_sleep = ticks_to_sleep(200);

	UEXPECT_GT(short_sleep, 0);
	UEXPECT_GT(long_sleep, 3 * short_sleep);
}
