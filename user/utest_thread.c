/*
 * user/utest_thread.c - clone(CLONE_VM) children: processes that share the address space.
 * (Threads of one process, clone(CLONE_THREAD), are user/utest_thread_group.c's.)
 *
 * A thread (user/lib/thread.S) runs a function on a stack we mmap for it and is reaped
 * with waitpid like a child. These tests check that memory is really shared both ways,
 * while both run and after, that concurrent atomic increments add up, that a thread is a
 * task of its own (pid, parent), that a thread's fatal fault ends only that thread, and
 * that threads share one heap (the break lives in the mm_struct).
 */
#include "user/lib/utest.h"

UTEST_SUITE(utest_thread);

#define THREAD_STACK_SIZE (64 * 1024)
#define NR_THREADS 4
#define INCREMENTS 20000
#define YIELD_EVERY 1000
#define SPIN_LIMIT 1000000 /* sched_yield()s before a handshake counts as lost */
#define UNMAPPED_STACK ((void *)0x100000000000ul) /* 16 TiB: nothing is mapped there */

/* What a test's threads and its parent share: they all see this one copy. */
struct shared {
	volatile int value;
	volatile int from_thread;
	volatile int from_parent;
	long counter;
	volatile pid_t pid_in_thread;
	volatile pid_t ppid_in_thread;
	volatile unsigned long local_address;
	volatile unsigned char *volatile mapping;
};

