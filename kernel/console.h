/*
 * kernel/console.h - the output devices printk writes to.
 *
 * The 16550 serial port (kernel/serial.c) is always a console; the VGA text screen
 * (kernel/vga.c) joins when GRUB reports EGA text mode, i.e. on BIOS boots.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "kernel/types.h"

struct console {
	const char *name;
	void (*write)(const char *s, size_t len);
	struct console *next;
};

void register_console(struct console *con);

void serial_init(void);
void serial_putc(char c);
/* Start mirroring output to a VGA text buffer at phys (width x height cells). */
void vga_console_init(u64 phys, u32 width, u32 height);

#endif
