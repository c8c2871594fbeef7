/*
 * tests/string_test.c - tests for kernel/string.c, the freestanding memory and string
 * routines.
 *
 * Besides the ordinary cases, these pin down the edges that callers rely on: memmove with
 * overlap in both directions, comparisons by unsigned char, strlcpy's truncation and
 * return value, and glob_match as the test runner uses it ("suite.*").
 */
#include "kernel/string.h"
#include "tests/ktest.h"

/* Filled into buffers before a call, to see which bytes the call wrote. */
#define GUARD_BYTE 0x5a

KTEST(string, memcpy_copies_n_bytes)
{
	char dst[8];
	const char src[] = "abcdef";

	memset(dst, GUARD_BYTE, sizeof(dst));
	KEXPECT_PTR_EQ(t, memcpy(dst, src, 4), dst);
	KEXPECT_EQ(t, memcmp(dst, "abcd", 4), 0);
	KEXPECT_EQ(t, dst[4], GUARD_BYTE);

	/* n == 0 touches nothing. */
	memcpy(dst, "zz", 0);
	KEXPECT_EQ(t, dst[0], 'a');
}

KTEST(string, memcpy_large)
{
	u8 src[300], dst[300];
	size_t i;

	for (i = 0; i < sizeof(src); i++)
		src[i] = (u8)(i * 7);
	memcpy(dst, src, sizeof(src));
	KEXPECT_EQ(t, memcmp(dst, src, sizeof(src)), 0);
}

KTEST(string, memmove_overlap_dst_after_src)
{
	char buf[] = "abcdefgh";

	/* Copies downwards: a forward copy would smear "ab" over the whole range. */
	KEXPECT_PTR_EQ(t, memmove(buf + 2, buf, 5), buf + 2);
	KEXPECT_STREQ(t, buf, "ababcdeh");
}

KTEST(string, memmove_overlap_dst_before_src)
{
	char buf[] = "abcdefgh";

	KEXPECT_PTR_EQ(t, memmove(buf, buf + 2, 5), buf);
	KEXPECT_STREQ(t, buf, "cdefgfgh");
}

KTEST(string, memmove_overlap_large)
{
	u8 buf[256];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)i;
	memmove(buf + 1, buf, 200);
	KEXPECT_EQ(t, buf[0], 0);
	for (i = 1; i <= 200; i++)
		KEXPECT_EQ(t, buf[i], (u8)(i - 1));
	KEXPECT_EQ(t, buf[201], 201);

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)i;
	memmove(buf, buf + 7, 200);
	for (i = 0; i < 200; i++)
		KEXPECT_EQ(t, buf[i], (u8)(i + 7));
	KEXPECT_EQ(t, buf[200], 200);
}

KTEST(string, memmove_same_and_disjoint)
{
	char buf[] = "abcdefgh";
	char other[4] = "xyz";

	memmove(buf, buf, 8);
	KEXPECT_STREQ(t, buf, "abcdefgh");
	memmove(buf, other, 3);
	KEXPECT_STREQ(t, buf, "xyzdefgh");
	memmove(buf + 1, buf, 0);
	KEXPECT_STREQ(t, buf, "xyzdefgh");
}

KTEST(string, memset_fills_n_bytes)
{
	u8 buf[8];

	memset(buf, GUARD_BYTE, sizeof(buf));
	KEXPECT_PTR_EQ(t, memset(buf, 0, 5), buf);
	KEXPECT_EQ(t, buf[0], 0);
	KEXPECT_EQ(t, buf[4], 0);
	KEXPECT_EQ(t, buf[5], GUARD_BYTE);

	/* c is converted to unsigned char, so -1 stores 0xff. */
	memset(buf, -1, 2);
	KEXPECT_EQ(t, buf[0], 0xff);
	KEXPECT_EQ(t, buf[1], 0xff);
	KEXPECT_EQ(t, buf[2], 0);
}

