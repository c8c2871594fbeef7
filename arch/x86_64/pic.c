/*
 * arch/x86_64/pic.c - the legacy 8259A interrupt controllers: remapped, then masked.
 *
 * The BIOS leaves the PICs delivering IRQ 0-7 on vectors 8-15, which collide with CPU
 * exceptions (#DF is 8). We move them to 0x20-0x2f and mask every line: sublet's timer
 * is the local APIC, so the PIC only has to stay quiet (a spurious IRQ 7/15 can still
 * arrive and is ignored by traps.c).
 */
#include "arch/x86_64/io.h"
#include "arch/x86_64/trap.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define ICW1_INIT 0x10
#define ICW1_ICW4 0x01
#define ICW4_8086 0x01
#define PIC1_VECTOR_BASE 0x20
#define PIC2_VECTOR_BASE 0x28
#define PIC_CASCADE_IRQ 2
#define PIC_MASK_ALL 0xff

void pic_remap_and_mask(void)
{
	outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	io_delay();
	outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
	io_delay();
	outb(PIC1_DATA, PIC1_VECTOR_BASE);
	io_delay();
	outb(PIC2_DATA, PIC2_VECTOR_BASE);
	io_delay();
	outb(PIC1_DATA, 1 << PIC_CASCADE_IRQ); /* slave on IRQ 2 */
	io_delay();
	outb(PIC2_DATA, PIC_CASCADE_IRQ); /* slave identity */
	io_delay();
	outb(PIC1_DATA, ICW4_8086);
	io_delay();
	outb(PIC2_DATA, ICW4_8086);
	io_delay();
	outb(PIC1_DATA, PIC_MASK_ALL);
	outb(PIC2_DATA, PIC_MASK_ALL);
}
