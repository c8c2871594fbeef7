/*
 * tests/kallsyms_test.c - the embedded symbol table and symbolized backtraces.
 */
#include "arch/x86_64/entry.h"
#include "arch/x86_64/stacktrace.h"
#include "kernel/kallsyms.h"
#include "tests/ktest.h"

KTEST(kallsyms, lookup_known_function)
{
	u64 offset = 99, size = 0;
	const char *name = kallsyms_lookup((u64)kmain + 5, &offset, &size);

	KASSERT_NOT_NULL(t, name);
	KEXPECT_STREQ(t, name, "kmain");
	KEXPECT_EQ(t, offset, 5);
	KEXPECT_GT(t, size, 5);
}

KTEST(kallsyms, lookup_by_name)
{
	KEXPECT_EQ(t, kallsyms_lookup_name("kmain"), (u64)kmain);
	KEXPECT_EQ(t, kallsyms_lookup_name("no_such_function_anywhere"), 0);
}

KTEST(kallsyms, address_outside_text_is_unknown)
{
	static const int in_rodata = 1;
	u64 offset, size;

	KEXPECT_NULL(t, kallsyms_lookup((u64)&in_rodata, &offset, &size));
	KEXPECT_NULL(t, kallsyms_lookup(0, &offset, &size));
}

KTEST(kallsyms, table_is_sorted_and_large)
{
	KEXPECT_GT(t, kallsyms_count(), 50);
}

/* Two named frames the backtrace must find, in order. */
static __noinline __noclone int trace_inner(u64 *addrs, int max)
{
	int n = save_stack_trace(addrs, max);

	barrier(); /* keep this a real frame, not a tail call */
	return n;
}

static __noinline __noclone int trace_outer(u64 *addrs, int max)
{
	int n = trace_inner(addrs, max);

	barrier();
	return n;
}

KTEST(kallsyms, backtrace_names_the_callers)
{
	u64 addrs[8], offset, size;
	int n = trace_outer(addrs, 8);

	KASSERT_GE(t, n, 3);
	KEXPECT_STREQ(t, kallsyms_lookup(addrs[0] - 1, &offset, &size), "trace_inner");
	KEXPECT_STREQ(t, kallsyms_lookup(addrs[1] - 1, &offset, &size), "trace_outer");
	KEXPECT_STREQ(t, kallsyms_lookup(addrs[2] - 1, &offset, &size),
		      "ktest_fn_kallsyms_backtrace_names_the_callers");
}
