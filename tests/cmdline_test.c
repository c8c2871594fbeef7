/*
 * tests/cmdline_test.c - the command line parser (kernel/cmdline.c): option syntax,
 * quoting, limits and the repeated-key rule.
 *
 * These tests parse into their own struct cmdline and never touch kernel_cmdline, which
 * the test runner itself reads (`ktest=...`).
 */
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "tests/ktest.h"

/* About 1 KiB: static, not on the kernel stack. */
static struct cmdline cl;
static char long_line[CMDLINE_MAX_LEN * 2];

KTEST(cmdline, bare_and_value)
{
	KASSERT_EQ(t, cmdline_parse(&cl, "ktest loglevel=7"), 0);
	KEXPECT_EQ(t, cl.count, 2);
	KEXPECT_TRUE(t, cmdline_has(&cl, "ktest"));
	KEXPECT_NULL(t, cmdline_value(&cl, "ktest"));
	KEXPECT_STREQ(t, cmdline_value(&cl, "loglevel"), "7");
	KEXPECT_FALSE(t, cl.truncated);
}

KTEST(cmdline, bare_key_has_null_value)
{
	const struct cmdline_opt *opt;

	KASSERT_EQ(t, cmdline_parse(&cl, "quiet"), 0);
	opt = cmdline_find(&cl, "quiet");
	KASSERT_NOT_NULL(t, opt);
	KEXPECT_STREQ(t, opt->key, "quiet");
	KEXPECT_NULL(t, opt->value);
}

KTEST(cmdline, empty_value_is_not_bare)
{
	KASSERT_EQ(t, cmdline_parse(&cl, "console="), 0);
	KEXPECT_TRUE(t, cmdline_has(&cl, "console"));
	KEXPECT_STREQ(t, cmdline_value(&cl, "console"), "");
}

/* Only the first '=' splits: the value may contain more. */
KTEST(cmdline, value_keeps_later_equals)
{
	KASSERT_EQ(t, cmdline_parse(&cl, "root=UUID=1234"), 0);
	KEXPECT_STREQ(t, cmdline_value(&cl, "root"), "UUID=1234");
}

KTEST(cmdline, quoted_values)
{
	KASSERT_EQ(t, cmdline_parse(&cl, "init=\"/bin/sh -x\" opt=\"a=b  c\" last"), 0);
	KEXPECT_EQ(t, cl.count, 3);
	KEXPECT_STREQ(t, cmdline_value(&cl, "init"), "/bin/sh -x");
	KEXPECT_STREQ(t, cmdline_value(&cl, "opt"), "a=b  c");
	KEXPECT_TRUE(t, cmdline_has(&cl, "last"));
}

/* A quote around the whole option, as Linux also accepts, and an empty quoted value. */
KTEST(cmdline, quotes_anywhere_in_option)
{
	KASSERT_EQ(t, cmdline_parse(&cl, "\"msg=hello world\" empty=\"\""), 0);
	KEXPECT_EQ(t, cl.count, 2);
	KEXPECT_STREQ(t, cmdline_value(&cl, "msg"), "hello world");
	KEXPECT_STREQ(t, cmdline_value(&cl, "empty"), "");
}

KTEST(cmdline, unclosed_quote_runs_to_end)
{
	KASSERT_EQ(t, cmdline_parse(&cl, "a=\"b c  d"), 0);
	KEXPECT_EQ(t, cl.count, 1);
	KEXPECT_STREQ(t, cmdline_value(&cl, "a"), "b c  d");
}

KTEST(cmdline, spaces_tabs_and_newlines_separate)
{
	KASSERT_EQ(t, cmdline_parse(&cl, "  \ta \t\t b=1   c\n"), 0);
	KASSERT_EQ(t, cl.count, 3);
	KEXPECT_STREQ(t, cl.opts[0].key, "a");
	KEXPECT_STREQ(t, cl.opts[1].key, "b");
	KEXPECT_STREQ(t, cl.opts[1].value, "1");
	KEXPECT_STREQ(t, cl.opts[2].key, "c");
}

KTEST(cmdline, empty_and_null_lines)
{
	KEXPECT_EQ(t, cmdline_parse(&cl, ""), 0);
	KEXPECT_EQ(t, cl.count, 0);
	KEXPECT_EQ(t, cmdline_parse(&cl, " \t "), 0);
	KEXPECT_EQ(t, cl.count, 0);
	KEXPECT_EQ(t, cmdline_parse(&cl, NULL), 0);
	KEXPECT_EQ(t, cl.count, 0);
}

KTEST(cmdline, missing_key)
{
	KASSERT_EQ(t, cmdline_parse(&cl, "ktest_death=a.b loglevel=7"), 0);
	KEXPECT_NULL(t, cmdline_find(&cl, "nosmp"));
	KEXPECT_FALSE(t, cmdline_has(&cl, "nosmp"));
	KEXPECT_NULL(t, cmdline_value(&cl, "nosmp"));
	/* Keys match whole, never by prefix. */
	KEXPECT_FALSE(t, cmdline_has(&cl, "ktest"));
	KEXPECT_FALSE(t, cmdline_has(&cl, "loglevel=7"));
}

/* The last occurrence of a key wins, whether it has a value or not. */
KTEST(cmdline, repeated_key_last_wins)
{
	KASSERT_EQ(t, cmdline_parse(&cl, "loglevel=3 quiet loglevel=7"), 0);
	KEXPECT_EQ(t, cl.count, 3);
	KEXPECT_STREQ(t, cmdline_value(&cl, "loglevel"), "7");

	KASSERT_EQ(t, cmdline_parse(&cl, "foo=1 foo"), 0);
	KEXPECT_TRUE(t, cmdline_has(&cl, "foo"));
	KEXPECT_NULL(t, cmdline_value(&cl, "foo"));
}

