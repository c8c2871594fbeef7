/*
 * kernel/stackprotector.c - the stack-protector canary and what happens when one dies.
 *
 * The compiler emits the checks (see arch/x86_64/stackprotector.h for the flags, and
 * how kmain picks the value); this file owns the two symbols they name.
 * __stack_chk_fail runs when a function finds its canary overwritten on the way out:
 * its frame, and so its return address, can no longer be trusted, so the kernel stops
 * at once, naming the function (Linux's message).
 */
#include "arch/x86_64/stackprotector.h"
#include "kernel/kallsyms.h"
#include "kernel/panic.h"

/* Written once by boot_init_stack_canary() in kmain, read-only afterwards. */
unsigned long __stack_chk_guard;

__noreturn void __stack_chk_fail(void)
{
	/* The call is the last instruction of the corrupted function: its return address
	 * may already be the next function's, so look up the byte before it. */
	u64 caller = (u64)__builtin_return_address(0) - 1;
	u64 offset, size;
	const char *name = kallsyms_lookup(caller, &offset, &size);

	if (!name)
		panic("stack-protector: kernel stack is corrupted in: 0x%lx",
		      (unsigned long)caller);
	panic("stack-protector: kernel stack is corrupted in: %s+0x%lx/0x%lx", name,
	      (unsigned long)offset + 1, (unsigned long)size);
}
