/*
 * user/fuzz_argv_child.c - execs as utest_fuzz's argv checker (user/fuzz/argv_check.h).
 *
 * Exits 0 if its argv is exactly what execve_isolation passed, FUZZ_ARGV_WRONG otherwise,
 * after printing the first of the expected arguments that differs. The fuzzer also execs it with
 * random arguments, in a sandbox whose status it ignores. The `_child` suffix keeps it
 * out of init's list of test suites.
 */
#include "user/fuzz/argv_check.h"

#include <stdio.h>
#include <string.h>

/*
 * Ballast: sublet's ELF loader copies every page of initialised data in before it builds
 * the stack from argv, so these pages make that window long enough for the isolation
 * test to hit in a few rounds (finding 3 of issue 8 leaked argv in exactly there).
 * Initialised, so that it is in the file: .bss would only be mapped.
 */
#define BALLAST_SIZE (2ul << 20)
static volatile char ballast[BALLAST_SIZE] = {1};

int main(int argc, char **argv)
{
	ballast[0] = (char)argc; /* used: kept */
	static const char *const want[FUZZ_ARGV_COUNT] = {FUZZ_ARGV_CHILD, FUZZ_ARGV_CHECK_1,
							  FUZZ_ARGV_CHECK_2, FUZZ_ARGV_CHECK_3};

	if (argc != FUZZ_ARGV_COUNT)
		return FUZZ_ARGV_WRONG; /* silently: the fuzzer's random argvs end here */
	/* argv[0] may be the file name on a Linux host (fuzz_argv_child.elf). */
	for (int i = 1; i < FUZZ_ARGV_COUNT; i++) {
		if (strcmp(argv[i], want[i])) {
			printf("    # %s: argv[%d] is \"%s\", not \"%s\"\n", FUZZ_ARGV_CHILD, i,
			       argv[i], want[i]);
			return FUZZ_ARGV_WRONG;
		}
	}
	return 0;
}
