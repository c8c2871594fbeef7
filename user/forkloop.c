/*
 * user/forkloop.c - fork and reap children in a loop, for the kernel's leak check.
 *
 *   forkloop [cycles]     (default 1000)
 *
 * Each child writes to a page of the parent's data (a copy-on-write break), then exits
 * with its cycle number's low byte; the parent checks every status. The kernel test
 * (tests/user_process_test.c) runs this and then checks that every frame came back.
 */
#include "lib/stdio.h"
#include "lib/string.h"
#include "lib/syscall.h"

#define DEFAULT_CYCLES 1000

static volatile char shared_page[4096] __attribute__((aligned(4096))) = { 1 };

int main(int argc, char **argv)
{
	long cycles = DEFAULT_CYCLES;
	int failures = 0;

	if (argc > 1) {
		int ok = 0;
		long n = parse_long(argv[1], &ok);

		if (ok && n > 0)
			cycles = n;
	}
	for (long i = 0; i < cycles; i++) {
		int status = 0;
		pid_t child = fork();

		if (child < 0)
			return 2;
		if (child == 0) {
			shared_page[0] = (char)i; /* break copy-on-write in the child only */
			exit((int)(i & 0xff));
		}
		if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != (i & 0xff) || shared_page[0] != 1)
			failures++;
	}
	if (failures)
		printf("forkloop: %d of %ld cycles went wrong\n", failures, cycles);
	return failures ? 1 : 0;
}
