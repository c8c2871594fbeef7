/*
 * user/utest_runtime.c - the user runtime itself: process start, formatting, strings,
 * and the test harness's own failure paths.
 *
 * Everything else in user/ leans on these, so they are checked first-hand: crt0 hands
 * main() the argument and environment vectors the SysV ABI lays out and an aligned
 * stack; vsnprintf formats as the kernel's does; the string functions handle overlap
 * and signs; an assertion in a child ends just the child, with UTEST_CHILD_FAILED.
 */
#include <stdint.h>

#include "user/lib/errno.h"
#include "user/lib/setjmp.h"
#include "user/lib/utest.h"

UTEST_SUITE(utest_runtime);

#define FORMAT_SIZE 128

UTEST(argv_and_environ_follow_the_abi)
{
	UASSERT_GE(utest_argc, 1);
	UASSERT_NOT_NULL(utest_argv[0]);
	UEXPECT_NULL(utest_argv[utest_argc]);
	/* envp starts right after argv's NULL (crt0 found it there). */
	UEXPECT_PTR_EQ(environ, utest_argv + utest_argc + 1);
	if (utest_argc >= 2) { /* started by init's ktest mode: argv[1] is our index */
		int ok = 0;

		UEXPECT_GT(parse_long(utest_argv[1], &ok), 0);
		UEXPECT_EQ(ok, 1);
	}
}

UTEST(stack_is_aligned_for_sse)
{
	/* With frame pointers, every frame sits 16-byte aligned if crt0 aligned the first:
	 * movaps on a misaligned stack would fault. */
	UEXPECT_EQ((uintptr_t)__builtin_frame_address(0) % 16, 0);
}

static const char *format(char *buf, const char *fmt, ...) PRINTF_LIKE(2, 3);

static const char *format(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, FORMAT_SIZE, fmt, ap);
	va_end(ap);
	return buf;
}

UTEST(vsnprintf_conversions)
{
	char buf[FORMAT_SIZE];
	const char *volatile null_string = NULL;

	UEXPECT_STREQ(format(buf, "%d %i %u", -42, 7, 4000000000u), "-42 7 4000000000");
	UEXPECT_STREQ(format(buf, "%x %X %lx", 255u, 255u, 0xdeadbeeful), "ff FF deadbeef");
	UEXPECT_STREQ(format(buf, "%lld", -9223372036854775807ll - 1), "-9223372036854775808");
	UEXPECT_STREQ(format(buf, "%llu", 18446744073709551615ull), "18446744073709551615");
	UEXPECT_STREQ(format(buf, "%zu %ld", (size_t)9, -1l), "9 -1");
	UEXPECT_STREQ(format(buf, "%c%s%%", 'z', "ab"), "zab%");
	UEXPECT_STREQ(format(buf, "%s", null_string), "(null)");
	UEXPECT_STREQ(format(buf, "%p", (void *)0x1234), "0x0000000000001234");
}

UTEST(vsnprintf_width_and_flags)
{
	char buf[FORMAT_SIZE];

	UEXPECT_STREQ(format(buf, "[%5d|%-5d|%05d]", -42, 7, -3), "[  -42|7    |-0003]");
	UEXPECT_STREQ(format(buf, "[%4s|%-4s|%3c]", "a", "b", 'c'), "[   a|b   |  c]");
	UEXPECT_STREQ(format(buf, "[%*d|%-*d]", 4, 1, 3, 2), "[   1|2  ]");
	UEXPECT_STREQ(format(buf, "[%08x]", 0xbeefu), "[0000beef]");
}

UTEST(vsnprintf_truncates_and_counts)
{
	char buf[4];

	UEXPECT_EQ(snprintf(buf, sizeof(buf), "%d", 123456), 6);
	UEXPECT_STREQ(buf, "123");
	UEXPECT_EQ(snprintf(NULL, 0, "%s", "hello"), 5);
}

UTEST(printf_returns_length)
{
	UEXPECT_EQ(printf("    # printf_returns_length: %d\n", 12345), 35);
}

UTEST(parse_long_bounds)
{
	int ok = 0;

	UEXPECT_EQ(parse_long("9223372036854775807", &ok), 9223372036854775807l);
	UEXPECT_EQ(ok, 1);
	UEXPECT_EQ(parse_long("-9223372036854775808", &ok), -9223372036854775807l - 1);
	UEXPECT_EQ(ok, 1);
	parse_long("9223372036854775808", &ok);
	UEXPECT_EQ(ok, 0);
	parse_long("12a", &ok);
	UEXPECT_EQ(ok, 0);
	parse_long("", &ok);
	UEXPECT_EQ(ok, 0);
	parse_long("-", &ok);
	UEXPECT_EQ(ok, 0);
}

UTEST(string_functions)
{
	char buf[16] = "abcdefgh";
	char abc[] = "abc", abd[] = "abd", ab[] = "ab", high[] = "\xff", a[] = "a";

	UEXPECT_EQ(strlen(buf), 8);
	UEXPECT_LT(strcmp(abc, abd), 0);
	UEXPECT_GT(strcmp(abc, ab), 0);
	UEXPECT_GT(strcmp(high, a), 0); /* compared as unsigned char */
	UEXPECT_EQ(strncmp(abc, abd, 2), 0);
	UEXPECT_NE(strncmp(abc, abd, 3), 0);
	UEXPECT_LT(memcmp(a, high, 1), 0);
	memmove(buf + 2, buf, 6); /* overlapping, upwards */
	UEXPECT_STREQ(buf, "ababcdef");
	memmove(buf, buf + 2, 7); /* overlapping, downwards */
	UEXPECT_STREQ(buf, "abcdef");
	memset(buf, 'x', 3);
	UEXPECT_EQ(memcmp(buf, "xxxdef", 7), 0);
}

UTEST(setjmp_longjmp_round_trip)
{
	static jmp_buf env;
	static volatile int passes;

	passes = 0;
	if (setjmp(env) < 2) {
		passes++;
		longjmp(env, passes + 1);
	}
	UEXPECT_EQ(passes, 1);
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
