/*
 * kernel/printk.h - formatted output to the console (serial, and VGA text when present).
 *
 * vsnprintf (kernel/vsprintf.c) is our own implementation; printk (kernel/printk.c)
 * formats into a buffer and hands the text to every registered console.
 */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include "kernel/compiler.h"
#include "kernel/types.h"

/*
 * Supported: %d %i %u %x %X %p %s %c %%, length modifiers l, ll, z, flags '0' and '-',
 * a field width (digits or '*'). %p prints 0x followed by 16 hex digits. A NULL %s prints
 * "(null)". Returns the length the full output would have had (C99 semantics); at most
 * size-1 bytes plus a NUL are written when size > 0.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/* Raw output of an already formatted string to every console. */
void console_write(const char *s, size_t len);

#endif
