/*
 * user/fuzz/gen.c - what the fuzzer calls, and with what: the table of system calls,
 * the argument classes and the plan of a stream of calls.
 *
 * A call is drawn by weight from fuzz_syscalls[] (or is an unknown number); each of its
 * arguments from the classes the table allows for it, then a value of that class. The
 * draws use only the stream's random state, so a seed always plans the same calls: the
 * campaign counts coverage by planning batches again without running them, and a batch
 * replays from its seed (docs/fuzzing.md). What is dangerous or costly to *run* is the
 * business of run.c's guards, not of the plan.
 */
#include "user/fuzz/fuzz.h"

#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define BIT(c) (1u << (c))
#define INTS                                                                                       \
	(BIT(FC_ZERO) | BIT(FC_MINUS_ONE) | BIT(FC_SMALL) | BIT(FC_PAGE_LEN) | BIT(FC_ODD_LEN) |   \
	 BIT(FC_HUGE_LEN) | BIT(FC_NEG_LEN) | BIT(FC_RANDOM))
#define BAD_PTRS                                                                                   \
	(BIT(FC_ZERO) | BIT(FC_STRADDLE) | BIT(FC_UNMAPPED) | BIT(FC_LOW) | BIT(FC_KERNEL) |       \
	 BIT(FC_NONCANON) | BIT(FC_TOP) | BIT(FC_RANDOM) | BIT(FC_MINUS_ONE))
#define PTRS (BAD_PTRS | BIT(FC_VALID) | BIT(FC_ARENA) | BIT(FC_ARENA_ODD))
/* Addresses for mmap, munmap and brk: no buffer of ours, and lengths' odd values too. */
#define ADDRS (PTRS & ~BIT(FC_VALID) & ~BIT(FC_STRADDLE))
#define FLAGS (BIT(FC_FLAGS) | BIT(FC_ZERO) | BIT(FC_MINUS_ONE) | BIT(FC_RANDOM))
#define FDS (BIT(FC_ZERO) | BIT(FC_MINUS_ONE) | BIT(FC_SMALL) | BIT(FC_RANDOM))
#define ANY ((1u << FC_NR_CLASSES) - 1)
/* nanosleep reads its timespec: not from the arena, where sysinfo() may have left a
 * struct whose first word (uptime) would be a long sleep. */
#define TIMESPEC_PTRS (BAD_PTRS | BIT(FC_VALID))

/* Flag bits the calls know (Linux's values, from musl's headers). */
#define PROT_BITS (PROT_READ | PROT_WRITE | PROT_EXEC)
#define MAP_BITS (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS)
#define CLONE_BITS (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | SIGCHLD)
/* The bits of TCGETS (0x5401) and TIOCGWINSZ (0x5413), and of arch_prctl's codes
 * (0x1001-0x1004): mixes of them hit the real requests now and then. */
#define IOCTL_BITS 0x5413ul
#define ARCH_PRCTL_BITS 0x1007ul

/* Single-threaded batches weigh every call; threaded ones favour the address-space calls
 * and the calls that touch user memory from the kernel (sysinfo writes its struct, execve
 * reads its path), so that threads race over the same mappings. */
