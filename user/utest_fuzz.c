/*
 * user/utest_fuzz.c - the seeded system-call fuzzer as a KTAP suite (docs/fuzzing.md).
 *
 * The suite first tests the fuzzer's own oracles and that its plans depend on the seed
 * alone. Then `make test` runs a short fixed-seed campaign: single-threaded batches,
 * then threaded ones (threads of one process racing over the same mappings), each batch
 * a forked process checked by the oracles of user/fuzz/run.c; then a targeted check that
 * execve arguments never leak between processes, and that memory (sysinfo's freeram)
 * is back where it was before the campaign. The coverage (calls per syscall and per
 * argument class) and the seeds go to the log as diagnostics.
 *
 * `make fuzz SEED=.. TIME=..` runs the same tests for longer; the kernel passes the
 * settings through init as this program's second argument (docs/userspace-programs.md):
 *
 *   utest_fuzz <index> seed=<n>,time=<seconds>,batches=<n>,batch=<seed>,mode=single|threads
 *
 * All optional. batch=<seed> replays exactly one batch (its seed as printed), in the
 * campaign mode= names.
 */
#include "user/fuzz/argv_check.h"
#include "user/fuzz/fuzz.h"
#include "user/lib/utest.h"

UTEST_SUITE(utest_fuzz);

#define DEFAULT_SEED 0x5eed2026ul
/* The default campaign: 32 x 1000 single-threaded calls, 8 x 3 x 800 threaded ones. */
#define SINGLE_BATCHES 32
#define SINGLE_CALLS 1000
#define THREADED_BATCHES 8
#define THREADS 3
#define THREADED_CALLS 800
/* Seeds of the two campaigns' batches are derived from the seed in two streams. */
#define THREADED_STREAM 0x7468726561647300ul
#define MS_PER_S 1000ul
#define CALIBRATION_MS 50
#define LINE_SIZE 200
/*
 * How far below its value before the campaigns freeram may end: the slab allocator keeps
 * empty slabs until a shrink (mm/slab.c), so the campaigns' peak of kernel objects may
 * hold a few pages. A leak of one page per batch would be far more.
 */
#define MEM_SLACK_PAGES 16l

/* ---- settings ------------------------------------------------------------------------- */

enum mode { MODE_ALL, MODE_SINGLE, MODE_THREADS };

static struct {
	unsigned long seed;
	unsigned long seconds; /* 0: a fixed number of batches */
	long batches;	       /* per campaign; 0: the default */
	unsigned long batch;   /* replay this one batch seed ... */
	bool replay;	       /* ... if set */
	enum mode mode;
	bool parsed;
} cfg;

/* A decimal or 0x-prefixed hexadecimal number; false if s is not one. */
static bool parse_number(const char *s, size_t len, unsigned long *out)
{
	unsigned long v = 0, base = 10;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned long d;

		if (c >= '0' && c <= '9')
			d = (unsigned long)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned long)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned long)(c - 'A' + 10);
		else
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

/* One key=value of the settings; false if it is not one we know. */
static bool parse_setting(const char *key, size_t key_len, const char *value, size_t len)
{
	unsigned long n;

	if (key_len == 4 && !strncmp(key, "mode", 4)) {
		if (len == 6 && !strncmp(value, "single", 6))
			cfg.mode = MODE_SINGLE;
		else if (len == 7 && !strncmp(value, "threads", 7))
			cfg.mode = MODE_THREADS;
		else
			return false;
		return true;
	}
	if (!parse_number(value, len, &n))
		return false;
	if (key_len == 4 && !strncmp(key, "seed", 4))
		cfg.seed = n;
	else if (key_len == 4 && !strncmp(key, "time", 4))
		cfg.seconds = n;
	else if (key_len == 7 && !strncmp(key, "batches", 7))
		cfg.batches = (long)n;
	else if (key_len == 5 && !strncmp(key, "batch", 5))
		cfg.batch = n, cfg.replay = true;
	else
		return false;
	return true;
}

