/*
 * user/fuzz/run.c - running the fuzzer's plans: guards, sandboxes, oracles, batches.
 *
 * Every batch is a forked process, so whatever its calls do to it (unmap its own code,
 * exit, execve) cannot touch the campaign. Within the batch, each planned call goes
 * through a guard that decides how to run it:
 *
 *   direct    most calls: in the batch, through raw_syscall.S, with both oracles
 *   spawn     fork and clone: the new task exits at once, the batch reaps it
 *   sandbox   exit, exit_group, an execve that could succeed, a munmap over the batch's
 *             own program or stack, a MAP_FIXED outside the arena: in a forked child
 *
 * and that keeps the run finite and the console readable: mapping lengths are capped
 * (a kernel that walks every page of a mapping on exit or fork would otherwise spend
 * minutes on one 2^46-byte mmap), no pointer lands in the batch's stack, and write() to
 * the console fds gets no readable buffer.
 * Guards change values, never the plan, so coverage counts stay exact.
 */
#include "user/fuzz/fuzz.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "user/lib/proc.h"

#define LINUX_NR_GETUID 102		   /* Linux has it, sublet not: tells the two apart */
#define IMAGE_START 0x400000ul		   /* GNU ld's default for x86-64 */
#define STACK_GUARD (8ul << 20)		   /* the main stack: 8 MiB below where it is now */
#define STACK_ABOVE (64ul << 10)	   /* and argv, envp above it */
#define MAP_CAP (16ul << 20)		   /* mmap length cap, anywhere */
#define FIXED_CAP_SINGLE (64ul << 20)	   /* MAP_FIXED in single-threaded batches */
#define FIXED_CAP_THREADS FUZZ_ARENA_SIZE  /* and in threaded ones: long munmaps race */
#define BRK_CAP (64ul << 20)		   /* how far past its start the heap may grow */
#define LINUX_MAP_FIXED_NOREPLACE 0x100000 /* MAP_FIXED, but failing over a mapping */
#define CLOSED_FD 1000			   /* write()'s stand-in for the console fds */
#define THREAD_STACK_SIZE (64ul << 10)
#define CANARY 0x5afe000000000000ul

extern char _end[]; /* GNU ld: the end of the program's data */

/* This batch process's layout, set before its threads start and only read after. */
static struct {
	unsigned long stack_low, stack_high, brk_start;
	bool host_linux;
} env;

/* One stream of calls: a single-threaded batch, or one thread of a threaded batch. */
struct stream {
	unsigned long seed;
	int index; /* 0 for single-threaded batches, else 1.. */
	int calls;
	bool threaded;
	pid_t pid, ppid; /* getpid() and getppid() at the start: they must not change */
};

bool fuzz_on_linux(void)
{
	return syscall(LINUX_NR_GETUID, 0, 0, 0, 0, 0, 0) >= 0;
}

/* ---- guards --------------------------------------------------------------------------- */

static bool overlaps(unsigned long start, unsigned long end, unsigned long lo, unsigned long hi)
{
	return start < hi && lo < end;
}

/* Would munmap or MAP_FIXED accept the range [addr, addr + len)? */
static bool valid_range(unsigned long addr, unsigned long len)
{
	unsigned long end = addr + ((len + FUZZ_PAGE - 1) & ~(FUZZ_PAGE - 1));

	return len && !(addr & (FUZZ_PAGE - 1)) && end > addr && end <= FUZZ_TASK_SIZE;
}

/* Would munmap/MAP_FIXED of [addr, addr + len) succeed over the batch's program or stack? */
static bool hits_own_memory(unsigned long addr, unsigned long len)
{
	unsigned long end = addr + ((len + FUZZ_PAGE - 1) & ~(FUZZ_PAGE - 1));

	if (!valid_range(addr, len))
		return false; /* -EINVAL: harmless */
	return overlaps(addr, end, IMAGE_START, (unsigned long)_end) ||
	       overlaps(addr, end, env.stack_low, env.stack_high);
}

static bool in_arena(unsigned long addr)
{
	return addr >= FUZZ_ARENA && addr < FUZZ_ARENA + FUZZ_ARENA_SIZE;
}

static void cap_length(unsigned long *len, unsigned long cap)
{
	if (*len > cap && *len <= FUZZ_TASK_SIZE)
		*len = cap;
}