const struct fuzz_syscall fuzz_syscalls[] = {
    {"write", __NR_write, 8, 3, 3, {FDS, PTRS, INTS}, {FV_BUF, FV_BUF, FV_BUF}, {0}},
    {"mmap",
     __NR_mmap,
     10,
     24,
     6,
     {ADDRS, INTS, FLAGS, FLAGS, FDS, INTS},
     {FV_BUF},
     {0, 0, PROT_BITS, MAP_BITS}},
    {"munmap", __NR_munmap, 10, 24, 2, {ADDRS, INTS}, {FV_BUF}, {0}},
    {"brk", __NR_brk, 5, 2, 1, {ADDRS}, {FV_BUF}, {0}},
    {"sched_yield", __NR_sched_yield, 3, 3, 0, {0}, {FV_BUF}, {0}},
    {"nanosleep", __NR_nanosleep, 5, 2, 2, {TIMESPEC_PTRS, PTRS}, {FV_TIMESPEC, FV_BUF}, {0}},
    {"getpid", __NR_getpid, 3, 1, 0, {0}, {FV_BUF}, {0}},
    {"clone",
     __NR_clone,
     2,
     1,
     5,
     {FLAGS, ADDRS | BIT(FC_VALID), PTRS, PTRS, INTS},
     {FV_BUF, FV_STACK, FV_BUF, FV_BUF},
     {CLONE_BITS}},
    {"fork", __NR_fork, 1, 1, 0, {0}, {FV_BUF}, {0}},
    {"execve", __NR_execve, 6, 8, 3, {PTRS, PTRS, PTRS}, {FV_PATH, FV_ARGV, FV_ARGV}, {0}},
    {"exit", __NR_exit, 1, 1, 1, {INTS}, {FV_BUF}, {0}},
    {"wait4",
     __NR_wait4,
     5,
     2,
     4,
     {INTS, PTRS, FLAGS, PTRS},
     {FV_BUF, FV_BUF, FV_BUF},
     {0, 0, WNOHANG}},
    {"sysinfo", __NR_sysinfo, 5, 12, 1, {PTRS}, {FV_BUF}, {0}},
    {"getppid", __NR_getppid, 3, 1, 0, {0}, {FV_BUF}, {0}},
    {"gettid", __NR_gettid, 3, 1, 0, {0}, {FV_BUF}, {0}},
    {"exit_group", __NR_exit_group, 1, 1, 1, {INTS}, {FV_BUF}, {0}},
    /* What musl's start-up, stdio and malloc need (issue 13's first stage). */
    {"read", __NR_read, 2, 1, 3, {FDS, PTRS, INTS}, {FV_BUF, FV_BUF, FV_BUF}, {0}},
    {"readv", __NR_readv, 2, 1, 3, {FDS, PTRS, INTS}, {FV_BUF, FV_BUF, FV_BUF}, {0}},
    {"writev", __NR_writev, 3, 2, 3, {FDS, PTRS, INTS}, {FV_BUF, FV_BUF, FV_BUF}, {0}},
    {"ioctl", __NR_ioctl, 2, 1, 3, {FDS, FLAGS, PTRS}, {FV_BUF, FV_BUF, FV_BUF}, {0, IOCTL_BITS}},
    {"mprotect", __NR_mprotect, 5, 12, 3, {ADDRS, INTS, FLAGS}, {FV_BUF}, {0, 0, PROT_BITS}},
    {"madvise", __NR_madvise, 3, 8, 3, {ADDRS, INTS, INTS}, {FV_BUF}, {0}},
    {"rt_sigaction",
     __NR_rt_sigaction,
     2,
     1,
     4,
     {INTS, PTRS, PTRS, INTS},
     {FV_BUF, FV_BUF, FV_BUF},
     {0}},
    {"rt_sigprocmask",
     __NR_rt_sigprocmask,
     2,
     1,
     4,
     {INTS, PTRS, PTRS, INTS},
     {FV_BUF, FV_BUF, FV_BUF},
     {0}},
    {"uname", __NR_uname, 2, 2, 1, {PTRS}, {FV_BUF}, {0}},
    {"gettimeofday", __NR_gettimeofday, 2, 2, 2, {PTRS, PTRS}, {FV_BUF, FV_BUF}, {0}},
    {"clock_gettime", __NR_clock_gettime, 2, 2, 2, {INTS, PTRS}, {FV_BUF, FV_BUF}, {0}},
    {"arch_prctl", __NR_arch_prctl, 2, 1, 2, {FLAGS, PTRS}, {FV_BUF, FV_BUF}, {ARCH_PRCTL_BITS}},
    {"set_tid_address", __NR_set_tid_address, 1, 1, 1, {PTRS}, {FV_BUF}, {0}},
};
const int fuzz_nr_syscalls = sizeof(fuzz_syscalls) / sizeof(fuzz_syscalls[0]);
_Static_assert(sizeof(fuzz_syscalls) / sizeof(fuzz_syscalls[0]) <= FUZZ_MAX_SYSCALLS,
	       "struct fuzz_coverage has no room for every call");

/* How often a number outside the implemented set is drawn, against the table's weights. */
#define UNKNOWN_WEIGHT 10
#define UNKNOWN_THREAD_WEIGHT 2

const char *const fuzz_class_names[FC_NR_CLASSES] = {
    [FC_ZERO] = "zero",		[FC_MINUS_ONE] = "minus_one", [FC_SMALL] = "small",
    [FC_PAGE_LEN] = "page_len", [FC_ODD_LEN] = "odd_len",     [FC_HUGE_LEN] = "huge_len",
    [FC_NEG_LEN] = "neg_len",	[FC_FLAGS] = "flags",	      [FC_RANDOM] = "random",
    [FC_VALID] = "valid",	[FC_ARENA] = "arena",	      [FC_ARENA_ODD] = "arena_odd",
    [FC_STRADDLE] = "straddle", [FC_UNMAPPED] = "unmapped",   [FC_LOW] = "low",
    [FC_KERNEL] = "kernel",	[FC_NONCANON] = "noncanon",   [FC_TOP] = "top",
};

