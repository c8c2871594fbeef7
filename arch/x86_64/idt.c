/*
 * arch/x86_64/idt.c - the Interrupt Descriptor Table.
 *
 * All 256 vectors point at the stubs in entry.S. #DF, NMI and #MC run on their own IST
 * stacks (gdt.c); int3 may be raised from ring 3 (DPL 3), everything else only by the
 * hardware or ring 0.
 */
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "kernel/compiler.h"

static struct idt_gate idt[X86_NR_VECTORS] __aligned(16);

static void set_gate(unsigned int vector, u64 handler, u8 ist, u8 dpl_bits)
{
	struct idt_gate *g = &idt[vector];

	g->offset_low = handler & 0xffff;
	g->selector = KERNEL_CS;
	g->ist = ist;
	g->type_attr = IDT_PRESENT | dpl_bits | IDT_TYPE_INTERRUPT_GATE;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_high = handler >> 32;
	g->reserved = 0;
}

/* idt_load - point this CPU at the one IDT every CPU shares. */
void idt_load(void)
{
	struct descriptor_pointer ptr = {sizeof(idt) - 1, (u64)idt};

	__asm__ __volatile__("lidt %0" : : "m"(ptr));
}

/* idt_init - fill and load the IDT (boot CPU; the others only idt_load it). */
void idt_init(void)
{
	for (unsigned int v = 0; v < X86_NR_VECTORS; v++)
		set_gate(v, trap_stubs[v], trap_ist(v), v == X86_TRAP_BP ? IDT_DPL3 : 0);
	idt_load();
}
