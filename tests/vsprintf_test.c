/*
 * tests/vsprintf_test.c - tests for kernel/vsprintf.c (snprintf and vsnprintf).
 *
 * One test per feature of the contract in kernel/printk.h: each conversion, the integer
 * extremes, widths and padding, length modifiers, and C99's truncation rules (return the
 * full length, write at most size bytes, always terminate).
 */
#include "kernel/printk.h"
#include "tests/ktest.h"

/* Filled into buffers before a call, to see which bytes the call wrote. */
#define GUARD_BYTE 0x5a

/*
 * snprintf without the format attribute, for calls -Wformat rightly rejects (unknown
 * conversions, '0' next to '-', a NULL %s) but which vsnprintf must still handle sensibly.
 */
static int snprintf_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return len;
}

/*
 * Format with fn into a roomy buffer and expect exactly `want`, returned length included.
 * A macro, not a function, so that a failure reports the caller's line.
 */
#define EXPECT_FORMAT_WITH(t, fn, want, ...)                                                       \
	do {                                                                                       \
		char fmt_buf_[128];                                                                \
		int fmt_len_ = fn(fmt_buf_, sizeof(fmt_buf_), __VA_ARGS__);                        \
		KEXPECT_STREQ(t, fmt_buf_, want);                                                  \
		KEXPECT_EQ(t, fmt_len_, (int)strlen(want));                                        \
	} while (0)

#define EXPECT_FORMAT(t, want, ...) EXPECT_FORMAT_WITH(t, snprintf, want, __VA_ARGS__)
#define EXPECT_FORMAT_UNCHECKED(t, want, ...)                                                      \
	EXPECT_FORMAT_WITH(t, snprintf_unchecked, want, __VA_ARGS__)

KTEST(vsprintf, plain_text)
{
	EXPECT_FORMAT(t, "", "%s", "");
	EXPECT_FORMAT(t, "no conversions here", "no conversions here");
}

KTEST(vsprintf, signed_decimal)
{
	EXPECT_FORMAT(t, "0", "%d", 0);
	EXPECT_FORMAT(t, "42", "%d", 42);
	EXPECT_FORMAT(t, "-42", "%d", -42);
	EXPECT_FORMAT(t, "-17", "%i", -17);
	EXPECT_FORMAT(t, "2147483647", "%d", INT32_MAX);
	EXPECT_FORMAT(t, "-2147483648", "%d", (int)INT32_MIN);
}

KTEST(vsprintf, unsigned_decimal)
{
	EXPECT_FORMAT(t, "0", "%u", 0u);
	EXPECT_FORMAT(t, "4294967295", "%u", UINT32_MAX);
	/* The same bits as -1, read as unsigned. */
	EXPECT_FORMAT(t, "4294967295", "%u", (unsigned int)-1);
}

KTEST(vsprintf, hex)
{
	EXPECT_FORMAT(t, "0", "%x", 0u);
	EXPECT_FORMAT(t, "deadbeef", "%x", 0xdeadbeefu);
	EXPECT_FORMAT(t, "DEADBEEF", "%X", 0xdeadbeefu);
	EXPECT_FORMAT(t, "ffffffff", "%x", UINT32_MAX);
}

KTEST(vsprintf, int64_min)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%lld", (long long)INT64_MIN);

	KEXPECT_EQ(t, n, 20);
	KEXPECT_STREQ(t, buf, "-9223372036854775808");
	EXPECT_FORMAT(t, "-9223372036854775808", "%ld", (long)INT64_MIN);
	EXPECT_FORMAT(t, "-9223372036854775807", "%lld", (long long)INT64_MIN + 1);
}

