/*
 * user/utest_runtime.c - the process start, our helpers (user/lib/proc.c) and the test
 * harness's own failure paths.
 *
 * Everything else in user/ leans on these, so they are checked first-hand: the kernel
 * lays out the argument and environment vectors as the SysV ABI says and musl's
 * start-up hands them to main() with an aligned stack; parse_long is strict; an
 * assertion in a child ends just the child, with UTEST_CHILD_FAILED. (musl itself, and
 * what it needs from the kernel, is utest_musl's subject.)
 */
#include <stdint.h>

#include "user/lib/utest.h"

UTEST_SUITE(utest_runtime);

#define FORMAT_SIZE 128

UTEST(argv_and_environ_follow_the_abi)
{
	UASSERT_GE(utest_argc, 1);
	UASSERT_NOT_NULL(utest_argv[0]);
	UEXPECT_NULL(utest_argv[utest_argc]);
	/* envp starts right after argv's NULL (musl's start-up found it there). */
	UEXPECT_PTR_EQ(environ, utest_argv + utest_argc + 1);
	if (utest_argc >= 2) { /* started by init's ktest mode: argv[1] is our index */
		long index = 0;

		UEXPECT_TRUE(parse_long(utest_argv[1], &index));
		UEXPECT_GT(index, 0);
	}
}

UTEST(stack_is_aligned_for_sse)
{
	/* With frame pointers, every frame sits 16-byte aligned if the start aligned the first:
	 * movaps on a misaligned stack would fault. */
	UEXPECT_EQ((uintptr_t)__builtin_frame_address(0) % 16, 0);
}

UTEST(parse_long_bounds)
{
	long value = 0;

	UEXPECT_TRUE(parse_long("9223372036854775807", &value));
	UEXPECT_EQ(value, 9223372036854775807l);
	UEXPECT_TRUE(parse_long("-9223372036854775808", &value));
	UEXPECT_EQ(value, -9223372036854775807l - 1);
	UEXPECT_FALSE(parse_long("9223372036854775808", &value));
	UEXPECT_FALSE(parse_long("12a", &value));
	UEXPECT_FALSE(parse_long("", &value));
	UEXPECT_FALSE(parse_long("-", &value));
	UEXPECT_FALSE(parse_long(" 1", &value)); /* strtol alone would take these */
	UEXPECT_FALSE(parse_long("+1", &value));
}

static int abort_in_child(void *arg)
{
	(void)arg;
	utest_abort(); /* what a failed UASSERT ends with, without its diagnostic lines */
}

static int return_value(void *arg)
{
	return (int)(long)arg;
}

UTEST(child_failures_become_exit_status)
{
	UEXPECT_EXITED(utest_run_child(abort_in_child, NULL), UTEST_CHILD_FAILED);
	UEXPECT_EXITED(utest_run_child(return_value, (void *)33), 33);
}

/* A cast of the right side to the left's type (what UEXPECT_EQ once did) passed both. */
static int u8_equals_256(void *arg)
{
	unsigned char zero = 0;
	int two_five_six = 256;

	(void)arg;
	UEXPECT_EQ(zero, two_five_six);
	return 0;
}

static int u32_equals_minus_one(void *arg)
{
	unsigned int all_ones = 0xffffffffu;
	long long minus_one = -1;

	(void)arg;
	UEXPECT_EQ(all_ones, minus_one);
	return 0;
}

UTEST(integer_checks_compare_values)
{
	long long minus_one = -1;

	utest_log("the two EXPECTATION FAILED reports that follow (in children) are deliberate");
	UEXPECT_EXITED(utest_run_child(u8_equals_256, NULL), UTEST_CHILD_FAILED);
	UEXPECT_EXITED(utest_run_child(u32_equals_minus_one, NULL), UTEST_CHILD_FAILED);
	/* Mixed signedness is ordered as integers, not by C's usual conversions. */
	UEXPECT_EQ(utest_int_cmp(UTEST_INT_(minus_one), UTEST_INT_(~0ull)), -1);
	UEXPECT_EQ(utest_int_cmp(UTEST_INT_(~0ull), UTEST_INT_(minus_one)), 1);
	UEXPECT_EQ(utest_int_cmp(UTEST_INT_(0xffffffffu), UTEST_INT_(0xffffffffll)), 0);
}

UTEST(wait_status_words)
{
	char buf[48];

	UEXPECT_STREQ(wait_status_text(3 << 8, buf, sizeof(buf)), "exited with status 3");
	UEXPECT_STREQ(wait_status_text(SIGSEGV, buf, sizeof(buf)), "killed by signal 11");
	UEXPECT_TRUE(WIFEXITED(0));
	UEXPECT_TRUE(WIFSIGNALED(SIGILL));
	UEXPECT_FALSE(WIFSIGNALED(1 << 8));
	UEXPECT_EQ(WTERMSIG(SIGSEGV | 0x80), SIGSEGV); /* bit 7: core dumped */
}