/* ---- the buffers valid arguments point to --------------------------------------------- */

#define SCRATCH_SIZE (2 * FUZZ_PAGE)
#define SCRATCH_STACK_SIZE FUZZ_PAGE
#define TOO_MANY_ARGS 40 /* more than sublet's execve takes (and fine for Linux) */
#define NSEC_PER_SEC 1000000000l

/* Written by the kernel (sysinfo, wait4, ...); nothing reads it back. */
static char scratch[SCRATCH_SIZE] __attribute__((aligned(16)));
static char scratch_stack[SCRATCH_STACK_SIZE] __attribute__((aligned(16)));

/* Zero, short sleeps, and the invalid ones: no long sleep, ever. */
static const struct timespec timespecs[] = {
    {0, 0},
    {0, 1000},
    {0, 1000000},
    {-1, 0},
    {0, -1},
    {0, NSEC_PER_SEC},
    {-0x7fffffffffffffffl - 1, 0},
};

/* Longer than the 64 bytes sublet's execve keeps of a name. */
#define FUZZ_LONG_NAME                                                                             \
	("fuzz-a-name-longer-than-any-program-name-the-kernel-keeps-"                              \
	 "fuzz-a-name-longer-than-any-program-name-the-kernel-keeps")

static const char *const paths[FUZZ_NR_PATHS] = {
    [FUZZ_PATH_MISSING] = "fuzz-no-such-program",
    [FUZZ_PATH_EMPTY] = "",
    [FUZZ_PATH_LONG] = FUZZ_LONG_NAME,
    [FUZZ_PATH_REAL] = "fuzz_argv_child",
};

/* Recognisable strings: if another process's program ever starts with one of them in its
 * argv, execve leaked them (the execve_isolation test looks for exactly this). */
#define S(n) "FUZZ-SECRET-" #n "-0123456789abcdef"
char *const fuzz_secret_argv[] = {
    S(00), S(01), S(02), S(03), S(04), S(05), S(06), S(07), S(08),
    S(09), S(10), S(11), S(12), S(13), S(14), S(15), NULL,
};
#undef S
static char *const empty_argv[] = {NULL};
static char *const bad_element_argv[] = {"fuzz", (char *)0xffff888000000000ul, NULL};
#define X5 "x", "x", "x", "x", "x"
static char *const too_many_argv[TOO_MANY_ARGS + 1] = {X5, X5, X5, X5, X5, X5, X5, X5, NULL};
#undef X5

void *fuzz_valid_value(enum fuzz_valid kind, unsigned long r, int *pick)
{
	switch (kind) {
	case FV_TIMESPEC:
		return (void *)&timespecs[r % (sizeof(timespecs) / sizeof(timespecs[0]))];
	case FV_PATH:
		*pick = (int)(r % FUZZ_NR_PATHS);
		return (void *)paths[*pick];
	case FV_ARGV:
		switch (r % 4) {
		case 0:
			return (void *)fuzz_secret_argv;
		case 1:
			return (void *)empty_argv;
		case 2:
			return (void *)bad_element_argv;
		default:
			return (void *)too_many_argv;
		}
	case FV_STACK:
		return scratch_stack + SCRATCH_STACK_SIZE;
	case FV_BUF:
	default:
		return scratch + (r % (SCRATCH_SIZE / 2) & ~7ul);
	}
}

/* ---- values of each class -------------------------------------------------------------- */

#define KiB 1024ul
#define GiB (1ul << 30)
#define LOW_LIMIT (64 * KiB)
#define KERNEL_DIRECT_MAP 0xffff888000000000ul
#define KERNEL_IMAGE 0xffffffff80000000ul
#define LAST_PAGE 0xfffffffffffff000ul
#define NONCANONICAL_LOW 0x0000800000000000ul
#define SMALL_MAX 16
#define PAGES_MAX 16
#define ODD_LEN_MAX (64 * KiB)

static const unsigned long huge_lens[] = {
    1ul << 32, 1ul << 33,      1ul << 40, 1ul << 46,
    1ul << 47, FUZZ_TASK_SIZE, 1ul << 62, ~0ul - FUZZ_PAGE + 1,
};
static const long neg_lens[] = {
    -2, -(long)FUZZ_PAGE, -(1l << 20), -0x7fffffffffffffffl - 1, -0x7fffffffffffffffl,
};

#define PICK(g, array) ((array)[fuzz_below(&(g)->rng, sizeof(array) / sizeof((array)[0]))])

