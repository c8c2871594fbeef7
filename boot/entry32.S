/*
 * boot/entry32.S - from GRUB's 32-bit protected mode to the 64-bit higher half.
 *
 * GRUB jumps to _start32 with EAX = multiboot2 magic, EBX = physical address of the
 * boot information, paging off, interrupts off, and no usable stack. This file:
 *   1. checks the magic and that the CPU has long mode, else prints why and halts;
 *   2. builds boot page tables mapping the first 4 GiB three times (identity, the
 *      direct map at PAGE_OFFSET, and the kernel image window at KERNEL_VIRT_BASE);
 *   3. turns on PAE, EFER.LME (and NXE when present) and paging by OR-ing bits in,
 *      because GRUB on UEFI leaves CR0.WP and EFER.NXE set and we must not clear them;
 *   4. loads a GDT with a 64-bit code segment and far-jumps into 64-bit mode, then
 *      jumps to start64 in the higher half (boot/entry64.S).
 * The code runs at its load address (the .boot section is linked where it is loaded), so
 * every reference to a higher-half symbol subtracts KERNEL_VIRT_BASE. See docs/boot.md.
 */
#include "arch/x86_64/x86.h"
#include "boot/boot.h"

#define PHYS(sym) ((sym) - KERNEL_VIRT_BASE)
#define COM1 0x3f8

	.section .boot.text, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl	$PHYS(boot_stack_top), %esp	/* a stack at its physical address */
	movl	%eax, %edi			/* EDI = magic, ESI = info; both survive calls */
	movl	%ebx, %esi
	call	early_serial_init

	cmpl	$MULTIBOOT2_BOOTLOADER_MAGIC, %edi
	jne	.Lbad_magic
	call	check_long_mode			/* returns EDX = CPUID 0x80000001 EDX */
	movl	%edx, %ebp			/* keep the feature bits for the NX check */
	call	build_boot_page_tables

	movl	%cr4, %eax			/* PAE is required for long mode */
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4

	movl	$PHYS(boot_pml4), %eax		/* CR3 = our PML4 (GRUB's value is discarded) */
	movl	%eax, %cr3

	movl	$MSR_EFER, %ecx			/* EFER.LME, and NXE when the CPU has NX */
	rdmsr
	orl	$EFER_LME, %eax
	testl	$CPUID_EXT_EDX_NX, %ebp
	jz	1f
	orl	$EFER_NXE, %eax
1:	wrmsr

	movl	%cr0, %eax			/* paging on: long mode becomes active */
	orl	$(CR0_PG | CR0_PE | CR0_WP), %eax
	movl	%eax, %cr0

	lgdt	boot_gdt_descriptor
	ljmp	$KERNEL_CS, $start64_low	/* reload CS with the 64-bit code segment */

/*
 * check_long_mode - return only if CPUID reports long mode; EDX = extended features.
 * CPUID itself exists if EFLAGS.ID can be toggled.
 */
check_long_mode:
	pushfl
	popl	%eax
	movl	%eax, %ecx
	xorl	$X86_EFLAGS_ID, %eax
	pushl	%eax
	popfl
	pushfl
	popl	%eax
	pushl	%ecx
	popfl
	cmpl	%eax, %ecx
	je	.Lno_long_mode			/* ID did not toggle: no CPUID at all */
	movl	$CPUID_EXT_LEAF_MAX, %eax
	cpuid
	cmpl	$CPUID_EXT_FEATURES, %eax
	jb	.Lno_long_mode
	movl	$CPUID_EXT_FEATURES, %eax
	cpuid
	testl	$CPUID_EXT_EDX_LM, %edx
	jz	.Lno_long_mode
	ret

/*
 * build_boot_page_tables - fill the (zeroed here) boot tables with 2 MiB mappings of
 * physical 0..4 GiB, reachable at virtual 0, at PAGE_OFFSET and (first GiB) at
 * KERNEL_VIRT_BASE. Later in boot, paging_init (mm/) replaces all of this with finer,
 * W^X tables.
 */
build_boot_page_tables:
	movl	$PHYS(boot_page_tables_start), %edi	/* zero every table page */
	movl	$PHYS(boot_page_tables_end), %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	pushl	%edi
	rep stosl
	popl	%edi

	/* Page directories: entry i maps i * 2 MiB, across 4 contiguous PD pages. */
	movl	$PHYS(boot_pd), %edi
	movl	$(BOOT_PTE_PRESENT | BOOT_PTE_WRITE | BOOT_PTE_LARGE), %eax
	movl	$(512 * BOOT_IDENTITY_GIB), %ecx
