/*
 * kernel/vsprintf.c - vsnprintf and snprintf, the formatting engine under printk.
 *
 * Understands the subset of C's printf that kernel code needs (the contract is in
 * kernel/printk.h):
 *
 *   %[flags][width][.precision][length]conversion
 *   flags       '-' left-justify, '0' pad numbers with zeros
 *   width       digits, or '*' to take an int argument (negative means '-')
 *   precision   for %s the most bytes to print, for integers the fewest digits
 *   length      hh, h, l, ll, z
 *   conversion  d i u x X p s c %
 *
 * A conversion it does not know is copied to the output as written ("%q" stays "%q"), so
 * a typo shows up in the log instead of eating an argument silently. No floating point:
 * the kernel is built without SSE and x87.
 *
 * Output goes through a cursor that counts every character but stores only those that fit,
 * which gives C99's snprintf semantics (return the full length, truncate the text) without
 * a second pass.
 */
#include "kernel/printk.h"
#include "kernel/string.h"

/* Not from <limits.h>: GCC's copy pulls in the host C library's limits.h. */
#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif
#ifndef INT_MIN
#define INT_MIN (-INT_MAX - 1)
#endif

/* Digits of the largest u64 in base 10, "18446744073709551615"; base 16 needs only 16. */
#define U64_MAX_DIGITS 20
/* %p always prints every hex digit of a 64-bit pointer. */
#define POINTER_HEX_DIGITS 16

/*
 * Where the output goes. len counts every character produced so far, stored or not; only
 * the first size-1 are stored, leaving room for the NUL that vsnprintf adds at the end.
 */
struct out_cursor {
	char *buf;
	size_t size;
	size_t len;
};

enum length_modifier {
	LEN_INT,   /* none: int */
	LEN_CHAR,  /* hh */
	LEN_SHORT, /* h */
	LEN_LONG,  /* l */
	LEN_LLONG, /* ll */
	LEN_SIZE,  /* z */
};

/* One parsed conversion specification. */
struct fmt_spec {
	bool left;     /* '-': pad on the right */
	bool zero;     /* '0': pad numbers with zeros after the sign */
	int width;     /* minimum field width, 0 if none */
	int precision; /* -1 if none */
	enum length_modifier length;
	char conversion; /* 'd', 'x', ...; '\0' if the format ended inside the spec */
};

/* Append one character, storing it only if it (and the final NUL) still fit. */
static void out_char(struct out_cursor *out, char c)
{
	if (out->len + 1 < out->size)
		out->buf[out->len] = c;
	out->len++;
}

/* Append len bytes of s. */
static void out_text(struct out_cursor *out, const char *s, size_t len)
{
	while (len-- > 0)
		out_char(out, *s++);
}

/* Append count copies of c; nothing if count <= 0. */
static void out_repeat(struct out_cursor *out, char c, int count)
{
	while (count-- > 0)
		out_char(out, c);
}

/* Terminate the stored text: after the last stored character, or at the very end. */
static void out_finish(struct out_cursor *out)
{
	if (out->size > 0)
		out->buf[MIN(out->len, out->size - 1)] = '\0';
}

/* Spaces that the field width adds to a body of body_len characters. */
static int field_padding(const struct fmt_spec *spec, size_t body_len)
{
	if (body_len >= (size_t)spec->width)
		return 0;
	return spec->width - (int)body_len;
}

/* Read a run of decimal digits at *fmt, advancing past it; saturates at INT_MAX. */
static int parse_decimal(const char **fmt)
{
	int value = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		int digit = *(*fmt)++ - '0';

		value = value > (INT_MAX - digit) / 10 ? INT_MAX : value * 10 + digit;
	}
	return value;
}

