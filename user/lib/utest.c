/*
 * user/lib/utest.c - runs a test program's UTEST() cases and prints its KTAP suite.
 *
 * The user-space twin of tests/ktest.c, and its output has the same shape line for line
 * (see user/lib/utest.h and docs/testing.md), so that the kernel's console shows one
 * KTAP document: the kernel's suites, then one suite per user test program, whose
 * top-level result line init prints. This file provides main(): a test program is just
 * UTEST_SUITE() and its UTEST()s.
 */
#include "user/lib/utest.h"

#include <setjmp.h>
#include <stdarg.h>

#define UTEST_MAX_CASES 256
#define UTEST_MSG_SIZE 256
#define UTEST_SKIP_REASON_SIZE 96

extern const struct utest_case __start_utest_cases[], __stop_utest_cases[];
extern const char utest_suite_name[]; /* UTEST_SUITE() */

struct utest_totals {
	int pass, fail, skip;
};

/* The running test. Static, not on run_case's stack: it must stay valid across longjmp,
 * which restores registers the compiler may have cached it in. */
static struct {
	const struct utest_case *tcase;
	int failures;
	bool skipped;
	char skip_reason[UTEST_SKIP_REASON_SIZE];
	jmp_buf env;
} running;

/* The harness's own pid: an assertion in any other process (a forked child, a thread)
 * cannot longjmp back into the harness, so it ends that process instead. */
static pid_t harness_pid;

int utest_argc;
char **utest_argv;

/* The cases in running order: by file, then by source line (the compiler may emit a
 * file's registrations in any order). */
static const struct utest_case *cases[UTEST_MAX_CASES];
static int case_count;

static bool runs_before(const struct utest_case *a, const struct utest_case *b)
{
	int by_file = strcmp(a->file, b->file);

	return by_file ? by_file < 0 : a->line < b->line;
}

/* Gather and sort the registrations; false (with a message) if there are too many. */
static bool sort_cases(void)
{
	/* One array laid out by the linker, which cppcheck cannot know. */
	/* cppcheck-suppress comparePointers */
	for (const struct utest_case *c = __start_utest_cases; c < __stop_utest_cases; c++) {
		int i = case_count++;

		if (case_count > UTEST_MAX_CASES) {
			printf("# %s: more than %d tests\n", utest_suite_name, UTEST_MAX_CASES);
			return false;
		}
		while (i > 0 && runs_before(c, cases[i - 1])) { /* insertion sort */
			cases[i] = cases[i - 1];
			i--;
		}
		cases[i] = c;
	}
	return true;
}

static void print_failure_header(const char *file, int line, bool assertion)
{
	running.failures++;
	printf("    # %s: %s FAILED at %s:%d\n", running.tcase ? running.tcase->name : "?",
	       assertion ? "ASSERTION" : "EXPECTATION", file, line);
}

/* One side of a failed integer comparison, printed as its own type's value. */
static void print_int(const char *expr, unsigned long long bits, bool is_unsigned)
{
	if (is_unsigned)
		printf("        %s == %llu (0x%llx)\n", expr, bits, bits);
	else
		printf("        %s == %lld (0x%llx)\n", expr, (long long)bits, bits);
}

void utest_fail_int(const char *file, int line, bool assertion, const char *op,
		    const char *left_expr, unsigned long long left, const char *right_expr,
		    unsigned long long right, unsigned int unsigned_sides)
{
	print_failure_header(file, line, assertion);
	printf("    Expected %s %s %s, but\n", left_expr, op, right_expr);
	print_int(left_expr, left, unsigned_sides & UTEST_LEFT_UNSIGNED);
	print_int(right_expr, right, unsigned_sides & UTEST_RIGHT_UNSIGNED);
}

void utest_fail_ptr(const char *file, int line, bool assertion, const char *op,
		    const char *left_expr, const void *left, const char *right_expr,
		    const void *right)
{
	print_failure_header(file, line, assertion);
	printf("    Expected %s %s %s, but\n", left_expr, op, right_expr);
	printf("        %s == %p\n", left_expr, left);
	printf("        %s == %p\n", right_expr, right);
}

void utest_fail_str(const char *file, int line, bool assertion, const char *op,
		    const char *left_expr, const char *left, const char *right_expr,
		    const char *right)
{
	print_failure_header(file, line, assertion);
	printf("    Expected %s %s %s, but\n", left_expr, op, right_expr);
	printf("        %s == \"%s\"\n", left_expr, left);
	printf("        %s == \"%s\"\n", right_expr, right);
}

