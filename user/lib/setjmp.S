/*
 * user/lib/setjmp.S - setjmp and longjmp (see user/lib/setjmp.h).
 *
 * Only the callee-saved registers, the stack pointer and the return address need saving:
 * everything else is dead across a call by the System V ABI.
 * Buffer layout (unsigned long[8]): rbx, rbp, r12, r13, r14, r15, rsp, rip.
 */
	.text
	.globl	setjmp
	.type	setjmp, @function
/* int setjmp(jmp_buf env) */
setjmp:
	movq	%rbx, 0(%rdi)
	movq	%rbp, 8(%rdi)
	movq	%r12, 16(%rdi)
	movq	%r13, 24(%rdi)
	movq	%r14, 32(%rdi)
	movq	%r15, 40(%rdi)
	leaq	8(%rsp), %rax			/* the caller's rsp once we have returned */
	movq	%rax, 48(%rdi)
	movq	(%rsp), %rax			/* our return address */
	movq	%rax, 56(%rdi)
	xorl	%eax, %eax			/* 0: the direct return */
	ret
	.size	setjmp, . - setjmp

	.globl	longjmp
	.type	longjmp, @function
/* void longjmp(jmp_buf env, int val) */
longjmp:
	movq	0(%rdi), %rbx
	movq	8(%rdi), %rbp
	movq	16(%rdi), %r12
	movq	24(%rdi), %r13
	movq	32(%rdi), %r14
	movq	40(%rdi), %r15
	movq	48(%rdi), %rsp
	movl	%esi, %eax
	testl	%eax, %eax
	jnz	1f
	incl	%eax				/* setjmp never returns 0 a second time */
1:
	jmpq	*56(%rdi)
	.size	longjmp, . - longjmp

	.section .note.GNU-stack, "", @progbits