/* Parse flags and width; a negative '*' width means left-justify, as in C. */
static const char *parse_width(const char *fmt, va_list *ap, struct fmt_spec *spec)
{
	for (;; fmt++) {
		if (*fmt == '-')
			spec->left = true;
		else if (*fmt == '0')
			spec->zero = true;
		else
			break;
	}
	if (*fmt != '*') {
		spec->width = parse_decimal(&fmt);
		return fmt;
	}
	spec->width = va_arg(*ap, int);
	if (spec->width < 0) {
		spec->left = true;
		/* -INT_MIN does not exist; such a width is absurd anyway. */
		spec->width = spec->width == INT_MIN ? INT_MAX : -spec->width;
	}
	return fmt + 1;
}

/* Parse ".digits" or ".*"; a negative '*' precision counts as none, as in C. */
static const char *parse_precision(const char *fmt, va_list *ap, struct fmt_spec *spec)
{
	spec->precision = -1;
	if (*fmt != '.')
		return fmt;
	fmt++;
	if (*fmt != '*') {
		spec->precision = parse_decimal(&fmt);
		return fmt;
	}
	spec->precision = va_arg(*ap, int);
	if (spec->precision < 0)
		spec->precision = -1;
	return fmt + 1;
}

/* Parse the length modifier, if any. */
static const char *parse_length(const char *fmt, struct fmt_spec *spec)
{
	spec->length = LEN_INT;
	if (fmt[0] == 'h') {
		spec->length = fmt[1] == 'h' ? LEN_CHAR : LEN_SHORT;
		return fmt + (fmt[1] == 'h' ? 2 : 1);
	}
	if (fmt[0] == 'l') {
		spec->length = fmt[1] == 'l' ? LEN_LLONG : LEN_LONG;
		return fmt + (fmt[1] == 'l' ? 2 : 1);
	}
	if (fmt[0] == 'z') {
		spec->length = LEN_SIZE;
		return fmt + 1;
	}
	return fmt;
}

/*
 * Parse the specification that follows a '%' (fmt points just past it), taking any '*'
 * arguments from ap. Returns the position after the conversion character.
 */
static const char *parse_spec(const char *fmt, va_list *ap, struct fmt_spec *spec)
{
	*spec = (struct fmt_spec){0};
	fmt = parse_width(fmt, ap, spec);
	fmt = parse_precision(fmt, ap, spec);
	fmt = parse_length(fmt, spec);
	spec->conversion = *fmt;
	return *fmt != '\0' ? fmt + 1 : fmt;
}