/* Read the settings from argv[2] once (utest_argv: see user/lib/utest.h). */
static void parse_settings(void)
{
	const char *s = utest_argc > 2 ? utest_argv[2] : "";

	if (cfg.parsed)
		return;
	cfg.parsed = true;
	cfg.seed = DEFAULT_SEED;
	while (*s) {
		const char *end = s, *eq;

		while (*end && *end != ',')
			end++;
		for (eq = s; eq < end && *eq != '='; eq++)
			;
		if (eq == end ||
		    !parse_setting(s, (size_t)(eq - s), eq + 1, (size_t)(end - eq - 1)))
			printf("    # utest_fuzz: ignoring setting \"%s\"\n", s);
		s = *end ? end + 1 : end;
	}
}

/* ---- time ----------------------------------------------------------------------------- */

static unsigned long rdtsc(void)
{
	unsigned int lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((unsigned long)hi << 32) | lo;
}

/* TSC ticks per millisecond, measured against nanosleep. */
static unsigned long ticks_per_ms(void)
{
	static unsigned long cached;
	unsigned long start;

	if (!cached) {
		start = rdtsc();
		usleep((CALIBRATION_MS)*1000);
		cached = (rdtsc() - start) / CALIBRATION_MS;
		if (!cached)
			cached = 1;
	}
	return cached;
}

/* ---- coverage ------------------------------------------------------------------------- */

/* Print "label: name=count ..." over as many diagnostic lines as it takes. */
static void log_counts(const char *label, const char *const *names, const unsigned long *counts,
		       int n)
{
	char line[LINE_SIZE];
	size_t used = (size_t)snprintf(line, sizeof(line), "%s:", label);

	for (int i = 0; i < n; i++) {
		char item[48];
		size_t len = (size_t)snprintf(item, sizeof(item), " %s=%lu", names[i], counts[i]);

		if (used + len >= sizeof(line)) {
			utest_log("%s", line);
			used = (size_t)snprintf(line, sizeof(line), "%s (cont.):", label);
		}
		memcpy(line + used, item, len + 1);
		used += len;
	}
	utest_log("%s", line);
}

static void log_coverage(const struct fuzz_coverage *cov)
{
	const char *names[FUZZ_MAX_SYSCALLS + 1];
	unsigned long counts[FUZZ_MAX_SYSCALLS + 1];
	int n = 0;

	for (; n < fuzz_nr_syscalls; n++) {
		names[n] = fuzz_syscalls[n].name;
		counts[n] = cov->per_syscall[n];
	}
	names[n] = "unknown";
	counts[n++] = cov->per_syscall[FUZZ_MAX_SYSCALLS];
	log_counts("calls per syscall", names, counts, n);
	log_counts("calls per argument class", fuzz_class_names, cov->per_class, FC_NR_CLASSES);
}

/* ---- campaigns ------------------------------------------------------------------------ */

/* freeram before the first campaign, for memory_back_at_baseline. */
static unsigned long baseline_free;

static unsigned long free_bytes(void)
{
	struct sysinfo info;

	if (sysinfo(&info))
		return 0;
	return info.freeram * info.mem_unit;
}

static const char *mode_name(int threads)
{
	return threads ? "threads" : "single";
}

/* Run batch b; false (having said how to replay it) if an oracle fired. */
static bool run_one_batch(const struct fuzz_batch *b)
{
	char why[48];
	int status = fuzz_run_batch(b);

	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == FUZZ_EXIT_OK)
		return true;
	if (status < 0)
		UEXPECT_FAIL("batch 0x%lx could not start: error %d", b->seed, status);
	else
		UEXPECT_FAIL("batch 0x%lx %s", b->seed, wait_status_text(status, why, sizeof(why)));
	utest_log("replay: make fuzz BATCH=0x%lx MODE=%s", b->seed, mode_name(b->threads));
	utest_log("on a Linux host: build/user/utest_fuzz.elf 1 batch=0x%lx,mode=%s", b->seed,
		  mode_name(b->threads));
	return false;
}

