/*
 * kernel/bench.c - runs the KBENCH benchmarks (see kernel/bench.h).
 */
#include "kernel/bench.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/module.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "mm/mm.h"
#include "sched/process.h"

extern const struct kbench __kbench_start[], __kbench_end[];

#define BENCH_MAX_BATCHES 31

bool bench_mode(void)
{
	return kernel_param_has("bench");
}

static void sort_u64(u64 *v, int n)
{
	for (int i = 1; i < n; i++) {
		u64 x = v[i];
		int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

u64 bench_median(void (*op)(void *arg), void *arg, int batches, int iters)
{
	u64 per_op[BENCH_MAX_BATCHES];

	if (batches > BENCH_MAX_BATCHES)
		batches = BENCH_MAX_BATCHES;
	for (int b = 0; b < batches; b++) {
		u64 start = rdtsc();

		for (int i = 0; i < iters; i++)
			op(arg);
		per_op[b] = (rdtsc() - start) / (u64)iters;
	}
	sort_u64(per_op, batches);
	return per_op[batches / 2];
}

void bench_report(const struct kbench *b, u64 ticks_per_op, const char *note)
{
	printk("# bench: %s %lu %s%s%s\n", b->name, (unsigned long)ticks_per_op, b->what,
	       note ? " | " : "", note ? note : "");
}

void bench_finish(void)
{
	printk("# bench: end\n");
	qemu_exit(QEMU_EXIT_PASS);
}

/*
 * The in-kernel benchmarks, then the user-space ones: this task (pid 1) becomes the
 * `ubench` program, whose exit ends the run (init_exited -> bench_init_exited).
 */
void bench_run_all(void)
{
	static const char *const argv[] = {"ubench"};
	struct boot_module_image image;

	printk("# bench: begin\n");
	printk("# bench: mm_init %lu memory set-up at boot (whole mm_init)\n",
	       (unsigned long)mm_init_cycles);
	for (const struct kbench *b = __kbench_start; b < __kbench_end; b++)
		b->fn(b);
	if (module_find("ubench", &image) == 0)
		printk("# bench: ubench could not start (%d)\n", kernel_execve("ubench", argv, 1));
	bench_finish();
}

static void bench_init_run(void)
{
	if (bench_mode())
		bench_run_all();
}

static void bench_init_exited(int status __unused)
{
	if (bench_mode())
		bench_finish();
}

INIT_HOOK(bench, bench_init_run, bench_init_exited);
