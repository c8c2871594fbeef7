/*
 * tests/hardening_test.c - the compiler-inserted checks: the stack protector (every
 * build) and UBSAN (the test build, SANITIZE=1).
 *
 * Each death test commits the bug its check exists for and expects the panic that
 * names it: a local array overrun past the canary (kernel/stackprotector.c), a signed
 * overflow, a shift by more than the width and an array index out of bounds
 * (kernel/ubsan.c).
 */
#include "arch/x86_64/stackprotector.h"
#include "kernel/compiler.h"
#include "kernel/string.h"
#include "tests/ktest.h"

KTEST(hardening, stack_canary_is_random_looking)
{
	/* Zero only if nobody set it; the low byte is zero on purpose (string overruns). */
	KEXPECT_NE(t, __stack_chk_guard, 0ul);
	KEXPECT_EQ(t, __stack_chk_guard & 0xff, 0ul);
	KEXPECT_NE(t, __stack_chk_guard >> 32, 0ul); /* RDTSC mixing reaches the top half */
}

/*
 * Overwrite a local array and everything above it up to the saved frame pointer: the
 * canary sits in between (the protector puts arrays right below it). The length comes
 * from the frame address at run time, so the compiler cannot see the overrun coming,
 * and the saved rbp and return address stay intact for the backtrace.
 */
static __noinline __noclone void smash_local_array(void)
{
	char buf[16];
	char *frame = __builtin_frame_address(0);

	memset(buf, 'A', (size_t)(frame - buf));
	__asm__ __volatile__("" : : "r"(buf) : "memory"); /* buf is used */
}

KTEST_DEATH(hardening, stack_protector_catches_an_overrun,
	    "stack-protector: kernel stack is corrupted in: smash_local_array+")
{
	smash_local_array();
}

#ifdef CONFIG_UBSAN
/* Values the compiler cannot fold, so the checks happen at run time. */
static volatile int int_max = __INT_MAX__;
static volatile int one = 1;
static volatile unsigned int shift_by = 32;
static volatile int index_past = 4;

KTEST_DEATH(hardening, ubsan_catches_signed_overflow,
	    "UBSAN: signed-integer-overflow in tests/hardening_test.c:")
{
	/* cppcheck-suppress integerOverflow ; deliberate */
	volatile int sum = int_max + one;

	(void)sum;
}

KTEST_DEATH(hardening, ubsan_catches_an_oversized_shift,
	    "UBSAN: shift-out-of-bounds in tests/hardening_test.c:")
{
	/* cppcheck-suppress [shiftTooManyBits, integerOverflow] ; deliberate */
	volatile int shifted = one << shift_by;

	(void)shifted;
}

KTEST_DEATH(hardening, ubsan_catches_an_index_out_of_bounds,
	    "UBSAN: array-index-out-of-bounds in tests/hardening_test.c:")
{
	int array[4] = {1, 2, 3, 4};
	/* cppcheck-suppress arrayIndexOutOfBounds ; deliberate */
	volatile int value = array[index_past];

	(void)value;
}
#endif