void utest_fail_msg(const char *file, int line, bool assertion, const char *fmt, ...)
{
	char msg[UTEST_MSG_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_failure_header(file, line, assertion);
	printf("    %s\n", msg);
}

void utest_fail_errno(const char *file, int line, bool assertion, const char *expr, long ret,
		      int err, const char *err_name, int got)
{
	print_failure_header(file, line, assertion);
	printf("    Expected %s to fail with %s (%d), but\n", expr, err_name, err);
	printf("        it returned %ld with errno %d (%s)\n", ret, got, strerror(got));
}

bool utest_check_status(const char *file, int line, bool assertion, const char *expr, int status,
			int want_signal, int want_code)
{
	char want[48], got[48];

	if (status >= 0 && want_signal && WIFSIGNALED(status) && WTERMSIG(status) == want_signal)
		return true;
	if (status >= 0 && !want_signal && WIFEXITED(status) && WEXITSTATUS(status) == want_code)
		return true;
	if (want_signal)
		snprintf(want, sizeof(want), "killed by signal %d", want_signal);
	else
		snprintf(want, sizeof(want), "exited with status %d", want_code);
	if (status < 0)
		snprintf(got, sizeof(got), "is %d (no child was waited for)", status);
	else
		wait_status_text(status, got, sizeof(got));
	utest_fail_msg(file, line, assertion, "Expected %s: %s, but it %s", expr, want, got);
	if (assertion)
		utest_abort();
	return false;
}

void utest_log(const char *fmt, ...)
{
	char msg[UTEST_MSG_SIZE];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("    # %s: %s\n", running.tcase ? running.tcase->name : "?", msg);
}

/* In another process, _exit and not exit: a clone sharing our memory must not run the
 * C library's exit work (atexit, stdio) on the harness's state. stdout is line-buffered
 * (main), so nothing of this process is left in it. */
void utest_abort(void)
{
	if (getpid() != harness_pid)
		_exit(UTEST_CHILD_FAILED);
	longjmp(running.env, 1);
}

void utest_skip(const char *reason)
{
	running.skipped = true;
	snprintf(running.skip_reason, sizeof(running.skip_reason), "%s", reason);
	utest_abort();
}

int utest_run_child(int (*fn)(void *), void *arg)
{
	int status, ret;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* The child's copy of `running`: count only the child's own failures. */
		running.failures = 0;
		ret = fn(arg);
		exit(running.failures ? UTEST_CHILD_FAILED : ret);
	}
	ret = waitpid(pid, &status, 0);
	if (ret < 0)
		return -errno;
	return status;
}

/* A test must not leave children behind: they would outlive it and be reaped (or not)
 * by a later test. Reap any and say so. */
static void reap_leftover_children(void)
{
	int status, left = 0;

	while (waitpid(-1, &status, 0) > 0)
		left++;
	if (left)
		utest_fail_msg(running.tcase->file, running.tcase->line, false,
			       "the test left %d child process(es) behind", left);
}

/* Run one case; print its result line; count it in totals. */
static void run_case(const struct utest_case *c, int index, struct utest_totals *totals)
{
	memset(&running, 0, sizeof(running));
	running.tcase = c;
	if (setjmp(running.env) == 0)
		c->fn();
	reap_leftover_children();

	if (running.failures) {
		totals->fail++;
		printf("    not ok %d %s\n", index, c->name);
	} else if (running.skipped) {
		totals->skip++;
		printf("    ok %d %s # SKIP %s\n", index, c->name, running.skip_reason);
	} else {
		totals->pass++;
		printf("    ok %d %s\n", index, c->name);
	}
}

/*
 * argv[1], if present, is this suite's index in the top-level KTAP plan (init's ktest
 * mode passes it); init then prints the result line. Without it the program prints a
 * whole KTAP document on its own. Exits 0 if no test failed, 1 otherwise.
 */
int main(int argc, char **argv)
{
	struct utest_totals totals = {0};
	bool standalone = argc < 2;
	long index;

	/* One line per write whatever stdout is (musl buffers fully when it is not a
	 * terminal): lines of several processes never mix, and a fork copies nothing
	 * unwritten. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!standalone && (!parse_long(argv[1], &index) || index <= 0)) {
		printf("# %s: usage: %s [<KTAP index>]\n", utest_suite_name, argv[0]);
		return 2;
	}
	harness_pid = getpid();
	utest_argc = argc;
	utest_argv = argv;
	if (!sort_cases())
		return 1;
	if (standalone)
		printf("KTAP version 1\n1..1\n");
	printf("    KTAP version 1\n    # Subtest: %s\n    1..%d\n", utest_suite_name, case_count);
	for (int i = 0; i < case_count; i++)
		run_case(cases[i], i + 1, &totals);
	printf("# %s: pass:%d fail:%d skip:%d total:%d\n", utest_suite_name, totals.pass,
	       totals.fail, totals.skip, case_count);
	if (standalone)
		printf("%s 1 %s\n", totals.fail ? "not ok" : "ok", utest_suite_name);
	return totals.fail ? 1 : 0;
}
