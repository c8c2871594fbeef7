/*
 * user/utest_mem.c - a process's memory: the heap (brk), anonymous mappings (mmap,
 * munmap), and the SSE registers the kernel must keep per task.
 *
 * New memory must read zero whoever used the frames before; unmapped memory must fault
 * (checked in a child, which must die of SIGSEGV); bad arguments get -EINVAL, Linux's
 * answer. The SSE tests keep values in every xmm register and in MXCSR across
 * sched_yield() while another process does the same with other values: if the kernel
 * did not save and restore the FPU state per task, one would see the other's.
 */
#include <stddef.h>

#include "user/lib/utest.h"

UTEST_SUITE(utest_mem);

#define HEAP_PAGES 5
#define MAP_PAGES 5
#define LARGE_MAP_SIZE (64ul << 20)
#define LARGE_MAP_STRIDE (4ul << 20)
#define SYSINFO_MAP_SIZE (4ul << 20)
#define LINUX_NR_GETUID 102  /* Linux has it, sublet not: tells the two apart */
#define HUGE_LEN (1ul << 47) /* all of user space: can never fit */
#define KERNEL_DIRECT_MAP 0xffff888000000000ul
#define NON_CANONICAL 0x0000800000000000ul
#define SSE_ROUNDS 200
#define MXCSR_DEFAULT 0x1f80 /* all exceptions masked, round to nearest */
#define MXCSR_RC_DOWN 0x2000 /* rounding control: toward -infinity */
#define MXCSR_RC_ZERO 0x6000 /* rounding control: toward zero */
#define SERIES_TERMS 2000
#define BASEL_LIMIT 1.6449340668482264 /* pi^2 / 6, the sum of 1/i^2 */

extern char _end[]; /* GNU ld: the end of bss */

static unsigned long page_align_up(unsigned long x)
{
	return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

static unsigned char *map_anon(size_t len, int prot)
{
	return mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* Whether all of [p, p + len) reads zero; the first byte that does not, in *bad. */
static int all_zero(const volatile unsigned char *p, size_t len, size_t *bad)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i]) {
			*bad = i;
			return 0;
		}
	}
	return 1;
}

UTEST(brk_query_is_stable_and_above_bss)
{
	char *cur = sys_brk(NULL);

	UEXPECT_PTR_NE(cur, MAP_FAILED);
	UEXPECT_PTR_EQ(sys_brk(NULL), cur);
	UEXPECT_GE((unsigned long)cur, (unsigned long)_end);
}

UTEST(brk_grows_with_zeroed_memory_and_shrinks)
{
	char *cur = sys_brk(NULL);
	/* Whole pages from a page boundary: the old break's own page may hold old data. */
	unsigned char *base = (unsigned char *)page_align_up((unsigned long)cur);
	size_t len = HEAP_PAGES * PAGE_SIZE, bad = 0;

	UASSERT_PTR_EQ(sys_brk(base + len), base + len);
	UEXPECT_TRUE(all_zero(base, len, &bad));
	memset(base, 0xa5, len);
	UEXPECT_EQ(base[len - 1], 0xa5);

	UEXPECT_PTR_EQ(sys_brk(base), base);		 /* shrink: the pages go */
	UEXPECT_PTR_EQ(sys_brk(base + len), base + len); /* grow again: fresh zero pages */
	UEXPECT_TRUE(all_zero(base, len, &bad));
	UEXPECT_PTR_EQ(sys_brk(cur), cur);
}

UTEST(brk_shrunk_pages_fault)
{
	char *cur = sys_brk(NULL);
	unsigned char *base = (unsigned char *)page_align_up((unsigned long)cur);
	int status = -1;
	pid_t pid;

	UASSERT_PTR_EQ(sys_brk(base + 2 * PAGE_SIZE), base + 2 * PAGE_SIZE);
	base[PAGE_SIZE] = 1;
	UASSERT_PTR_EQ(sys_brk(base), base);
	pid = fork();
	if (pid == 0) {
		base[PAGE_SIZE] = 2; /* no longer heap: must fault */
		exit(0);
	}
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_SIGNALED(status, SIGSEGV);
	UEXPECT_PTR_EQ(sys_brk(cur), cur);
}

