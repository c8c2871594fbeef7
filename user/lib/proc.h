/*
 * user/lib/proc.h - small helpers of ours that the C library does not have, shared by
 * init and the test programs (user/lib/proc.c).
 *
 * Everything else a program needs comes from musl: <stdio.h>, <unistd.h>, <sched.h>,
 * <sys/wait.h>, ... (docs/userspace-programs.md).
 */
#ifndef USER_LIB_PROC_H
#define USER_LIB_PROC_H

#include <stdbool.h>
#include <stddef.h>

/*
 * execve() the program `name` as sublet's modules and a Linux build directory may name
 * it: first `name` itself, then, if there is no such program (ENOENT), `name.elf` (the
 * file name under build/user/). Returns only on failure: -1 with errno set.
 */
int exec_program(const char *name, char *const argv[], char *const envp[]);

/* A wait status in words, into buf: "exited with status N", "killed by signal N".
 * Returns buf. */
char *wait_status_text(int status, char *buf, size_t size);

/* Parse a whole string as a decimal long (optional '-'), refusing empty strings, other
 * characters and values out of range. */
bool parse_long(const char *s, long *value);

#endif
