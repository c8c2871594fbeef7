/*
 * arch/x86_64/io.h - port I/O and the few privileged instructions C code needs.
 *
 * Generic code never writes inline assembly of its own; it calls these.
 */
#ifndef ARCH_X86_64_IO_H
#define ARCH_X86_64_IO_H

#include "kernel/types.h"

static inline void outb(u16 port, u8 val)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 val;
	__asm__ __volatile__("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

static inline void outw(u16 port, u16 val)
{
	__asm__ __volatile__("outw %0, %1" : : "a"(val), "Nd"(port));
}

static inline void outl(u16 port, u32 val)
{
	__asm__ __volatile__("outl %0, %1" : : "a"(val), "Nd"(port));
}

/* A write to an unused port takes about a microsecond: the classic PIC settle delay. */
static inline void io_delay(void)
{
	outb(0x80, 0);
}

#endif