UTEST(brk_refuses_bad_breaks)
{
	char *cur = sys_brk(NULL);
	int on_stack = 0;
	unsigned char *map = map_anon(PAGE_SIZE, PROT_READ | PROT_WRITE);

	UEXPECT_PTR_EQ(sys_brk((void *)0x10000), cur);	/* below the program */
	UEXPECT_PTR_EQ(sys_brk((void *)0x400000), cur); /* over the program's text */
	UEXPECT_PTR_EQ(sys_brk(&on_stack), cur);	/* over the stack */
	UEXPECT_PTR_EQ(sys_brk((void *)NON_CANONICAL), cur);
	UEXPECT_PTR_EQ(sys_brk((void *)KERNEL_DIRECT_MAP), cur);
	UASSERT_PTR_NE(map, MAP_FAILED);
	if ((char *)map > cur)
		UEXPECT_PTR_EQ(sys_brk(map + PAGE_SIZE), cur); /* over a mapping */
	UEXPECT_PTR_EQ(sys_brk(NULL), cur);
	UEXPECT_EQ(munmap(map, PAGE_SIZE), 0);
}

UTEST(sbrk_moves_the_break)
{
	char *old = sys_sbrk(0);

	UEXPECT_PTR_EQ(sys_sbrk(100), old);
	UEXPECT_PTR_EQ(sys_sbrk(0), old + 100);
	old[99] = 1; /* the new bytes are usable */
	UEXPECT_PTR_EQ(sys_sbrk(-100), old + 100);
	UEXPECT_PTR_EQ(sys_sbrk(0), old);
}

UTEST(mmap_gives_zeroed_aligned_writable_memory)
{
	size_t len = MAP_PAGES * PAGE_SIZE, bad = 0;
	unsigned char *p = map_anon(len, PROT_READ | PROT_WRITE);

	UASSERT_PTR_NE(p, MAP_FAILED);
	UEXPECT_EQ((unsigned long)p % PAGE_SIZE, 0);
	UEXPECT_GE((unsigned long)p, 0x10000);
	UEXPECT_TRUE(all_zero(p, len, &bad));
	memset(p, 0x3c, len);
	UEXPECT_EQ(p[0], 0x3c);
	UEXPECT_EQ(p[len - 1], 0x3c);
	UEXPECT_EQ(munmap(p, len), 0);
}

