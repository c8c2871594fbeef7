/*
 * tests/ktest.h - sublet's in-kernel self-test harness, shaped after Linux's KUnit.
 *
 * A test is a function registered with KTEST(suite, name); the linker gathers every
 * registration into the .ktest_cases section and tests/ktest.c runs them, printing
 * KTAP version 1 on the serial console exactly as KUnit does, so that Linux's
 * `kunit.py parse` and our tools/ktest_runner.py both read it. See docs/testing.md.
 *
 *   KTEST(buddy, split_and_merge)
 *   {
 *           struct page *p = alloc_pages(GFP_KERNEL, 3);
 *           KASSERT_NOT_NULL(t, p);          // stops this test on failure
 *           KEXPECT_EQ(t, page_order(p), 3); // records a failure, carries on
 *   }
 *
 * Expectations record a failure and continue; assertions record it and end the test at
 * once (through ktest_longjmp back into the runner). KTEST_SKIP("why") ends the test
 * as skipped. Death tests (KTEST_DEATH) must panic: the host runner boots a separate
 * kernel for each, with `ktest_death=<suite>.<name>`, and checks the panic text.
 */
#ifndef TESTS_KTEST_H
#define TESTS_KTEST_H

#include "kernel/compiler.h"
#include "kernel/string.h"
#include "kernel/types.h"

struct ktest;
typedef void (*ktest_fn)(struct ktest *t);

/* One registered test case (lives in section .ktest_cases). */
struct ktest_case {
	const char *suite;
	const char *name;
	ktest_fn fn;
	const char *file;
	int line; /* tests of a suite run in source order */
};

/* Optional per-suite hooks (section .ktest_suites), as KUnit's suite_init/init/exit. */
struct ktest_suite_hooks {
	const char *suite;
	int (*suite_init)(void);       /* once before the suite; non-zero fails every test */
	void (*suite_exit)(void);      /* once after the suite */
	int (*init)(struct ktest *t);  /* before each test; non-zero fails that test */
	void (*exit)(struct ktest *t); /* after each test, even a failed one */
};

/* A death test (section .ktest_death): its body must end in a panic whose text contains
 * `expect`. */
struct ktest_death_case {
	const char *suite;
	const char *name;
	void (*fn)(void);
	const char *expect;
};

/* State of the running test; tests see it only through the macros below. */
struct ktest {
	const struct ktest_case *tcase;
	int failures;
	bool skipped;
	char skip_reason[96];
	u64 jmpbuf[8]; /* callee-saved registers, rsp and return rip for ktest_longjmp */
	void *priv;    /* for a suite's init/exit hooks to share state with the test */
};

