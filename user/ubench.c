/*
 * user/ubench.c - the user-space benchmarks of `make bench`.
 *
 * Run as pid 1 in a `bench` boot (kernel/bench.c), after the in-kernel benchmarks, under
 * QEMU's -icount shift=0, where the TSC counts instructions: the figures are
 * instructions, deterministic and comparable with Linux measured the same way. Each
 * prints a "# bench:" line as the kernel's do, for tools/bench.py.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define BATCHES 7
#define CALLS_PER_BATCH 1000
#define YIELDS_PER_BATCH 500
#define WARMUP_YIELDS 50
#define THREAD_STACK_SIZE 16384
#define ARCH_SET_GS 0x1001 /* arch_prctl's code (Linux's asm/prctl.h) */

static unsigned long rdtsc(void)
{
	unsigned int lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long)hi << 32) | lo;
}

static void sort(unsigned long *v, int n)
{
	for (int i = 1; i < n; i++) {
		unsigned long x = v[i];
		int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void report(const char *name, unsigned long *per_op, const char *what)
{
	sort(per_op, BATCHES);
	printf("# bench: %s %lu %s\n", name, per_op[BATCHES / 2], what);
}

static void bench_null_syscall(void)
{
	unsigned long per_op[BATCHES];

	for (int b = 0; b < BATCHES; b++) {
		unsigned long start = rdtsc();

		for (int i = 0; i < CALLS_PER_BATCH; i++)
			getppid();
		per_op[b] = (rdtsc() - start) / CALLS_PER_BATCH;
	}
	report("user_getppid", per_op, "null syscall (getppid) round trip");
}

/* The partner: yields as long as the measurement may need it, then leaves. */
static int yield_partner(void *unused)
{
	(void)unused;
	for (int i = 0; i < WARMUP_YIELDS + BATCHES * YIELDS_PER_BATCH + WARMUP_YIELDS; i++)
		sched_yield();
	return 0;
}

/* Each of our yields switches to the partner and its yield switches back: two switches. */
static void measure_ping_pong(const char *name, const char *what)
{
	unsigned long per_switch[BATCHES];

	for (int i = 0; i < WARMUP_YIELDS; i++)
		sched_yield();
	for (int b = 0; b < BATCHES; b++) {
		unsigned long start = rdtsc();

		for (int i = 0; i < YIELDS_PER_BATCH; i++)
			sched_yield();
		per_switch[b] = (rdtsc() - start) / (2 * YIELDS_PER_BATCH);
	}
	report(name, per_switch, what);
}

static void bench_processes(void)
{
	int status;
	pid_t child = fork();

	if (child == 0)
		exit(yield_partner(0));
	measure_ping_pong(
	    "user_yield_processes",
	    "sched_yield ping-pong, two processes (CR3 write each switch), per switch");
	waitpid(child, &status, 0);
}

/* A GS base of the partner's own (GS is free: musl keeps its thread pointer in FS). */
static unsigned long partner_gs_block;

static int yield_partner_own_gs(void *unused)
{
	if (syscall(SYS_arch_prctl, ARCH_SET_GS, &partner_gs_block))
		return 1;
	return yield_partner(unused);
}

/*
 * The same ping-pong with the two processes' GS bases different: every switch writes
 * the incoming one into MSR_KERNEL_GS_BASE (a fork's child has its parent's FS base, so
 * user_yield_processes writes none). The FS base takes the same path.
 */
static void bench_processes_own_gs(void)
{
	int status;
	pid_t child = fork();

	if (child == 0)
		exit(yield_partner_own_gs(0));
	measure_ping_pong("user_yield_processes_gs",
			  "sched_yield ping-pong, two processes with different GS bases (a GS "
			  "base MSR write each switch), per switch");
	waitpid(child, &status, 0);
}

static char thread_stack[THREAD_STACK_SIZE] __attribute__((aligned(16)));

static void bench_threads(void)
{
	int status;
	pid_t thread = clone(yield_partner, (char *)thread_stack + (sizeof(thread_stack)),
			     CLONE_VM | SIGCHLD, 0);

	measure_ping_pong(
	    "user_yield_threads",
	    "sched_yield ping-pong, two threads of one process (no CR3 write), per switch");
	waitpid(thread, &status, 0);
}

int main(void)
{
	bench_null_syscall();
	bench_processes();
	bench_processes_own_gs();
	bench_threads();
	return 0;
}
