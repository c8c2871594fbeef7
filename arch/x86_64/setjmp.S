/*
 * arch/x86_64/setjmp.S - a minimal setjmp/longjmp for the self-test harness.
 *
 * A failed assertion must end the running test at once, from any depth of calls, and
 * get back to the harness (tests/ktest.c) the way KUnit does. Only the callee-saved
 * registers, the stack pointer and the return address need saving: everything else is
 * dead across a call by the SysV ABI.
 *
 * Buffer layout (u64[8]): rbx, rbp, r12, r13, r14, r15, rsp, rip.
 */
	.text

/* int ktest_setjmp(u64 *buf): returns 0 now, and again (with val) after ktest_longjmp. */
	.globl ktest_setjmp
ktest_setjmp:
	movq	%rbx, 0(%rdi)
	movq	%rbp, 8(%rdi)
	movq	%r12, 16(%rdi)
	movq	%r13, 24(%rdi)
	movq	%r14, 32(%rdi)
	movq	%r15, 40(%rdi)
	leaq	8(%rsp), %rax		/* the caller's rsp once we have returned */
	movq	%rax, 48(%rdi)
	movq	(%rsp), %rax		/* our return address */
	movq	%rax, 56(%rdi)
	xorl	%eax, %eax
	ret

/* void ktest_longjmp(u64 *buf, int val): resume at ktest_setjmp's return with val. */
	.globl ktest_longjmp
ktest_longjmp:
	movq	0(%rdi), %rbx
	movq	8(%rdi), %rbp
	movq	16(%rdi), %r12
	movq	24(%rdi), %r13
	movq	32(%rdi), %r14
	movq	40(%rdi), %r15
	movq	48(%rdi), %rsp
	movl	%esi, %eax
	jmpq	*56(%rdi)
