/*
 * arch/x86_64/calling.h - saving and restoring the general registers of a trap frame.
 *
 * Every way into the kernel from an interrupt, an exception or SYSCALL builds the same
 * struct trap_frame (arch/x86_64/trap.h); these two macros are its register part, in
 * one place, so the push order and the structure can never disagree (rax is pushed
 * first and so sits highest, r15 last and lowest, as the struct lists them).
 * Assembly only (after Linux's arch/x86/entry/calling.h).
 */
#ifndef ARCH_X86_64_CALLING_H
#define ARCH_X86_64_CALLING_H

#ifdef __ASSEMBLER__

/*
 * A push or pop that also tells the debugger (CFI, kept in .debug_frame) how the stack
 * moved and where the register's caller value now lies, so GDB's `bt` can unwind
 * through assembly. Only for code between .cfi_startproc and .cfi_endproc.
 */
.macro PUSH_CFI reg
	pushq	\reg
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset \reg, 0
.endm

.macro POP_CFI reg
	popq	\reg
	.cfi_adjust_cfa_offset -8
	.cfi_restore \reg
.endm

.macro PUSH_REGS
	PUSH_CFI	%rax
	PUSH_CFI	%rbx
	PUSH_CFI	%rcx
	PUSH_CFI	%rdx
	PUSH_CFI	%rsi
	PUSH_CFI	%rdi
	PUSH_CFI	%rbp
	PUSH_CFI	%r8
	PUSH_CFI	%r9
	PUSH_CFI	%r10
	PUSH_CFI	%r11
	PUSH_CFI	%r12
	PUSH_CFI	%r13
	PUSH_CFI	%r14
	PUSH_CFI	%r15
.endm

.macro POP_REGS
	POP_CFI		%r15
	POP_CFI		%r14
	POP_CFI		%r13
	POP_CFI		%r12
	POP_CFI		%r11
	POP_CFI		%r10
	POP_CFI		%r9
	POP_CFI		%r8
	POP_CFI		%rbp
	POP_CFI		%rdi
	POP_CFI		%rsi
	POP_CFI		%rdx
	POP_CFI		%rcx
	POP_CFI		%rbx
	POP_CFI		%rax
.endm

/*
 * Once POP_REGS has run, rsp points at the frame's vector: the offset from there of a
 * field above the registers (TF_RIP, TF_RSP, ...; generated/asm-offsets.h).
 */
#define TF_AFTER_REGS(field) ((field) - TF_VECTOR)

#endif
#endif