/* Does the campaign go on after `done` batches started at `start` (TSC)? */
static bool more_batches(long done, long default_batches, unsigned long start)
{
	if (cfg.replay)
		return done < 1;
	if (cfg.batches)
		return done < cfg.batches;
	if (cfg.seconds) /* half the time for each campaign, unless only one runs */
		return (rdtsc() - start) / ticks_per_ms() <
		       cfg.seconds * MS_PER_S / (cfg.mode == MODE_ALL ? 2 : 1);
	return done < default_batches;
}

static void campaign(int threads, long default_batches, int calls, unsigned long stream)
{
	struct fuzz_coverage cov = {0};
	unsigned long start = rdtsc();
	struct fuzz_batch b = {0, threads, calls};
	long done = 0;

	parse_settings();
	if (!baseline_free)
		baseline_free = free_bytes();
	utest_log("seed 0x%lx (campaign stream 0x%lx), settings \"%s\"", cfg.seed, stream,
		  utest_argc > 2 ? utest_argv[2] : "");
	for (; more_batches(done, default_batches, start); done++) {
		b.seed =
		    cfg.replay ? cfg.batch : fuzz_derive(cfg.seed ^ stream, (unsigned long)done);
		/* Before it runs: after a panic, the last of these lines names the batch. */
		utest_log("batch %ld seed 0x%lx (replay: make fuzz BATCH=0x%lx MODE=%s)", done,
			  b.seed, b.seed, mode_name(threads));
		fuzz_count_batch(&b, &cov);
		if (!run_one_batch(&b)) {
			done++;
			break;
		}
	}
	utest_log("%ld batches, %lu calls (%d thread(s) x %d calls a batch) in %lu ms", done,
		  cov.calls, threads ? threads : 1, calls, (rdtsc() - start) / ticks_per_ms());
	log_coverage(&cov);
	UEXPECT_GE(cov.calls, (unsigned long)calls);
}

/* ---- the fuzzer's own parts ----------------------------------------------------------- */

#define PLAN_CALLS 2000
#define GUARD_IMAGE 0x400000ul /* where GNU ld puts an x86-64 program */
#define FUZZ_REG_WORDS (FUZZ_REGS_SIZE / 8)

UTEST(raw_syscall_reads_back_every_register)
{
	struct fuzz_regs in = {.rax = __NR_getpid,
			       .rbx = 0xb0b0,
			       .rdx = 0xd0d0,
			       .rsi = 0x5050,
			       .rdi = 0xd1d1,
			       .rbp = 0xb9b9,
			       .r8 = 0x0808,
			       .r9 = 0x0909,
			       .r10 = 0x1010,
			       .r12 = 0x1212,
			       .r13 = 0x1313,
			       .r14 = 0x1414,
			       .r15 = 0x1515};
	struct fuzz_regs out, changed;

	memset(&out, 0, sizeof(out));
	UEXPECT_EQ(fuzz_syscall_checked(&in, &out), (long)getpid());
	UEXPECT_EQ((long)out.rax, (long)getpid());
	UEXPECT_NE(in.rsp, 0ul); /* filled in with the stack pointer at the call */
	UEXPECT_EQ(fuzz_changed_register(&in, &out), 0);
	/* The oracle sees a change in any register but rax. */
	for (int i = 1; i < FUZZ_REG_WORDS; i++) {
		memcpy(&changed, &out, sizeof(changed));
		((unsigned char *)&changed)[i * 8] ^= 1;
		UEXPECT_EQ(fuzz_changed_register(&in, &changed), i);
	}
}

/* A call of fuzz_syscalls[] by name, with arguments a0..a3. */
static struct fuzz_call make_call(const char *name, long nr, unsigned long a0, unsigned long a1,
				  unsigned long a2, unsigned long a3)
{
	struct fuzz_call c = {FUZZ_UNKNOWN, nr, {a0, a1, a2, a3, 0, 0}, {0}, -1};

	for (int i = 0; i < fuzz_nr_syscalls; i++) {
		if (!strcmp(fuzz_syscalls[i].name, name))
			c.which = i;
	}
	return c;
}