KTEST(string, memcmp_orders_unsigned_bytes)
{
	/* Arrays rather than literals throughout: cppcheck rejects comparing two literals. */
	const char abc[] = "abc", abd[] = "abd", abx[] = "abX", aby[] = "abY";
	const u8 low[] = {1, 2, 0x01};
	const u8 high[] = {1, 2, 0x80};

	KEXPECT_EQ(t, memcmp(abc, "abc", 3), 0);
	KEXPECT_LT(t, memcmp(abc, abd, 3), 0);
	KEXPECT_GT(t, memcmp(abd, abc, 3), 0);
	/* 0x80 is above 0x01 as unsigned char, though negative as a signed char. */
	KEXPECT_LT(t, memcmp(low, high, 3), 0);
	KEXPECT_GT(t, memcmp(high, low, 3), 0);
	/* Bytes past n do not matter. */
	KEXPECT_EQ(t, memcmp(abx, aby, 2), 0);
	KEXPECT_EQ(t, memcmp(abc, abd, 0), 0);
}

KTEST(string, strlen_and_strnlen)
{
	const char unterminated[4] = {'a', 'b', 'c', 'd'};

	KEXPECT_EQ(t, strlen(""), 0u);
	KEXPECT_EQ(t, strlen("abc"), 3u);
	KEXPECT_EQ(t, strnlen("abc", 10), 3u);
	KEXPECT_EQ(t, strnlen("abcdef", 4), 4u);
	KEXPECT_EQ(t, strnlen("abc", 0), 0u);
	/* strnlen must not read past max, so an unterminated array is fine. */
	KEXPECT_EQ(t, strnlen(unterminated, sizeof(unterminated)), 4u);
}

KTEST(string, strcmp_orders_strings)
{
	const char empty[] = "", ab[] = "ab", abc[] = "abc", abd[] = "abd";
	const char high[] = "\x80", low[] = "\x01";

	KEXPECT_EQ(t, strcmp(empty, ""), 0);
	KEXPECT_EQ(t, strcmp(abc, "abc"), 0);
	KEXPECT_LT(t, strcmp(abc, abd), 0);
	KEXPECT_GT(t, strcmp(abd, abc), 0);
	/* A prefix sorts first. */
	KEXPECT_LT(t, strcmp(ab, abc), 0);
	KEXPECT_GT(t, strcmp(abc, ab), 0);
	/* Characters compare as unsigned char. */
	KEXPECT_GT(t, strcmp(high, low), 0);
}

KTEST(string, strncmp_stops_after_n)
{
	const char ab[] = "ab", abc[] = "abc", abcx[] = "abcX", abcy[] = "abcY";
	const char after_nul_x[] = "ab\0x", after_nul_y[] = "ab\0y";
	const char high[] = "\x80", low[] = "\x01";

	KEXPECT_EQ(t, strncmp(abcx, abcy, 3), 0);
	KEXPECT_LT(t, strncmp(abcx, abcy, 4), 0);
	KEXPECT_EQ(t, strncmp(abcx, abcy, 0), 0);
	/* Equal strings shorter than n: the comparison stops at the NUL, not at n. */
	KEXPECT_EQ(t, strncmp(after_nul_x, after_nul_y, sizeof(after_nul_x)), 0);
	KEXPECT_LT(t, strncmp(ab, abc, 100), 0);
	KEXPECT_GT(t, strncmp(high, low, 1), 0);
}

KTEST(string, strchr_finds_first)
{
	const char *s = "hello";

	KEXPECT_PTR_EQ(t, strchr(s, 'l'), s + 2);
	KEXPECT_PTR_EQ(t, strchr(s, 'h'), s);
	KEXPECT_NULL(t, strchr(s, 'z'));
	/* The terminator counts as part of the string. */
	KEXPECT_PTR_EQ(t, strchr(s, '\0'), s + 5);
}

