/*
 * arch/x86_64/trampoline.S - where an application processor starts: 16-bit real mode at
 * the page the SIPI names, to 32-bit protected mode, to 64-bit long mode, into the kernel.
 *
 * trampoline_start..trampoline_end is never run where it is linked: arch/x86_64/smpboot.c
 * copies it to a page below 1 MiB (a SIPI's vector is a page number, 8 bits wide) and
 * fills in the fields the code cannot know at link time, its own linear address above
 * all: the GDT base and the two far-jump targets. In real mode CS = page * 256 (the SIPI
 * sets it so), so offsets from trampoline_start address the copy; %ebx keeps the linear
 * base through the mode changes. The steps (SDM vol. 3A, 9.8.5 "Initializing IA-32e
 * Mode"), and why each, are in docs/smp.md.
 *
 * secondary_startup_64, in the kernel's text, then leaves the trampoline's page tables
 * for init_mm's, takes the stack the boot CPU prepared and calls start_secondary.
 */
#include "arch/x86_64/smpboot.h"
#include "arch/x86_64/x86.h"

#define TR_OFFSET(label) ((label) - trampoline_start)
/* CR0 in long mode: paging, protection, write-protect honoured in ring 0, native x87
 * errors, WAIT honours TS. CD and NW (set by INIT) end up clear: caches on. */
#define TR_CR0 (CR0_PG | CR0_WP | CR0_NE | CR0_MP | CR0_PE)

	.section .rodata
	.balign 16
	.globl trampoline_start
trampoline_start:
	.code16
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	movzwl	%ax, %ebx
	shll	$4, %ebx			/* ebx = the copy's linear address */
	lgdtl	TR_OFFSET(tr_gdt_ptr)
	movl	%cr0, %eax
	orl	$CR0_PE, %eax
	movl	%eax, %cr0
	ljmpl	*TR_OFFSET(tr_pm_target)	/* to tr_protected_mode, CS = 32-bit code */

	.code32
	.globl tr_protected_mode
tr_protected_mode:
	movw	$TRAMPOLINE_DS, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movl	%cr4, %eax			/* long mode needs PAE paging */
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	leal	TRAMPOLINE_PML4_PAGE * PAGE_SIZE(%ebx), %eax
	movl	%eax, %cr3			/* the trampoline's PML4 (below 1 MiB) */
	movl	$MSR_EFER, %ecx
	rdmsr
	/* LME: long mode on paging. NXE now, not later: the kernel half's leaves have the
	 * NX bit, which is a reserved bit (a page fault) while NXE is clear. */
	orl	$(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl	$TR_CR0, %eax			/* paging on: long mode is active */
	movl	%eax, %cr0
	ljmpl	*TR_OFFSET(tr_lm_target)(%ebx)	/* to tr_long_mode, CS = 64-bit code */

	.code64
	.globl tr_long_mode
tr_long_mode:
	movabsq	$secondary_startup_64, %rax	/* the kernel, in the higher half */
	jmpq	*%rax

	.balign 8
	.globl tr_gdt
tr_gdt:
	.quad	0				/* null descriptor */
	.quad	0x00af9a000000ffff		/* TRAMPOLINE_CS64: 64-bit code, ring 0 */
	.quad	0x00cf92000000ffff		/* TRAMPOLINE_DS: flat data, ring 0 */
	.quad	0x00cf9a000000ffff		/* TRAMPOLINE_CS32: flat 32-bit code, ring 0 */
tr_gdt_end:
tr_gdt_ptr:
	.word	tr_gdt_end - tr_gdt - 1
	.globl tr_gdt_base
tr_gdt_base:
	.long	0				/* filled in: tr_gdt's linear address */
	.globl tr_pm_target
tr_pm_target:
	.long	0				/* filled in: tr_protected_mode's */
	.word	TRAMPOLINE_CS32
	.globl tr_lm_target
tr_lm_target:
	.long	0				/* filled in: tr_long_mode's */
	.word	TRAMPOLINE_CS64
	.globl trampoline_end
trampoline_end:

/*
 * secondary_startup_64 - the AP's first code in the kernel's text. Still on the
 * trampoline's page tables and GDT: load init_mm's PML4 (the kernel half is the same,
 * so this code stays mapped) and the stack the boot CPU left in smp_boot_stack, then
 * start_secondary(smp_boot_cpu_state), which loads the CPU's own GDT before any segment
 * register is loaded again (the trampoline's GDT is no longer mapped).
 */
	.text
	.globl secondary_startup_64
secondary_startup_64:
	.cfi_startproc
	.cfi_undefined %rip			/* jumped to from the trampoline: no caller */
	movq	smp_boot_cr3(%rip), %rax
	movq	%rax, %cr3
	movq	smp_boot_stack(%rip), %rsp
	xorl	%ebp, %ebp			/* end of the frame-pointer chain */
	movq	smp_boot_cpu_state(%rip), %rdi
	call	start_secondary
	ud2					/* start_secondary never returns */
	.cfi_endproc
