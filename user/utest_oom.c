/*
 * user/utest_oom.c - running out of memory kills the hog, not the kernel or its parent.
 *
 * A child execs memhog (user/memhog.c), which touches memory until none is left. The
 * kernel's OOM killer (mm/oom_kill.c) must pick it, the largest process, and kill it with
 * SIGKILL (printing "Out of memory: Killed process <pid> (memhog) ..."); we, its parent,
 * must go on, and the memory must be usable again (we map and fill some, and fork). Two
 * hogs at once are both killed, one after the other. Not run on a Linux host (see the Makefile):
 * there the hog would exhaust the host. tests/user_process_test.c checks the frames come back.
 */
#include "user/lib/utest.h"

UTEST_SUITE(utest_oom);

#define HOG_NAME "memhog"
#define AFTER_PAGES 256 /* memory we use ourselves once the hog is gone */
#define HOG_SURVIVED 3	/* user/memhog.c: the machine had more memory than it touches */

static int exec_hog(void *arg)
{
	char *argv[] = {HOG_NAME, NULL};
	char *envp[] = {NULL};

	(void)arg;
	exec_program(HOG_NAME, argv, envp);
	return errno;
}

static int exit_zero(void *arg)
{
	(void)arg;
	return 0;
}

UTEST(memory_hog_is_killed_and_memory_is_usable_again)
{
	int status = utest_run_child(exec_hog, NULL);
	char *p;

	if (WIFEXITED(status) && WEXITSTATUS(status) == HOG_SURVIVED)
		USKIP("this machine has more memory than memhog touches");
	UEXPECT_SIGNALED(status, SIGKILL);
	p = mmap(NULL, AFTER_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	UASSERT_PTR_NE(p, MAP_FAILED);
	memset(p, 0x3c, AFTER_PAGES * PAGE_SIZE); /* every page gets a frame */
	UEXPECT_EQ(p[AFTER_PAGES * PAGE_SIZE - 1], 0x3c);
	UEXPECT_EQ(munmap(p, AFTER_PAGES * PAGE_SIZE), 0);
	UEXPECT_EXITED(utest_run_child(exit_zero, NULL), 0);
}

/*
 * Two hogs at once: whichever faults when memory runs out, the larger is killed; if the
 * smaller asked, it waits for the victim's memory to come back and carries on, until
 * it is the largest and is killed in turn. Both end by SIGKILL, neither hangs.
 */
UTEST(two_hogs_are_both_killed)
{
	pid_t hogs[2];
	int status;

	for (int i = 0; i < 2; i++) {
		hogs[i] = fork();
		if (hogs[i] == 0)
			exit(exec_hog(NULL));
		UASSERT_GT(hogs[i], 0);
	}
	for (int i = 0; i < 2; i++) {
		status = -1;
		UEXPECT_EQ(waitpid(hogs[i], &status, 0), hogs[i]);
		if (WIFEXITED(status) && WEXITSTATUS(status) == HOG_SURVIVED)
			continue; /* a large machine: the other hog may still have met the limit */
		UEXPECT_SIGNALED(status, SIGKILL);
	}
}
