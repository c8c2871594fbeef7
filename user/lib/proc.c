/*
 * user/lib/proc.c - helpers of ours for init and the tests: exec by module name, wait
 * statuses in words, strict number parsing. See user/lib/proc.h.
 */
#include "user/lib/proc.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int exec_program(const char *name, char *const argv[], char *const envp[])
{
	static const char suffix[] = ".elf";
	char file[PATH_MAX];
	size_t len = strlen(name);

	execve(name, argv, envp);
	if (errno != ENOENT || len + sizeof(suffix) > sizeof(file))
		return -1;
	if (len >= sizeof(suffix) - 1 && !strcmp(name + len - (sizeof(suffix) - 1), suffix))
		return -1; /* already name.elf */
	memcpy(file, name, len);
	memcpy(file + len, suffix, sizeof(suffix));
	return execve(file, argv, envp);
}

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

bool parse_long(const char *s, long *value)
{
	char *end;

	if (!*s || (*s != '-' && (*s < '0' || *s > '9')))
		return false; /* strtol would also take spaces and '+' */
	errno = 0;
	*value = strtol(s, &end, 10);
	return !errno && !*end;
}