/* Fetch an unsigned integer argument of the size the length modifier names. */
static u64 fetch_unsigned(va_list *ap, enum length_modifier length)
{
	switch (length) {
	case LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Fetch a signed integer argument; %zd takes the signed type of size_t's width. */
static s64 fetch_signed(va_list *ap, enum length_modifier length)
{
	switch (length) {
	case LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:
		return (short)va_arg(*ap, int);
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_SIZE:
		return va_arg(*ap, ssize_t);
	default:
		return va_arg(*ap, int);
	}
}

/* Write value's digits into digits[], least significant first; returns how many. */
static int u64_to_digits(char *digits, u64 value, unsigned int base, bool upper)
{
	const char *symbols = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int count = 0;

	do {
		digits[count++] = symbols[value % base];
		value /= base;
	} while (value != 0);
	return count;
}

/*
 * Format value, which is already non-negative, in the base the conversion names.
 * prefix ("-", "0x" or "") goes before any zeros, so "%05d" of -42 is "-0042". As in C,
 * a precision asks for that many digits at least and turns off the '0' flag, and a
 * precision of 0 prints no digits at all for the value 0.
 */
static void format_number(struct out_cursor *out, const struct fmt_spec *spec, u64 value,
			  const char *prefix)
{
	char digits[U64_MAX_DIGITS];
	bool hex = spec->conversion == 'x' || spec->conversion == 'X' || spec->conversion == 'p';
	int ndigits = u64_to_digits(digits, value, hex ? 16 : 10, spec->conversion == 'X');
	int nzeros, npad;

	if (spec->precision == 0 && value == 0)
		ndigits = 0;
	nzeros = spec->precision > ndigits ? spec->precision - ndigits : 0;
	npad = field_padding(spec, strlen(prefix) + (size_t)nzeros + (size_t)ndigits);
	if (spec->zero && !spec->left && spec->precision < 0) {
		nzeros += npad;
		npad = 0;
	}
	if (!spec->left)
		out_repeat(out, ' ', npad);
	out_text(out, prefix, strlen(prefix));
	out_repeat(out, '0', nzeros);
	while (ndigits > 0)
		out_char(out, digits[--ndigits]);
	if (spec->left)
		out_repeat(out, ' ', npad);
}

/*
 * %d and %i. The magnitude is computed in unsigned arithmetic, where 0 - (u64)INT64_MIN
 * is well defined; negating the signed value would overflow.
 */
static void format_signed(struct out_cursor *out, const struct fmt_spec *spec, s64 value)
{
	if (value < 0)
		format_number(out, spec, 0 - (u64)value, "-");
	else
		format_number(out, spec, (u64)value, "");
}

/* %p: "0x" and all 16 hex digits, so addresses line up in a log. */
static void format_pointer(struct out_cursor *out, const struct fmt_spec *spec, const void *ptr)
{
	struct fmt_spec hex = *spec;

	hex.precision = POINTER_HEX_DIGITS;
	format_number(out, &hex, (uintptr_t)ptr, "0x");
}

/* %s and %c: len bytes of s, padded to the field width with spaces (never zeros). */
static void format_text(struct out_cursor *out, const struct fmt_spec *spec, const char *s,
			size_t len)
{
	int npad = field_padding(spec, len);

	if (!spec->left)
		out_repeat(out, ' ', npad);
	out_text(out, s, len);
	if (spec->left)
		out_repeat(out, ' ', npad);
}

/* %s: a NULL pointer prints "(null)"; a precision limits how many bytes are read. */
static void format_string(struct out_cursor *out, const struct fmt_spec *spec, const char *s)
{
	size_t len;

	if (!s)
		s = "(null)";
	/* strnlen, not strlen: with a precision, s need not be NUL-terminated. */
	len = spec->precision >= 0 ? strnlen(s, (size_t)spec->precision) : strlen(s);
	format_text(out, spec, s, len);
}

/*
 * Format the conversion specification starting at the '%' at start, consuming its
 * arguments from ap. Returns the position just after the specification.
 */
static const char *format_one(struct out_cursor *out, const char *start, va_list *ap)
{
	struct fmt_spec spec;
	const char *end = parse_spec(start + 1, ap, &spec);
	char c;

	switch (spec.conversion) {
	case 'd':
	case 'i':
		format_signed(out, &spec, fetch_signed(ap, spec.length));
		break;
	case 'u':
	case 'x':
	case 'X':
		format_number(out, &spec, fetch_unsigned(ap, spec.length), "");
		break;
	case 'p':
		format_pointer(out, &spec, va_arg(*ap, const void *));
		break;
	case 's':
		format_string(out, &spec, va_arg(*ap, const char *));
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		format_text(out, &spec, &c, 1);
		break;
	case '%':
		out_char(out, '%');
		break;
	default:
		/* Unknown, or the format ended mid-spec: show the text as written. */
		out_text(out, start, (size_t)(end - start));
		break;
	}
	return end;
}

/*
 * Format into buf (size bytes, NUL included) and return the length the whole output
 * would have had, which is >= size when it was truncated. With size == 0 nothing is
 * written and buf may be NULL.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out_cursor out = {.buf = buf, .size = size, .len = 0};
	va_list args;

	/* A copy, so the helpers can share it through a pointer (C11 7.16, footnote 253). */
	va_copy(args, ap);
	while (*fmt != '\0') {
		if (*fmt == '%')
			fmt = format_one(&out, fmt, &args);
		else
			out_char(&out, *fmt++);
	}
	va_end(args);
	out_finish(&out);
	return out.len > INT_MAX ? INT_MAX : (int)out.len;
}

/* vsnprintf with the arguments in line. */
int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return len;
}