static unsigned long arena_address(struct fuzz_gen *g)
{
	unsigned long pages =
	    fuzz_below(&g->rng, 4) ? FUZZ_ARENA_HOT_PAGES : FUZZ_ARENA_SIZE / FUZZ_PAGE;

	return FUZZ_ARENA + fuzz_below(&g->rng, pages) * FUZZ_PAGE;
}

static unsigned long kernel_address(struct fuzz_gen *g)
{
	switch (fuzz_below(&g->rng, 3)) {
	case 0:
		return KERNEL_DIRECT_MAP + fuzz_below(&g->rng, GiB);
	case 1:
		return KERNEL_IMAGE + fuzz_below(&g->rng, 16 * (1ul << 20));
	default:
		return LAST_PAGE + fuzz_below(&g->rng, FUZZ_PAGE);
	}
}

static unsigned long noncanonical_address(struct fuzz_gen *g)
{
	switch (fuzz_below(&g->rng, 3)) {
	case 0:
		return NONCANONICAL_LOW + fuzz_below(&g->rng, 1ul << 40);
	case 1:
		return 0x8000000000000000ul + fuzz_below(&g->rng, 1ul << 40);
	default:
		return NONCANONICAL_LOW | fuzz_next(&g->rng);
	}
}

/* A mix of the call's flags, and now and then a bit it does not know. */
static unsigned long flag_mix(struct fuzz_gen *g, unsigned long known)
{
	unsigned long v = fuzz_next(&g->rng) & known;

	if (!fuzz_below(&g->rng, 4))
		v |= 1ul << fuzz_below(&g->rng, 64);
	return v;
}

static unsigned long class_value(struct fuzz_gen *g, enum fuzz_class cls, enum fuzz_valid kind,
				 unsigned long known_flags, int *pick)
{
	switch (cls) {
	case FC_ZERO:
		return 0;
	case FC_MINUS_ONE:
		return ~0ul;
	case FC_SMALL:
		return 1 + fuzz_below(&g->rng, SMALL_MAX);
	case FC_PAGE_LEN:
		return (1 + fuzz_below(&g->rng, PAGES_MAX)) * FUZZ_PAGE;
	case FC_ODD_LEN:
		return 1 + 2 * fuzz_below(&g->rng, ODD_LEN_MAX / 2);
	case FC_HUGE_LEN:
		return PICK(g, huge_lens);
	case FC_NEG_LEN:
		return (unsigned long)PICK(g, neg_lens);
	case FC_FLAGS:
		return flag_mix(g, known_flags);
	case FC_VALID:
		return (unsigned long)fuzz_valid_value(kind, fuzz_next(&g->rng), pick);
	case FC_ARENA:
		return arena_address(g);
	case FC_ARENA_ODD:
		return arena_address(g) + 1 + fuzz_below(&g->rng, FUZZ_PAGE - 1);
	case FC_STRADDLE: /* 1..15 bytes before the hole: a word or a timespec crosses it */
		return FUZZ_STRADDLE_PAGE + FUZZ_PAGE - 1 - fuzz_below(&g->rng, 15);
	case FC_UNMAPPED:
		return FUZZ_UNMAPPED + fuzz_below(&g->rng, FUZZ_UNMAPPED_SIZE);
	case FC_LOW:
		return 1 + fuzz_below(&g->rng, LOW_LIMIT - 1);
	case FC_KERNEL:
		return kernel_address(g);
	case FC_NONCANON:
		return noncanonical_address(g);
	case FC_TOP:
		return FUZZ_TASK_SIZE - fuzz_below(&g->rng, 4 * FUZZ_PAGE);
	case FC_RANDOM:
	default:
		return fuzz_next(&g->rng);
	}
}

/* ---- planning a call ----------------------------------------------------------------- */

/* The k-th (from 0) class in set. */
static enum fuzz_class nth_class(fuzz_classes set, unsigned long k)
{
	for (int c = 0; c < FC_NR_CLASSES; c++) {
		if ((set & BIT(c)) && k-- == 0)
			return (enum fuzz_class)c;
	}
	return FC_RANDOM;
}

static unsigned long count_classes(fuzz_classes set)
{
	unsigned long n = 0;

	for (; set; set &= set - 1) /* no __builtin_popcount: it needs libgcc */
		n++;
	return n;
}

static enum fuzz_class pick_class(struct fuzz_gen *g, fuzz_classes set)
{
	/* Threads meet in the arena: half of the arguments that may point there do. */
	if (g->threaded && (set & BIT(FC_ARENA)) && fuzz_below(&g->rng, 2))
		return FC_ARENA;
	return nth_class(set, fuzz_below(&g->rng, count_classes(set)));
}

static int pick_syscall(struct fuzz_gen *g)
{
	unsigned int total = g->threaded ? UNKNOWN_THREAD_WEIGHT : UNKNOWN_WEIGHT;
	unsigned long r;

	for (int i = 0; i < fuzz_nr_syscalls; i++)
		total += g->threaded ? fuzz_syscalls[i].thread_weight : fuzz_syscalls[i].weight;
	r = fuzz_below(&g->rng, total);
	for (int i = 0; i < fuzz_nr_syscalls; i++) {
		unsigned int w =
		    g->threaded ? fuzz_syscalls[i].thread_weight : fuzz_syscalls[i].weight;

		if (r < w)
			return i;
		r -= w;
	}
	return FUZZ_UNKNOWN;
}

static bool implemented(long nr)
{
	for (int i = 0; i < fuzz_nr_syscalls; i++) {
		if (fuzz_syscalls[i].nr == nr)
			return true;
	}
	return false;
}

/*
 * A call sublet has that the fuzzer never draws: futex, whose FUTEX_WAIT on a word that
 * holds the value sleeps until woken (or until a timeout, which may be years), and in a
 * batch nobody wakes it. Not an unknown number either. user/utest_pthread.c tests it.
 */
static bool unfuzzed(long nr)
{
	return nr == __NR_futex;
}

/*
 * A number no call has. On sublet: any unimplemented one below 512 (Linux numbers sublet
 * lacks among them), a real number with high bits set, huge and negative ones. On a
 * Linux host only numbers Linux has no call for (it reads the number as an int, so high
 * bits would alias real calls such as kill).
 */
static long unknown_number(struct fuzz_gen *g)
{
	long nr;

	if (g->host_linux)
		return fuzz_below(&g->rng, 2) ? 1000 + (long)fuzz_below(&g->rng, 1ul << 29)
					      : -1 - (long)fuzz_below(&g->rng, 1ul << 30);
	switch (fuzz_below(&g->rng, 4)) {
	case 0:
		do
			nr = (long)fuzz_below(&g->rng, 512);
		while (implemented(nr) || unfuzzed(nr));
		return nr;
	case 1:
		return (1l << 32) | fuzz_syscalls[fuzz_below(&g->rng, fuzz_nr_syscalls)].nr;
	case 2:
		return -1 - (long)fuzz_below(&g->rng, 1ul << 31);
	default:
		nr = (long)fuzz_next(&g->rng);
		return implemented(nr) || unfuzzed(nr) ? -1 : nr;
	}
}

/* Threads racing on mappings: half of their mmaps are MAP_FIXED read-write ones. */
static void bias_for_races(struct fuzz_gen *g, struct fuzz_call *c)
{
	if (c->nr != __NR_mmap || fuzz_below(&g->rng, 2))
		return;
	c->arg[2] = PROT_READ | PROT_WRITE;
	c->arg[3] = MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS;
	c->cls[2] = c->cls[3] = FC_FLAGS;
	c->arg[4] = ~0ul;
	c->arg[5] = 0;
	c->cls[4] = FC_MINUS_ONE;
	c->cls[5] = FC_ZERO;
}

void fuzz_gen_call(struct fuzz_gen *g, struct fuzz_call *c)
{
	const struct fuzz_syscall *s;

	c->which = pick_syscall(g);
	c->valid_pick = -1;
	s = c->which == FUZZ_UNKNOWN ? NULL : &fuzz_syscalls[c->which];
	c->nr = s ? s->nr : unknown_number(g);
	for (int i = 0; i < FUZZ_MAX_ARGS; i++) {
		/* Arguments past the call's own are ignored by the kernel, and still must
		 * come back unchanged: any class will do. */
		bool own = s && i < s->nargs;
		fuzz_classes set = own ? s->classes[i] : ANY & ~BIT(FC_VALID);
		enum fuzz_class cls = pick_class(g, set);

		c->cls[i] = (unsigned char)cls;
		c->arg[i] = class_value(g, cls, own ? s->valid[i] : FV_BUF, own ? s->flags[i] : 0,
					&c->valid_pick);
	}
	if (g->threaded)
		bias_for_races(g, c);
}

void fuzz_count(struct fuzz_coverage *cov, const struct fuzz_call *c)
{
	int nargs = c->which == FUZZ_UNKNOWN ? FUZZ_MAX_ARGS : fuzz_syscalls[c->which].nargs;

	cov->calls++;
	cov->per_syscall[c->which == FUZZ_UNKNOWN ? FUZZ_MAX_SYSCALLS : c->which]++;
	for (int i = 0; i < nargs; i++)
		cov->per_class[c->cls[i]]++;
}
