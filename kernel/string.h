/*
 * kernel/string.h - the freestanding string and memory routines (kernel/string.c).
 *
 * GCC may emit calls to memcpy/memset/memmove/memcmp on its own, so these four must
 * exist with exactly the C library's names and contracts.
 */
#ifndef KERNEL_STRING_H
#define KERNEL_STRING_H

#include "kernel/types.h"

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copy at most size-1 bytes and always NUL-terminate (when size > 0); returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
/* Shell-style glob: '*' matches any run, '?' any one character. */
bool glob_match(const char *pattern, const char *str);

#endif
