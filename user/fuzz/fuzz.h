/*
 * user/fuzz/fuzz.h - the engine of sublet's seeded system-call fuzzer (docs/fuzzing.md).
 *
 * A campaign is a series of batches; a batch is one forked process that makes a planned
 * series of random system calls, alone or from several threads (clone(CLONE_VM)). Each
 * call is a number from the implemented set or an unknown one, with arguments drawn from
 * classes (zero, -1, lengths, kernel and non-canonical pointers, ...). The plan depends
 * only on the batch's seed, never on what the calls return, so the campaign's parent
 * counts coverage by generating the same plans without running them, and a batch replays
 * from its seed alone. Oracles, checked in the batch after every call: registers other
 * than rax, rcx and r11 survive (raw_syscall.S), the result is in range for the call.
 *
 *   gen.c          the calls the fuzzer knows, argument classes, plan generation
 *   run.c          guards, sandboxes, oracles, threads and batches
 *   raw_syscall.S  the syscall with every register loaded and read back
 *
 * user/utest_fuzz.c drives campaigns as a KTAP suite.
 */
#ifndef USER_FUZZ_FUZZ_H
#define USER_FUZZ_FUZZ_H

/* The kernel's raw results: an error is -1 .. -MAX_ERRNO (the C library's errno is not
 * involved: the fuzzer makes its calls itself, raw_syscall.S). */
#define MAX_ERRNO 4095

/* struct fuzz_regs, as raw_syscall.S sees it: byte offsets of each register. */
#define FUZZ_REG_RAX 0
#define FUZZ_REG_RBX 8
#define FUZZ_REG_RDX 16
#define FUZZ_REG_RSI 24
#define FUZZ_REG_RDI 32
#define FUZZ_REG_RBP 40
#define FUZZ_REG_RSP 48
#define FUZZ_REG_R8 56
#define FUZZ_REG_R9 64
#define FUZZ_REG_R10 72
#define FUZZ_REG_R12 80
#define FUZZ_REG_R13 88
#define FUZZ_REG_R14 96
#define FUZZ_REG_R15 104
#define FUZZ_REGS_SIZE 112

#ifndef __ASSEMBLER__

#include <stdbool.h>
#include <stddef.h>

/* The general registers a syscall must give back (all but rcx and r11, which the
 * `syscall` instruction itself overwrites; rax carries the number in, the result out). */
struct fuzz_regs {
	unsigned long rax, rbx, rdx, rsi, rdi, rbp, rsp, r8, r9, r10, r12, r13, r14, r15;
};

/*
 * Make the syscall in->rax with every register of *in loaded (in->rsp is not loaded: it
 * is set to the stack pointer at the `syscall` instruction), and store every register as
 * the kernel left it in *out. Returns rax.
 */
long fuzz_syscall_checked(struct fuzz_regs *in, struct fuzz_regs *out);
/*
 * Make a syscall that may create a task (fork, clone) from the argument registers of *in:
 * the new task, which sees 0 in rax, exits at once without touching memory (it may be on
 * a stack it does not own, or share its parent's). Returns rax in the caller.
 */
long fuzz_syscall_spawn(const struct fuzz_regs *in);

/* ---- randomness ----------------------------------------------------------------------- */

/* SplitMix64: tiny, fast, and every seed (0 too) gives a good stream. */
static inline unsigned long fuzz_next(unsigned long *state)
{
	unsigned long z = (*state += 0x9e3779b97f4a7c15ul);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ul;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebul;
	return z ^ (z >> 31);
}

/* A number in [0, n), n > 0. */
static inline unsigned long fuzz_below(unsigned long *state, unsigned long n)
{
	return fuzz_next(state) % n;
}

/* The seed of stream `index` derived from `seed`: batches and threads each get one. */
static inline unsigned long fuzz_derive(unsigned long seed, unsigned long index)
{
	unsigned long state = seed ^ (index * 0xd1b54a32d192ed03ul);

	return fuzz_next(&state);
}

/* ---- the address space the fuzzer plays in ------------------------------------------- */