#define KTEST(suite, name)                                                                         \
	static void ktest_fn_##suite##_##name(struct ktest *t);                                    \
	static const struct ktest_case ktest_case_##suite##_##name __used __section(               \
	    ".ktest_cases")                                                                        \
	    __aligned(8) = {#suite, #name, ktest_fn_##suite##_##name, __FILE__, __LINE__};         \
	static void ktest_fn_##suite##_##name(struct ktest *t __unused)

#define KTEST_SUITE_HOOKS(suite_, ...)                                                             \
	static const struct ktest_suite_hooks ktest_hooks_##suite_ __used __section(               \
	    ".ktest_suites") __aligned(8) = {.suite = #suite_, __VA_ARGS__}

#define KTEST_DEATH(suite, name, expect_text)                                                      \
	static void ktest_death_fn_##suite##_##name(void);                                         \
	static const struct ktest_death_case ktest_death_##suite##_##name __used __section(        \
	    ".ktest_death")                                                                        \
	    __aligned(8) = {#suite, #name, ktest_death_fn_##suite##_##name, expect_text};          \
	static void ktest_death_fn_##suite##_##name(void)

/* Reporting helpers used by the macros (tests/ktest.c). */
/* left and right are the values' bits; unsigned_sides says which sides are unsigned
 * (KTEST_LEFT_UNSIGNED | KTEST_RIGHT_UNSIGNED), so each prints as its own type. */
#define KTEST_LEFT_UNSIGNED 1u
#define KTEST_RIGHT_UNSIGNED 2u
void ktest_fail_int(struct ktest *t, const char *file, int line, bool assertion, const char *op,
		    const char *left_expr, unsigned long long left, const char *right_expr,
		    unsigned long long right, unsigned int unsigned_sides);
void ktest_fail_ptr(struct ktest *t, const char *file, int line, bool assertion, const char *op,
		    const char *left_expr, const void *left, const char *right_expr,
		    const void *right);
void ktest_fail_str(struct ktest *t, const char *file, int line, bool assertion, const char *op,
		    const char *left_expr, const char *left, const char *right_expr,
		    const char *right);
void ktest_fail_msg(struct ktest *t, const char *file, int line, bool assertion, const char *fmt,
		    ...) __printf(5, 6);
void ktest_abort(struct ktest *t) __noreturn;
void ktest_skip(struct ktest *t, const char *reason) __noreturn;
/* Print a "    # name: ..." diagnostic line inside the running test's block. */
void ktest_log(struct ktest *t, const char *fmt, ...) __printf(2, 3);

/* Is the kernel running its self-tests (command line `ktest` / `ktest=` / death)? */
bool ktest_mode(void);
/* Run every selected test and end QEMU: the in-kernel suites, then the user-space suites
 * (GRUB modules named utest_*), which init runs after this task has become init itself.
 * pid 1 calls it through the harness's INIT_HOOK (kernel/init.h) in ktest mode; the same
 * hook gives the verdict when init exits. */
void ktest_run_all(void) __noreturn;

/*
 * Integer comparisons compare the values, not the bits: neither side is cast to the
 * other's type (a cast would make KEXPECT_EQ(t, (u8)x, 256) or KEXPECT_EQ(t, u32, -1)
 * pass on the wrong value). Each side is widened to 64 bits and tagged with its
 * signedness, and ktest_int_cmp() orders the two as mathematical integers. The dead
 * `if (0)` copy of the comparison lets GCC's -Wsign-compare (on through -Wextra, an
 * error under -Werror) refuse a signed variable compared with an unsigned one, which
 * is most often a mistake in the test; a non-negative constant is accepted on either
 * side. Each operand is evaluated once.
 */
struct ktest_int {
	unsigned long long bits; /* the value converted to unsigned long long */
	bool is_unsigned;	 /* bits is the value itself; else (long long)bits is */
};

/* Is x's type unsigned? (Its promoted type: bool, u8 and u16 promote to int, whose
 * value is the same.) */
#define KTEST_IS_UNSIGNED_(x) ((__typeof__((x) + 0))-1 > (__typeof__((x) + 0))0)
#define KTEST_INT_(x) ((struct ktest_int){(unsigned long long)(x), KTEST_IS_UNSIGNED_(x)})

/* Is the integer negative? (Only a signed one can be.) */
static inline bool ktest_int_negative(struct ktest_int v)
{
	return !v.is_unsigned && (long long)v.bits < 0;
}

/* -1, 0 or 1 as l is below, equal to or above r, as integers. */
static inline int ktest_int_cmp(struct ktest_int l, struct ktest_int r)
{
	if (ktest_int_negative(l) != ktest_int_negative(r))
		return ktest_int_negative(l) ? -1 : 1;
	/* Same sign: two's complement bits order both alike, as unsigned. */
	if (l.bits == r.bits)
		return 0;
	return l.bits < r.bits ? -1 : 1;
}

#define KTEST_CMP_INT_(t, assertion, a, op, b)                                                     \
	do {                                                                                       \
		struct ktest_int ktest_l_ = KTEST_INT_(a);                                         \
		struct ktest_int ktest_r_ = KTEST_INT_(b);                                         \
		if (0)                                                                             \
			(void)((a)op(b));                                                          \
		if (!(ktest_int_cmp(ktest_l_, ktest_r_) op 0)) {                                   \
			ktest_fail_int(t, __FILE__, __LINE__, assertion, #op, #a, ktest_l_.bits,   \
				       #b, ktest_r_.bits,                                          \
				       (ktest_l_.is_unsigned ? KTEST_LEFT_UNSIGNED : 0) |          \
					   (ktest_r_.is_unsigned ? KTEST_RIGHT_UNSIGNED : 0));     \
			if (assertion)                                                             \
				ktest_abort(t);                                                    \
		}                                                                                  \
	} while (0)

#define KEXPECT_EQ(t, a, b) KTEST_CMP_INT_(t, false, a, ==, b)
#define KEXPECT_NE(t, a, b) KTEST_CMP_INT_(t, false, a, !=, b)
#define KEXPECT_LT(t, a, b) KTEST_CMP_INT_(t, false, a, <, b)
#define KEXPECT_LE(t, a, b) KTEST_CMP_INT_(t, false, a, <=, b)
#define KEXPECT_GT(t, a, b) KTEST_CMP_INT_(t, false, a, >, b)
#define KEXPECT_GE(t, a, b) KTEST_CMP_INT_(t, false, a, >=, b)
#define KASSERT_EQ(t, a, b) KTEST_CMP_INT_(t, true, a, ==, b)
#define KASSERT_NE(t, a, b) KTEST_CMP_INT_(t, true, a, !=, b)
#define KASSERT_LT(t, a, b) KTEST_CMP_INT_(t, true, a, <, b)
#define KASSERT_LE(t, a, b) KTEST_CMP_INT_(t, true, a, <=, b)
#define KASSERT_GT(t, a, b) KTEST_CMP_INT_(t, true, a, >, b)
#define KASSERT_GE(t, a, b) KTEST_CMP_INT_(t, true, a, >=, b)

#define KTEST_BOOL_(t, assertion, cond, want)                                                      \
	do {                                                                                       \
		bool ktest_c_ = !!(cond);                                                          \
		if (ktest_c_ != (want)) {                                                          \
			ktest_fail_msg(t, __FILE__, __LINE__, assertion, "Expected %s to be %s",   \
				       #cond, (want) ? "true" : "false");                          \
			if (assertion)                                                             \
				ktest_abort(t);                                                    \
		}                                                                                  \
	} while (0)

#define KEXPECT_TRUE(t, c) KTEST_BOOL_(t, false, c, true)
#define KEXPECT_FALSE(t, c) KTEST_BOOL_(t, false, c, false)
#define KASSERT_TRUE(t, c) KTEST_BOOL_(t, true, c, true)
#define KASSERT_FALSE(t, c) KTEST_BOOL_(t, true, c, false)

#define KTEST_PTR_(t, assertion, a, op, b)                                                         \
	do {                                                                                       \
		const void *ktest_l_ = (const void *)(a);                                          \
		const void *ktest_r_ = (const void *)(b);                                          \
		if (!(ktest_l_ op ktest_r_)) {                                                     \
			ktest_fail_ptr(t, __FILE__, __LINE__, assertion, #op, #a, ktest_l_, #b,    \
				       ktest_r_);                                                  \
			if (assertion)                                                             \
				ktest_abort(t);                                                    \
		}                                                                                  \
	} while (0)

#define KEXPECT_PTR_EQ(t, a, b) KTEST_PTR_(t, false, a, ==, b)
#define KEXPECT_PTR_NE(t, a, b) KTEST_PTR_(t, false, a, !=, b)
#define KASSERT_PTR_EQ(t, a, b) KTEST_PTR_(t, true, a, ==, b)
#define KASSERT_PTR_NE(t, a, b) KTEST_PTR_(t, true, a, !=, b)
#define KEXPECT_NULL(t, a) KTEST_PTR_(t, false, a, ==, NULL)
#define KEXPECT_NOT_NULL(t, a) KTEST_PTR_(t, false, a, !=, NULL)
#define KASSERT_NULL(t, a) KTEST_PTR_(t, true, a, ==, NULL)
#define KASSERT_NOT_NULL(t, a) KTEST_PTR_(t, true, a, !=, NULL)

#define KTEST_STR_(t, assertion, a, want_equal, b)                                                 \
	do {                                                                                       \
		const char *ktest_l_ = (a);                                                        \
		const char *ktest_r_ = (b);                                                        \
		bool ktest_eq_ = ktest_l_ && ktest_r_ && !strcmp(ktest_l_, ktest_r_);              \
		if (ktest_eq_ != (want_equal)) {                                                   \
			ktest_fail_str(t, __FILE__, __LINE__, assertion,                           \
				       (want_equal) ? "==" : "!=", #a, ktest_l_, #b, ktest_r_);    \
			if (assertion)                                                             \
				ktest_abort(t);                                                    \
		}                                                                                  \
	} while (0)

#define KEXPECT_STREQ(t, a, b) KTEST_STR_(t, false, a, true, b)
#define KEXPECT_STRNEQ(t, a, b) KTEST_STR_(t, false, a, false, b)
#define KASSERT_STREQ(t, a, b) KTEST_STR_(t, true, a, true, b)

/* Free-form failure with a printf-style message. */
#define KEXPECT_FAIL(t, ...) ktest_fail_msg(t, __FILE__, __LINE__, false, __VA_ARGS__)
#define KASSERT_FAIL(t, ...)                                                                       \
	do {                                                                                       \
		ktest_fail_msg(t, __FILE__, __LINE__, true, __VA_ARGS__);                          \
		ktest_abort(t);                                                                    \
	} while (0)

/* Ends the running test as skipped; `t` is the test parameter KTEST() declares. */
#define KTEST_SKIP(reason) ktest_skip(t, reason)

#endif
