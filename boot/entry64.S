/*
 * boot/entry64.S - first 64-bit code in the higher half: the boot stack, then kmain.
 *
 * void start64(void) with ESI = physical address of the multiboot2 information.
 * Also holds the boot page tables and the boot stack (the boot CPU's first kernel
 * stack, which becomes the idle task's stack).
 *
 * Its CFI (in .debug_frame) says start64 has no caller, so GDB's `bt` in the boot
 * CPU's first task ends cleanly here.
 */
#include "arch/x86_64/x86.h"
#include "boot/boot.h"

	.cfi_sections .debug_frame
	.text
	.globl start64
start64:
	.cfi_startproc
	.cfi_undefined %rip			/* jumped to from 32-bit code: no caller */
	movw	$KERNEL_DS, %ax			/* flat data segments */
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	movabsq	$boot_stack_top, %rsp		/* the same stack, at its higher-half address */
	movabsq	$__bss_start, %rdi		/* zero .bss: GRUB does, but nothing promises it */
	movabsq	$__bss_end, %rcx		/* (.bss.boot, holding this stack, is separate) */
	subq	%rdi, %rcx
	shrq	$3, %rcx
	xorl	%eax, %eax
	rep stosq
	xorl	%ebp, %ebp			/* end of the frame-pointer chain for backtraces */
	movl	%esi, %edi			/* kmain(u64 mbi_phys): zero-extended */
	call	kmain
1:	cli					/* kmain never returns */
	hlt
	jmp	1b
	.cfi_endproc

	.section .bss.boot, "aw", @nobits
	.balign PAGE_SIZE
	.globl boot_page_tables_start, boot_page_tables_end, boot_pml4
boot_page_tables_start:
boot_pml4:
	.skip	PAGE_SIZE
	.globl boot_pdpt_low, boot_pd
boot_pdpt_low:
	.skip	PAGE_SIZE
	.globl boot_pdpt_kernel
boot_pdpt_kernel:
	.skip	PAGE_SIZE
boot_pd:
	.skip	PAGE_SIZE * BOOT_IDENTITY_GIB
boot_page_tables_end:

	.globl boot_stack_bottom, boot_stack_top
	.balign PAGE_SIZE
boot_stack_bottom:
	.skip	BOOT_STACK_SIZE
boot_stack_top:
