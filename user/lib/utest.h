/*
 * user/lib/utest.h - the test harness of sublet's user test programs (utest_*).
 *
 * The user-space twin of the kernel's tests/ktest.h: a test is a function registered
 * with UTEST(name); the linker gathers the registrations (section utest_cases, whose
 * bounds GNU ld names __start_utest_cases and __stop_utest_cases) and user/lib/utest.c,
 * which also provides main(), runs them in source order and prints one KTAP suite
 * exactly as the kernel prints its own:
 *
 *       KTAP version 1
 *       # Subtest: utest_basic
 *       1..6
 *       ok 1 getpid_is_stable
 *       not ok 2 ...
 *   # utest_basic: pass:5 fail:1 skip:0 total:6
 *
 * The program is started as `<name> <index>` by init's ktest mode, which prints the
 * top-level "ok <index> <name>" line itself from the exit status (0: all passed, 1: a
 * test failed). Without the index argument (run by hand, e.g. on a Linux host) the
 * program prints a complete KTAP document instead, top-level lines included.
 *
 *   UTEST_SUITE(utest_basic);
 *
 *   UTEST(getpid_is_stable)
 *   {
 *           UEXPECT_GT(getpid(), 0);
 *           UEXPECT_EQ(getpid(), getpid());
 *   }
 *
 * UEXPECT_*() records a failure and carries on; UASSERT_*() records it and ends the test
 * at once. USKIP("why") ends it as skipped. Failures print the same lines as the kernel's
 * (file:line, the expressions and their values). Expectations work in the test program's
 * own process; a forked child or a thread reports through its exit status instead: see
 * utest_run_child(), whose child turns a failed expectation into status UTEST_CHILD_FAILED.
 * System calls fail as C's do, -1 with errno set: UEXPECT_ERRNO(call, EBADF) checks both.
 * This header brings the C library's headers a test usually needs (musl's), and
 * user/lib/proc.h. See docs/userspace-programs.md.
 */
#ifndef USER_LIB_UTEST_H
#define USER_LIB_UTEST_H

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "user/lib/proc.h"

#ifndef PAGE_SIZE
#define PAGE_SIZE 4096
#endif

#define PRINTF_LIKE(fmt, args) __attribute__((format(printf, fmt, args)))

/*
 * Linux's raw brk, for tests of the kernel's heap: musl's brk() refuses to move the break
 * and its sbrk() moves it only by 0 (its malloc owns the heap), so tests that move the
 * break themselves call the kernel: sys_brk returns the new break, or the old one if it
 * cannot move; sys_sbrk returns the old break, or (void *)-1 with errno ENOMEM.
 */
static inline void *sys_brk(void *addr)
{
	return (void *)syscall(SYS_brk, addr);
}

static inline void *sys_sbrk(long increment)
{
	char *old = sys_brk(NULL);

	if (increment && sys_brk(old + increment) != old + increment) {
		errno = ENOMEM;
		return (void *)-1;
	}
	return old;
}

/* One registered test (section .utest_cases). */
struct utest_case {
	const char *name;
	void (*fn)(void);
	const char *file;
	int line; /* tests run in source order */
};

/* The exit status of a child (utest_run_child) or thread whose expectation failed. */
#define UTEST_CHILD_FAILED 125

/* main()'s arguments, for tests of the process start. */
extern int utest_argc;
extern char **utest_argv;

/* Name this program's suite: UTEST_SUITE(utest_basic); (once per program). */
#define UTEST_SUITE(name) const char utest_suite_name[] = #name

#define UTEST(name)                                                                                \
	static void utest_fn_##name(void);                                                         \
	static const struct utest_case utest_case_##name                                           \
	    __attribute__((used, section("utest_cases"), aligned(8))) = {#name, utest_fn_##name,   \
									 __FILE__, __LINE__};      \
	static void utest_fn_##name(void)

/* Reporting helpers used by the macros (user/lib/utest.c). */
/* left and right are the values' bits; unsigned_sides says which are unsigned
 * (UTEST_LEFT_UNSIGNED | UTEST_RIGHT_UNSIGNED), so each prints as its own type. */
void utest_fail_int(const char *file, int line, bool assertion, const char *op,
		    const char *left_expr, unsigned long long left, const char *right_expr,
		    unsigned long long right, unsigned int unsigned_sides);
void utest_fail_ptr(const char *file, int line, bool assertion, const char *op,
		    const char *left_expr, const void *left, const char *right_expr,
		    const void *right);
void utest_fail_str(const char *file, int line, bool assertion, const char *op,
		    const char *left_expr, const char *left, const char *right_expr,
		    const char *right);
void utest_fail_msg(const char *file, int line, bool assertion, const char *fmt, ...)
    PRINTF_LIKE(4, 5);
/* Check a wait status: an exit with want_code (want_signal 0) or a death by
 * want_signal. status < 0 is -errno from a failed fork or waitpid (utest_run_child). Returns
 * whether it matched. */
