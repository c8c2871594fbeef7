/*
 * user/utest_mm_race.c - two threads of one process changing and using one address space.
 *
 * Threads share their mm_struct, so one may unmap what the other is unmapping, or
 * faulting in, at the same moment. The kernel serialises such changes with mm->mmap_lock
 * (docs/memory-virtual.md, "The address-space lock"). Without it, both races below took
 * the whole machine down (issue 8, finding 2):
 *   - munmap(A, 8 GiB) in one thread while the other unmaps the page just above A: the
 *     first walked the VMA list onto the VMA the second had freed (#GP on the poison);
 *   - touching a mapping in one thread while the other unmaps it: the fault mapped a page
 *     after its VMA had gone, and exit panicked "pages still mapped outside any VMA";
 *   - two threads breaking copy-on-write on the same pages: both copied, one copy
 *     replaced the other, and the shared page was freed twice ("put_page: double free").
 * Each test repeats its race for several rounds; a kernel without the lock panics, and
 * this program's exit (exit_mmap checks every page is inside a VMA) is part of the test.
 */
#include "user/lib/utest.h"

UTEST_SUITE(utest_mm_race);

#define THREAD_STACK_SIZE (64 * 1024)
#define BIG_LEN (8ul << 30) /* 8 GiB, lazily mapped: no page is ever touched */
#define SPLIT_ROUNDS 8
#define TOUCH_PAGES 8192 /* 32 MiB: more than one time slice of faults */
#define TOUCH_ROUNDS 60
#define COW_PAGES 2048 /* 8 MiB: more than one time slice of copy-on-write breaks */
#define COW_ROUNDS 4
#define CHILD_KEEPS_MS 600 /* the child holds the pages shared this long */

/* What a test and its thread share. */
struct race {
	volatile int stop;
	volatile int started;
	volatile int unmapping; /* the main thread is about to enter munmap */
	unsigned char *volatile area;
	unsigned long len;
	volatile unsigned long pos; /* the offset the toucher is writing to */
};

