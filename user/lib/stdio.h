/*
 * user/lib/stdio.h - formatted output for sublet's user programs.
 *
 * printf() formats into a small buffer and hands it to write() in one call per
 * buffer-full (a line of a test's output is one write, so lines of concurrent processes
 * do not mix). There is no buffering between calls, so nothing is lost or duplicated by
 * exit() or fork(). Conversions: %d %i %u %x %X %p %s %c %%, length modifiers l, ll, z,
 * a field width (digits or *), and the flags '-' (left-justify) and '0' (zero-pad). %p
 * prints 0x and all 16 hex digits, as the kernel's printk does. Implemented in
 * user/lib/printf.c.
 */
#ifndef USER_LIB_STDIO_H
#define USER_LIB_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

#define PRINTF_LIKE(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))

/* Format into buf (always NUL-terminated if size > 0); the length the whole output
 * would have, as C's vsnprintf. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);
/* Format to file descriptor fd; the number of characters formatted, or -errno if a
 * write failed. */
int vdprintf(int fd, const char *fmt, va_list ap);
int dprintf(int fd, const char *fmt, ...) PRINTF_LIKE(2, 3);
int printf(const char *fmt, ...) PRINTF_LIKE(1, 2);
/* s and a newline to stdout; non-negative, or -errno. */
int puts(const char *s);

#endif
