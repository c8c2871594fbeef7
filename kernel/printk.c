/*
 * kernel/printk.c - printk: format a message and hand it to every console.
 *
 * Messages are formatted into a buffer on the stack by vsnprintf (kernel/vsprintf.c)
 * and written with interrupts off, so lines from an interrupt handler never land in
 * the middle of another line. That is enough on one CPU; with more, lines from two
 * CPUs could still interleave, and a lock would have to join the interrupts-off.
 */
#include "kernel/printk.h"
#include "arch/x86_64/cpu.h"
#include "kernel/console.h"

#define PRINTK_LINE_MAX 512

static struct console *consoles;

void register_console(struct console *con)
{
	struct console **tail = &consoles;

	while (*tail)
		tail = &(*tail)->next;
	con->next = NULL;
	*tail = con;
}

void console_write(const char *s, size_t len)
{
	unsigned long flags = local_irq_save();

	for (struct console *con = consoles; con; con = con->next)
		con->write(s, len);
	local_irq_restore(flags);
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_LINE_MAX];
	int len = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t n = len < (int)sizeof(buf) ? (size_t)len : sizeof(buf) - 1;

	console_write(buf, n);
	return len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vprintk(fmt, ap);
	va_end(ap);
	return len;
}
