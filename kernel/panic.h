/*
 * kernel/panic.h - the end of the line: panic(), BUG_ON() and friends.
 *
 * panic() prints Linux's "Kernel panic - not syncing: <message>" (so existing tools and
 * our test runner recognise it), the registers and a symbolized backtrace, then halts;
 * when the kernel runs its self-tests it ends QEMU with the "panic" exit code instead.
 */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include "kernel/compiler.h"
#include "kernel/types.h"

void panic(const char *fmt, ...) __noreturn __printf(1, 2);
/* die() calls this first: the registers are printed from the trap frame, so the
 * following panic() prints only its message. */
void oops_begin(void);
/* Is some CPU reporting a panic? Reports that could wait (the watchdog's, a lock's)
 * stay quiet then. */
bool panic_in_progress(void);
/* When set (test mode), panic ends QEMU through isa-debug-exit instead of halting. */
extern bool panic_exits_qemu;
/* Stop QEMU with a QEMU_EXIT_* code (arch/x86_64/x86.h); halts if no such device. */
void qemu_exit(unsigned int code) __noreturn;

#define BUG_ON(cond)                                                                               \
	do {                                                                                       \
		if (unlikely(cond))                                                                \
			panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond);                      \
	} while (0)

#define BUG_ON_MSG(cond, ...)                                                                      \
	do {                                                                                       \
		if (unlikely(cond))                                                                \
			panic(__VA_ARGS__);                                                        \
	} while (0)

#define WARN_ON(cond)                                                                              \
	({                                                                                         \
		bool warn_c_ = !!(cond);                                                           \
		if (unlikely(warn_c_))                                                             \
			printk("WARNING: %s:%d: %s\n", __FILE__, __LINE__, #cond);                 \
		warn_c_;                                                                           \
	})

#endif
