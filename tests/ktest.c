/*
 * tests/ktest.c - runs the registered self-tests and prints KTAP version 1.
 *
 * The output has exactly the shape of Linux KUnit's (see docs/testing.md):
 *
 *   KTAP version 1
 *   1..<suites>
 *       KTAP version 1
 *       # Subtest: <suite>
 *       1..<tests>
 *       ok 1 <test>
 *   # <suite>: pass:N fail:N skip:N total:N
 *   ok 1 <suite>
 *   # Totals: pass:N fail:N skip:N total:N
 *
 * Selection: `ktest` runs all, `ktest=<suite glob>[.<test glob>]` some. With
 * `ktest_death=<suite>.<name>` the kernel runs one death test, which must panic. When
 * done, QEMU is ended through isa-debug-exit with a pass or fail code.
 */
#include "tests/ktest.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/x86.h"
#include "kernel/cmdline.h"
#include "kernel/init.h"
#include "kernel/module.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "sched/process.h"

extern const struct ktest_case __ktest_cases_start[], __ktest_cases_end[];
extern const struct ktest_suite_hooks __ktest_suites_start[], __ktest_suites_end[];
extern const struct ktest_death_case __ktest_death_start[], __ktest_death_end[];

#define KTEST_GLOB_MAX 96
#define KTEST_MAX_CASES 2048

struct ktest_totals {
	int pass, fail, skip;
};

/* The running test. Static, not on run_case's stack: it must stay valid across
 * ktest_longjmp, which restores registers the compiler may have cached it in. */
static struct ktest running;
static char suite_glob[KTEST_GLOB_MAX] = "*";
static char test_glob[KTEST_GLOB_MAX] = "*";

/*
 * The cases in running order: suites in the order the linker placed them, and within a
 * suite by source line (the compiler may emit a file's registrations in any order).
 */
static const struct ktest_case *cases[KTEST_MAX_CASES];
static int case_count;

/* Index of the first registration of c's suite: the suite's place in the run. */
static long suite_rank(const struct ktest_case *c)
{
	const struct ktest_case *p = __ktest_cases_start;

	while (strcmp(p->suite, c->suite))
		p++;
	return p - __ktest_cases_start;
}

static bool runs_before(const struct ktest_case *a, const struct ktest_case *b)
{
	long ra = suite_rank(a), rb = suite_rank(b);
	int by_file;

	if (ra != rb)
		return ra < rb;
	by_file = strcmp(a->file, b->file);
	return by_file ? by_file < 0 : a->line < b->line;
}

static void sort_cases(void)
{
	for (const struct ktest_case *c = __ktest_cases_start; c < __ktest_cases_end; c++) {
		int i = case_count++;

		BUG_ON_MSG(case_count > KTEST_MAX_CASES, "ktest: more than %d test cases",
			   KTEST_MAX_CASES);
		while (i > 0 && runs_before(c, cases[i - 1])) { /* insertion sort */
			cases[i] = cases[i - 1];
			i--;
		}
		cases[i] = c;
	}
}

bool ktest_mode(void)
{
	return kernel_param_has("ktest") || kernel_param_has("ktest_death");
}

/* "suite" or "suite.test" globs, from ktest=<glob>. */
static void parse_filter(const char *glob)
{
	const char *dot;

	if (!glob || !*glob)
		return;
	dot = strchr(glob, '.');
	if (!dot) {
		strlcpy(suite_glob, glob, sizeof(suite_glob));
		return;
	}
	strlcpy(suite_glob, glob, MIN((size_t)(dot - glob) + 1, sizeof(suite_glob)));
	strlcpy(test_glob, dot + 1, sizeof(test_glob));
}

static bool case_selected(const struct ktest_case *c)
{
	return glob_match(suite_glob, c->suite) && glob_match(test_glob, c->name);
}

/* Does cases[index] open its suite? */
static bool first_of_suite(int index)
{
	return index == 0 || strcmp(cases[index - 1]->suite, cases[index]->suite);
}

static int count_selected(const char *suite)
{
	int n = 0;

	for (int i = 0; i < case_count; i++) {
		if (!strcmp(cases[i]->suite, suite) && case_selected(cases[i]))
			n++;
	}
	return n;
}

static const struct ktest_suite_hooks *find_hooks(const char *suite)
{
	for (const struct ktest_suite_hooks *h = __ktest_suites_start; h < __ktest_suites_end;
	     h++) {
		if (!strcmp(h->suite, suite))
			return h;
	}
	return NULL;
}

static void print_failure_header(struct ktest *t, const char *file, int line, bool assertion)
{
	t->failures++;
	printk("    # %s: %s FAILED at %s:%d\n", t->tcase->name,
	       assertion ? "ASSERTION" : "EXPECTATION", file, line);
}

/* One side of a failed integer comparison, printed as its own type's value. */
static void print_int(const char *expr, unsigned long long bits, bool is_unsigned)
{
	if (is_unsigned)
		printk("        %s == %llu (0x%llx)\n", expr, bits, bits);
	else
		printk("        %s == %lld (0x%llx)\n", expr, (long long)bits, bits);
}

