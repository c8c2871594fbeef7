/*
 * arch/x86_64/stackprotector.h - choosing the stack-protector canary at boot.
 *
 * The kernel is built with -fstack-protector-strong -mstack-protector-guard=global:
 * every function with a local array (or whose locals' addresses escape) stores the
 * global __stack_chk_guard between its locals and its return address on entry and
 * compares it before returning; a mismatch means its frame was overwritten, and it
 * calls __stack_chk_fail (kernel/stackprotector.c), which panics. "global" rather than
 * GCC's default %fs:0x28: the FS base belongs to user space (thread-local storage),
 * so a canary read through it would be the user's to choose.
 *
 * The value must be one an attacker cannot guess: RDRAND when the CPU has it, mixed
 * with the time stamp counter (alone, on a CPU without RDRAND: weaker, but different
 * every boot). Its low byte is zero, as Linux's is, so a string copy that runs over a
 * buffer stops at the canary's NUL instead of reproducing it.
 */
#ifndef ARCH_X86_64_STACKPROTECTOR_H
#define ARCH_X86_64_STACKPROTECTOR_H

#include "arch/x86_64/cpu.h"
#include "kernel/compiler.h"

#define CPUID_1_ECX_RDRAND (1u << 30)
#define RDRAND_RETRIES 10	    /* the SDM's advice: a failure 10 times in a row is a bug */
#define STACK_CANARY_MASK (~0xfful) /* a zero low byte stops string overruns */
#define GOLDEN_RATIO_64 0x61c8864680b583ebull

extern unsigned long __stack_chk_guard;
/* What a function whose canary changed calls on its way out (kernel/stackprotector.c). */
__noreturn void __stack_chk_fail(void);

/* A random 64-bit value from RDRAND, or 0 if the CPU has none (or it keeps failing). */
static __always_inline unsigned long rdrand_or_zero(void)
{
	u32 eax, ebx, ecx, edx;
	unsigned long value;
	bool ok;

	cpuid(1, 0, &eax, &ebx, &ecx, &edx);
	if (!(ecx & CPUID_1_ECX_RDRAND))
		return 0;
	for (int i = 0; i < RDRAND_RETRIES; i++) {
		__asm__ __volatile__("rdrand %0; setc %1" : "=r"(value), "=qm"(ok));
		if (ok)
			return value;
	}
	return 0;
}

/*
 * boot_init_stack_canary - set __stack_chk_guard. Always inlined into its caller,
 * kmain, which is built without the protector (__no_stack_protector): a protected
 * function live across this assignment would find a different canary on its way out
 * than it stored on the way in, and "detect" an overflow that never happened. kmain is
 * the first C function (boot/entry64.S calls it) and never returns; the functions it
 * calls before this line returned with the old canary (0) intact.
 */
static __always_inline void boot_init_stack_canary(void)
{
	unsigned long tsc = rdtsc();
	unsigned long canary = rdrand_or_zero();

	canary += (tsc + (tsc << 32)) * GOLDEN_RATIO_64;
	__stack_chk_guard = canary & STACK_CANARY_MASK;
}

#endif