UTEST(result_oracle_knows_each_calls_range)
{
	struct fuzz_call c = make_call("munmap", __NR_munmap, FUZZ_ARENA, FUZZ_PAGE, 0, 0);

	UEXPECT_TRUE(fuzz_result_in_range(&c, 0, 0));
	UEXPECT_TRUE(fuzz_result_in_range(&c, -EINVAL, 0));
	UEXPECT_FALSE(fuzz_result_in_range(&c, 1, 0));
	UEXPECT_FALSE(fuzz_result_in_range(&c, -MAX_ERRNO - 1, 0)); /* not an error number */
	c = make_call("mmap", __NR_mmap, FUZZ_ARENA, FUZZ_PAGE, PROT_READ, MAP_FIXED);
	UEXPECT_TRUE(fuzz_result_in_range(&c, (long)FUZZ_ARENA, 0));
	UEXPECT_FALSE(fuzz_result_in_range(&c, (long)FUZZ_ARENA + (long)FUZZ_PAGE, 0));
	c.arg[3] = MAP_PRIVATE | MAP_ANONYMOUS;
	UEXPECT_TRUE(fuzz_result_in_range(&c, (long)FUZZ_ARENA + (long)FUZZ_PAGE, 0));
	UEXPECT_FALSE(fuzz_result_in_range(&c, (long)FUZZ_ARENA + 1, 0));
	UEXPECT_FALSE(fuzz_result_in_range(&c, (long)FUZZ_TASK_SIZE, 0));
	c = make_call("write", __NR_write, 1000, 0, 10, 0);
	UEXPECT_TRUE(fuzz_result_in_range(&c, 10, 0));
	UEXPECT_FALSE(fuzz_result_in_range(&c, 11, 0));
	c = make_call("getpid", __NR_getpid, 0, 0, 0, 0);
	UEXPECT_TRUE(fuzz_result_in_range(&c, getpid(), 0));
	UEXPECT_FALSE(fuzz_result_in_range(&c, getpid() + 1, 0));
	c = make_call("brk", __NR_brk, 0x12345678, 0, 0, 0);
	UEXPECT_TRUE(fuzz_result_in_range(&c, 0x12345678, 0x600000));
	UEXPECT_TRUE(fuzz_result_in_range(&c, 0x600000, 0x600000));
	UEXPECT_FALSE(fuzz_result_in_range(&c, 0x700000, 0x600000));
	c = make_call("execve", __NR_execve, 0, 0, 0, 0);
	UEXPECT_FALSE(fuzz_result_in_range(&c, 0, 0));
	c = make_call("exit", __NR_exit, 0, 0, 0, 0);
	UEXPECT_FALSE(fuzz_result_in_range(&c, 0, 0));
	c = make_call("no such call", 1000, 0, 0, 0, 0);
	UEXPECT_TRUE(fuzz_result_in_range(&c, -ENOSYS, 0));
	UEXPECT_FALSE(fuzz_result_in_range(&c, 0, 0));
	UEXPECT_FALSE(fuzz_result_in_range(&c, -EINVAL, 0));
}

/* The batch that makes c alone survives it, its oracles content. */
static void expect_batch_survives(struct fuzz_call c)
{
	int status = fuzz_run_call(&c);

	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != FUZZ_EXIT_OK)
		UEXPECT_FAIL("a batch making %s(0x%lx, 0x%lx, 0x%lx, 0x%lx) ended with status 0x%x",
			     c.which == FUZZ_UNKNOWN ? "?" : fuzz_syscalls[c.which].name, c.arg[0],
			     c.arg[1], c.arg[2], c.arg[3], status);
}

