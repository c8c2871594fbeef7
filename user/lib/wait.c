/*
 * user/lib/wait.c - wait statuses in words, for test reports and init's ktest mode.
 */
#include "user/lib/stdio.h"
#include "user/lib/syscall.h"

char *wait_status_text(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "has wait status 0x%x", (unsigned int)status);
	return buf;
}