KTEST(vsprintf, int64_max_and_uint64_max)
{
	EXPECT_FORMAT(t, "9223372036854775807", "%lld", (long long)INT64_MAX);
	EXPECT_FORMAT(t, "18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	EXPECT_FORMAT(t, "ffffffffffffffff", "%llx", (unsigned long long)UINT64_MAX);
	EXPECT_FORMAT(t, "FFFFFFFFFFFFFFFF", "%llX", (unsigned long long)UINT64_MAX);
	EXPECT_FORMAT(t, "0", "%llu", 0ull);
}

KTEST(vsprintf, length_modifiers)
{
	EXPECT_FORMAT(t, "-1", "%ld", -1l);
	EXPECT_FORMAT(t, "18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	EXPECT_FORMAT(t, "123456789abc", "%lx", 0x123456789abcul);
	EXPECT_FORMAT(t, "-5", "%lli", -5ll);
	EXPECT_FORMAT(t, "18446744073709551615", "%zu", (size_t)UINT64_MAX);
	EXPECT_FORMAT(t, "1000", "%zx", (size_t)0x1000);
	/* Unchecked: cppcheck mistakes kernel/types.h's ssize_t for a mismatched long. */
	EXPECT_FORMAT_UNCHECKED(t, "-1", "%zd", (ssize_t)-1);
	/* h and hh: the promoted int is cut back to short or char before printing. */
	EXPECT_FORMAT(t, "ff", "%hhx", (unsigned char)0xff);
	EXPECT_FORMAT(t, "-1", "%hhd", (signed char)-1);
	EXPECT_FORMAT(t, "65535", "%hu", (unsigned short)0xffff);
	EXPECT_FORMAT(t, "-32768", "%hd", (short)INT16_MIN);
	/* Wider values are cut too (unchecked: clang flags the int argument). */
	EXPECT_FORMAT_UNCHECKED(t, "ff", "%hhx", 0x1ff);
	EXPECT_FORMAT_UNCHECKED(t, "2345", "%hx", 0x12345);
	EXPECT_FORMAT_UNCHECKED(t, "-1", "%hd", 0xffff);
}

KTEST(vsprintf, long_does_not_truncate_to_int)
{
	/* Would print 0 if %lx fetched only an int's worth of the argument. */
	EXPECT_FORMAT(t, "100000000", "%lx", 0x100000000ul);
	EXPECT_FORMAT(t, "4294967296", "%llu", 0x100000000ull);
}

KTEST(vsprintf, width_pads_with_spaces)
{
	EXPECT_FORMAT(t, "   42", "%5d", 42);
	EXPECT_FORMAT(t, "  -42", "%5d", -42);
	EXPECT_FORMAT(t, "   ab", "%5x", 0xabu);
	/* A width smaller than the number never cuts it. */
	EXPECT_FORMAT(t, "123456", "%3d", 123456);
}

KTEST(vsprintf, zero_flag)
{
	EXPECT_FORMAT(t, "00042", "%05d", 42);
	/* The zeros go after the sign. */
	EXPECT_FORMAT(t, "-0042", "%05d", -42);
	EXPECT_FORMAT(t, "0000beef", "%08x", 0xbeefu);
	EXPECT_FORMAT(t, "00000000000000000000000000000042", "%032llu", 42ull);
}

KTEST(vsprintf, minus_flag)
{
	EXPECT_FORMAT(t, "42   |", "%-5d|", 42);
	EXPECT_FORMAT(t, "-42  |", "%-5d|", -42);
	EXPECT_FORMAT(t, "ab   |", "%-5s|", "ab");
	/* '-' wins over '0': no zeros on the right of a number. */
	EXPECT_FORMAT_UNCHECKED(t, "42   |", "%-05d|", 42);
}

KTEST(vsprintf, star_width)
{
	EXPECT_FORMAT(t, "   42", "%*d", 5, 42);
	EXPECT_FORMAT(t, "00042", "%0*d", 5, 42);
	EXPECT_FORMAT(t, "    hi", "%*s", 6, "hi");
	/* The width comes before the value in the argument list. */
	EXPECT_FORMAT(t, "  7|x", "%*u|%s", 3, 7u, "x");
}

KTEST(vsprintf, negative_star_width_left_justifies)
{
	EXPECT_FORMAT(t, "42   |", "%*d|", -5, 42);
	EXPECT_FORMAT(t, "hi    |", "%*s|", -6, "hi");
	/* Left-justified, so the '0' flag no longer applies. */
	EXPECT_FORMAT(t, "42   |", "%0*d|", -5, 42);
}

KTEST(vsprintf, strings)
{
	EXPECT_FORMAT(t, "hello", "%s", "hello");
	EXPECT_FORMAT(t, "   hello", "%8s", "hello");
	EXPECT_FORMAT(t, "hello   |", "%-8s|", "hello");
	EXPECT_FORMAT(t, "a=b", "%s=%s", "a", "b");
	/* Strings are never zero-padded. */
	EXPECT_FORMAT_UNCHECKED(t, "   ab", "%05s", "ab");
}

KTEST(vsprintf, null_string)
{
	/* Unchecked: GCC knows the argument is NULL and would reject the call. */
	EXPECT_FORMAT_UNCHECKED(t, "(null)", "%s", (const char *)NULL);
	EXPECT_FORMAT_UNCHECKED(t, "  (null)", "%8s", (const char *)NULL);
	EXPECT_FORMAT_UNCHECKED(t, "(nu", "%.3s", (const char *)NULL);
}

KTEST(vsprintf, string_precision)
{
	/* Not NUL-terminated: the precision must stop the read, not just the output. */
	const char unterminated[3] = {'a', 'b', 'c'};

	EXPECT_FORMAT(t, "hel", "%.3s", "hello");
	EXPECT_FORMAT(t, "he", "%.*s", 2, "hello");
	EXPECT_FORMAT(t, "hi", "%.10s", "hi");
	EXPECT_FORMAT(t, "", "%.0s", "hello");
	EXPECT_FORMAT(t, "     hel", "%8.3s", "hello");
	EXPECT_FORMAT(t, "ab", "%.2s", unterminated);
	/* A negative '*' precision means no precision at all. */
	EXPECT_FORMAT(t, "hello", "%.*s", -1, "hello");
}

KTEST(vsprintf, integer_precision)
{
	EXPECT_FORMAT(t, "00042", "%.5d", 42);
	EXPECT_FORMAT(t, "-00042", "%.5d", -42);
	EXPECT_FORMAT(t, "     02a", "%8.3x", 0x2au);
	/* Precision 0 prints no digits for the value 0. */
	EXPECT_FORMAT(t, "", "%.0d", 0);
	/* A precision turns the '0' flag off. */
	EXPECT_FORMAT_UNCHECKED(t, "  042", "%05.3d", 42);
}

KTEST(vsprintf, chars)
{
	EXPECT_FORMAT(t, "A", "%c", 'A');
	EXPECT_FORMAT(t, "  A", "%3c", 'A');
	EXPECT_FORMAT(t, "A  |", "%-3c|", 'A');
	EXPECT_FORMAT(t, "xyz", "%c%c%c", 'x', 'y', 'z');
}

KTEST(vsprintf, pointer)
{
	EXPECT_FORMAT(t, "0x0000000000001234", "%p", (void *)0x1234);
	EXPECT_FORMAT(t, "0x0000000000000000", "%p", (void *)NULL);
	EXPECT_FORMAT(t, "0xffffffff80000000", "%p", (void *)0xffffffff80000000ul);
	EXPECT_FORMAT(t, "  0x00000000deadbeef", "%20p", (void *)0xdeadbeeful);
	EXPECT_FORMAT(t, "0x00000000deadbeef  |", "%-20p|", (void *)0xdeadbeeful);
}

KTEST(vsprintf, percent)
{
	EXPECT_FORMAT(t, "%", "%%");
	EXPECT_FORMAT(t, "100%", "100%%");
	EXPECT_FORMAT(t, "%5%", "%%%d%%", 5);
}

KTEST(vsprintf, unknown_conversion_printed_as_written)
{
	EXPECT_FORMAT_UNCHECKED(t, "%q", "%q");
	EXPECT_FORMAT_UNCHECKED(t, "a%5qb", "a%5qb");
	EXPECT_FORMAT_UNCHECKED(t, "a%-08.3llqb", "a%-08.3llqb");
	/* A format that ends inside a specification. */
	EXPECT_FORMAT_UNCHECKED(t, "abc%", "abc%");
	EXPECT_FORMAT_UNCHECKED(t, "abc%5l", "abc%5l");
	/* The conversions after an unknown one still line up with their arguments. */
	EXPECT_FORMAT_UNCHECKED(t, "%q 7", "%q %d", 7);
}

KTEST(vsprintf, truncates_at_size)
{
	char area[8 + 1]; /* an 8-byte buffer and a guard byte after it */
	int n;

	memset(area, GUARD_BYTE, sizeof(area));
	n = snprintf(area, 8, "%s", "hello, world");
	KEXPECT_EQ(t, n, 12);
	KEXPECT_STREQ(t, area, "hello, ");
	KEXPECT_EQ(t, area[8], GUARD_BYTE);

	memset(area, GUARD_BYTE, sizeof(area));
	n = snprintf(area, 4, "%d", 123456789);
	KEXPECT_EQ(t, n, 9);
	KEXPECT_STREQ(t, area, "123");
	KEXPECT_EQ(t, area[4], GUARD_BYTE);
}

KTEST(vsprintf, truncates_inside_padding)
{
	char area[6 + 1];
	int n;

	memset(area, GUARD_BYTE, sizeof(area));
	n = snprintf(area, 6, "%-10d|", 42);
	KEXPECT_EQ(t, n, 11);
	KEXPECT_STREQ(t, area, "42   ");
	KEXPECT_EQ(t, area[6], GUARD_BYTE);

	memset(area, GUARD_BYTE, sizeof(area));
	n = snprintf(area, 6, "%p", (void *)0x1);
	KEXPECT_EQ(t, n, 18);
	KEXPECT_STREQ(t, area, "0x000");
	KEXPECT_EQ(t, area[6], GUARD_BYTE);
}

KTEST(vsprintf, exact_fit)
{
	char area[6 + 1];
	int n;

	memset(area, GUARD_BYTE, sizeof(area));
	n = snprintf(area, 6, "%s", "hello");
	KEXPECT_EQ(t, n, 5);
	KEXPECT_STREQ(t, area, "hello");
	KEXPECT_EQ(t, area[6], GUARD_BYTE);
}

KTEST(vsprintf, size_one_writes_only_nul)
{
	char area[2];
	int n;

	memset(area, GUARD_BYTE, sizeof(area));
	n = snprintf(area, 1, "%s", "abc");
	KEXPECT_EQ(t, n, 3);
	KEXPECT_EQ(t, area[0], '\0');
	KEXPECT_EQ(t, area[1], GUARD_BYTE);
}

KTEST(vsprintf, size_zero_writes_nothing)
{
	char area[4];
	int n;

	memset(area, GUARD_BYTE, sizeof(area));
	n = snprintf(area, 0, "hello %d", 42);
	KEXPECT_EQ(t, n, 8);
	KEXPECT_EQ(t, area[0], GUARD_BYTE);
	KEXPECT_EQ(t, area[3], GUARD_BYTE);

	/* The usual way to measure before allocating. */
	n = snprintf(NULL, 0, "%lld", (long long)INT64_MIN);
	KEXPECT_EQ(t, n, 20);
}

KTEST(vsprintf, mixed_conversions)
{
	EXPECT_FORMAT(t, "cpu 3: rip=0x00000000001000a0 err=-14 flags=0202 [ok]",
		      "cpu %u: rip=%p err=%d flags=%04x [%s]", 3u, (void *)0x1000a0, -14, 0x202u,
		      "ok");
}