/* Parsing again forgets the previous line. */
KTEST(cmdline, reparse_replaces)
{
	KASSERT_EQ(t, cmdline_parse(&cl, "a b c"), 0);
	KASSERT_EQ(t, cmdline_parse(&cl, "d"), 0);
	KEXPECT_EQ(t, cl.count, 1);
	KEXPECT_FALSE(t, cmdline_has(&cl, "a"));
}

KTEST(cmdline, too_many_options)
{
	char *p = long_line;
	int i;

	/* "o0 o1 ... o39": more options than CMDLINE_MAX_OPTS, each short. */
	for (i = 0; i < CMDLINE_MAX_OPTS + 8; i++) {
		*p++ = 'o';
		if (i >= 10)
			*p++ = (char)('0' + i / 10);
		*p++ = (char)('0' + i % 10);
		*p++ = ' ';
	}
	*p = '\0';
	KEXPECT_EQ(t, cmdline_parse(&cl, long_line), -E2BIG);
	KEXPECT_TRUE(t, cl.truncated);
	KEXPECT_EQ(t, cl.count, CMDLINE_MAX_OPTS);
	KEXPECT_TRUE(t, cmdline_has(&cl, "o0"));
	KEXPECT_TRUE(t, cmdline_has(&cl, "o31"));
	KEXPECT_FALSE(t, cmdline_has(&cl, "o32"));
}

/* An option that does not fit is dropped whole, with everything after it. */
KTEST(cmdline, too_long_line)
{
	static const char head[] = "first=1 big=";
	size_t len = strlen(head);
	char *tail = long_line + len + CMDLINE_MAX_LEN;

	memcpy(long_line, head, len);
	memset(long_line + len, 'x', CMDLINE_MAX_LEN);
	strlcpy(tail, " last=2", sizeof(long_line) - (size_t)(tail - long_line));
	KEXPECT_EQ(t, cmdline_parse(&cl, long_line), -E2BIG);
	KEXPECT_TRUE(t, cl.truncated);
	KEXPECT_EQ(t, cl.count, 1);
	KEXPECT_STREQ(t, cmdline_value(&cl, "first"), "1");
	KEXPECT_FALSE(t, cmdline_has(&cl, "big"));
	KEXPECT_FALSE(t, cmdline_has(&cl, "last"));
}

/* The longest line that fits: CMDLINE_MAX_LEN - 1 bytes, plus the NUL the parser adds. */
KTEST(cmdline, longest_line_fits)
{
	memset(long_line, 'k', CMDLINE_MAX_LEN - 1);
	long_line[CMDLINE_MAX_LEN - 1] = '\0';
	KEXPECT_EQ(t, cmdline_parse(&cl, long_line), 0);
	KEXPECT_FALSE(t, cl.truncated);
	KASSERT_EQ(t, cl.count, 1);
	KEXPECT_EQ(t, strlen(cl.opts[0].key), (size_t)CMDLINE_MAX_LEN - 1);

	long_line[CMDLINE_MAX_LEN - 1] = 'k';
	long_line[CMDLINE_MAX_LEN] = '\0';
	KEXPECT_EQ(t, cmdline_parse(&cl, long_line), -E2BIG);
	KEXPECT_EQ(t, cl.count, 0);
}

/* With buf exactly full, even an empty option ("" gives key "") has no room left. */
KTEST(cmdline, full_buffer_rejects_empty_option)
{
	memset(long_line, 'k', CMDLINE_MAX_LEN - 1);
	strlcpy(long_line + CMDLINE_MAX_LEN - 1, " \"\"", sizeof(long_line) - CMDLINE_MAX_LEN + 1);
	KEXPECT_EQ(t, cmdline_parse(&cl, long_line), -E2BIG);
	KEXPECT_TRUE(t, cl.truncated);
	KEXPECT_EQ(t, cl.count, 1);
}

/* QEMU's fw_cfg line is appended after the boot loader's: its options win. */
KTEST(cmdline, append_overrides_earlier_options)
{
	KASSERT_EQ(t, cmdline_parse(&cl, "loglevel=3 quiet"), 0);
	KASSERT_EQ(t, cmdline_append(&cl, "ktest=vsprintf loglevel=7"), 0);
	KEXPECT_EQ(t, cl.count, 4);
	KEXPECT_STREQ(t, cmdline_value(&cl, "loglevel"), "7");
	KEXPECT_STREQ(t, cmdline_value(&cl, "ktest"), "vsprintf");
	KEXPECT_TRUE(t, cmdline_has(&cl, "quiet"));
	/* The first line's strings were not overwritten by the second's. */
	KEXPECT_STREQ(t, cl.opts[0].value, "3");
	KEXPECT_EQ(t, cmdline_append(&cl, NULL), 0);
	KEXPECT_EQ(t, cl.count, 4);
}

/*
 * The two lines share one buffer. Once an option did not fit, nothing more is added, not
 * even a short option that would: the line is cut at one place only.
 */
KTEST(cmdline, append_after_truncation_adds_nothing)
{
	const size_t first = CMDLINE_MAX_LEN - 16; /* leaves 15 bytes: "c\0" fits, 16+1 not */

	memset(long_line, 'k', first);
	long_line[first] = '\0';
	KASSERT_EQ(t, cmdline_parse(&cl, long_line), 0);
	KEXPECT_EQ(t, cmdline_append(&cl, "sixteen_bytes_xx"), -E2BIG);
	KEXPECT_TRUE(t, cl.truncated);
	KEXPECT_EQ(t, cmdline_append(&cl, "c"), -E2BIG);
	KEXPECT_EQ(t, cl.count, 1);
	KEXPECT_FALSE(t, cmdline_has(&cl, "c"));
}
