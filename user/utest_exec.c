/*
 * user/utest_exec.c - execve: a new program in the same process, and its failures.
 *
 * The exec'd helper, utest_exec_child (user/utest_exec_child.h), checks its arguments
 * and its pid and exits with the status we asked for, so one wait status says the
 * whole exec went right. A failed execve must return an error to a caller that goes on
 * unharmed. Programs are named as modules are (exec_program tries `name`, then
 * `name.elf`), so this also runs on Linux from build/user/.
 */
#include "user/lib/utest.h"
#include "user/utest_exec_child.h"

UTEST_SUITE(utest_exec);

#define NO_SUCH_PROGRAM "no_such_program"
#define STATUS_TEXT_SIZE 16

/* In a child: exec utest_exec_child asking for exit status `status`; on failure exit
 * with the errno (never a status the helper uses). */
static int exec_child_with_status(void *arg)
{
	char status_text[STATUS_TEXT_SIZE], pid_text[STATUS_TEXT_SIZE];
	char *argv[] = {EXEC_CHILD_NAME, status_text, pid_text, EXEC_CHILD_MARKER, NULL};
	char *envp[] = {NULL};

	snprintf(status_text, sizeof(status_text), "%d", (int)(long)arg);
	snprintf(pid_text, sizeof(pid_text), "%d", getpid());
	exec_program(EXEC_CHILD_NAME, argv, envp);
	return errno;
}

UTEST(exec_runs_program_with_arguments)
{
	UEXPECT_EXITED(utest_run_child(exec_child_with_status, (void *)42), 42);
}

UTEST(exec_exit_statuses_come_through)
{
	UEXPECT_EXITED(utest_run_child(exec_child_with_status, (void *)0), 0);
	UEXPECT_EXITED(utest_run_child(exec_child_with_status, (void *)7), 7);
	UEXPECT_EXITED(utest_run_child(exec_child_with_status, (void *)199), 199);
}

/* In a child: grow the heap and dirty memory, then exec: none of it may follow. */
static int exec_after_dirtying_memory(void *arg)
{
	char *heap = sys_sbrk(16 * PAGE_SIZE);

	if ((heap) != MAP_FAILED)
		memset(heap, 0xee, 16 * PAGE_SIZE);
	return exec_child_with_status(arg);
}

UTEST(exec_replaces_a_dirty_image)
{
	UEXPECT_EXITED(utest_run_child(exec_after_dirtying_memory, (void *)9), 9);
}

/* In a child: exec in a child of its own (a grandchild of the test) and pass on the
 * grandchild's exit status. */