static void *stack_alloc(void)
{
	void *stack = mmap(NULL, THREAD_STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return (stack) == MAP_FAILED ? NULL : stack;
}

static void *map_anon(void *addr, unsigned long len, int flags)
{
	void *p =
	    mmap(addr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	return (p) == MAP_FAILED ? NULL : p;
}

/* Wait until the main thread is inside munmap(A, 8 GiB), then unmap the page above A. */
static int unmap_page_above(void *arg)
{
	struct race *r = arg;

	while (!r->unmapping)
		sched_yield();
	return munmap(r->area + r->len, PAGE_SIZE) ? 1 : 0;
}

UTEST(munmap_races_munmap_of_the_page_above)
{
	void *stack = stack_alloc();
	struct race r = {0};

	UASSERT_NOT_NULL(stack);
	for (int round = 0; round < SPLIT_ROUNDS; round++) {
		int status = -1;
		pid_t tid;

		/* Two VMAs: A (8 GiB, never touched) and the page just above it. */
		r.len = BIG_LEN;
		r.area = map_anon(NULL, BIG_LEN + PAGE_SIZE, MAP_NORESERVE);
		UASSERT_NOT_NULL(r.area);
		UASSERT_PTR_EQ(map_anon(r.area + BIG_LEN, PAGE_SIZE, MAP_FIXED), r.area + BIG_LEN);
		r.unmapping = 0;
		tid = clone(unmap_page_above, (char *)stack + THREAD_STACK_SIZE, CLONE_VM | SIGCHLD,
			    &r);
		UASSERT_GT(tid, 0);
		r.unmapping = 1;
		UEXPECT_EQ(munmap(r.area, BIG_LEN), 0);
		UEXPECT_EQ(waitpid(tid, &status, 0), tid);
		UEXPECT_EXITED(status, 0);
	}
	UEXPECT_EQ(munmap(stack, THREAD_STACK_SIZE), 0);
}

/* Write to every page of r->area in turn (each one a page fault) until told to stop. */
static int touch_pages(void *arg)
{
	struct race *r = arg;

	r->started = 1;
	for (unsigned long off = 0; off < r->len && !r->stop; off += PAGE_SIZE) {
		r->pos = off;
		r->area[off] = 1;
	}
	return 0;
}

/*
 * Is the page at addr, mapped again, zero? A page that the racing fault installed after
 * the munmap would still be there, outside any VMA, holding the toucher's byte.
 */
static int page_is_fresh(unsigned char *addr)
{
	unsigned char *again =
	    mmap(addr, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	int fresh;

	UASSERT_PTR_EQ(again, addr);
	fresh = again[0] == 0;
	UEXPECT_EQ(munmap(again, PAGE_SIZE), 0);
	return fresh;
}

UTEST(fault_races_munmap_of_its_mapping)
{
	void *stack = stack_alloc();
	struct race r = {0};
	int stale_pages = 0;

	UASSERT_NOT_NULL(stack);
	for (int round = 0; round < TOUCH_ROUNDS; round++) {
		int status = -1;
		pid_t tid;

		r.len = TOUCH_PAGES * PAGE_SIZE;
		r.area = map_anon(NULL, r.len, 0);
		UASSERT_NOT_NULL(r.area);
		r.stop = 0;
		r.started = 0;
		tid = clone(touch_pages, (char *)stack + THREAD_STACK_SIZE, CLONE_VM | SIGCHLD, &r);
		UASSERT_GT(tid, 0);
		while (!r.started)
			sched_yield(); /* the toucher runs until a tick preempts it, maybe mid-fault
					*/
		UEXPECT_EQ(munmap(r.area, r.len), 0);
		r.stop = 1;
		UEXPECT_EQ(waitpid(tid, &status, 0), tid);
		/* The toucher may write once more after the munmap: that is its SIGSEGV. */
		if (WIFSIGNALED(status))
			UEXPECT_SIGNALED(status, SIGSEGV);
		else
			UEXPECT_EXITED(status, 0);
		stale_pages += !page_is_fresh(r.area + r.pos);
	}
	UEXPECT_EQ(stale_pages, 0);
	UEXPECT_EQ(munmap(stack, THREAD_STACK_SIZE), 0);
}

/* Write byte `which` of every page: each first write breaks copy-on-write. */
static void write_every_page(unsigned char *area, int which, unsigned char value)
{
	for (unsigned long i = 0; i < COW_PAGES; i++)
		area[i * PAGE_SIZE + which] = value;
}

static int cow_writer(void *arg)
{
	write_every_page(arg, 0, 2);
	return 0;
}

/* The forked child keeps the pages shared while the parent races, then checks them. */
static int cow_child(unsigned char *area)
{
	usleep((CHILD_KEEPS_MS)*1000);
	for (unsigned long p = 0; p < COW_PAGES; p++) {
		if (area[p * PAGE_SIZE] != 1 || area[p * PAGE_SIZE + 1] != 1)
			return 1; /* the parent's writes leaked into our copy */
	}
	return 0;
}

/*
 * Two threads write different bytes of the same copy-on-write pages at once, so both
 * break the same pages side by side. Each break must see the other's: if both copied
 * the page and one copy replaced the other, a write would be lost.
 */
UTEST(cow_breaks_race_between_threads)
{
	void *stack = stack_alloc();
	unsigned long lost = 0;

	UASSERT_NOT_NULL(stack);
	for (int round = 0; round < COW_ROUNDS; round++) {
		unsigned char *area = map_anon(NULL, COW_PAGES * PAGE_SIZE, 0);
		int status = -1, child_status = -1;
		pid_t tid, child;

		UASSERT_NOT_NULL(area);
		memset(area, 1, COW_PAGES * PAGE_SIZE);
		child = fork();
		if (child == 0)
			exit(cow_child(area));
		UASSERT_GT(child, 0);
		tid =
		    clone(cow_writer, (char *)stack + THREAD_STACK_SIZE, CLONE_VM | SIGCHLD, area);
		UASSERT_GT(tid, 0);
		write_every_page(area, 1, 3);
		UEXPECT_EQ(waitpid(tid, &status, 0), tid);
		UEXPECT_EXITED(status, 0);
		for (unsigned long p = 0; p < COW_PAGES; p++)
			lost += area[p * PAGE_SIZE] != 2 || area[p * PAGE_SIZE + 1] != 3;
		UEXPECT_EQ(waitpid(child, &child_status, 0), child);
		UEXPECT_EXITED(child_status, 0);
		UEXPECT_EQ(munmap(area, COW_PAGES * PAGE_SIZE), 0);
	}
	UEXPECT_EQ(lost, 0);
	UEXPECT_EQ(munmap(stack, THREAD_STACK_SIZE), 0);
}
