/*
 * user/threadloop.c - thread groups made and killed in a loop, for the kernel's leak check.
 *
 *   threadloop [cycles]     (default 50)
 *
 * Each cycle forks a child process that starts THREADS threads (CLONE_THREAD), yielding
 * or sleeping in nanosleep; then, in turn, the leader ends the group with exit_group,
 * or exits alone and lets the threads follow one by one, or faults so that SIGSEGV
 * kills the group, or execs forkloop (one cycle), which ends the threads first. The parent checks
 * every wait status. The kernel test (tests/user_process_test.c) runs this and then checks that
 * every task, mm and frame came back.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "user/lib/proc.h"

#define DEFAULT_CYCLES 50
#define THREADS 3
#define STACK_SIZE (16 * 1024)
#define GROUP_CODE 3
#define ALONE_CODE 4 /* what each thread exits with when they end one by one */

enum ending { END_EXIT_GROUP, END_LEADER_FIRST, END_FAULT, END_EXEC, NR_ENDINGS };

#define EXEC_PROGRAM "forkloop" /* run for one cycle: exits 0 */

static char stacks[THREADS][STACK_SIZE] __attribute__((aligned(16)));
static volatile int started, release;

static int spin(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	while (!release)
		sched_yield();
	return ALONE_CODE;
}

static int sleeper(void *arg)
{
	(void)arg;
	__atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
	while (!release)
		usleep((5) * 1000);
	return ALONE_CODE;
}

static void wait_started(int n)
{
	while (started < n)
		sched_yield();
}

/* The child: THREADS threads, then the cycle's ending. Never returns. */
static void run_group(enum ending how)
{
	static int (*const fns[THREADS])(void *) = {spin, sleeper, spin};

	for (int i = 0; i < THREADS; i++) {
		if (clone(fns[i], (char *)stacks[i] + STACK_SIZE,
			  CLONE_VM | CLONE_SIGHAND | CLONE_THREAD, NULL) < 0)
			exit(1);
	}
	wait_started(THREADS);
	if (how == END_EXIT_GROUP)
		exit(GROUP_CODE);
	if (how == END_FAULT)
		*(volatile int *)0 = 1; /* cppcheck-suppress nullPointer ; the fault is the point */
	if (how == END_EXEC) {
		char *argv[] = {EXEC_PROGRAM, "1", NULL};
		char *envp[] = {NULL};

		exec_program(EXEC_PROGRAM, argv, envp); /* ends the threads first */
		exit(errno);
	}
	release = 1;
	syscall(SYS_exit, ALONE_CODE);
	__builtin_unreachable(); /* the raw exit ends this thread */
}

static int status_ok(enum ending how, int status)
{
	if (how == END_EXIT_GROUP)
		return WIFEXITED(status) && WEXITSTATUS(status) == GROUP_CODE;
	if (how == END_LEADER_FIRST)
		return WIFEXITED(status) && WEXITSTATUS(status) == ALONE_CODE;
	if (how == END_EXEC)
		return WIFEXITED(status) && WEXITSTATUS(status) == 0;
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

int main(int argc, char **argv)
{
	long cycles = DEFAULT_CYCLES;
	int failures = 0;

	if (argc > 1) {
		long n = 0;

		if (parse_long(argv[1], &n) && n > 0)
			cycles = n;
	}
	for (long i = 0; i < cycles; i++) {
		enum ending how = (enum ending)(i % NR_ENDINGS);
		int status = 0;
		pid_t child = fork();

		if (child < 0)
			return 2;
		if (child == 0)
			run_group(how);
		if (waitpid(child, &status, 0) != child || !status_ok(how, status))
			failures++;
	}
	if (failures)
		printf("threadloop: %d of %ld cycles went wrong\n", failures, cycles);
	return failures ? 1 : 0;
}