void ktest_fail_int(struct ktest *t, const char *file, int line, bool assertion, const char *op,
		    const char *left_expr, unsigned long long left, const char *right_expr,
		    unsigned long long right, unsigned int unsigned_sides)
{
	print_failure_header(t, file, line, assertion);
	printk("    Expected %s %s %s, but\n", left_expr, op, right_expr);
	print_int(left_expr, left, unsigned_sides & KTEST_LEFT_UNSIGNED);
	print_int(right_expr, right, unsigned_sides & KTEST_RIGHT_UNSIGNED);
}

void ktest_fail_ptr(struct ktest *t, const char *file, int line, bool assertion, const char *op,
		    const char *left_expr, const void *left, const char *right_expr,
		    const void *right)
{
	print_failure_header(t, file, line, assertion);
	printk("    Expected %s %s %s, but\n", left_expr, op, right_expr);
	printk("        %s == %p\n", left_expr, left);
	printk("        %s == %p\n", right_expr, right);
}

void ktest_fail_str(struct ktest *t, const char *file, int line, bool assertion, const char *op,
		    const char *left_expr, const char *left, const char *right_expr,
		    const char *right)
{
	print_failure_header(t, file, line, assertion);
	printk("    Expected %s %s %s, but\n", left_expr, op, right_expr);
	printk("        %s == \"%s\"\n", left_expr, left);
	printk("        %s == \"%s\"\n", right_expr, right);
}

void ktest_fail_msg(struct ktest *t, const char *file, int line, bool assertion, const char *fmt,
		    ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_failure_header(t, file, line, assertion);
	printk("    %s\n", msg);
}

void ktest_log(struct ktest *t, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("    # %s: %s\n", t->tcase->name, msg);
}

void ktest_abort(struct ktest *t)
{
	ktest_longjmp(t->jmpbuf, 1);
}

void ktest_skip(struct ktest *t, const char *reason)
{
	t->skipped = true;
	strlcpy(t->skip_reason, reason, sizeof(t->skip_reason));
	ktest_longjmp(t->jmpbuf, 1);
}

/* Run one case; print its result line; return it in totals. */
static void run_case(const struct ktest_case *c, const struct ktest_suite_hooks *hooks, int index,
		     struct ktest_totals *totals)
{
	struct ktest *t = &running;
	unsigned long irq_flags = read_rflags() & X86_EFLAGS_IF;

	memset(t, 0, sizeof(*t));
	t->tcase = c;
	if (ktest_setjmp(t->jmpbuf) == 0) {
		if (hooks && hooks->init && hooks->init(t))
			ktest_fail_msg(t, c->file, 0, true, "suite init hook failed");
		else
			c->fn(t);
	}
	if (hooks && hooks->exit)
		hooks->exit(t);
	if ((read_rflags() & X86_EFLAGS_IF) != irq_flags) {
		ktest_fail_msg(t, c->file, 0, false, "test left interrupts %s",
			       irq_flags ? "disabled" : "enabled");
		local_irq_restore(irq_flags);
	}

	if (t->failures) {
		totals->fail++;
		printk("    not ok %d %s\n", index, c->name);
	} else if (t->skipped) {
		totals->skip++;
		printk("    ok %d %s # SKIP %s\n", index, c->name, t->skip_reason);
	} else {
		totals->pass++;
		printk("    ok %d %s\n", index, c->name);
	}
}

static void run_suite(const char *suite, int suite_index, struct ktest_totals *all)
{
	const struct ktest_suite_hooks *hooks = find_hooks(suite);
	struct ktest_totals totals = {0};
	int index = 0;
	bool suite_ok = !hooks || !hooks->suite_init || hooks->suite_init() == 0;

	printk("    KTAP version 1\n    # Subtest: %s\n    1..%d\n", suite, count_selected(suite));
	for (int i = 0; i < case_count; i++) {
		const struct ktest_case *c = cases[i];

		if (strcmp(c->suite, suite) || !case_selected(c))
			continue;
		if (!suite_ok) {
			printk("    # %s: suite_init failed\n    not ok %d %s\n", c->name, ++index,
			       c->name);
			totals.fail++;
			continue;
		}
		run_case(c, hooks, ++index, &totals);
	}
	if (suite_ok && hooks && hooks->suite_exit)
		hooks->suite_exit();

	printk("# %s: pass:%d fail:%d skip:%d total:%d\n", suite, totals.pass, totals.fail,
	       totals.skip, index);
	printk("%s %d %s\n", totals.fail ? "not ok" : "ok", suite_index, suite);
	all->pass += totals.pass;
	all->fail += totals.fail;
	all->skip += totals.skip;
}

static int count_selected_suites(void)
{
	int n = 0;

	for (int i = 0; i < case_count; i++) {
		if (first_of_suite(i) && count_selected(cases[i]->suite))
			n++;
	}
	return n;
}

