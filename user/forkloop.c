/*
 * user/forkloop.c - fork and reap children in a loop, for the kernel's leak checks.
 *
 *   forkloop [cycles [soak]]     (default 1000 cycles)
 *
 * Each child writes to a page of the parent's data (a copy-on-write break), then exits
 * with its cycle number's low byte; the parent checks every status. With `soak`, the
 * child instead execs `forkloop --thread <status>`, which starts a thread (clone with
 * CLONE_VM), waits for it and exits with that status: every cycle is then a fork, an
 * exec, a thread and two exits. The kernel tests (tests/user_process_test.c) run this
 * and then check that every frame came back; `make soak` runs 10,000 soak cycles.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "user/lib/proc.h"

#define DEFAULT_CYCLES 1000
#define THREAD_STACK_SIZE (16 * 1024)
#define THREAD_MARK 0x7ead

static volatile char shared_page[4096] __attribute__((aligned(4096))) = {1};

static int thread_fn(void *arg)
{
	*(volatile int *)arg = THREAD_MARK; /* seen by the main thread: one address space */
	return 0;
}

/* forkloop --thread <status>: run one thread to its end, then exit with status. */
static int thread_mode(const char *status_arg)
{
	volatile int mark = 0;
	int status = -1;
	long want = 0;
	bool ok = parse_long(status_arg, &want);
	void *stack = mmap(NULL, THREAD_STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pid_t tid;

	if (!ok || (stack) == MAP_FAILED)
		return 101;
	tid =
	    clone(thread_fn, (char *)stack + THREAD_STACK_SIZE, CLONE_VM | SIGCHLD, (void *)&mark);
	if (tid < 0)
		return 102;
	if (waitpid(tid, &status, 0) != tid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    mark != THREAD_MARK)
		return 103;
	if (munmap(stack, THREAD_STACK_SIZE))
		return 104;
	return (int)want;
}

/* The child of cycle i: break copy-on-write, then exit with i's low byte (soak: after
 * an exec and a thread). */
static void child(long i, int soak)
{
	char status[8];
	char *argv[] = {"forkloop", "--thread", status, NULL};

	shared_page[0] = (char)i; /* break copy-on-write in the child only */
	if (!soak)
		exit((int)(i & 0xff));
	snprintf(status, sizeof(status), "%ld", i & 0xff);
	exec_program("forkloop", argv, environ);
	exit(100); /* exec failed */
}

int main(int argc, char **argv)
{
	long cycles = DEFAULT_CYCLES;
	int failures = 0, soak = argc > 2 && !strcmp(argv[2], "soak");

	if (argc > 2 && !strcmp(argv[1], "--thread"))
		return thread_mode(argv[2]);
	if (argc > 1) {
		long n = 0;

		if (parse_long(argv[1], &n) && n > 0)
			cycles = n;
	}
	for (long i = 0; i < cycles; i++) {
		int status = 0;
		pid_t pid = fork();

		if (pid < 0)
			return 2;
		if (pid == 0)
			child(i, soak);
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != (i & 0xff) || shared_page[0] != 1) {
			if (!failures)
				printf("forkloop: cycle %ld: status 0x%x\n", i, status);
			failures++;
		}
	}
	if (failures)
		printf("forkloop: %d of %ld cycles went wrong\n", failures, cycles);
	return failures ? 1 : 0;
}
