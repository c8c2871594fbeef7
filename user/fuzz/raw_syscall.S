/*
 * user/fuzz/raw_syscall.S - the fuzzer's syscall instruction, with every register known.
 *
 * The register oracle (docs/fuzzing.md): Linux's x86-64 ABI promises that a syscall
 * changes only rax (the result), rcx and r11 (which the `syscall` instruction itself
 * overwrites with the return rip and rflags). C cannot load all the other registers,
 * rbp and the callee-saved ones included, so this routine does: it loads them from a
 * struct fuzz_regs (user/fuzz/fuzz.h), makes the call, and stores what came back.
 */
#include "user/fuzz/fuzz.h"
#include "kernel/uapi/unistd.h"

	.text
	.globl	fuzz_syscall_checked
	.type	fuzz_syscall_checked, @function
/* long fuzz_syscall_checked(struct fuzz_regs *in, struct fuzz_regs *out) */
fuzz_syscall_checked:
	pushq	%rbp				/* the callee-saved registers we load */
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rsi				/* out: found again at (%rsp) after the call */
	movq	%rdi, %r11			/* r11: the syscall overwrites it anyway */
	movq	%rsp, FUZZ_REG_RSP(%r11)	/* the stack pointer the kernel must give back */
	movq	FUZZ_REG_RBX(%r11), %rbx
	movq	FUZZ_REG_RBP(%r11), %rbp
	movq	FUZZ_REG_R12(%r11), %r12
	movq	FUZZ_REG_R13(%r11), %r13
	movq	FUZZ_REG_R14(%r11), %r14
	movq	FUZZ_REG_R15(%r11), %r15
	movq	FUZZ_REG_RDX(%r11), %rdx
	movq	FUZZ_REG_RSI(%r11), %rsi
	movq	FUZZ_REG_R8(%r11), %r8
	movq	FUZZ_REG_R9(%r11), %r9
	movq	FUZZ_REG_R10(%r11), %r10
	movq	FUZZ_REG_RDI(%r11), %rdi
	movq	FUZZ_REG_RAX(%r11), %rax	/* the number */
	syscall
	movq	(%rsp), %rcx			/* out (rcx is free: the syscall overwrote it) */
	movq	%rax, FUZZ_REG_RAX(%rcx)
	movq	%rbx, FUZZ_REG_RBX(%rcx)
	movq	%rdx, FUZZ_REG_RDX(%rcx)
	movq	%rsi, FUZZ_REG_RSI(%rcx)
	movq	%rdi, FUZZ_REG_RDI(%rcx)
	movq	%rbp, FUZZ_REG_RBP(%rcx)
	movq	%rsp, FUZZ_REG_RSP(%rcx)
	movq	%r8, FUZZ_REG_R8(%rcx)
	movq	%r9, FUZZ_REG_R9(%rcx)
	movq	%r10, FUZZ_REG_R10(%rcx)
	movq	%r12, FUZZ_REG_R12(%rcx)
	movq	%r13, FUZZ_REG_R13(%rcx)
	movq	%r14, FUZZ_REG_R14(%rcx)
	movq	%r15, FUZZ_REG_R15(%rcx)
	popq	%rsi
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
	.size	fuzz_syscall_checked, . - fuzz_syscall_checked

	.globl	fuzz_syscall_spawn
	.type	fuzz_syscall_spawn, @function
/* long fuzz_syscall_spawn(const struct fuzz_regs *in) */
fuzz_syscall_spawn:
	movq	%rdi, %r11
	movq	FUZZ_REG_RSI(%r11), %rsi	/* only the argument registers: rdi rsi rdx r10 r8 r9 */
	movq	FUZZ_REG_RDX(%r11), %rdx
	movq	FUZZ_REG_R10(%r11), %r10
	movq	FUZZ_REG_R8(%r11), %r8
	movq	FUZZ_REG_R9(%r11), %r9
	movq	FUZZ_REG_RDI(%r11), %rdi
	movq	FUZZ_REG_RAX(%r11), %rax
	syscall
	testq	%rax, %rax
	jnz	1f				/* the parent (a pid) or an error */
	/* The new task: its stack may be anyone's or garbage, so no memory, just exit(0). */
	movl	$__NR_exit, %eax
	xorl	%edi, %edi
	syscall
	ud2
1:
	ret
	.size	fuzz_syscall_spawn, . - fuzz_syscall_spawn

	.section .note.GNU-stack, "", @progbits