/* Announce the death tests the host runner should boot separately. */
static void list_death_tests(void)
{
	for (const struct ktest_death_case *d = __ktest_death_start; d < __ktest_death_end; d++) {
		if (glob_match(suite_glob, d->suite) && glob_match(test_glob, d->name))
			printk("# ktest-death: %s.%s expect: %s\n", d->suite, d->name, d->expect);
	}
}

static void __noreturn run_death_test(const char *which)
{
	char full[2 * KTEST_GLOB_MAX];

	for (const struct ktest_death_case *d = __ktest_death_start; d < __ktest_death_end; d++) {
		snprintf(full, sizeof(full), "%s.%s", d->suite, d->name);
		if (strcmp(full, which))
			continue;
		printk("# ktest-death: running %s\n", full);
		d->fn();
		printk("# ktest-death: %s returned without a panic\n", full);
		qemu_exit(QEMU_EXIT_FAIL);
	}
	printk("# ktest-death: no death test named %s\n", which);
	qemu_exit(QEMU_EXIT_FAIL);
}

/* In-kernel results, kept for the final verdict after the user-space suites. */
static struct ktest_totals kernel_totals;

#define KTEST_USER_PREFIX "utest_"
#define KTEST_USER_HELPER_SUFFIX "_child"
#define KTEST_MAX_USER_SUITES 24
#define KTEST_INDEX_LEN 12

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

/* The user-space test programs among the GRUB modules: utest_* but not helpers. */
static int find_user_suites(const char **names, int max)
{
	struct boot_module_image image;
	int n = 0;

	for (unsigned int i = 0; module_get(i, &image) && n < max; i++) {
		if (!strncmp(image.name, KTEST_USER_PREFIX, strlen(KTEST_USER_PREFIX)) &&
		    !ends_with(image.name, KTEST_USER_HELPER_SUFFIX) &&
		    glob_match(suite_glob, image.name))
			names[n++] = image.name;
	}
	return n;
}

static void __noreturn ktest_finish(bool user_failed)
{
	printk("# Totals: pass:%d fail:%d skip:%d total:%d\n", kernel_totals.pass,
	       kernel_totals.fail, kernel_totals.skip,
	       kernel_totals.pass + kernel_totals.fail + kernel_totals.skip);
	list_death_tests();
	qemu_exit(kernel_totals.fail || user_failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
}

/*
 * Run the user-space suites: become init (pid 1) in its ktest mode. `utest_args=<text>`
 * on the command line reaches every program as its second argument (`make fuzz` passes
 * the fuzzer's seed and duration so): init gets it as "--args=<text>" before the names.
 */
static void __noreturn run_user_suites(const char **names, int n, int first_index)
{
	static char index[KTEST_INDEX_LEN], args[CMDLINE_MAX_LEN];
	const char *argv[KTEST_MAX_USER_SUITES + 4] = {"init", "ktest", index};
	int argc = 3, err;

	snprintf(index, sizeof(index), "%d", first_index);
	if (kernel_param("utest_args")) {
		snprintf(args, sizeof(args), "--args=%s", kernel_param("utest_args"));
		argv[argc++] = args;
	}
	for (int i = 0; i < n; i++)
		argv[argc++] = names[i];
	err = kernel_execve("init", argv, argc);
	printk("# ktest: cannot start init for the user-space suites (%d)\n", err);
	for (int i = 0; i < n; i++)
		printk("not ok %d %s\n", first_index + i, names[i]);
	ktest_finish(true);
}

/* pid 1 exited (in ktest mode, after the user-space suites): the verdict, and QEMU ends. */
static void ktest_init_exited(int status)
{
	if (!ktest_mode())
		return;
	printk("# ktest: init exited with status 0x%x after the user-space suites\n", status);
	ktest_finish(status != 0);
}

void ktest_run_all(void)
{
	const char *user[KTEST_MAX_USER_SUITES];
	int suite_index = 0, n_user;

	panic_exits_qemu = true;
	if (kernel_param_has("ktest_death"))
		run_death_test(kernel_param("ktest_death") ? kernel_param("ktest_death") : "");

	parse_filter(kernel_param("ktest"));
	sort_cases();
	n_user = find_user_suites(user, KTEST_MAX_USER_SUITES);
	printk("KTAP version 1\n1..%d\n", count_selected_suites() + n_user);
	for (int i = 0; i < case_count; i++) {
		if (first_of_suite(i) && count_selected(cases[i]->suite))
			run_suite(cases[i]->suite, ++suite_index, &kernel_totals);
	}
	if (n_user)
		run_user_suites(user, n_user, suite_index + 1);
	ktest_finish(false);
}

/* As pid 1, before it execs init: with `ktest` (or a death test) the run is ours. */
static void ktest_init_run(void)
{
	if (ktest_mode())
		ktest_run_all();
}

INIT_HOOK(ktest, ktest_init_run, ktest_init_exited);