#define FUZZ_PAGE 4096ul
/* Where MAP_FIXED mappings, munmap and "arena" pointers go: far from the program, its
 * stack and where the kernel puts mappings of its own choice. */
#define FUZZ_ARENA 0x200000000000ul
#define FUZZ_ARENA_SIZE (1ul << 30)
/* The part of the arena most arena addresses fall in, so that calls (and threads) meet
 * on the same pages. */
#define FUZZ_ARENA_HOT_PAGES 64
/* A page the fuzzer maps, followed by one it keeps unmapped: "straddling" pointers end
 * in it and run into the hole. */
#define FUZZ_STRADDLE_PAGE 0x180000000000ul
/* A range nothing ever maps: "unmapped" pointers. */
#define FUZZ_UNMAPPED 0x100000000000ul
#define FUZZ_UNMAPPED_SIZE (1ul << 30)
/* The top of user space (Linux's and sublet's TASK_SIZE). */
#define FUZZ_TASK_SIZE 0x00007ffffffff000ul

/* ---- argument classes ----------------------------------------------------------------- */

enum fuzz_class {
	FC_ZERO,      /* 0 (NULL) */
	FC_MINUS_ONE, /* -1 */
	FC_SMALL,     /* 1 .. 16 */
	FC_PAGE_LEN,  /* 1 .. 16 pages */
	FC_ODD_LEN,   /* a length that is not a multiple of the page size */
	FC_HUGE_LEN,  /* 4 GiB .. 2^63: past what fits, or costly if it did */
	FC_NEG_LEN,   /* a negative length */
	FC_FLAGS,     /* a mix of the call's flags, sometimes with an unknown bit */
	FC_RANDOM,    /* 64 random bits */
	FC_VALID,     /* a valid buffer of the kind the call wants */
	FC_ARENA,     /* a page in the arena: mapped or not, depending on earlier calls */
	FC_ARENA_ODD, /* an arena address that is not page-aligned */
	FC_STRADDLE,  /* a pointer a few bytes before an unmapped page */
	FC_UNMAPPED,  /* a user address never mapped */
	FC_LOW,	      /* below 64 KiB, where nothing is mapped */
	FC_KERNEL,    /* the kernel half: direct map, kernel image, last page */
	FC_NONCANON,  /* not canonical: bits 63..47 not all equal */
	FC_TOP,	      /* just below the top of user space */
	FC_NR_CLASSES
};

/* A set of classes, as bits (1 << FC_...). */
typedef unsigned int fuzz_classes;

/* ---- the calls ------------------------------------------------------------------------- */

/* What a valid (FC_VALID) argument is, per argument. */
enum fuzz_valid {
	FV_BUF,	     /* a writable scratch buffer */
	FV_TIMESPEC, /* a timespec: zero, a short sleep, or an invalid one */
	FV_PATH,     /* a program name: missing, empty, too long, or the argv checker */
	FV_ARGV,     /* an argv: secret strings, an empty one, a bad element, too many */
	FV_STACK,    /* the top of a scratch stack */
};

/* How a call is run (chosen by run.c's guard from the arguments). */
enum fuzz_how {
	FH_DIRECT,  /* in the batch, with the register oracle */
	FH_SPAWN,   /* creates a task: the child exits at once, the batch reaps it */
	FH_SANDBOX, /* could end or wreck the batch: run in a forked child */
};

#define FUZZ_MAX_ARGS 6

/* One call the fuzzer knows: its number, how often to pick it, its arguments. */
struct fuzz_syscall {
	const char *name;
	long nr;
	unsigned int weight;	    /* in single-threaded batches */
	unsigned int thread_weight; /* in threaded batches: address-space calls dominate */
	int nargs;
	fuzz_classes classes[FUZZ_MAX_ARGS];
	enum fuzz_valid valid[FUZZ_MAX_ARGS];
	unsigned long flags[FUZZ_MAX_ARGS]; /* the flag bits FC_FLAGS mixes */
};

