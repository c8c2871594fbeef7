/*
 * user/utest_thread_group.c - thread groups: clone(CLONE_THREAD), exit vs exit_group.
 *
 * Each test runs a small process P made with clone(CLONE_VM | SIGCHLD), so P and its
 * threads share memory with the test, which watches them through struct group, and P
 * starts threads of its own group with clone(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD).
 * (musl's clone() wrapper, without CLONE_SETTLS: every thread shares P's thread-local
 * storage, so they make raw syscalls where musl would read it, as for gettid.) The test is P's
 * parent: its wait status says how the whole group ended. Checked: getpid is the group's
 * in every thread and gettid differs; exit_group from one thread ends the others wherever
 * they are (spinning, in nanosleep, blocked in wait4) with the group's code; a leader that
 * exits alone is reaped only after its last thread; a fault in one thread kills the
 * group; a sleep of 4294968 s really sleeps (no 32-bit truncation) and the time left comes
 * back in rem when a kill cuts it short; clone's flag rules; a thread is nobody's child.
 * tests/user_process_test.c runs user/threadloop.c for the leak check.
 */
#include "user/lib/utest.h"

UTEST_SUITE(utest_thread_group);

#define STACK_SIZE (64 * 1024)
#define MAX_THREADS 5
#define SPIN_LIMIT 1000000 /* sched_yield()s before a handshake counts as lost */
#define POLL_MS 20
#define POLL_LIMIT 250 /* 5 s of POLL_MS: a kill that has not landed by then never will */
#define GROUP_CODE 42
#define LEADER_CODE 7
#define LAST_THREAD_CODE 5
#define LONG_SLEEP_SEC 4294968l /* 2^32 ms, plus a bit: truncated to 32 bits it is 0.7 s */
#define LONG_SLEEP_CHECK_MS 2000

/* Shared by the test, P and P's threads (one address space). */
struct group {
	void *stacks[MAX_THREADS];
	volatile int ready;   /* threads that reached the state the test wants */
	volatile int release; /* the test lets the threads go */
	volatile int done;    /* threads that ran to their end */
	volatile int woke;    /* a sleeper came back from nanosleep */
	volatile pid_t pid[MAX_THREADS], tid[MAX_THREADS], ppid[MAX_THREADS];
	volatile int wait_ret;
	struct timespec rem;
};