KTEST(string, strlcpy_fits)
{
	char dst[8];

	KEXPECT_EQ(t, strlcpy(dst, "abc", sizeof(dst)), 3u);
	KEXPECT_STREQ(t, dst, "abc");
	KEXPECT_EQ(t, strlcpy(dst, "1234567", sizeof(dst)), 7u);
	KEXPECT_STREQ(t, dst, "1234567");
}

KTEST(string, strlcpy_truncates)
{
	char area[4 + 1]; /* a 4-byte buffer and a guard byte after it */

	memset(area, GUARD_BYTE, sizeof(area));
	/* Returns the length it wanted, so callers can detect the truncation. */
	KEXPECT_EQ(t, strlcpy(area, "abcdef", 4), 6u);
	KEXPECT_STREQ(t, area, "abc");
	KEXPECT_EQ(t, area[4], GUARD_BYTE);

	memset(area, GUARD_BYTE, sizeof(area));
	KEXPECT_EQ(t, strlcpy(area, "abcdef", 1), 6u);
	KEXPECT_EQ(t, area[0], '\0');
	KEXPECT_EQ(t, area[1], GUARD_BYTE);

	/* size 0: nothing written at all, not even the NUL. */
	memset(area, GUARD_BYTE, sizeof(area));
	KEXPECT_EQ(t, strlcpy(area, "abc", 0), 3u);
	KEXPECT_EQ(t, area[0], GUARD_BYTE);
}

KTEST(string, glob_literal)
{
	KEXPECT_TRUE(t, glob_match("abc", "abc"));
	KEXPECT_FALSE(t, glob_match("abc", "abd"));
	KEXPECT_FALSE(t, glob_match("abc", "ab"));
	KEXPECT_FALSE(t, glob_match("ab", "abc"));
}

KTEST(string, glob_empty_pattern)
{
	KEXPECT_TRUE(t, glob_match("", ""));
	KEXPECT_FALSE(t, glob_match("", "a"));
}

KTEST(string, glob_star)
{
	KEXPECT_TRUE(t, glob_match("*", ""));
	KEXPECT_TRUE(t, glob_match("*", "anything.at_all"));
	KEXPECT_TRUE(t, glob_match("**", "x"));
	KEXPECT_TRUE(t, glob_match("a*c", "ac"));
	KEXPECT_TRUE(t, glob_match("a*c", "abbbc"));
	KEXPECT_FALSE(t, glob_match("a*c", "abbbd"));
	KEXPECT_TRUE(t, glob_match("a*b*c", "a-b-b-c"));
	/* The star must give back characters: "*ab" against "aab" needs a retry. */
	KEXPECT_TRUE(t, glob_match("*ab", "aab"));
	KEXPECT_TRUE(t, glob_match("*aab", "aaab"));
	KEXPECT_FALSE(t, glob_match("*ab", "aba"));
}

KTEST(string, glob_question_mark)
{
	KEXPECT_TRUE(t, glob_match("?", "x"));
	KEXPECT_FALSE(t, glob_match("?", ""));
	KEXPECT_FALSE(t, glob_match("?", "xy"));
	KEXPECT_TRUE(t, glob_match("a?c", "abc"));
	KEXPECT_TRUE(t, glob_match("??*", "ab"));
	KEXPECT_FALSE(t, glob_match("??*", "a"));
}

KTEST(string, glob_test_selection)
{
	/* The shapes of ktest= filters. */
	KEXPECT_TRUE(t, glob_match("suite.*", "suite.name"));
	KEXPECT_TRUE(t, glob_match("suite.*", "suite."));
	KEXPECT_FALSE(t, glob_match("suite.*", "suite"));
	KEXPECT_FALSE(t, glob_match("suite.*", "suitex.name"));
	KEXPECT_FALSE(t, glob_match("suite.*", "other.name"));
	KEXPECT_TRUE(t, glob_match("*.name", "suite.name"));
	KEXPECT_FALSE(t, glob_match("*.name", "suite.names"));
	KEXPECT_FALSE(t, glob_match("*.name", "suite.other"));
	KEXPECT_TRUE(t, glob_match("string.glob_*", "string.glob_star"));
}
