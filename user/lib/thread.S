/*
 * user/lib/thread.S - clone_fn(): start a function in a new task on its own stack, the
 * engine of thread_create() and thread_spawn() (user/lib/syscall.c).
 *
 * clone(CLONE_VM) returns twice, like fork, but the child comes back on the stack it was
 * given, with none of the caller's frame under it. So the child must not return into C:
 * before the syscall we leave fn and arg at the top of the new stack, and the child
 * picks them up there, calls fn(arg) and exits with its value, never touching the
 * parent's stack. The thread ends with exit (60), which ends that thread alone.
 */
#include "user/lib/syscall.h"

	.text
	.globl	clone_fn
	.type	clone_fn, @function
/* pid_t clone_fn(int (*fn)(void *), void *arg, void *stack, size_t stack_size,
 *		  unsigned long flags) */
clone_fn:
	leaq	(%rdx,%rcx), %rax		/* top of the new stack */
	andq	$-16, %rax			/* ABI alignment */
	subq	$16, %rax
	movq	%rdi, 0(%rax)			/* [top - 16] = fn */
	movq	%rsi, 8(%rax)			/* [top - 8] = arg */
	movq	%rax, %rsi			/* clone's 2nd argument: the child's rsp */
	movq	%r8, %rdi			/* clone's flags */
	xorl	%edx, %edx			/* parent_tid: not wanted */
	xorl	%r10d, %r10d			/* child_tid: not wanted */
	xorl	%r8d, %r8d			/* tls: unchanged */
	movl	$__NR_clone, %eax
	syscall
	testq	%rax, %rax
	jnz	1f				/* parent (the thread's pid) or error (-errno) */

	/* The child, on the new stack: rsp = top - 16. */
	xorl	%ebp, %ebp			/* outermost frame of the thread */
	popq	%rax				/* fn */
	popq	%rdi				/* arg; rsp = top, 16-byte aligned for the call */
	call	*%rax
	movl	%eax, %edi			/* fn's value is the thread's exit status */
	movl	$__NR_exit, %eax
	syscall					/* exit: the thread ends here */
	ud2
1:
	ret
	.size	clone_fn, . - clone_fn

	.section .note.GNU-stack, "", @progbits
