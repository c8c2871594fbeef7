/*
 * arch/x86_64/call_on_stack.S - run a function on another stack and come back.
 *
 * The kernel-stack tests use it to run code on a freshly allocated kernel stack (and to
 * overflow one on purpose). The frame-pointer chain is kept intact: the callee's first
 * frame links back to ours on the old stack, so a backtrace taken on the new stack walks
 * on into the caller. Prototype in arch/x86_64/call_on_stack.h.
 */
	.text

/* void call_on_stack(void (*fn)(void *), void *arg, unsigned long stack_top) */
	.globl call_on_stack
	.type call_on_stack, @function
call_on_stack:
	pushq	%rbp			/* a normal frame on the old stack */
	movq	%rsp, %rbp		/* rbp is callee-saved: it leads us back afterwards */
	movq	%rdx, %rsp		/* switch: stack_top is 16-byte aligned, as the ABI wants */
	movq	%rdi, %rax
	movq	%rsi, %rdi		/* fn(arg) */
	call	*%rax
	movq	%rbp, %rsp		/* back on the old stack */
	popq	%rbp
	ret
	.size call_on_stack, . - call_on_stack