bool utest_check_status(const char *file, int line, bool assertion, const char *expr, int status,
			int want_signal, int want_code);
/* End the running test (or, outside the harness's process, exit UTEST_CHILD_FAILED). */
void utest_abort(void) __attribute__((noreturn));
void utest_skip(const char *reason) __attribute__((noreturn));
/* Print a "    # <test>: ..." diagnostic line inside the suite. */
void utest_log(const char *fmt, ...) PRINTF_LIKE(1, 2);

/*
 * Run fn(arg) in a forked child, wait for it and return its wait status (or -errno if
 * fork or waitpid failed). The child exits with fn's value, or UTEST_CHILD_FAILED if an
 * expectation failed in it; a fatal fault shows as a signal in the status.
 */
int utest_run_child(int (*fn)(void *), void *arg);

/*
 * Integer checks compare values, as tests/ktest.h's do: neither side is cast to the
 * other's type (that made UEXPECT_EQ(a_u32, -1) pass on 0xffffffff). Each side is
 * widened to 64 bits with its own signedness and the two are ordered as integers; the
 * dead `if (0)` copy keeps GCC's -Wsign-compare (an error under -Werror) refusing a
 * signed variable compared with an unsigned one. Each operand is evaluated once.
 */
struct utest_int {
	unsigned long long bits; /* the value converted to unsigned long long */
	bool is_unsigned;	 /* bits is the value itself; else (long long)bits is */
};

/* Is x's (promoted) type unsigned? */
#define UTEST_IS_UNSIGNED_(x) ((__typeof__((x) + 0))-1 > (__typeof__((x) + 0))0)
#define UTEST_INT_(x) ((struct utest_int){(unsigned long long)(x), UTEST_IS_UNSIGNED_(x)})

static inline bool utest_int_negative(struct utest_int v)
{
	return !v.is_unsigned && (long long)v.bits < 0;
}

/* -1, 0 or 1 as l is below, equal to or above r, as integers. */
static inline int utest_int_cmp(struct utest_int l, struct utest_int r)
{
	if (utest_int_negative(l) != utest_int_negative(r))
		return utest_int_negative(l) ? -1 : 1;
	/* Same sign: two's complement bits order both alike, as unsigned. */
	if (l.bits == r.bits)
		return 0;
	return l.bits < r.bits ? -1 : 1;
}

#define UTEST_LEFT_UNSIGNED 1u
#define UTEST_RIGHT_UNSIGNED 2u

#define UTEST_CMP_INT_(assertion, a, op, b)                                                        \
	do {                                                                                       \
		struct utest_int utest_l_ = UTEST_INT_(a);                                         \
		struct utest_int utest_r_ = UTEST_INT_(b);                                         \
		if (0)                                                                             \
			(void)((a)op(b));                                                          \
		if (!(utest_int_cmp(utest_l_, utest_r_) op 0)) {                                   \
			utest_fail_int(__FILE__, __LINE__, assertion, #op, #a, utest_l_.bits, #b,  \
				       utest_r_.bits,                                              \
				       (utest_l_.is_unsigned ? UTEST_LEFT_UNSIGNED : 0) |          \
					   (utest_r_.is_unsigned ? UTEST_RIGHT_UNSIGNED : 0));     \
			if (assertion)                                                             \
				utest_abort();                                                     \
		}                                                                                  \
	} while (0)

#define UEXPECT_EQ(a, b) UTEST_CMP_INT_(false, a, ==, b)
#define UEXPECT_NE(a, b) UTEST_CMP_INT_(false, a, !=, b)
#define UEXPECT_LT(a, b) UTEST_CMP_INT_(false, a, <, b)
#define UEXPECT_LE(a, b) UTEST_CMP_INT_(false, a, <=, b)
#define UEXPECT_GT(a, b) UTEST_CMP_INT_(false, a, >, b)
#define UEXPECT_GE(a, b) UTEST_CMP_INT_(false, a, >=, b)
#define UASSERT_EQ(a, b) UTEST_CMP_INT_(true, a, ==, b)
#define UASSERT_NE(a, b) UTEST_CMP_INT_(true, a, !=, b)
#define UASSERT_LT(a, b) UTEST_CMP_INT_(true, a, <, b)
#define UASSERT_LE(a, b) UTEST_CMP_INT_(true, a, <=, b)
#define UASSERT_GT(a, b) UTEST_CMP_INT_(true, a, >, b)
#define UASSERT_GE(a, b) UTEST_CMP_INT_(true, a, >=, b)