UTEST(guards_keep_the_batch_alive)
{
	/* Each of these would end or wreck a batch that made it directly, or (the mmap of
	 * 2^46 bytes) make its exit take half an hour on a kernel that visits every page. */
	struct fuzz_call exec_real =
	    make_call("execve", __NR_execve, (unsigned long)FUZZ_ARGV_CHILD, 0, 0, 0);
	unsigned long rw = PROT_READ | PROT_WRITE, fixed = MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS;

	exec_real.cls[0] = FC_VALID;
	exec_real.valid_pick = FUZZ_PATH_REAL;
	expect_batch_survives(make_call("munmap", __NR_munmap, GUARD_IMAGE, 1ul << 30, 0, 0));
	expect_batch_survives(make_call("mmap", __NR_mmap, GUARD_IMAGE, FUZZ_PAGE, rw, fixed));
	expect_batch_survives(
	    make_call("mmap", __NR_mmap, 0, 1ul << 46, rw, MAP_PRIVATE | MAP_ANONYMOUS));
	expect_batch_survives(make_call("exit", __NR_exit, 3, 0, 0, 0));
	expect_batch_survives(make_call("exit_group", __NR_exit_group, 4, 0, 0, 0));
	expect_batch_survives(exec_real);
	expect_batch_survives(make_call("fork", __NR_fork, 0, 0, 0, 0));
	expect_batch_survives(make_call("clone", __NR_clone, CLONE_VM | SIGCHLD, 0, 0, 0));
	expect_batch_survives(make_call("brk", __NR_brk, FUZZ_TASK_SIZE - FUZZ_PAGE, 0, 0, 0));
}

UTEST(plans_depend_only_on_the_seed)
{
	struct fuzz_gen a = {42, false, false}, b = {42, false, false}, c = {43, false, false};
	struct fuzz_batch batch = {42, 2, PLAN_CALLS / 2};
	struct fuzz_coverage once = {0}, again = {0};
	int differ = 0, same = 0;

	for (int i = 0; i < PLAN_CALLS; i++) {
		struct fuzz_call x, y, z;

		fuzz_gen_call(&a, &x);
		fuzz_gen_call(&b, &y);
		fuzz_gen_call(&c, &z);
		same += x.nr == y.nr && !memcmp(x.arg, y.arg, sizeof(x.arg)) &&
			!memcmp(x.cls, y.cls, sizeof(x.cls));
		differ += x.nr != z.nr || memcmp(x.arg, z.arg, sizeof(x.arg));
	}
	UEXPECT_EQ(same, PLAN_CALLS);
	UEXPECT_GT(differ, PLAN_CALLS / 2);
	fuzz_count_batch(&batch, &once);
	fuzz_count_batch(&batch, &again);
	UEXPECT_EQ(once.calls, (unsigned long)PLAN_CALLS);
	UEXPECT_EQ(memcmp(&once, &again, sizeof(once)), 0);
}

/* Skip a campaign the settings leave out (a replay runs only its own mode). */
static void skip_unless(enum mode mode)
{
	parse_settings();
	if (cfg.mode != MODE_ALL && cfg.mode != mode)
		USKIP("not in this run's mode");
}

UTEST(single_thread_campaign)
{
	skip_unless(MODE_SINGLE);
	campaign(0, SINGLE_BATCHES, SINGLE_CALLS, 0);
}

UTEST(threaded_campaign)
{
	skip_unless(MODE_THREADS);
	campaign(THREADS, THREADED_BATCHES, THREADED_CALLS, THREADED_STREAM);
}

/* ---- execve isolation ----------------------------------------------------------------- */

#define SPAMMERS 2
#define ISOLATION_ROUNDS 25
#define ISOLATION_LEAD_US 4000
#define ISOLATION_SLICE_SAMPLES 5
#define ISOLATION_GAP_MS 5    /* a TSC gap this long: another task ran */
#define ISOLATION_WAIT_MS 200 /* for a preemption, at most */
#define SPAMMER_STACK (16ul << 10)
#define EXEC_FAILED 127

static volatile int stop_spamming;

/* A fuzz process's execve: a missing program with secret arguments, as fast as it can. */
static int spam_execve(void *unused __attribute__((unused)))
{
	static char *const envp[] = {NULL};

	while (!stop_spamming)
		execve("fuzz-no-such-program", (char *const *)fuzz_secret_argv, envp);
	return 0;
}

/* How long this task ran before another took over: from now until a gap in the TSC,
 * waiting ISOLATION_WAIT_MS at most; 0 if none showed. */
static unsigned long run_until_preempted(void)
{
	unsigned long tpm = ticks_per_ms(), start = rdtsc(), prev = start, now;

	for (;;) {
		now = rdtsc();
		if (now - start > ISOLATION_WAIT_MS * tpm)
			return 0;
		if (now - prev > ISOLATION_GAP_MS * tpm)
			return prev - start;
		prev = now;
	}
}

