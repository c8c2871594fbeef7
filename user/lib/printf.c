/*
 * user/lib/printf.c - vsnprintf and printf for user programs (see user/lib/stdio.h).
 *
 * One formatter writes into a `struct sink`: either a caller's string buffer (snprintf)
 * or a buffer that is flushed to a file descriptor when full and at the end (printf).
 * Its output matches the kernel's kernel/vsprintf.c for the conversions both have, so
 * a test's failure report reads the same from user space as from the kernel.
 */
#include <stdbool.h>

#include "user/lib/errno.h"
#include "user/lib/stdio.h"
#include "user/lib/string.h"
#include "user/lib/syscall.h"

#define PRINTF_BUF_SIZE 512
#define POINTER_HEX_DIGITS 16 /* %p: every digit of a 64-bit pointer */
#define MAX_DIGITS 24 /* 2^64 in decimal is 20 digits */

struct sink {
	char *buf;
	size_t size; /* bytes buf can hold (for a string: leaving room for the NUL) */
	size_t len; /* bytes in buf */
	long total; /* characters produced, stored or not */
	int fd; /* flush to this descriptor when full; -1: a string, drop the excess */
	int error; /* the first failed write's -errno, or 0 */
};

/* One conversion's flags, width and length modifier. */
struct spec {
	bool left; /* '-' */
	bool zero; /* '0' */
	int width;
	int longs; /* 0 int, 1 long (also z), 2 long long */
	char conversion;
};

static void sink_flush(struct sink *s)
{
	size_t done = 0;

	while (done < s->len && !s->error) {
		ssize_t n = write(s->fd, s->buf + done, s->len - done);

		if (n <= 0)
			s->error = n < 0 ? (int)n : -EIO;
		else
			done += (size_t)n;
	}
	s->len = 0;
}

static void sink_put(struct sink *s, char c)
{
	if (s->len == s->size && s->fd >= 0)
		sink_flush(s);
	if (s->len < s->size)
		s->buf[s->len++] = c;
	s->total++;
}

static void sink_repeat(struct sink *s, char c, int count)
{
	while (count-- > 0)
		sink_put(s, c);
}

static void sink_text(struct sink *s, const char *text, size_t len)
{
	while (len--)
		sink_put(s, *text++);
}

/* Digits of value in base (10 or 16), most significant first; returns their count. */
static int to_digits(char *out, unsigned long long value, unsigned int base, bool upper)
{
	const char *symbols = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char reversed[MAX_DIGITS];
	int n = 0;

	do {
		reversed[n++] = symbols[value % base];
		value /= base;
	} while (value);
	for (int i = 0; i < n; i++)
		out[i] = reversed[n - 1 - i];
	return n;
}

/* A number: prefix ("-", "0x" or ""), then at least min_digits digits, padded to the
 * field width with spaces (or zeros between prefix and digits, for the '0' flag). */
static void format_number(struct sink *s, const struct spec *spec, unsigned long long value,
			  const char *prefix, int min_digits)
{
	bool hex = spec->conversion == 'x' || spec->conversion == 'X' || spec->conversion == 'p';
	char digits[MAX_DIGITS];
	int ndigits = to_digits(digits, value, hex ? 16 : 10, spec->conversion == 'X');
	int nzeros = min_digits > ndigits ? min_digits - ndigits : 0;
	int npad = spec->width - (int)strlen(prefix) - nzeros - ndigits;

	if (spec->zero && !spec->left) {
		nzeros += npad > 0 ? npad : 0;
		npad = 0;
	}
	if (!spec->left)
		sink_repeat(s, ' ', npad);
	sink_text(s, prefix, strlen(prefix));
	sink_repeat(s, '0', nzeros);
	sink_text(s, digits, (size_t)ndigits);
	if (spec->left)
		sink_repeat(s, ' ', npad);
}