#define FUZZ_MAX_SYSCALLS 32 /* room in struct fuzz_coverage */
extern const struct fuzz_syscall fuzz_syscalls[];
extern const int fuzz_nr_syscalls;
/* Index in fuzz_syscalls of calls with a number outside the implemented set. */
#define FUZZ_UNKNOWN (-1)

/* One planned call. */
struct fuzz_call {
	int which; /* index in fuzz_syscalls, or FUZZ_UNKNOWN */
	long nr;
	unsigned long arg[FUZZ_MAX_ARGS];
	unsigned char cls[FUZZ_MAX_ARGS];
	int valid_pick; /* for FC_VALID of FV_PATH: which name (FUZZ_PATH_*) */
};

/* Program names execve is given (FV_PATH). */
enum { FUZZ_PATH_MISSING, FUZZ_PATH_EMPTY, FUZZ_PATH_LONG, FUZZ_PATH_REAL, FUZZ_NR_PATHS };

/* 16 recognisable "FUZZ-SECRET-..." strings and a NULL: an argv execve gets. */
extern char *const fuzz_secret_argv[];

/* Names, for coverage reports. */
extern const char *const fuzz_class_names[FC_NR_CLASSES];

/* Calls made per syscall (the last slot: unknown numbers) and per argument class. */
struct fuzz_coverage {
	unsigned long calls;
	unsigned long per_syscall[FUZZ_MAX_SYSCALLS + 1];
	unsigned long per_class[FC_NR_CLASSES];
};

/* The generator's state for one stream of calls (a single-threaded batch or a thread). */
struct fuzz_gen {
	unsigned long rng;
	bool threaded;	 /* threaded batches weigh calls and classes towards races */
	bool host_linux; /* on a Linux host: no unknown number that Linux implements */
};

/* Plan the next call of the stream. Depends only on g's state, never on results. */
void fuzz_gen_call(struct fuzz_gen *g, struct fuzz_call *c);
/* Count c in cov. */
void fuzz_count(struct fuzz_coverage *cov, const struct fuzz_call *c);

/* Buffers valid arguments point into (gen.c), and their addresses, for the guards. */
void *fuzz_valid_value(enum fuzz_valid kind, unsigned long r, int *pick);

/* ---- batches (run.c) ------------------------------------------------------------------ */

#define FUZZ_MAX_THREADS 4

/* A batch's shape. */
struct fuzz_batch {
	unsigned long seed;
	int threads;	      /* 0: single-threaded; else this many clone(CLONE_VM) threads */
	int calls_per_stream; /* calls in the batch, or per thread */
};

/* Exit statuses of a batch process (and of its threads). */
#define FUZZ_EXIT_OK 0
#define FUZZ_EXIT_BAD_REGS 91	   /* a register other than rax, rcx, r11 changed */
#define FUZZ_EXIT_BAD_RESULT 92	   /* a result out of range for the call */
#define FUZZ_EXIT_SETUP 93	   /* the batch could not set up (mapping, threads) */
#define FUZZ_EXIT_THREAD_KILLED 94 /* a thread of the batch died of a signal */

/* The oracles, which the suite also tests on their own (run.c). The first register
 * (other than rax) that differs between in and out, as an index into struct fuzz_regs
 * counted in 8-byte words; 0 if none does. */
int fuzz_changed_register(const struct fuzz_regs *in, const struct fuzz_regs *out);
/* May c, made by this process alone, return ret? prev_brk: the break before a brk. */
bool fuzz_result_in_range(const struct fuzz_call *c, long ret, unsigned long prev_brk);

/* Is this a Linux host? (A call Linux has and sublet not answers.) */
bool fuzz_on_linux(void);
/* Run one batch in a forked process; its wait status, or -errno if fork failed. */
int fuzz_run_batch(const struct fuzz_batch *b);
/* Run the one call c as a batch would (guards, sandbox, oracles), in a forked process
 * set up as a batch; its wait status, or -errno. For the suite's tests of the guards. */
int fuzz_run_call(const struct fuzz_call *c);
/* Count the calls the batch plans, without running them. */
void fuzz_count_batch(const struct fuzz_batch *b, struct fuzz_coverage *cov);

#endif /* __ASSEMBLER__ */
#endif