UTEST(mmap_regions_are_distinct)
{
	unsigned char *a = map_anon(2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	unsigned char *b = map_anon(2 * PAGE_SIZE, PROT_READ | PROT_WRITE);

	UASSERT_PTR_NE(a, MAP_FAILED);
	UASSERT_PTR_NE(b, MAP_FAILED);
	UEXPECT_TRUE(a + 2 * PAGE_SIZE <= b || b + 2 * PAGE_SIZE <= a);
	memset(a, 1, 2 * PAGE_SIZE);
	memset(b, 2, 2 * PAGE_SIZE);
	UEXPECT_EQ(a[2 * PAGE_SIZE - 1], 1);
	UEXPECT_EQ(b[0], 2);
	UEXPECT_EQ(munmap(a, 2 * PAGE_SIZE), 0);
	UEXPECT_EQ(munmap(b, 2 * PAGE_SIZE), 0);
}

UTEST(mmap_large_region_is_usable)
{
	unsigned char *p = map_anon(LARGE_MAP_SIZE, PROT_READ | PROT_WRITE);

	UASSERT_PTR_NE(p, MAP_FAILED);
	for (unsigned long off = 0; off < LARGE_MAP_SIZE; off += LARGE_MAP_STRIDE) {
		UEXPECT_EQ(p[off], 0);
		p[off] = 1;
	}
	UEXPECT_EQ(p[LARGE_MAP_SIZE - 1], 0);
	UEXPECT_EQ(munmap(p, LARGE_MAP_SIZE), 0);
}

/* In a child: touch the byte at arg. */
static int touch(void *arg)
{
	*(volatile unsigned char *)arg = 1;
	return 0;
}

/* In a child: read the byte at arg. */
static int peek(void *arg)
{
	return *(volatile unsigned char *)arg == 0x77;
}

UTEST(munmap_makes_access_fault)
{
	unsigned char *p = map_anon(PAGE_SIZE, PROT_READ | PROT_WRITE);

	UASSERT_PTR_NE(p, MAP_FAILED);
	p[0] = 1;
	UEXPECT_EQ(munmap(p, PAGE_SIZE), 0);
	UEXPECT_SIGNALED(utest_run_child(touch, p), SIGSEGV);
	UEXPECT_SIGNALED(utest_run_child(peek, p), SIGSEGV);
}

UTEST(munmap_middle_page_leaves_the_rest)
{
	unsigned char *p = map_anon(3 * PAGE_SIZE, PROT_READ | PROT_WRITE);

	UASSERT_PTR_NE(p, MAP_FAILED);
	memset(p, 0x77, 3 * PAGE_SIZE);
	UEXPECT_EQ(munmap(p + PAGE_SIZE, PAGE_SIZE), 0);
	UEXPECT_EQ(p[0], 0x77);
	UEXPECT_EQ(p[3 * PAGE_SIZE - 1], 0x77);
	UEXPECT_SIGNALED(utest_run_child(touch, p + PAGE_SIZE), SIGSEGV);
	UEXPECT_EXITED(utest_run_child(peek, p + 2 * PAGE_SIZE), 1);
	UEXPECT_EQ(munmap(p, 3 * PAGE_SIZE), 0); /* the hole inside is fine */
}

UTEST(munmap_of_nothing_succeeds)
{
	unsigned char *p = map_anon(PAGE_SIZE, PROT_READ | PROT_WRITE);

	UASSERT_PTR_NE(p, MAP_FAILED);
	UEXPECT_EQ(munmap(p, PAGE_SIZE), 0);
	UEXPECT_EQ(munmap(p, PAGE_SIZE), 0); /* Linux: unmapping a hole is not an error */
}

UTEST(read_only_mapping_reads_zero_and_refuses_writes)
{
	unsigned char *p = map_anon(PAGE_SIZE, PROT_READ);
	size_t bad = 0;

	UASSERT_PTR_NE(p, MAP_FAILED);
	UEXPECT_TRUE(all_zero(p, PAGE_SIZE, &bad));
	UEXPECT_SIGNALED(utest_run_child(touch, p), SIGSEGV);
	UEXPECT_EQ(munmap(p, PAGE_SIZE), 0);
}

/*
 * PROT_NONE allows no access at all: a read faults in the process, and the kernel's
 * copy from such a page (write(2)) fails with -EFAULT, as on Linux. Nothing is mapped:
 * on x86 a present user page is always readable, so the only way is no PTE.
 */
UTEST(prot_none_mapping_refuses_reads)
{
	unsigned char *p = map_anon(PAGE_SIZE, PROT_NONE);

	UASSERT_PTR_NE(p, MAP_FAILED);
	UEXPECT_SIGNALED(utest_run_child(peek, p), SIGSEGV);
	UEXPECT_SIGNALED(utest_run_child(touch, p), SIGSEGV);
	UEXPECT_ERRNO(write(1, p, 16), EFAULT);
	UEXPECT_EQ(munmap(p, PAGE_SIZE), 0);
}

#define MMAP_MIN_ADDR 0x10000ul /* Linux's default vm.mmap_min_addr: 64 KiB */

#define NR_GETUID 102 /* Linux's getuid; sublet has no users, so no such syscall */

/*
 * Linux lets a privileged process (CAP_SYS_RAWIO, e.g. root in a container) map below
 * vm.mmap_min_addr, and that minimum is a setting; sublet has no privileges and a fixed
 * 64 KiB. getuid tells the two apart when the tests run on a Linux host.
 */
static bool linux_host(void)
{
	return syscall(NR_GETUID, 0, 0, 0, 0, 0, 0) >= 0; /* sublet: -1, ENOSYS */
}

/* Nothing may be mapped below 64 KiB: MAP_FIXED there is -EPERM (Linux's answer), a hint
 * there is ignored. */
UTEST(nothing_maps_below_64k)
{
	int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
	void *hinted = mmap((void *)PAGE_SIZE, PAGE_SIZE, rw, anon, -1, 0);

	if (linux_host()) {
		munmap(hinted, PAGE_SIZE);
		USKIP("a Linux host: low mappings depend on its privileges and vm.mmap_min_addr");
	}
	UEXPECT_ERRNO((long)mmap((void *)PAGE_SIZE, PAGE_SIZE, rw, anon | MAP_FIXED, -1, 0), EPERM);
	UEXPECT_ERRNO(
	    (long)mmap((void *)(MMAP_MIN_ADDR - PAGE_SIZE), PAGE_SIZE, rw, anon | MAP_FIXED, -1, 0),
	    EPERM);
	UEXPECT_SIGNALED(utest_run_child(peek, (void *)PAGE_SIZE), SIGSEGV);
	UASSERT_PTR_NE(hinted, MAP_FAILED);
	UEXPECT_GE((unsigned long)hinted, MMAP_MIN_ADDR);
	UEXPECT_EQ(munmap(hinted, PAGE_SIZE), 0);
}

/* A free, valid hint is taken (as Linux); munmap'ed room is given out again. */
UTEST(mmap_takes_a_free_hint_and_reuses_holes)
{
	int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
	unsigned char *p = mmap(NULL, 4 * PAGE_SIZE, rw, anon, -1, 0);
	unsigned char *q;

	UASSERT_PTR_NE(p, MAP_FAILED);
	UEXPECT_EQ(munmap(p, 4 * PAGE_SIZE), 0);
	q = mmap(p + PAGE_SIZE, PAGE_SIZE, rw, anon, -1, 0);
	UEXPECT_PTR_EQ(q, p + PAGE_SIZE);
	UEXPECT_EQ(munmap(q, PAGE_SIZE), 0);
	q = mmap(NULL, 4 * PAGE_SIZE, rw, anon, -1, 0); /* the same hole, from the top down */
	UEXPECT_PTR_EQ(q, p);
	UEXPECT_EQ(munmap(q, 4 * PAGE_SIZE), 0);
}

#define SPARSE_LEN (1ul << 46) /* 64 TiB, lazily mapped */

static int touch_and_exit(void *arg)
{
	unsigned char *p = arg;

	p[0] = 2; /* a copy-on-write break in the child */
	p[SPARSE_LEN - PAGE_SIZE] = 3;
	return p[0] == 2 ? 0 : 1;
}

/*
 * A huge, mostly empty mapping costs what is in it: fork, exit and munmap walk only the
 * page tables that exist (the kernel's mm_mmap suite checks the counters). Before, the
 * child's exit and the munmap each visited all 2^34 pages: about 40 minutes.
 */
UTEST(huge_sparse_mapping_forks_exits_and_unmaps)
{
	unsigned char *p = mmap(NULL, SPARSE_LEN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	UASSERT_PTR_NE(p, MAP_FAILED);
	p[0] = 1;
	UEXPECT_EXITED(utest_run_child(touch_and_exit, p), 0);
	UEXPECT_EQ(p[0], 1);
	UEXPECT_EQ(munmap(p, SPARSE_LEN), 0);
}

UTEST(mmap_bad_arguments_are_einval)
{
	int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;

	UEXPECT_ERRNO((long)mmap(NULL, 0, rw, anon, -1, 0), EINVAL);		      /* empty */
	UEXPECT_ERRNO((long)mmap(NULL, PAGE_SIZE, rw, MAP_ANONYMOUS, -1, 0), EINVAL); /* type */
	UEXPECT_ERRNO(syscall(SYS_mmap, NULL, PAGE_SIZE, rw, anon, -1, 1), EINVAL);   /* offset */
	UEXPECT_ERRNO((long)mmap((void *)0x10000123, PAGE_SIZE, rw, anon | MAP_FIXED, -1, 0),
		      EINVAL); /* a fixed address must be page-aligned */
	UEXPECT_ERRNO(munmap((void *)0x10000123, PAGE_SIZE), EINVAL);
	UEXPECT_ERRNO(munmap((void *)0x10000000, 0), EINVAL);
	UEXPECT_ERRNO(munmap((void *)KERNEL_DIRECT_MAP, PAGE_SIZE), EINVAL);
}

UTEST(mmap_too_large_is_enomem)
{
	UEXPECT_ERRNO((long)map_anon(HUGE_LEN, PROT_READ | PROT_WRITE), ENOMEM);
}

/* Load 16 distinct values (from seed and round) into xmm0-15 and MXCSR, yield, read them
 * back; returns how many rounds came back different. */
static int xmm_survive_yields(unsigned int seed, unsigned int mxcsr)
{
	int bad_rounds = 0;

	for (unsigned int round = 0; round < SSE_ROUNDS; round++) {
		unsigned int in[16][4] __attribute__((aligned(16)));
		unsigned int out[16][4] __attribute__((aligned(16)));
		unsigned int mxcsr_out = 0;

		for (int r = 0; r < 16; r++)
			for (int w = 0; w < 4; w++)
				in[r][w] =
				    seed * 0x01000193u ^ round << 8 ^ (unsigned int)(r * 4 + w);
		__asm__ __volatile__(
		    "ldmxcsr %[mxcsr]\n\t"
		    "movdqa 0(%[in]), %%xmm0\n\t movdqa 16(%[in]), %%xmm1\n\t"
		    "movdqa 32(%[in]), %%xmm2\n\t movdqa 48(%[in]), %%xmm3\n\t"
		    "movdqa 64(%[in]), %%xmm4\n\t movdqa 80(%[in]), %%xmm5\n\t"
		    "movdqa 96(%[in]), %%xmm6\n\t movdqa 112(%[in]), %%xmm7\n\t"
		    "movdqa 128(%[in]), %%xmm8\n\t movdqa 144(%[in]), %%xmm9\n\t"
		    "movdqa 160(%[in]), %%xmm10\n\t movdqa 176(%[in]), %%xmm11\n\t"
		    "movdqa 192(%[in]), %%xmm12\n\t movdqa 208(%[in]), %%xmm13\n\t"
		    "movdqa 224(%[in]), %%xmm14\n\t movdqa 240(%[in]), %%xmm15\n\t"
		    "movl %[nr], %%eax\n\t"
		    "syscall\n\t"
		    "movdqa %%xmm0, 0(%[out])\n\t movdqa %%xmm1, 16(%[out])\n\t"
		    "movdqa %%xmm2, 32(%[out])\n\t movdqa %%xmm3, 48(%[out])\n\t"
		    "movdqa %%xmm4, 64(%[out])\n\t movdqa %%xmm5, 80(%[out])\n\t"
		    "movdqa %%xmm6, 96(%[out])\n\t movdqa %%xmm7, 112(%[out])\n\t"
		    "movdqa %%xmm8, 128(%[out])\n\t movdqa %%xmm9, 144(%[out])\n\t"
		    "movdqa %%xmm10, 160(%[out])\n\t movdqa %%xmm11, 176(%[out])\n\t"
		    "movdqa %%xmm12, 192(%[out])\n\t movdqa %%xmm13, 208(%[out])\n\t"
		    "movdqa %%xmm14, 224(%[out])\n\t movdqa %%xmm15, 240(%[out])\n\t"
		    "stmxcsr %[mxcsr_out]\n\t"
		    "ldmxcsr %[mxcsr_default]"
		    : [mxcsr_out] "=m"(mxcsr_out)
		    : [in] "r"(in), [out] "r"(out), [mxcsr] "m"(mxcsr),
		      [mxcsr_default] "m"((unsigned int){MXCSR_DEFAULT}), [nr] "i"(__NR_sched_yield)
		    : "rax", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
		      "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
		      "xmm15");
		if (memcmp(in, out, sizeof(in)) || mxcsr_out != mxcsr)
			bad_rounds++;
	}
	return bad_rounds;
}

static int xmm_child(void *arg)
{
	(void)arg;
	return xmm_survive_yields(2, MXCSR_DEFAULT | MXCSR_RC_ZERO) ? 1 : 0;
}

UTEST(sysinfo_reports_memory)
{
	struct sysinfo info;

	memset(&info, 0xff, sizeof(info));
	UASSERT_EQ(sysinfo(&info), 0);
	/* Linux x86-64's layout: the kernel writes 112 bytes (musl's struct has room for
	 * more), mem_unit last. */
	UEXPECT_EQ(offsetof(struct sysinfo, mem_unit), 104ul);
	UEXPECT_GE(info.mem_unit, 1u);
	UEXPECT_GT(info.totalram, 0ul);
	UEXPECT_GT(info.freeram, 0ul);
	UEXPECT_LE(info.freeram, info.totalram);
	UEXPECT_GT(info.procs, 0);
	UEXPECT_LT(info.uptime, 10ul * 365 * 24 * 3600); /* not the 0xff.. it was filled with */
}

/* Bytes of free memory, as sysinfo counts it. */
static unsigned long free_bytes(void)
{
	struct sysinfo info;

	if (sysinfo(&info))
		return 0;
	return info.freeram * info.mem_unit;
}

UTEST(sysinfo_freeram_follows_touched_pages)
{
	/* Touched pages leave freeram and come back on munmap, every one of them (page
	 * tables may be kept for reuse: they are not counted). */
	unsigned long before, during, after;
	char *p;

	if (syscall(LINUX_NR_GETUID, 0, 0, 0, 0, 0, 0) >= 0)
		USKIP("Linux host: freed pages wait on per-CPU lists that freeram does not count");
	p = mmap(NULL, SYSINFO_MAP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		 0);
	UASSERT_PTR_NE(p, MAP_FAILED);
	before = free_bytes();
	for (unsigned long off = 0; off < SYSINFO_MAP_SIZE; off += PAGE_SIZE)
		p[off] = 1;
	during = free_bytes();
	UEXPECT_EQ(munmap(p, SYSINFO_MAP_SIZE), 0);
	after = free_bytes();
	UEXPECT_GE(before - during, SYSINFO_MAP_SIZE);
	UEXPECT_GE(after - during, SYSINFO_MAP_SIZE);
}

UTEST(sysinfo_bad_pointer_is_efault)
{
	UEXPECT_ERRNO(sysinfo(NULL), EFAULT);
	UEXPECT_ERRNO(sysinfo((struct sysinfo *)KERNEL_DIRECT_MAP), EFAULT);
	UEXPECT_ERRNO(sysinfo((struct sysinfo *)NON_CANONICAL), EFAULT);
}

UTEST(sse_registers_survive_yields_in_two_processes)
{
	pid_t pid = fork();
	int status = -1;

	if (pid == 0)
		exit(xmm_child(NULL));
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(xmm_survive_yields(1, MXCSR_DEFAULT | MXCSR_RC_DOWN), 0);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_EXITED(status, 0);
}

/* The Basel series, yielding every few terms if yield_every > 0. */
static double basel_sum(int yield_every)
{
	volatile double sum = 0.0;

	for (int i = 1; i <= SERIES_TERMS; i++) {
		double x = (double)i;

		sum = sum + 1.0 / (x * x);
		if (yield_every && i % yield_every == 0)
			sched_yield();
	}
	return sum;
}

static int basel_child(void *arg)
{
	(void)arg;
	return basel_sum(7) == basel_sum(0) ? 0 : 1;
}

UTEST(sse_arithmetic_is_right_across_yields)
{
	pid_t pid = fork();
	int status = -1;
	double with_yields, without, error;

	if (pid == 0)
		exit(basel_child(NULL));
	UASSERT_GT(pid, 0);
	with_yields = basel_sum(5);
	without = basel_sum(0);
	error = BASEL_LIMIT - with_yields; /* the tail: about 1 / SERIES_TERMS */
	UEXPECT_TRUE(with_yields == without);
	UEXPECT_TRUE(error > 0.0004 && error < 0.0006);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_EXITED(status, 0);
}
