/*
 * user/init.c - pid 1, the first user program the kernel starts.
 *
 * Normal boot (argv = ["init"]): greet, run `hello` and wait for it, then sleep forever,
 * reaping any child that ends.
 *
 * Self-test boot (argv = ["init", "ktest", "<first index>", "<program>"...]): the
 * kernel has printed its own KTAP suites and a plan that counts the user test programs
 * too; init runs each named program in turn as `<program> <index>` (fork + execve),
 * or `<program> <index> <settings>` if "--args=<settings>" precedes the programs,
 * waits for it and prints the top-level result line for the suite the program printed:
 *
 *   ok <index> <program>
 *   # <program>: killed by signal 11        (a failure says why, then:)
 *   not ok <index> <program>
 *
 * and exits with the number of programs that failed. See docs/userspace-programs.md.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "user/lib/proc.h"

#define INIT_IDLE_MS 1000      /* how long init sleeps between looks for ended children */
#define EXEC_FAILED_STATUS 127 /* a child whose execve failed, as shells report it */
#define NAME_SIZE 64
#define INDEX_SIZE 24
#define ARGS_PREFIX "--args=" /* settings for every test program (kernel's utest_args=) */

/* Start `name` with argv [name, arg, arg2] (NULL ends it early); the child's pid or
 * -1 (errno says why). */
static pid_t spawn(const char *name, const char *arg, const char *arg2)
{
	char *argv[] = {(char *)name, (char *)arg, (char *)arg2, NULL};
	char *envp[] = {NULL};
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	exec_program(name, argv, envp);
	printf("# init: cannot execve %s: %s\n", name, strerror(errno));
	exit(EXEC_FAILED_STATUS);
}

/* `name` as a KTAP test name: the module or file name without its ".elf". */
static void test_name(char *out, size_t size, const char *name)
{
	size_t len = strlen(name);

	if (len > 4 && !strcmp(name + len - 4, ".elf"))
		len -= 4;
	if (len >= size)
		len = size - 1;
	memcpy(out, name, len);
	out[len] = '\0';
}

/* Run one test program as KTAP test `index` (with `settings` as its second argument,
 * if not NULL); returns whether it passed. */
static int run_test_program(const char *program, long index, const char *settings)
{
	char name[NAME_SIZE], index_text[INDEX_SIZE], why[48];
	int status = 0;
	pid_t pid;

	test_name(name, sizeof(name), program);
	snprintf(index_text, sizeof(index_text), "%ld", index);
	pid = spawn(program, index_text, settings);
	if (pid < 0) {
		printf("# %s: fork failed: %s\nnot ok %ld %s\n", name, strerror(errno), index,
		       name);
		return 0;
	}
	pid = waitpid(pid, &status, 0);
	if (pid < 0) {
		printf("# %s: waitpid failed: %s\nnot ok %ld %s\n", name, strerror(errno), index,
		       name);
		return 0;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("ok %ld %s\n", index, name);
		return 1;
	}
	printf("# %s: %s\nnot ok %ld %s\n", name, wait_status_text(status, why, sizeof(why)), index,
	       name);
	return 0;
}

/* argv: "ktest", first index, ["--args=<settings>"], programs... Returns the number
 * that failed. */
static int ktest_mode(int argc, char **argv)
{
	int failed = 0, first = 2;
	long index = 0;
	const char *settings = NULL;

	if (argc < 2 || !parse_long(argv[1], &index) || index <= 0) {
		printf("# init: usage: init ktest <first KTAP index> [--args=<settings>] "
		       "<program>...\n");
		return 1;
	}
	if (argc > first && !strncmp(argv[first], ARGS_PREFIX, strlen(ARGS_PREFIX)))
		settings = argv[first++] + strlen(ARGS_PREFIX);
	for (int i = first; i < argc; i++)
		failed += !run_test_program(argv[i], index++, settings);
	return failed;
}

static void __attribute__((noreturn)) normal_mode(void)
{
	int status;
	char why[48];
	pid_t pid;

	printf("init: hello from ring 3 (pid %d)\n", getpid());
	pid = spawn("hello", NULL, NULL);
	sched_yield(); /* let hello run first (docs/gdb.md follows this call into the kernel) */
	if (pid < 0)
		printf("init: cannot fork: %s\n", strerror(errno));
	else if (waitpid(pid, &status, 0) == pid)
		printf("init: hello %s\n", wait_status_text(status, why, sizeof(why)));
	for (;;) {
		if (waitpid(-1, &status, 0) < 0)
			usleep(INIT_IDLE_MS * 1000); /* no children: nothing to reap yet */
	}
}

int main(int argc, char **argv)
{
	/* One write per line, whatever stdout is: lines of several processes never mix,
	 * and a fork copies nothing unwritten. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "ktest"))
		return ktest_mode(argc - 1, argv + 1);
	normal_mode();
}
