/*
 * kernel/bench.h - in-kernel micro-benchmarks, run by `make bench`.
 *
 * Under QEMU with -icount shift=0 the TSC advances by one per guest instruction, so
 * "ticks" are instructions: deterministic, comparable run to run, independent of the
 * host's load. A benchmark registers with KBENCH(name, "what one operation is") and
 * measures with bench_median(), which times `batches` batches of `iters` operations and
 * returns the median per-operation cost. Results print as lines of the form
 *   # bench: <name> <ticks per op> <description>
 * which tools/bench.py gathers into the table in docs/benchmarks.md.
 */
#ifndef KERNEL_BENCH_H
#define KERNEL_BENCH_H

#include "kernel/compiler.h"
#include "kernel/types.h"

struct kbench {
	const char *name;
	const char *what;
	void (*fn)(const struct kbench *b);
};

#define KBENCH(id, description)                                                                    \
	static void kbench_fn_##id(const struct kbench *b);                                        \
	static const struct kbench kbench_##id __used __section(".kbench")                         \
	    __aligned(8) = {#id, description, kbench_fn_##id};                                     \
	static void kbench_fn_##id(const struct kbench *b __unused)

#define BENCH_BATCHES 7

/* Median over `batches` of (ticks for iters calls of op(arg)) / iters. */
u64 bench_median(void (*op)(void *arg), void *arg, int batches, int iters);
/* Print one result line for b: ticks per operation, plus an optional note. */
void bench_report(const struct kbench *b, u64 ticks_per_op, const char *note);
/* Is the kernel in benchmark mode (command line `bench`)? */
bool bench_mode(void);
/* Run every benchmark and end QEMU (pid 1, in bench mode). */
void bench_run_all(void) __noreturn;
/* The user-space benchmarks are done (pid 1 exited): end QEMU. */
void bench_finish(void) __noreturn;

#endif
