/*
 * user/utest_exec_child.c - the program utest_exec execs, to check what execve passed.
 *
 * Exits with the status its first argument names if the arguments arrived intact and
 * the process kept its pid across execve; otherwise with an EXEC_CHILD_BAD_* status
 * (user/utest_exec_child.h) that utest_exec reports. Not a test suite: init's ktest mode
 * does not run it on its own.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "user/lib/proc.h"
#include "user/utest_exec_child.h"

#define FRESH_DATA 0x5eed
#define BALLAST_SIZE (1 << 20)

/* Initialised data: a fresh image has it as the file says, whatever the exec'ing
 * process had at this address. */
static volatile int fresh_data = FRESH_DATA;

/*
 * A megabyte of initialised data, which exec copies into the new address space page by
 * page: it makes each execve of this program take long enough that the timer preempts
 * some of them half-way, the window utest_exec's exec_arguments_are_private_to_each_call
 * needs another process's execve to run in. Its last byte is checked like fresh_data.
 */
static volatile char ballast[BALLAST_SIZE] = {[BALLAST_SIZE - 1] = 1};

int main(int argc, char **argv)
{
	long status = 0, pid = 0;
	bool ok_status, ok_pid;

	if (argc != 4) {
		printf("    # %s: expected 3 arguments, got %d\n", EXEC_CHILD_NAME, argc - 1);
		return EXEC_CHILD_BAD_ARGC;
	}
	if (strcmp(argv[3], EXEC_CHILD_MARKER))
		return EXEC_CHILD_BAD_MARKER;
	ok_status = parse_long(argv[1], &status);
	ok_pid = parse_long(argv[2], &pid);
	if (!ok_status || status < 0 || status >= EXEC_CHILD_BAD_ARGC)
		return EXEC_CHILD_BAD_STATUS;
	if (!ok_pid || pid != getpid())
		return EXEC_CHILD_BAD_PID;
	if (fresh_data != FRESH_DATA || ballast[BALLAST_SIZE - 1] != 1)
		return EXEC_CHILD_BAD_DATA;
	return (int)status;
}