#define UTEST_BOOL_(assertion, cond, want)                                                         \
	do {                                                                                       \
		bool utest_c_ = !!(cond);                                                          \
		if (utest_c_ != (want)) {                                                          \
			utest_fail_msg(__FILE__, __LINE__, assertion, "Expected %s to be %s",      \
				       #cond, (want) ? "true" : "false");                          \
			if (assertion)                                                             \
				utest_abort();                                                     \
		}                                                                                  \
	} while (0)

#define UEXPECT_TRUE(c) UTEST_BOOL_(false, c, true)
#define UEXPECT_FALSE(c) UTEST_BOOL_(false, c, false)
#define UASSERT_TRUE(c) UTEST_BOOL_(true, c, true)
#define UASSERT_FALSE(c) UTEST_BOOL_(true, c, false)

#define UTEST_PTR_(assertion, a, op, b)                                                            \
	do {                                                                                       \
		const void *utest_l_ = (const void *)(a);                                          \
		const void *utest_r_ = (const void *)(b);                                          \
		if (!(utest_l_ op utest_r_)) {                                                     \
			utest_fail_ptr(__FILE__, __LINE__, assertion, #op, #a, utest_l_, #b,       \
				       utest_r_);                                                  \
			if (assertion)                                                             \
				utest_abort();                                                     \
		}                                                                                  \
	} while (0)

#define UEXPECT_PTR_EQ(a, b) UTEST_PTR_(false, a, ==, b)
#define UEXPECT_PTR_NE(a, b) UTEST_PTR_(false, a, !=, b)
#define UASSERT_PTR_EQ(a, b) UTEST_PTR_(true, a, ==, b)
#define UASSERT_PTR_NE(a, b) UTEST_PTR_(true, a, !=, b)
#define UEXPECT_NULL(a) UTEST_PTR_(false, a, ==, NULL)
#define UEXPECT_NOT_NULL(a) UTEST_PTR_(false, a, !=, NULL)
#define UASSERT_NULL(a) UTEST_PTR_(true, a, ==, NULL)
#define UASSERT_NOT_NULL(a) UTEST_PTR_(true, a, !=, NULL)

#define UTEST_STR_(assertion, a, want_equal, b)                                                    \
	do {                                                                                       \
		const char *utest_l_ = (a);                                                        \
		const char *utest_r_ = (b);                                                        \
		bool utest_eq_ = utest_l_ && utest_r_ && !strcmp(utest_l_, utest_r_);              \
		if (utest_eq_ != (want_equal)) {                                                   \
			utest_fail_str(__FILE__, __LINE__, assertion,                              \
				       (want_equal) ? "==" : "!=", #a, utest_l_, #b, utest_r_);    \
			if (assertion)                                                             \
				utest_abort();                                                     \
		}                                                                                  \
	} while (0)

#define UEXPECT_STREQ(a, b) UTEST_STR_(false, a, true, b)
#define UEXPECT_STRNEQ(a, b) UTEST_STR_(false, a, false, b)
#define UASSERT_STREQ(a, b) UTEST_STR_(true, a, true, b)

/* Wait statuses: an exit with `code`, or a death by signal `sig`. */
#define UEXPECT_EXITED(status, code)                                                               \
	((void)utest_check_status(__FILE__, __LINE__, false, #status, status, 0, code))
#define UASSERT_EXITED(status, code)                                                               \
	((void)utest_check_status(__FILE__, __LINE__, true, #status, status, 0, code))
#define UEXPECT_SIGNALED(status, sig)                                                              \
	((void)utest_check_status(__FILE__, __LINE__, false, #status, status, sig, 0))

/*
 * A call that must fail with error err: it returns -1 (a pointer call, MAP_FAILED) and
 * errno is err. errno is set to 0 first, so a stale value cannot pass; expr is
 * evaluated once.
 */
void utest_fail_errno(const char *file, int line, bool assertion, const char *expr, long ret,
		      int err, const char *err_name, int got);
#define UTEST_ERRNO_(assertion, expr, err)                                                         \
	do {                                                                                       \
		long utest_ret_;                                                                   \
		int utest_errno_;                                                                  \
		errno = 0;                                                                         \
		utest_ret_ = (long)(expr);                                                         \
		utest_errno_ = errno;                                                              \
		if (utest_ret_ != -1 || utest_errno_ != (err)) {                                   \
			utest_fail_errno(__FILE__, __LINE__, assertion, #expr, utest_ret_, err,    \
					 #err, utest_errno_);                                      \
			if (assertion)                                                             \
				utest_abort();                                                     \
		}                                                                                  \
	} while (0)

#define UEXPECT_ERRNO(expr, err) UTEST_ERRNO_(false, expr, err)
#define UASSERT_ERRNO(expr, err) UTEST_ERRNO_(true, expr, err)

/* Free-form failure with a printf-style message. */
#define UEXPECT_FAIL(...) utest_fail_msg(__FILE__, __LINE__, false, __VA_ARGS__)
#define UASSERT_FAIL(...)                                                                          \
	do {                                                                                       \
		utest_fail_msg(__FILE__, __LINE__, true, __VA_ARGS__);                             \
		utest_abort();                                                                     \
	} while (0)

#define USKIP(reason) utest_skip(reason)

#endif