/* %s and %c: len bytes of text padded to the field width with spaces. */
static void format_text(struct sink *s, const struct spec *spec, const char *text, size_t len)
{
	int npad = spec->width - (int)len;

	if (!spec->left)
		sink_repeat(s, ' ', npad);
	sink_text(s, text, len);
	if (spec->left)
		sink_repeat(s, ' ', npad);
}

static long long signed_arg(const struct spec *spec, va_list *ap)
{
	if (spec->longs == 2)
		return va_arg(*ap, long long);
	if (spec->longs == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static unsigned long long unsigned_arg(const struct spec *spec, va_list *ap)
{
	if (spec->longs == 2)
		return va_arg(*ap, unsigned long long);
	if (spec->longs == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

/* Read flags, width and length modifiers after a '%'; returns the conversion's place. */
static const char *parse_spec(const char *fmt, struct spec *spec, va_list *ap)
{
	memset(spec, 0, sizeof(*spec));
	for (;; fmt++) {
		if (*fmt == '-')
			spec->left = true;
		else if (*fmt == '0')
			spec->zero = true;
		else
			break;
	}
	if (*fmt == '*') {
		spec->width = va_arg(*ap, int);
		if (spec->width < 0) { /* a negative width is a '-' flag, as in C */
			spec->left = true;
			spec->width = -spec->width;
		}
		fmt++;
	}
	for (; *fmt >= '0' && *fmt <= '9'; fmt++)
		spec->width = spec->width * 10 + (*fmt - '0');
	for (; *fmt == 'l' && spec->longs < 2; fmt++)
		spec->longs++;
	if (*fmt == 'z') {
		spec->longs = 1; /* size_t is unsigned long here */
		fmt++;
	}
	spec->conversion = *fmt;
	return fmt;
}

/* Format one conversion starting at fmt (just past '%'); returns where the rest starts. */
static const char *format_one(struct sink *s, const char *fmt, va_list *ap)
{
	struct spec spec;
	const char *text;
	long long value;
	char c;

	fmt = parse_spec(fmt, &spec, ap);
	switch (spec.conversion) {
	case 'd':
	case 'i':
		value = signed_arg(&spec, ap);
		/* 0 - (unsigned) value: the magnitude, even of LLONG_MIN */
		format_number(s, &spec, value < 0 ? 0 - (unsigned long long)value
						  : (unsigned long long)value,
			      value < 0 ? "-" : "", 1);
		break;
	case 'u':
	case 'x':
	case 'X':
		format_number(s, &spec, unsigned_arg(&spec, ap), "", 1);
		break;
	case 'p':
		format_number(s, &spec, (unsigned long)va_arg(*ap, void *), "0x",
			      POINTER_HEX_DIGITS);
		break;
	case 's':
		text = va_arg(*ap, const char *);
		if (!text)
			text = "(null)";
		format_text(s, &spec, text, strlen(text));
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		format_text(s, &spec, &c, 1);
		break;
	case '%':
		sink_put(s, '%');
		break;
	case '\0':
		return fmt; /* a lone '%' at the end */
	default:
		sink_put(s, '%'); /* unknown: print it as written */
		sink_put(s, spec.conversion);
		break;
	}
	return fmt + 1;
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	va_list args;

	/* A copy, so the helpers can share it through a pointer (C11 7.16, footnote 253). */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt == '%')
			fmt = format_one(s, fmt + 1, &args);
		else
			sink_put(s, *fmt++);
	}
	va_end(args);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .buf = buf, .size = size ? size - 1 : 0, .fd = -1 };

	format(&s, fmt, ap);
	if (size)
		buf[s.len] = '\0';
	return (int)s.total;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
	char buf[PRINTF_BUF_SIZE];
	struct sink s = { .buf = buf, .size = sizeof(buf), .fd = fd };

	format(&s, fmt, ap);
	sink_flush(&s);
	return s.error ? s.error : (int)s.total;
}

int dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(STDOUT_FILENO, fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	return printf("%s\n", s);
}
