/*
 * kernel/string.c - the freestanding memory and string routines declared in kernel/string.h.
 *
 * There is no C library under the kernel, yet the compiler emits calls to memcpy, memset,
 * memmove and memcmp on its own (struct copies, large initialisers), so those four keep the
 * C library's names and contracts exactly. The rest are the few string helpers the kernel
 * needs (command-line parsing, test selection with glob_match).
 *
 * The compiler may also recognise a plain copy or fill loop and replace it with a call to
 * memcpy or memset, which inside memcpy itself would recurse forever. memcpy and memset are
 * therefore `rep movs` / `rep stos` instructions (eight bytes a step, then the tail), and
 * the one hand-written loop (memmove's backward copy) carries a compiler barrier.
 */
#include "kernel/string.h"
#include "kernel/compiler.h"

/*
 * Copy n bytes from src to dst; the areas must not overlap. Returns dst.
 * `rep movsb` copies upwards because the direction flag is clear: the SysV ABI guarantees
 * DF = 0 on every function entry, which is why interrupt and trap entry code must `cld`
 * before calling into C.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n / 8, tail = n % 8;

	/* Eight bytes a step for the bulk: the same result, and under QEMU's -icount (where
	 * every repetition counts) eight times cheaper, which matters for page copies. */
	__asm__ __volatile__("rep movsq" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
	__asm__ __volatile__("rep movsb" : "+D"(d), "+S"(src), "+c"(tail) : : "memory");
	return dst;
}

/*
 * Copy n bytes from src to dst; the areas may overlap. Returns dst.
 * An upward copy is safe unless dst starts inside [src, src + n): then it would overwrite
 * source bytes before reading them, so that case copies downwards from the end instead.
 */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Unsigned wrap-around makes this one test cover both dst < src and dst >= src + n. */
	if ((uintptr_t)d - (uintptr_t)s >= n)
		return memcpy(dst, src, n);
	while (n > 0) {
		n--;
		d[n] = s[n];
		/* Keeps the compiler from turning this loop back into a call to memmove. */
		barrier();
	}
	return dst;
}

/* Set n bytes at dst to (unsigned char)c. Returns dst. */
void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t words = n / 8, tail = n % 8;
	u64 pattern = (u8)c * 0x0101010101010101ull; /* the byte in all eight lanes */

	/* As memcpy: eight bytes a step, then the tail (zeroing mem_map at boot is most of
	 * mm_init's cost with 8 GiB of RAM). */
	__asm__ __volatile__("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
	__asm__ __volatile__("rep stosb" : "+D"(d), "+c"(tail) : "a"(pattern) : "memory");
	return dst;
}

/* Compare n bytes as unsigned char: <0, 0 or >0 as a sorts before, equal to or after b. */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a;
	const unsigned char *pb = b;
	size_t i;

	for (i = 0; i < n; i++) {
		if (pa[i] != pb[i])
			return pa[i] - pb[i];
	}
	return 0;
}

/* Length of the NUL-terminated string s, not counting the NUL. */
size_t strlen(const char *s)
{
	size_t len = 0;

	while (s[len] != '\0')
		len++;
	return len;
}

/* Like strlen, but reads at most max bytes: s need not be terminated within them. */
size_t strnlen(const char *s, size_t max)
{
	size_t len = 0;

	while (len < max && s[len] != '\0')
		len++;
	return len;
}

/* Compare two strings as unsigned char, with memcmp's sign convention. */
int strcmp(const char *a, const char *b)
{
	const unsigned char *pa = (const unsigned char *)a;
	const unsigned char *pb = (const unsigned char *)b;

	while (*pa != '\0' && *pa == *pb) {
		pa++;
		pb++;
	}
	return *pa - *pb;
}

/* Like strcmp, but compares at most n characters. */
int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *pa = (const unsigned char *)a;
	const unsigned char *pb = (const unsigned char *)b;
	size_t i;

	for (i = 0; i < n; i++) {
		if (pa[i] != pb[i] || pa[i] == '\0')
			return pa[i] - pb[i];
	}
	return 0;
}

/*
 * First occurrence of (char)c in s, or NULL. The terminating NUL counts as part of the
 * string, so strchr(s, '\0') returns a pointer to it, as in C.
 */
char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

/*
 * Copy src into the size-byte buffer dst, truncating if needed, and NUL-terminate it when
 * size > 0. Returns strlen(src), so `strlcpy(...) >= size` tells the caller it truncated.
 */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size > 0) {
		size_t copy = MIN(len, size - 1);

		memcpy(dst, src, copy);
		dst[copy] = '\0';
	}
	return len;
}

/*
 * Does str match the shell-style pattern? '*' matches any run of characters (also an empty
 * one), '?' exactly one character, anything else itself. There is no escaping.
 *
 * On a mismatch we retry from the most recent '*', letting it swallow one more character
 * of str. Going back only to the latest star is enough: whatever an earlier star could
 * have matched, the later one can match as well, so this never misses a match and needs
 * no recursion.
 */
bool glob_match(const char *pattern, const char *str)
{
	const char *star = NULL;  /* the latest '*' seen in pattern, or NULL */
	const char *retry = NULL; /* where in str that star's match currently ends */

	while (*str != '\0') {
		if (*pattern == '*') {
			star = pattern++;
			retry = str;
		} else if (*pattern == '?' || *pattern == *str) {
			pattern++;
			str++;
		} else if (star) {
			pattern = star + 1;
			str = ++retry;
		} else {
			return false;
		}
	}
	/* str is used up: only trailing stars, which match the empty string, may remain. */
	while (*pattern == '*')
		pattern++;
	return *pattern == '\0';
}
