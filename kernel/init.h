/*
 * kernel/init.h - hooks into the life of pid 1, for code kernel/main.c does not know.
 *
 * kernel_init (kernel/main.c) starts as a kernel thread and ends up as the first user
 * program. Whatever else wants to run as pid 1 first (the self-tests, the benchmarks,
 * the switch scenarios) registers an INIT_HOOK instead of being called by name: the
 * linker gathers the registrations (section .init_hooks, in link order), kernel_init
 * calls each `run` before it execs init, and init_exited() calls each `exited` when pid
 * 1 exits. So the kernel depends on none of them, as Linux's initcalls keep init/main.c
 * free of the subsystems it starts.
 */
#ifndef KERNEL_INIT_H
#define KERNEL_INIT_H

#include "kernel/compiler.h"

struct init_hook {
	const char *name;
	/* Run by pid 1 before it execs init. Returns if it has nothing to do (its command
	 * line option is absent), or takes pid 1 over for good. May be NULL. */
	void (*run)(void);
	/* pid 1 is exiting with this wait status; may end QEMU. May be NULL. */
	void (*exited)(int status);
};

#define INIT_HOOK(id, run_fn, exited_fn)                                                           \
	static const struct init_hook init_hook_##id __used __section(".init_hooks")               \
	    __aligned(8) = {#id, run_fn, exited_fn}

/* pid 1 is exiting (sched/exit.c): the hooks' say, then, as in Linux, a panic. */
void init_exited(int status) __noreturn;

#endif
