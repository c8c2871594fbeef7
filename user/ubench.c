/*
 * user/ubench.c - the user-space benchmarks of `make bench`.
 *
 * Run as pid 1 in a `bench` boot (kernel/bench.c), after the in-kernel benchmarks, under
 * QEMU's -icount shift=0, where the TSC counts instructions: the figures are
 * instructions, deterministic and comparable with Linux measured the same way. Each
 * prints a "# bench:" line as the kernel's do, for tools/bench.py.
 */
#include "lib/stdio.h"
#include "lib/syscall.h"

#define BATCHES 7
#define CALLS_PER_BATCH 1000
#define YIELDS_PER_BATCH 500
#define WARMUP_YIELDS 50
#define THREAD_STACK_SIZE 16384

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
	measure_ping_pong("user_yield_processes",
			  "sched_yield ping-pong, two processes (CR3 write each switch), per switch");
	waitpid(child, &status, 0);
}

static char thread_stack[THREAD_STACK_SIZE] __attribute__((aligned(16)));

static void bench_threads(void)
{
	int status;
	pid_t thread = thread_create(yield_partner, 0, thread_stack, sizeof(thread_stack));

	measure_ping_pong("user_yield_threads",
			  "sched_yield ping-pong, two threads of one process (no CR3 write), per switch");
	waitpid(thread, &status, 0);
}

int main(void)
{
	bench_null_syscall();
	bench_processes();
	bench_threads();
	return 0;
}