static struct group *group_alloc(void)
{
	struct group *g =
	    mmap(NULL, sizeof(*g), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if ((g) == MAP_FAILED)
		return NULL;
	for (int i = 0; i < MAX_THREADS; i++) {
		g->stacks[i] = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if ((g->stacks[i]) == MAP_FAILED)
			return NULL;
	}
	return g;
}

static void group_free(struct group *g)
{
	for (int i = 0; i < MAX_THREADS; i++)
		munmap(g->stacks[i], STACK_SIZE);
	munmap(g, sizeof(*g));
}

/* Start P = fn(g) as a process sharing our memory; its pid. */
static pid_t start_process(int (*fn)(void *), struct group *g)
{
	return clone(fn, (char *)g->stacks[0] + STACK_SIZE, CLONE_VM | SIGCHLD, g);
}

/* In P: start fn(g) as thread i of P's group. */
static pid_t spawn(int (*fn)(void *), struct group *g, int i)
{
	return clone(fn, (char *)g->stacks[i] + STACK_SIZE, CLONE_VM | CLONE_SIGHAND | CLONE_THREAD,
		     g);
}

static int spin_until(volatile int *value, int want)
{
	for (long i = 0; i < SPIN_LIMIT; i++) {
		if (*value >= want)
			return 1;
		sched_yield();
	}
	return 0;
}

/* Reap P, waiting at most POLL_LIMIT polls; its pid or 0 if it never ended. */
static pid_t reap_within_limit(pid_t pid, int *status)
{
	for (int i = 0; i < POLL_LIMIT; i++) {
		pid_t ret = waitpid(pid, status, WNOHANG);

		if (ret != 0)
			return ret;
		usleep((POLL_MS)*1000);
	}
	return 0;
}

static void record_ids(struct group *g, int i)
{
	g->pid[i] = getpid();
	g->tid[i] =
	    (pid_t)syscall(SYS_gettid); /* musl's gettid() reads the TLS, shared by a bare clone */
	g->ppid[i] = getppid();
}

static int record_and_finish(void *arg)
{
	struct group *g = arg;
	int i = __atomic_add_fetch(&g->ready, 1, __ATOMIC_SEQ_CST);

	record_ids(g, i);
	__atomic_add_fetch(&g->done, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int leader_with_two_threads(void *arg)
{
	struct group *g = arg;

	record_ids(g, 0);
	if (spawn(record_and_finish, g, 1) < 0 || spawn(record_and_finish, g, 2) < 0)
		return 1;
	return spin_until(&g->done, 2) ? 0 : 2;
}

UTEST(getpid_is_the_group_gettid_the_thread)
{
	struct group *g = group_alloc();
	int status = -1;
	pid_t p;

	UASSERT_NOT_NULL(g);
	p = start_process(leader_with_two_threads, g);
	UASSERT_GT(p, 0);
	UASSERT_EQ(reap_within_limit(p, &status), p);
	UEXPECT_EXITED(status, 0);
	for (int i = 0; i < 3; i++) {
		UEXPECT_EQ(g->pid[i], p);
		UEXPECT_EQ(g->ppid[i], getpid()); /* the process's parent: us */
	}
	UEXPECT_EQ(g->tid[0], p); /* the leader's thread id is the process id */
	UEXPECT_NE(g->tid[1], p);
	UEXPECT_NE(g->tid[2], p);
	UEXPECT_NE(g->tid[1], g->tid[2]);
	group_free(g);
}

static int spin_forever(void *arg)
{
	struct group *g = arg;

	__atomic_add_fetch(&g->ready, 1, __ATOMIC_SEQ_CST);
	while (!g->release) /* never set in the tests using it: only a kill ends it */
		__asm__ __volatile__("pause");
	return 0;
}

static int sleep_long(void *arg)
{
	struct group *g = arg;
	struct timespec req = {.tv_sec = LONG_SLEEP_SEC, .tv_nsec = 0};

	__atomic_add_fetch(&g->ready, 1, __ATOMIC_SEQ_CST);
	nanosleep(&req, &g->rem);
	g->woke = 1;
	return 0;
}

/* A thread blocked in wait4 for a child that sleeps a second before it exits. */
static int wait_for_slow_child(void *arg)
{
	struct group *g = arg;
	pid_t child = fork();

	if (child == 0) {
		usleep((1000) * 1000);
		exit(0);
	}
	__atomic_add_fetch(&g->ready, 1, __ATOMIC_SEQ_CST);
	g->wait_ret = waitpid(child, NULL, 0) < 0 ? -errno : 0;
	g->woke = 1;
	return 0;
}

/* The fourth thread: once the others are in place, exit_group for the whole process. */
static int call_exit_group(void *arg)
{
	struct group *g = arg;

	spin_until(&g->ready, 3);
	usleep((100) * 1000); /* let them get into nanosleep and wait4 */
	exit(GROUP_CODE);     /* exit_group */
}

/* P: three threads in three states and a fourth that ends the group; P itself sleeps. */
static int exit_group_from_a_thread(void *arg)
{
	struct group *g = arg;

	if (spawn(spin_forever, g, 1) < 0 || spawn(sleep_long, g, 2) < 0 ||
	    spawn(wait_for_slow_child, g, 3) < 0 || spawn(call_exit_group, g, 4) < 0)
		return 1;
	usleep((1000 * 1000) * 1000); /* the leader, in nanosleep too */
	return 2;
}

UTEST(exit_group_from_a_thread_ends_them_all)
{
	struct group *g = group_alloc();
	int status = -1;
	pid_t p;

	UASSERT_NOT_NULL(g);
	p = start_process(exit_group_from_a_thread, g);
	UASSERT_GT(p, 0);
	UASSERT_EQ(reap_within_limit(p, &status), p);
	UEXPECT_EXITED(status, GROUP_CODE);
	UEXPECT_EQ(g->ready, 3);
	UEXPECT_EQ(g->woke, 0); /* killed in nanosleep and wait4: neither came back */
	group_free(g);
}

static int run_until_released(void *arg)
{
	struct group *g = arg;

	__atomic_add_fetch(&g->ready, 1, __ATOMIC_SEQ_CST);
	spin_until(&g->release, 1);
	g->done = 1;
	return LAST_THREAD_CODE; /* the last thread: its code is the process's status */
}

/* P: start a thread, then exit alone (the raw exit), leaving the thread running. */
static int leader_exits_first(void *arg)
{
	struct group *g = arg;

	if (spawn(run_until_released, g, 1) < 0)
		return 1;
	spin_until(&g->ready, 1);
	syscall(SYS_exit, LEADER_CODE);
	__builtin_unreachable(); /* the raw exit ends this thread */
}

UTEST(leader_is_reaped_after_its_last_thread)
{
	struct group *g = group_alloc();
	int status = -1;
	pid_t p;

	UASSERT_NOT_NULL(g);
	p = start_process(leader_exits_first, g);
	UASSERT_GT(p, 0);
	UASSERT_TRUE(spin_until(&g->ready, 1));
	usleep((200) * 1000); /* the leader has exited by now; its thread has not */
	UEXPECT_EQ(waitpid(p, &status, WNOHANG), 0);
	UEXPECT_EQ(g->done, 0);
	g->release = 1;
	UASSERT_EQ(reap_within_limit(p, &status), p);
	UEXPECT_EXITED(status, LAST_THREAD_CODE); /* Linux >= 6.0; before, the leader's */
	UEXPECT_EQ(g->done, 1);
	group_free(g);
}

static int fault(void *arg)
{
	(void)arg;
	/* cppcheck-suppress nullPointer ; the fault is the point */
	*(volatile int *)0 = 1;
	return 0;
}

/* P: a spinning thread, a faulting one, and the leader asleep. */
static int group_with_a_faulting_thread(void *arg)
{
	struct group *g = arg;

	if (spawn(spin_forever, g, 1) < 0)
		return 1;
	spin_until(&g->ready, 1);
	if (spawn(fault, g, 2) < 0)
		return 1;
	usleep((1000 * 1000) * 1000);
	return 2;
}

UTEST(fault_in_a_thread_kills_the_group)
{
	struct group *g = group_alloc();
	int status = -1;
	pid_t p;

	UASSERT_NOT_NULL(g);
	p = start_process(group_with_a_faulting_thread, g);
	UASSERT_GT(p, 0);
	UASSERT_EQ(reap_within_limit(p, &status), p);
	UEXPECT_SIGNALED(status, SIGSEGV);
	group_free(g);
}

/* P: a thread sleeps {4294968, 0}; after LONG_SLEEP_CHECK_MS it must still be asleep;
 * then exit_group cuts the sleep short and the kernel writes the time left to rem. */
static int long_sleeper_group(void *arg)
{
	struct group *g = arg;

	if (spawn(sleep_long, g, 1) < 0)
		return 1;
	spin_until(&g->ready, 1);
	usleep((LONG_SLEEP_CHECK_MS)*1000);
	g->done = g->woke ? 2 : 1; /* 2: the sleep had ended (truncated) */
	exit(GROUP_CODE);
}

UTEST(nanosleep_of_2_pow_32_ms_sleeps_and_rem_is_set_when_killed)
{
	struct group *g = group_alloc();
	int status = -1;
	pid_t p;

	UASSERT_NOT_NULL(g);
	g->rem.tv_sec = -1;
	p = start_process(long_sleeper_group, g);
	UASSERT_GT(p, 0);
	UASSERT_EQ(reap_within_limit(p, &status), p);
	UEXPECT_EXITED(status, GROUP_CODE);
	UEXPECT_EQ(g->done, 1);
	UEXPECT_EQ(g->woke, 0);
	/* At most a few seconds of it went by; the rest was written back. */
	UEXPECT_GT(g->rem.tv_sec, LONG_SLEEP_SEC - 60);
	UEXPECT_LE(g->rem.tv_sec, LONG_SLEEP_SEC);
	UEXPECT_GE(g->rem.tv_nsec, 0);
	group_free(g);
}

UTEST(clone_flag_rules_are_linux)
{
	UEXPECT_ERRNO(syscall(SYS_clone, CLONE_THREAD, NULL, NULL, NULL, 0), EINVAL);
	UEXPECT_ERRNO(syscall(SYS_clone, CLONE_THREAD | CLONE_VM, NULL, NULL, NULL, 0), EINVAL);
	UEXPECT_ERRNO(syscall(SYS_clone, CLONE_SIGHAND, NULL, NULL, NULL, 0), EINVAL);
	UEXPECT_ERRNO(syscall(SYS_clone, CLONE_THREAD | CLONE_SIGHAND, NULL, NULL, NULL, 0),
		      EINVAL);
}

/* P: start a thread, try to wait for it (a thread is not a child), end. */
static int wait_for_own_thread(void *arg)
{
	struct group *g = arg;
	pid_t tid = spawn(record_and_finish, g, 1);

	if (tid < 0)
		return 1;
	g->wait_ret = waitpid(tid, NULL, 0) < 0 ? -errno : 0;
	spin_until(&g->done, 1);
	return 0;
}

UTEST(a_thread_is_not_a_waitable_child)
{
	struct group *g = group_alloc();
	int status = -1;
	pid_t p;

	UASSERT_NOT_NULL(g);
	p = start_process(wait_for_own_thread, g);
	UASSERT_GT(p, 0);
	UASSERT_EQ(reap_within_limit(p, &status), p);
	UEXPECT_EXITED(status, 0);
	UEXPECT_EQ(g->wait_ret, -ECHILD);
	group_free(g);
}

#define EXEC_HELPER "utest_exec_child"
#define EXEC_HELPER_MARKER "exec-marker" /* user/utest_exec_child.h */
#define LEADER_EXEC_STATUS 9
#define THREAD_EXEC_STATUS 11
#define NUMBER_SIZE 16

/* Exec the helper asking for status; it checks getpid() is still pid (our tgid). */
static int exec_helper(int status)
{
	char status_text[NUMBER_SIZE], pid_text[NUMBER_SIZE];
	char *argv[] = {EXEC_HELPER, status_text, pid_text, EXEC_HELPER_MARKER, NULL};
	char *envp[] = {NULL};

	snprintf(status_text, sizeof(status_text), "%d", status);
	snprintf(pid_text, sizeof(pid_text), "%d", getpid());
	exec_program(EXEC_HELPER, argv, envp);
	return errno;
}

/* P: two threads that would run for ever, then the leader execs. */
static int leader_execs(void *arg)
{
	struct group *g = arg;

	if (spawn(spin_forever, g, 1) < 0 || spawn(sleep_long, g, 2) < 0)
		return 1;
	spin_until(&g->ready, 2);
	return exec_helper(LEADER_EXEC_STATUS);
}

/* execve ends every other thread (Linux's de_thread): the group is just the new
 * program, which exits with the status asked for, and nobody is left running. */
UTEST(exec_from_the_leader_ends_the_other_threads)
{
	struct group *g = group_alloc();
	int status = -1;
	pid_t p;

	UASSERT_NOT_NULL(g);
	p = start_process(leader_execs, g);
	UASSERT_GT(p, 0);
	UASSERT_EQ(reap_within_limit(p, &status), p);
	UEXPECT_EXITED(status, LEADER_EXEC_STATUS);
	UEXPECT_EQ(g->woke, 0);
	group_free(g);
}

static int thread_execs(void *arg)
{
	struct group *g = arg;

	spin_until(&g->ready, 2);
	return exec_helper(THREAD_EXEC_STATUS);
}

/* P: a spinning thread and one that execs, while the leader sleeps. */
static int thread_of_group_execs(void *arg)
{
	struct group *g = arg;

	if (spawn(spin_forever, g, 1) < 0 || spawn(thread_execs, g, 2) < 0)
		return 1;
	__atomic_add_fetch(&g->ready, 1, __ATOMIC_SEQ_CST);
	usleep((1000 * 1000) * 1000);
	return 2;
}

/* From another thread: the leader and the rest die, the exec'ing thread runs the new
 * program with the process's pid, and its exit status is the process's. */
UTEST(exec_from_a_thread_takes_the_process_over)
{
	struct group *g = group_alloc();
	int status = -1;
	pid_t p;

	UASSERT_NOT_NULL(g);
	p = start_process(thread_of_group_execs, g);
	UASSERT_GT(p, 0);
	UASSERT_EQ(reap_within_limit(p, &status), p);
	UEXPECT_EXITED(status, THREAD_EXEC_STATUS);
	group_free(g);
}