static bool readable_class(int cls)
{
	return cls == FC_VALID || cls == FC_ARENA || cls == FC_ARENA_ODD || cls == FC_STRADDLE;
}

/*
 * Mappings go where the fuzzer expects memory: the arena. A MAP_FIXED one anywhere else
 * that could succeed runs in a sandbox, because a page mapped at a "bad pointer" address
 * (low, unmapped, top of user space) would let calls write there and later calls read
 * what was written as, say, a timespec. Linux honours free hints and, for a privileged
 * user, MAP_FIXED_NOREPLACE and address 0, so on a host hints outside the arena go too.
 */
static enum fuzz_how guard_mmap(struct fuzz_call *c, bool threaded)
{
	if (!(c->arg[3] & (MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE))) {
		cap_length(&c->arg[1], MAP_CAP);
		if (env.host_linux && !in_arena(c->arg[0]))
			c->arg[0] = 0;
		return FH_DIRECT;
	}
	cap_length(&c->arg[1], threaded ? FIXED_CAP_THREADS : FIXED_CAP_SINGLE);
	if (valid_range(c->arg[0], c->arg[1]) && !in_arena(c->arg[0]))
		return FH_SANDBOX;
	return FH_DIRECT;
}

/*
 * No argument may point into the batch's own stack: the kernel would read a stack word
 * as a timespec (a sleep of hours) or a program name, or write a struct over live frames.
 * Only "top of user space" pointers can land there, on a Linux host without address
 * randomisation; they go to the top page itself, which is never mapped.
 */
static void keep_off_stack(struct fuzz_call *c)
{
	for (int i = 0; i < FUZZ_MAX_ARGS; i++) {
		if (c->arg[i] >= env.stack_low && c->arg[i] < env.stack_high)
			c->arg[i] = FUZZ_TASK_SIZE;
	}
}

static enum fuzz_how guard(struct fuzz_call *c, bool threaded)
{
	keep_off_stack(c);
	switch (c->nr) {
	case __NR_exit:
	case __NR_exit_group:
		return FH_SANDBOX;
	case __NR_fork:
		return FH_SPAWN;
	case __NR_clone:
		if (env.host_linux) /* only what sublet knows: Linux would send the exit signal */
			c->arg[0] = (c->arg[0] & CLONE_VM) | SIGCHLD;
		return FH_SPAWN;
	case __NR_execve:
		return c->cls[0] == FC_VALID && c->valid_pick == FUZZ_PATH_REAL ? FH_SANDBOX
										: FH_DIRECT;
	case __NR_write:
		if ((long)c->arg[0] >= 0 && c->arg[0] <= 2 && readable_class(c->cls[1]))
			c->arg[0] = CLOSED_FD; /* keep the KTAP log clean */
		return FH_DIRECT;
	case __NR_mmap:
		return guard_mmap(c, threaded);
	case __NR_munmap:
		return hits_own_memory(c->arg[0], c->arg[1]) ? FH_SANDBOX : FH_DIRECT;
	case __NR_brk:
		if (c->arg[0] > env.brk_start + BRK_CAP && c->arg[0] < FUZZ_TASK_SIZE)
			c->arg[0] = env.brk_start + c->arg[0] % BRK_CAP;
		return FH_DIRECT;
	case __NR_writev:
		if ((long)c->arg[0] >= 0 && c->arg[0] <= 2)
			c->arg[0] = CLOSED_FD; /* an iovec may point at real bytes: a clean log */
		return FH_DIRECT;
	case __NR_read:
	case __NR_readv:
	case __NR_ioctl:
		/* On a host, fd 0 may be a terminal: a read would wait for input, an ioctl
		 * could change its settings or push input into it. */
		if (env.host_linux && (long)c->arg[0] >= 0 && c->arg[0] <= 2)
			c->arg[0] = CLOSED_FD;
		return FH_DIRECT;
	case __NR_mprotect:
	case __NR_madvise: /* MADV_DONTNEED zeroes: as fatal to our data as munmap */
		return hits_own_memory(c->arg[0], c->arg[1]) ? FH_SANDBOX : FH_DIRECT;
	case __NR_arch_prctl:
		return FH_SANDBOX; /* a new FS base would pull the C library's TLS away */
	default:
		return FH_DIRECT;
	}
}