static void *stack_alloc(void)
{
	void *stack = mmap(NULL, THREAD_STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return (stack) == MAP_FAILED ? NULL : stack;
}

/* Start fn(s) on a new stack; the thread's pid (the test ends if it cannot start). */
static pid_t start_thread(int (*fn)(void *), struct shared *s, void **stack)
{
	pid_t tid;

	*stack = stack_alloc();
	UASSERT_NOT_NULL(*stack);
	tid = clone(fn, (char *)(*stack) + THREAD_STACK_SIZE, CLONE_VM | SIGCHLD, s);
	UASSERT_GT(tid, 0);
	return tid;
}

/* Wait for thread tid to exit with want; free its stack. */
static void join_thread(pid_t tid, void *stack, int want)
{
	int status = -1;

	UEXPECT_EQ(waitpid(tid, &status, 0), tid);
	UEXPECT_EXITED(status, want);
	UEXPECT_EQ(munmap(stack, THREAD_STACK_SIZE), 0);
}

/* Wait, yielding, until *flag is set; whether it was within SPIN_LIMIT yields. */
static int spin_until(volatile int *flag)
{
	for (long i = 0; i < SPIN_LIMIT; i++) {
		if (*flag)
			return 1;
		sched_yield();
	}
	return 0;
}

static int write_value(void *arg)
{
	struct shared *s = arg;

	s->value = 42;
	return 7;
}

UTEST(thread_write_visible_to_parent)
{
	struct shared s = {0};
	void *stack;
	pid_t tid = start_thread(write_value, &s, &stack);

	join_thread(tid, stack, 7);
	UEXPECT_EQ(s.value, 42);
}

static int handshake(void *arg)
{
	struct shared *s = arg;

	s->from_thread = 1;
	return spin_until(&s->from_parent) ? 0 : 1;
}

UTEST(handshake_while_both_run)
{
	struct shared s = {0};
	void *stack;
	pid_t tid = start_thread(handshake, &s, &stack);

	UEXPECT_TRUE(spin_until(&s.from_thread));
	s.from_parent = 1;
	join_thread(tid, stack, 0);
}

static void add_to_counter(struct shared *s)
{
	for (int i = 1; i <= INCREMENTS; i++) {
		__atomic_fetch_add(&s->counter, 1, __ATOMIC_SEQ_CST);
		if (i % YIELD_EVERY == 0)
			sched_yield();
	}
}

static int count(void *arg)
{
	add_to_counter(arg);
	return 0;
}

UTEST(shared_counter_adds_up)
{
	struct shared s = {0};
	void *stacks[NR_THREADS];
	pid_t tids[NR_THREADS];

	for (int i = 0; i < NR_THREADS; i++)
		tids[i] = start_thread(count, &s, &stacks[i]);
	add_to_counter(&s);
	for (int i = 0; i < NR_THREADS; i++)
		join_thread(tids[i], stacks[i], 0);
	UEXPECT_EQ(s.counter, (long)(NR_THREADS + 1) * INCREMENTS);
}

static int record_identity(void *arg)
{
	struct shared *s = arg;
	int local = 0;

	s->pid_in_thread = getpid();
	s->ppid_in_thread = getppid();
	s->local_address = (unsigned long)&local;
	return 0;
}

UTEST(thread_is_a_task_of_its_own)
{
	struct shared s = {0};
	void *stack;
	pid_t tid = start_thread(record_identity, &s, &stack);

	join_thread(tid, stack, 0);
	UEXPECT_EQ(s.pid_in_thread, tid);
	UEXPECT_EQ(s.ppid_in_thread, getpid());
}

UTEST(thread_runs_on_its_stack)
{
	struct shared s = {0};
	void *stack;
	pid_t tid = start_thread(record_identity, &s, &stack);
	unsigned long base = (unsigned long)stack;

	join_thread(tid, stack, 0);
	UEXPECT_GE(s.local_address, base);
	UEXPECT_LT(s.local_address, base + THREAD_STACK_SIZE);
}

static int map_and_fill(void *arg)
{
	struct shared *s = arg;
	unsigned char *page =
	    mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if ((page) == MAP_FAILED)
		return 1;
	memset(page, 0x5a, PAGE_SIZE);
	s->mapping = page;
	return 0;
}

UTEST(thread_mapping_visible_to_parent)
{
	struct shared s = {0};
	void *stack;
	pid_t tid = start_thread(map_and_fill, &s, &stack);

	join_thread(tid, stack, 0);
	UASSERT_NOT_NULL(s.mapping);
	UEXPECT_EQ(s.mapping[0], 0x5a);
	UEXPECT_EQ(s.mapping[PAGE_SIZE - 1], 0x5a);
	UEXPECT_EQ(munmap((void *)s.mapping, PAGE_SIZE), 0);
}

static int return_zero(void *arg)
{
	(void)arg;
	return 0;
}

UTEST(wait_any_reaps_a_thread)
{
	struct shared s = {0};
	void *stack;
	int status = -1;
	pid_t tid = start_thread(return_zero, &s, &stack);

	UEXPECT_EQ(waitpid(-1, &status, 0), tid);
	UEXPECT_EXITED(status, 0);
	UEXPECT_EQ(munmap(stack, THREAD_STACK_SIZE), 0);
}

UTEST(thread_fault_kills_only_the_thread)
{
	/*
	 * A raw clone onto an unmapped stack: the child returns from the syscall wrapper
	 * by popping its return address off that stack and faults at once. It shares our
	 * address space, yet only it must die.
	 */
	int status = -1;
	long tid = syscall(SYS_clone, CLONE_VM | SIGCHLD, UNMAPPED_STACK, NULL, NULL, 0);

	UASSERT_GT(tid, 0); /* the child never gets here: it faults on the way */
	UEXPECT_EQ(waitpid((pid_t)tid, &status, 0), (pid_t)tid);
	UEXPECT_SIGNALED(status, SIGSEGV);
	UEXPECT_GT(getpid(), 0); /* and we carry on */
}

#define HEAP_STEP (64 * 1024)

/* Grow the heap by HEAP_STEP and fill what it gained; where the gain starts goes to
 * s->local_address. */
static int grow_heap(void *arg)
{
	struct shared *s = arg;
	char *gained = sys_sbrk(HEAP_STEP);

	if ((gained) == MAP_FAILED)
		return 1;
	memset(gained, 0x5a, HEAP_STEP);
	s->local_address = (unsigned long)gained;
	return 0;
}

/*
 * The heap belongs to the address space, not to a thread (Linux keeps the break in the
 * mm_struct): after a thread grows it, the creator's sys_brk(NULL) sees the new break, reads
 * what the thread wrote, and its own sbrk carries on from there.
 */
UTEST(threads_share_one_heap)
{
	struct shared s = {0};
	char *start = sys_brk(NULL), *mine;
	void *stack;
	pid_t tid = start_thread(grow_heap, &s, &stack);

	join_thread(tid, stack, 0);
	UASSERT_EQ(s.local_address, (unsigned long)start);
	UEXPECT_PTR_EQ(sys_brk(NULL), start + HEAP_STEP);
	UEXPECT_EQ(((volatile char *)start)[HEAP_STEP - 1], 0x5a);
	mine = sys_sbrk(HEAP_STEP);
	UASSERT_PTR_EQ(mine, start + HEAP_STEP);
	mine[HEAP_STEP - 1] = 1;
	UEXPECT_PTR_EQ(sys_brk(start), start); /* give both steps back */
}
