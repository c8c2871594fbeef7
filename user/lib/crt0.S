/*
 * user/lib/crt0.S - the entry point of every user program: from the process-start stack
 * to main() and back out through exit().
 *
 * The kernel (exec) or Linux starts a program at _start with the stack the System V
 * x86-64 ABI describes (section 3.4.1, "Initial Stack and Register State"):
 *
 *   rsp ->  argc
 *           argv[0] ... argv[argc - 1], NULL
 *           envp[0] ... NULL
 *           (auxiliary vector, strings: unused here)
 *
 * and rsp 16-byte aligned. We do not rely on that alignment: main() may use SSE
 * instructions that need it, so it is forced. There are no constructors to run and no
 * libc to set up: main(argc, argv) is called and its value handed to exit().
 */
	.text
	.globl	_start
	.type	_start, @function
/* void _start(void) -- never returns */
_start:
	xorl	%ebp, %ebp			/* outermost frame: backtraces stop here */
	movq	(%rsp), %rdi			/* argc */
	leaq	8(%rsp), %rsi			/* argv */
	leaq	8(%rsi,%rdi,8), %rdx		/* envp: just past argv's NULL */
	movq	%rdx, environ(%rip)
	andq	$-16, %rsp			/* the ABI's alignment at a call site */
	call	main
	movl	%eax, %edi			/* main's value is the exit status */
	call	exit				/* does not return */
	ud2
	.size	_start, . - _start

	.bss
	.globl	environ
	.type	environ, @object
	.balign	8
/* char **environ: the environment strings the program was started with. */
environ:
	.zero	8
	.size	environ, 8

	.section .note.GNU-stack, "", @progbits
