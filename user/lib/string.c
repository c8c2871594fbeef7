/*
 * user/lib/string.c - string and memory functions (see user/lib/string.h).
 *
 * Byte loops, kept simple on purpose: user programs are tests, not benchmarks. GCC may
 * recognise a loop as memset or memcpy and call the very function it is compiling; the
 * attribute below stops that recursion.
 */
#include "user/lib/string.h"

#ifdef __clang__
#define NO_LIBCALL /* clang forms no library calls under -ffreestanding */
#else
#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))
#endif

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b || !*a)
			return (unsigned char)*a - (unsigned char)*b;
	}
	return 0;
}

NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--) /* overlapping, destination above: copy from the end */
		d[n] = s[n];
	return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

long parse_long(const char *s, int *ok)
{
	unsigned long value = 0, limit = (unsigned long)__LONG_MAX__;
	int negative = *s == '-', valid = 1;

	if (negative) {
		s++;
		limit++; /* -LONG_MIN does not fit a long, but fits this */
	}
	if (!*s)
		valid = 0;
	for (; *s && valid; s++) {
		unsigned long digit = (unsigned long)(*s - '0');

		if (*s < '0' || *s > '9' || value > (limit - digit) / 10)
			valid = 0;
		else
			value = value * 10 + digit;
	}
	if (ok)
		*ok = valid;
	if (!valid)
		return 0;
	return negative ? (long)(0 - value) : (long)value;
}