1:	movl	%eax, (%edi)
	movl	$0, 4(%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	1b

	/* PDPT for the low 4 GiB: four entries, one per PD page. */
	movl	$PHYS(boot_pdpt_low), %edi
	movl	$(PHYS(boot_pd) + BOOT_PTE_PRESENT + BOOT_PTE_WRITE), %eax
	movl	$BOOT_IDENTITY_GIB, %ecx
2:	movl	%eax, (%edi)
	addl	$PAGE_SIZE, %eax
	addl	$8, %edi
	loop	2b

	/* The kernel window: PDPT slot 510 of PML4 slot 511 -> the first PD (0..1 GiB). */
	movl	$(PHYS(boot_pd) + BOOT_PTE_PRESENT + BOOT_PTE_WRITE), \
		(PHYS(boot_pdpt_kernel) + BOOT_PDPT_KERNEL * 8)

	movl	$(PHYS(boot_pdpt_low) + BOOT_PTE_PRESENT + BOOT_PTE_WRITE), %eax
	movl	%eax, (PHYS(boot_pml4) + BOOT_PML4_IDENTITY * 8)
	movl	%eax, (PHYS(boot_pml4) + BOOT_PML4_DIRECT * 8)
	movl	$(PHYS(boot_pdpt_kernel) + BOOT_PTE_PRESENT + BOOT_PTE_WRITE), \
		(PHYS(boot_pml4) + BOOT_PML4_KERNEL * 8)
	ret

/* early_serial_init - 115200 8N1 on COM1, so the failure messages below are readable. */
early_serial_init:
	movw	$(COM1 + 1), %dx		/* no interrupts */
	movb	$0x00, %al
	outb	%al, %dx
	movw	$(COM1 + 3), %dx		/* DLAB on to set the divisor */
	movb	$0x80, %al
	outb	%al, %dx
	movw	$(COM1 + 0), %dx		/* divisor 1 = 115200 baud */
	movb	$0x01, %al
	outb	%al, %dx
	movw	$(COM1 + 1), %dx
	movb	$0x00, %al
	outb	%al, %dx
	movw	$(COM1 + 3), %dx		/* 8 bits, no parity, one stop bit */
	movb	$0x03, %al
	outb	%al, %dx
	ret

/* early_puts - ESI = NUL-terminated message: to COM1 and to the VGA text screen. */
early_puts:
	movl	$0xb8000, %edi			/* VGA text buffer (harmless if absent) */
1:	lodsb
	testb	%al, %al
	jz	3f
	movb	%al, %bl
	movw	$(COM1 + 5), %dx		/* wait for the transmitter to be empty */
2:	inb	%dx, %al
	testb	$0x20, %al
	jz	2b
	movw	$COM1, %dx
	movb	%bl, %al
	outb	%al, %dx
	movb	%bl, (%edi)			/* character, then attribute: white on red */
	movb	$0x4f, 1(%edi)
	addl	$2, %edi
	jmp	1b
3:	ret

.Lbad_magic:
	movl	$msg_bad_magic, %esi
	jmp	boot_fail
.Lno_long_mode:
	movl	$msg_no_long_mode, %esi
boot_fail:
	call	early_puts
	movw	$QEMU_EXIT_PORT, %dx		/* under the test runner, end QEMU as a panic */
	movl	$QEMU_EXIT_PANIC, %eax
	outl	%eax, %dx
1:	hlt
	jmp	1b

	.code64
start64_low:
	movabsq	$start64, %rax			/* leave the identity map for the higher half */
	jmp	*%rax

	.section .boot.data, "a"
msg_bad_magic:
	.asciz	"sublet: not started by a multiboot2 boot loader (bad magic in EAX); halting.\r\n"
msg_no_long_mode:
	.asciz	"sublet: this CPU has no 64-bit long mode (CPUID 0x80000001 EDX.LM = 0); halting.\r\n"

	.balign 8
boot_gdt:
	.quad	0				/* null descriptor */
	.quad	0x00af9a000000ffff		/* KERNEL_CS: 64-bit code, present, ring 0 */
	.quad	0x00cf92000000ffff		/* KERNEL_DS: data, present, ring 0 */
boot_gdt_end:
boot_gdt_descriptor:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt
