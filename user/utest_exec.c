/*
 * user/utest_exec.c - execve: a new program in the same process, and its failures.
 *
 * The exec'd helper, utest_exec_child (user/utest_exec_child.h), checks its arguments
 * and its pid and exits with the status we asked for, so one wait status says the
 * whole exec went right. A failed execve must return an error to a caller that goes on
 * unharmed. Programs are named as modules are (exec_program tries `name`, then
 * `name.elf`), so this also runs on Linux from build/user/.
 */
#include "user/lib/errno.h"
#include "user/lib/utest.h"
#include "user/utest_exec_child.h"

UTEST_SUITE(utest_exec);

#define NO_SUCH_PROGRAM "no_such_program"
#define STATUS_TEXT_SIZE 16

/* In a child: exec utest_exec_child asking for exit status `status`; on failure exit
 * with the -errno (never a status the helper uses). */
static int exec_child_with_status(void *arg)
{
	char status_text[STATUS_TEXT_SIZE], pid_text[STATUS_TEXT_SIZE];
	char *argv[] = { EXEC_CHILD_NAME, status_text, pid_text, EXEC_CHILD_MARKER, NULL };
	char *envp[] = { NULL };

	snprintf(status_text, sizeof(status_text), "%d", (int)(long)arg);
	snprintf(pid_text, sizeof(pid_text), "%d", getpid());
	return -exec_program(EXEC_CHILD_NAME, argv, envp);
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
	char *heap = sbrk(16 * PAGE_SIZE);

	if (!IS_ERR_VALUE(heap))
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
	char *argv[] = { NO_SUCH_PROGRAM, NULL };
	char *envp[] = { NULL };
	pid_t pid = getpid();

	UEXPECT_EQ(execve(NO_SUCH_PROGRAM, argv, envp), -ENOENT);
	UEXPECT_EQ(exec_program(NO_SUCH_PROGRAM, argv, envp), -ENOENT);
	UEXPECT_EQ(execve("", argv, envp), -ENOENT);
	UEXPECT_EQ(getpid(), pid); /* still us, still running */
}

UTEST(exec_bad_path_pointer_is_efault)
{
	char *argv[] = { EXEC_CHILD_NAME, NULL };
	char *envp[] = { NULL };

	UEXPECT_EQ(execve(NULL, argv, envp), -EFAULT);
	UEXPECT_EQ(execve((const char *)0xffff888000000000ul, argv, envp), -EFAULT);
}

/* In a child: exec the real helper with a bad argv; exits with the -errno. */
static int exec_with_bad_argv(void *arg)
{
	char *envp[] = { NULL };

	return -exec_program(EXEC_CHILD_NAME, arg, envp);
}

UTEST(exec_bad_argv_is_efault)
{
	static char *bad_element[] = { EXEC_CHILD_NAME, (char *)0xffff888000000000ul, NULL };

	/* In children: if the kernel wrongly accepted these, the exec'd helper would end
	 * the child with a status of its own, not EFAULT. */
	UEXPECT_EXITED(utest_run_child(exec_with_bad_argv, (void *)0xffff888000000000ul), EFAULT);
	UEXPECT_EXITED(utest_run_child(exec_with_bad_argv, bad_element), EFAULT);
}

UTEST(caller_continues_after_failed_exec)
{
	static volatile int data = 1234;
	char *argv[] = { NO_SUCH_PROGRAM, NULL };
	char *envp[] = { NULL };
	int status = -1;
	pid_t pid;

	UEXPECT_EQ(execve(NO_SUCH_PROGRAM, argv, envp), -ENOENT);
	UEXPECT_EQ(data, 1234);
	pid = fork(); /* the process still works as a whole */
	if (pid == 0)
		exit(0);
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_EXITED(status, 0);
}