/* ---- oracles -------------------------------------------------------------------------- */

static void load_regs(struct fuzz_regs *in, const struct fuzz_call *c, int serial)
{
	unsigned long canary = CANARY | ((unsigned long)serial << 8);

	in->rax = (unsigned long)c->nr;
	in->rdi = c->arg[0];
	in->rsi = c->arg[1];
	in->rdx = c->arg[2];
	in->r10 = c->arg[3];
	in->r8 = c->arg[4];
	in->r9 = c->arg[5];
	in->rbx = canary | 1;
	in->rbp = canary | 2;
	in->r12 = canary | 3;
	in->r13 = canary | 4;
	in->r14 = canary | 5;
	in->r15 = canary | 6;
}

static const char *const reg_names[] = {"rax", "rbx", "rdx", "rsi", "rdi", "rbp", "rsp",
					"r8",  "r9",  "r10", "r12", "r13", "r14", "r15"};
_Static_assert(sizeof(reg_names) / sizeof(reg_names[0]) * 8 == FUZZ_REGS_SIZE,
	       "one name per register of struct fuzz_regs");

/* Register i of r, counting in struct fuzz_regs's order (rax is 0): as
 * fuzz_changed_register() counts. */
static unsigned long reg_value(const struct fuzz_regs *r, int i)
{
	unsigned long v;

	memcpy(&v, (const char *)r + (size_t)i * sizeof(v), sizeof(v));
	return v;
}

int fuzz_changed_register(const struct fuzz_regs *in, const struct fuzz_regs *out)
{
	for (int i = 1; i < FUZZ_REGS_SIZE / 8; i++) {
		if (reg_value(in, i) != reg_value(out, i))
			return i;
	}
	return 0;
}

static bool is_error(long ret)
{
	return ret < 0 && ret >= -MAX_ERRNO;
}

static bool page_aligned_user(unsigned long v)
{
	return !(v & (FUZZ_PAGE - 1)) && v < FUZZ_TASK_SIZE;
}

/* Is ret a result the call may return? prev_brk: the break before a brk call. */
static bool result_in_range(const struct fuzz_call *c, long ret, const struct stream *s,
			    unsigned long prev_brk)
{
	switch (c->nr) {
	case __NR_getpid:
	case __NR_gettid: /* every stream is a process of its own: its tid is its pid */
		return ret == s->pid;
	case __NR_getppid:
		return ret == s->ppid;
	case __NR_sched_yield:
		return ret == 0;
	case __NR_write:
		return is_error(ret) || (ret >= 0 && (unsigned long)ret <= c->arg[2]);
	case __NR_mmap:
		if (is_error(ret))
			return true;
		return page_aligned_user((unsigned long)ret) &&
		       (!(c->arg[3] & MAP_FIXED) || (unsigned long)ret == c->arg[0]);
	case __NR_brk:
		if (s->threaded) /* another thread may move the break at any moment */
			return ret > 0 && (unsigned long)ret < FUZZ_TASK_SIZE;
		return (unsigned long)ret == c->arg[0] || (unsigned long)ret == prev_brk;
	case __NR_munmap:
	case __NR_nanosleep:
	case __NR_sysinfo:
	case __NR_ioctl:
	case __NR_mprotect:
	case __NR_madvise:
	case __NR_rt_sigaction:
	case __NR_rt_sigprocmask:
	case __NR_uname:
	case __NR_gettimeofday:
	case __NR_clock_gettime:
	case __NR_arch_prctl:
		return ret == 0 || is_error(ret);
	case __NR_read:
		return is_error(ret) || (ret >= 0 && (unsigned long)ret <= c->arg[2]);
	case __NR_readv:
	case __NR_writev:
		return ret >= 0 || is_error(ret);
	case __NR_set_tid_address:
		return ret == s->pid; /* the caller's tid: its pid, as for gettid */
	case __NR_fork:
	case __NR_clone:
	case __NR_wait4:
		return ret >= 0 || is_error(ret);
	case __NR_execve:
		return is_error(ret); /* it returned: it failed */
	case __NR_exit:
	case __NR_exit_group:
		return false; /* never returns */
	default:
		return ret == -ENOSYS;
	}
}