/*
 * The length of a time slice, in TSC ticks, measured while the spammers compete: from a
 * yield (after which a task starts a fresh slice) to the next preemption. The longest
 * of a few: a host that stalls QEMU shows as an early gap, never a late one. 0 if no
 * preemption shows (a Linux host has CPUs to spare).
 */
static unsigned long measure_time_slice(void)
{
	unsigned long longest = 0;

	for (int i = 0; i < ISOLATION_SLICE_SAMPLES; i++) {
		unsigned long t;

		sched_yield();
		t = run_until_preempted();
		if (t > longest)
			longest = t;
	}
	return longest;
}

/*
 * Start the execve just before the tick that ends this task's time slice, so that the
 * spammers run in the middle of it (in its window between copying argv and building the
 * new stack, if it has one). A yield ends when the spammers' slices have run out, and
 * starts a fresh slice of `slice`; up to ISOLATION_LEAD_US before its end, at random:
 * the window is short and its place unknown.
 */
static void wait_for_slice_end(int round, unsigned long slice)
{
	unsigned long state = (unsigned long)round, start, lead;

	if (!slice)
		return;
	sched_yield();
	start = rdtsc();
	lead = fuzz_below(&state, ISOLATION_LEAD_US * ticks_per_ms() / 1000);
	while (rdtsc() < start + slice - lead)
		;
}

/* Start the argv checker with the known arguments; its wait status. */
static int run_argv_checker(int round, unsigned long slice)
{
	static char *const argv[] = {FUZZ_ARGV_CHILD, FUZZ_ARGV_CHECK_1, FUZZ_ARGV_CHECK_2,
				     FUZZ_ARGV_CHECK_3, NULL};
	static char *const envp[] = {NULL};
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		wait_for_slice_end(round, slice);
		exec_program(FUZZ_ARGV_CHILD, argv, envp);
		exit(EXEC_FAILED);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

UTEST(execve_isolation)
{
	static char stacks[SPAMMERS][SPAMMER_STACK] __attribute__((aligned(16)));
	pid_t spammers[SPAMMERS];
	int leaks = 0, other = 0;
	unsigned long slice;

	ticks_per_ms(); /* calibrate before the spammers compete for the CPU */
	stop_spamming = 0;
	for (int i = 0; i < SPAMMERS; i++) {
		spammers[i] =
		    clone(spam_execve, (char *)stacks[i] + SPAMMER_STACK, CLONE_VM | SIGCHLD, NULL);
		UASSERT_GT(spammers[i], 0);
	}
	slice = measure_time_slice();
	utest_log("time slice %lu us: each execve starts up to %d us before its end",
		  slice * 1000 / ticks_per_ms(), ISOLATION_LEAD_US);
	for (int round = 0; round < ISOLATION_ROUNDS; round++) {
		int status = run_argv_checker(round, slice);

		if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == FUZZ_ARGV_WRONG)
			leaks++;
		else if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			other++;
	}
	stop_spamming = 1;
	for (int i = 0; i < SPAMMERS; i++)
		UEXPECT_EQ(waitpid(spammers[i], NULL, 0), spammers[i]);
	utest_log("%d of %d argv checks saw another process's execve arguments", leaks,
		  ISOLATION_ROUNDS);
	UEXPECT_EQ(leaks, 0);
	UEXPECT_EQ(other, 0);
}

/* ---- memory --------------------------------------------------------------------------- */

UTEST(memory_back_at_baseline)
{
	unsigned long now = free_bytes();
	long diff_pages;

	if (fuzz_on_linux())
		USKIP("Linux host: freed pages wait on per-CPU lists that freeram does not count");
	if (!baseline_free)
		USKIP("no campaign ran");
	diff_pages = ((long)baseline_free - (long)now) / (long)FUZZ_PAGE;
	utest_log("freeram before the campaigns %lu KiB, after %lu KiB: %ld pages short",
		  baseline_free >> 10, now >> 10, diff_pages);
	UEXPECT_LE(diff_pages, MEM_SLACK_PAGES);
}
