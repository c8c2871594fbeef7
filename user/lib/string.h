/*
 * user/lib/string.h - the string and memory functions of sublet's user runtime.
 *
 * No libc: these are the few a test program needs. The compiler may also call memcpy,
 * memset, memmove and memcmp on its own (struct copies, zeroing), so they must exist
 * even in a program that never names them. Implemented in user/lib/string.c.
 */
#ifndef USER_LIB_STRING_H
#define USER_LIB_STRING_H

#include <stddef.h>

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* Parse a decimal integer (optional '-'); *ok (if not NULL) says whether all of s was a
 * number that fits a long. */
long parse_long(const char *s, int *ok);

#endif
