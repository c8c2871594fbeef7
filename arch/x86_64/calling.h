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

.macro PUSH_REGS
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
.endm

.macro POP_REGS
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
.endm

/*
 * Once POP_REGS has run, rsp points at the frame's vector: the offset from there of a
 * field above the registers (TF_RIP, TF_RSP, ...; generated/asm-offsets.h).
 */
#define TF_AFTER_REGS(field) ((field) - TF_VECTOR)

#endif
#endif