static int exec_from_grandchild(void *arg)
{
	int status = utest_run_child(exec_child_with_status, arg);

	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

UTEST(exec_from_a_grandchild)
{
	UEXPECT_EXITED(utest_run_child(exec_from_grandchild, (void *)11), 11);
}

UTEST(exec_missing_program_is_enoent)
{
	char *argv[] = {NO_SUCH_PROGRAM, NULL};
	char *envp[] = {NULL};
	pid_t pid = getpid();

	UEXPECT_ERRNO(execve(NO_SUCH_PROGRAM, argv, envp), ENOENT);
	UEXPECT_ERRNO(exec_program(NO_SUCH_PROGRAM, argv, envp), ENOENT);
	UEXPECT_ERRNO(execve("", argv, envp), ENOENT);
	UEXPECT_EQ(getpid(), pid); /* still us, still running */
}

UTEST(exec_bad_path_pointer_is_efault)
{
	char *argv[] = {EXEC_CHILD_NAME, NULL};
	char *envp[] = {NULL};

	UEXPECT_ERRNO(execve(NULL, argv, envp), EFAULT);
	UEXPECT_ERRNO(execve((const char *)0xffff888000000000ul, argv, envp), EFAULT);
}

/* In a child: exec the real helper with a bad argv; exits with the errno. */
static int exec_with_bad_argv(void *arg)
{
	char *envp[] = {NULL};

	exec_program(EXEC_CHILD_NAME, arg, envp);
	return errno;
}

UTEST(exec_bad_argv_is_efault)
{
	static char *bad_element[] = {EXEC_CHILD_NAME, (char *)0xffff888000000000ul, NULL};

	/* In children: if the kernel wrongly accepted these, the exec'd helper would end
	 * the child with a status of its own, not EFAULT. */
	UEXPECT_EXITED(utest_run_child(exec_with_bad_argv, (void *)0xffff888000000000ul), EFAULT);
	UEXPECT_EXITED(utest_run_child(exec_with_bad_argv, bad_element), EFAULT);
}

UTEST(caller_continues_after_failed_exec)
{
	static volatile int data = 1234;
	char *argv[] = {NO_SUCH_PROGRAM, NULL};
	char *envp[] = {NULL};
	int status = -1;
	pid_t pid;

	UEXPECT_ERRNO(execve(NO_SUCH_PROGRAM, argv, envp), ENOENT);
	UEXPECT_EQ(data, 1234);
	pid = fork(); /* the process still works as a whole */
	if (pid == 0)
		exit(0);
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_EXITED(status, 0);
}

#define RACE_ROUNDS 40
#define RACE_SECRET_ARGS 16 /* the most arguments sublet's execve takes */
#define RACE_STACK_SIZE (64 * 1024)
#define RACE_SWEEP_STEPS 320 /* round r execs r/320 of a time slice before its end */

/* What the racing threads and the test share (one address space: CLONE_VM). */
struct exec_race {
	volatile int stop;
	volatile long attempts; /* the intruder's execve calls so far */
	long slice_spins;	/* spin_slice() iterations in the last whole time slice */
	long steps_before_end;	/* this round's, in 1/RACE_SWEEP_STEPS of a slice */
};

/* The intruder: execve a missing program with secret arguments, again and again. Each
 * call copies the secrets into the kernel before the lookup fails. */
static int exec_secrets_until_stopped(void *arg)
{
	struct exec_race *race = arg;
	char *argv[RACE_SECRET_ARGS + 1];
	char *envp[] = {NULL};

	for (int i = 0; i < RACE_SECRET_ARGS; i++)
		argv[i] = "SECRET-SECRET-SECRET-SECRET";
	argv[RACE_SECRET_ARGS] = NULL;
	while (!race->stop) {
		if (execve(NO_SUCH_PROGRAM, argv, envp) != -1 || errno != ENOENT)
			return 1;
		race->attempts++;
	}
	return 0;
}

/*
 * Spin until the intruder has run (its counter moved) or max iterations went by;
 * returns the iterations. While we spin the intruder does not run (one CPU), so a change
 * means we were switched out and have just come back at the start of a fresh slice.
 */
static long spin_slice(struct exec_race *race, long max)
{
	long seen = race->attempts, n = 0;

	while (race->attempts == seen && n < max)
		n++;
	return n;
}

/* A thread of the test: measure a whole time slice of its own in spins, then use all of
 * the next but the last race->steps_before_end iterations' worth, and exec the helper. */
static int exec_late_in_slice(void *arg)
{
	struct exec_race *race = arg;
	long slice;

	spin_slice(race, __LONG_MAX__); /* the rest of this slice */
	slice = spin_slice(race, __LONG_MAX__);
	race->slice_spins = slice;
	spin_slice(race, slice - slice * race->steps_before_end / RACE_SWEEP_STEPS);
	return exec_child_with_status((void *)0);
}

/*
 * Finding 3 of issue 8: execve kept the arguments in one static buffer, so when the timer
 * preempted an exec between copying the arguments and building the new stack, another
 * process's execve overwrote them and the fresh program started with the other's strings.
 * The rounds start the helper's execve ever earlier before the end of its time slice, so
 * some of them are preempted inside that window; every round must run the helper with
 * exactly its own arguments (exit status 0).
 */
UTEST(exec_arguments_are_private_to_each_call)
{
	struct exec_race race = {0};
	void *stack = mmap(NULL, 2 * RACE_STACK_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status = -1, leaked = 0;
	pid_t intruder, tid;

	UASSERT_PTR_NE(stack, MAP_FAILED);
	intruder = clone(exec_secrets_until_stopped, (char *)stack + RACE_STACK_SIZE,
			 CLONE_VM | SIGCHLD, &race);
	UASSERT_GT(intruder, 0);
	for (int round = 0; round < RACE_ROUNDS; round++) {
		race.steps_before_end = round;
		tid = clone(exec_late_in_slice,
			    (char *)((char *)stack + RACE_STACK_SIZE) + RACE_STACK_SIZE,
			    CLONE_VM | SIGCHLD, &race);
		UASSERT_GT(tid, 0);
		UASSERT_EQ(waitpid(tid, &status, 0), tid);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			utest_log("round %d: helper ended with status 0x%x (slice %ld spins)",
				  round, status, race.slice_spins);
			leaked++;
		}
	}
	race.stop = 1;
	UEXPECT_EQ(waitpid(intruder, &status, 0), intruder);
	UEXPECT_EXITED(status, 0);
	UEXPECT_GT(race.attempts, 0);
	UEXPECT_EQ(leaked, 0);
	UEXPECT_EQ(munmap(stack, 2 * RACE_STACK_SIZE), 0);
}
