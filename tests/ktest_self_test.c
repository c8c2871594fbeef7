/*
 * tests/ktest_self_test.c - the harness tests itself.
 *
 * The suite counts its own tests through its hooks: suite_init resets the counts, init
 * runs before each test, and the last test checks that every earlier one ran. Other
 * tests check that an assertion really stops a test and that expectations record
 * failures, using a private struct ktest so the deliberate failures do not count.
 */
#include "arch/x86_64/entry.h"
#include "kernel/panic.h"
#include "tests/ktest.h"

static int suite_inits, test_inits, tests_ran;

static int self_suite_init(void)
{
	suite_inits++;
	test_inits = tests_ran = 0;
	return 0;
}

static int self_init(struct ktest *t)
{
	test_inits++;
	return 0;
}

KTEST_SUITE_HOOKS(ktest_self, .suite_init = self_suite_init, .init = self_init);

KTEST(ktest_self, first)
{
	tests_ran++;
	KEXPECT_EQ(t, suite_inits, 1);
}

KTEST(ktest_self, second)
{
	tests_ran++;
	KEXPECT_EQ(t, test_inits, 2);
}

static const struct ktest_case fake_case = {"fake", "deliberate_failure", NULL, __FILE__, __LINE__};

/* Runs `KASSERT_EQ(1, 2)` on a private ktest; returns whether code after it ran. */
static bool assertion_continued(struct ktest *inner)
{
	static volatile bool continued;

	continued = false;
	if (ktest_setjmp(inner->jmpbuf) == 0) {
		KASSERT_EQ(inner, 1, 2);
		continued = true;
	}
	return continued;
}

KTEST(ktest_self, assertion_stops_the_test)
{
	static struct ktest inner;

	tests_ran++;
	inner.tcase = &fake_case;
	inner.failures = 0;
	ktest_log(t, "the ASSERTION FAILED report that follows is deliberate");
	KEXPECT_FALSE(t, assertion_continued(&inner));
	KEXPECT_EQ(t, inner.failures, 1);
}

KTEST(ktest_self, expectation_records_and_continues)
{
	static struct ktest inner;
	int after = 0;

	tests_ran++;
	inner.tcase = &fake_case;
	inner.failures = 0;
	ktest_log(t, "the EXPECTATION FAILED reports that follow are deliberate");
	KEXPECT_EQ(&inner, 3, 4);
	KEXPECT_STREQ(&inner, "a", "b");
	KEXPECT_NULL(&inner, &after);
	after = 1;
	KEXPECT_EQ(t, inner.failures, 3);
	KEXPECT_EQ(t, after, 1);
}

/* KTEST_SKIP on a private ktest: it must stop the test and keep the reason. */
static bool skip_continued(struct ktest *inner)
{
	static volatile bool continued;
	struct ktest *t = inner; /* KTEST_SKIP names the running test `t` */

	continued = false;
	if (ktest_setjmp(inner->jmpbuf) == 0) {
		KTEST_SKIP("no such hardware");
		continued = true;
	}
	return continued;
}

KTEST(ktest_self, skip_stops_and_records_reason)
{
	static struct ktest inner;

	tests_ran++;
	inner.tcase = &fake_case;
	inner.skipped = false;
	KEXPECT_FALSE(t, skip_continued(&inner));
	KEXPECT_TRUE(t, inner.skipped);
	KEXPECT_STREQ(t, inner.skip_reason, "no such hardware");
	KEXPECT_EQ(t, inner.failures, 0);
}

/*
 * Integer expectations compare values: a cast of the right side to the left's type
 * (what they once did) made both of these pass, 256 truncated to a u8's 0 and -1 to a
 * u32's 0xffffffff.
 */
KTEST(ktest_self, integers_compare_as_values)
{
	static struct ktest inner;
	u8 zero_u8 = 0;
	int two_five_six = 256;
	u32 all_ones_u32 = 0xffffffffu;
	long long minus_one = -1;

	tests_ran++;
	inner.tcase = &fake_case;
	inner.failures = 0;
	ktest_log(t, "the two EXPECTATION FAILED reports that follow are deliberate");
	KEXPECT_EQ(&inner, zero_u8, two_five_six);
	KEXPECT_EQ(&inner, all_ones_u32, minus_one);
	KEXPECT_EQ(t, inner.failures, 2);

	/* Mixed signedness is ordered as integers, not as C's usual conversions would. */
	KEXPECT_EQ(t, ktest_int_cmp(KTEST_INT_(minus_one), KTEST_INT_(~0ull)), -1);
	KEXPECT_EQ(t, ktest_int_cmp(KTEST_INT_(~0ull), KTEST_INT_(minus_one)), 1);
	KEXPECT_EQ(t, ktest_int_cmp(KTEST_INT_(all_ones_u32), KTEST_INT_(0xffffffffll)), 0);
	KEXPECT_EQ(t, ktest_int_cmp(KTEST_INT_(-2), KTEST_INT_(minus_one)), -1);
}

KTEST(ktest_self, counts_every_test_ran)
{
	KEXPECT_EQ(t, tests_ran, 6);
	KEXPECT_EQ(t, test_inits, 7);
}

KTEST_DEATH(ktest_self, forced_panic, "Kernel panic - not syncing: forced by a death test")
{
	panic("forced by a death test");
}