bool fuzz_result_in_range(const struct fuzz_call *c, long ret, unsigned long prev_brk)
{
	struct stream s = {.pid = getpid(), .ppid = getppid()};

	return result_in_range(c, ret, &s, prev_brk);
}

static const char *call_name(const struct fuzz_call *c)
{
	return c->which == FUZZ_UNKNOWN ? "unknown" : fuzz_syscalls[c->which].name;
}

static void report(const struct stream *s, int serial, const struct fuzz_call *c, long ret,
		   const char *what)
{
	printf(
	    "    # fuzz: FAILED stream %d call %d: %s [nr %ld](0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx, "
	    "0x%lx) = %ld: %s\n",
	    s->index, serial, call_name(c), c->nr, c->arg[0], c->arg[1], c->arg[2], c->arg[3],
	    c->arg[4], c->arg[5], ret, what);
}

/* Run c here and check both oracles; a FUZZ_EXIT_* status. */
static int run_direct(const struct stream *s, int serial, const struct fuzz_call *c)
{
	struct fuzz_regs in, out;
	unsigned long prev_brk = 0;
	int reg;
	long ret;

	if (c->nr == __NR_brk && !s->threaded)
		prev_brk = (unsigned long)syscall(SYS_brk, 0);
	load_regs(&in, c, serial);
	ret = fuzz_syscall_checked(&in, &out);
	reg = fuzz_changed_register(&in, &out);
	if (reg) {
		report(s, serial, c, ret, "a register changed");
		printf("    # fuzz: %s was 0x%lx, came back 0x%lx\n", reg_names[reg],
		       reg_value(&in, reg), reg_value(&out, reg));
		return FUZZ_EXIT_BAD_REGS;
	}
	if (!result_in_range(c, ret, s, prev_brk)) {
		report(s, serial, c, ret, "result out of range");
		return FUZZ_EXIT_BAD_RESULT;
	}
	return FUZZ_EXIT_OK;
}

/* fork or clone: the child exits at once (raw_syscall.S); reap it. */
static int run_spawn(const struct stream *s, int serial, const struct fuzz_call *c)
{
	struct fuzz_regs in;
	long ret;

	load_regs(&in, c, serial);
	ret = fuzz_syscall_spawn(&in);
	if (ret > 0)
		waitpid((pid_t)ret, NULL, 0);
	if (!result_in_range(c, ret, s, 0)) {
		report(s, serial, c, ret, "result out of range");
		return FUZZ_EXIT_BAD_RESULT;
	}
	return FUZZ_EXIT_OK;
}

/*
 * In a forked child: c may end it (exit), replace it (execve) or wreck it (unmap its
 * code); any of that is fine. Only a call that returns with a wrong result fails.
 */
static int run_sandboxed(const struct stream *s, int serial, const struct fuzz_call *c)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return FUZZ_EXIT_OK; /* no memory for a child: the call is not made */
	if (pid == 0) {
		struct stream child = *s;
		int ret;

		child.pid = getpid();
		child.ppid = getppid();
		child.threaded = false;
		ret = run_direct(&child, serial, c);
		while (waitpid(-1, NULL, 0) > 0)
			; /* a successful fork or clone's child */
		exit(ret);
	}
	if (waitpid(pid, &status, 0) != pid)
		return FUZZ_EXIT_OK;
	if (c->nr == __NR_exit || c->nr == __NR_exit_group || c->nr == __NR_execve)
		return FUZZ_EXIT_OK; /* its status is the call's argument, or the program's */
	if (WIFEXITED(status) && WEXITSTATUS(status) != FUZZ_EXIT_OK)
		return WEXITSTATUS(status);
	return FUZZ_EXIT_OK;
}

/* ---- streams, batches ----------------------------------------------------------------- */

/* Run the planned call c, as its guard decides; a FUZZ_EXIT_* status. */
static int run_call(const struct stream *s, int serial, struct fuzz_call *c)
{
	switch (guard(c, s->threaded)) {
	case FH_SPAWN:
		return run_spawn(s, serial, c);
	case FH_SANDBOX:
		return run_sandboxed(s, serial, c);
	default:
		return run_direct(s, serial, c);
	}
}

static int run_stream(struct stream *s)
{
	struct fuzz_gen g = {s->seed, s->threaded, env.host_linux};
	struct fuzz_call c;
	int err;

	s->pid = getpid();
	s->ppid = getppid();
	for (int i = 0; i < s->calls; i++) {
		fuzz_gen_call(&g, &c);
		err = run_call(s, i, &c);
		if (err)
			return err;
	}
	return FUZZ_EXIT_OK;
}

static int thread_main(void *arg)
{
	return run_stream(arg);
}

static void init_stream(struct stream *s, const struct fuzz_batch *b, int index)
{
	s->seed = b->threads ? fuzz_derive(b->seed, (unsigned long)index) : b->seed;
	s->index = index;
	s->calls = b->calls_per_stream;
	s->threaded = b->threads > 0;
}

/* The page straddling pointers end in, and the hole after it; the layout for the guards. */
static int set_up_batch(void)
{
	unsigned long here = (unsigned long)__builtin_frame_address(0) & ~(FUZZ_PAGE - 1);
	void *p;

	env.host_linux = fuzz_on_linux();
	env.stack_low = here - STACK_GUARD;
	env.stack_high = here + STACK_ABOVE;
	env.brk_start = (unsigned long)syscall(SYS_brk, 0);
	p = mmap((void *)FUZZ_STRADDLE_PAGE, FUZZ_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if ((unsigned long)p != FUZZ_STRADDLE_PAGE)
		return FUZZ_EXIT_SETUP;
	munmap((void *)(FUZZ_STRADDLE_PAGE + FUZZ_PAGE), FUZZ_PAGE);
	return FUZZ_EXIT_OK;
}

/* The batch process: one stream, or threads that each run one; its exit status. */
static int batch_main(const struct fuzz_batch *b)
{
	static char stacks[FUZZ_MAX_THREADS][THREAD_STACK_SIZE] __attribute__((aligned(16)));
	static struct stream streams[FUZZ_MAX_THREADS + 1];
	pid_t tids[FUZZ_MAX_THREADS];
	int worst = set_up_batch(), status;

	if (worst || b->threads > FUZZ_MAX_THREADS)
		return FUZZ_EXIT_SETUP;
	if (!b->threads) {
		init_stream(&streams[0], b, 0);
		return run_stream(&streams[0]);
	}
	for (int t = 0; t < b->threads; t++) {
		init_stream(&streams[t + 1], b, t + 1);
		tids[t] = clone(thread_main, (char *)stacks[t] + THREAD_STACK_SIZE,
				CLONE_VM | SIGCHLD, &streams[t + 1]);
		if (tids[t] < 0)
			worst = FUZZ_EXIT_SETUP;
	}
	for (int t = 0; t < b->threads; t++) {
		if (tids[t] < 0 || waitpid(tids[t], &status, 0) != tids[t])
			continue;
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("    # fuzz: thread %d of batch 0x%lx: %s\n", t + 1, b->seed,
			       wait_status_text(status, (char[48]){0}, 48));
			worst = WIFEXITED(status) ? WEXITSTATUS(status) : FUZZ_EXIT_THREAD_KILLED;
		}
	}
	return worst;
}

int fuzz_run_batch(const struct fuzz_batch *b)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return pid;
	if (pid == 0)
		exit(batch_main(b));
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return status;
}

int fuzz_run_call(const struct fuzz_call *c)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return pid;
	if (pid == 0) {
		struct stream s = {.pid = getpid(), .ppid = getppid()};
		struct fuzz_call copy = *c;
		int err = set_up_batch();

		exit(err ? err : run_call(&s, 0, &copy));
	}
	if (waitpid(pid, &status, 0) != pid)
		return -ECHILD;
	return status;
}

void fuzz_count_batch(const struct fuzz_batch *b, struct fuzz_coverage *cov)
{
	int streams = b->threads ? b->threads : 1;
	bool host_linux = fuzz_on_linux();

	for (int t = 0; t < streams; t++) {
		struct stream s;
		struct fuzz_gen g;
		struct fuzz_call c;

		init_stream(&s, b, b->threads ? t + 1 : 0);
		g = (struct fuzz_gen){s.seed, s.threaded, host_linux};
		for (int i = 0; i < s.calls; i++) {
			fuzz_gen_call(&g, &c);
			fuzz_count(cov, &c);
		}
	}
}
