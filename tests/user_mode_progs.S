/*
 * tests/user_mode_progs.S - small ring-3 programs for the entry, segment and trap tests.
 *
 * Each program is position-dependent machine code that tests/user_mode_util.c copies to
 * HANDMADE_CODE_VA and runs as a process; it reports through its exit status (or dies of a
 * signal, which is then the result). They live in .rodata: the kernel never runs them,
 * it only copies their bytes. An absolute address inside a program is UVA(prog, label),
 * where that label will be once the program sits at HANDMADE_CODE_VA.
 *
 * The C side declares a program with USER_PROG(name) and runs it with
 * run_user_prog(name) (tests/user_mode_util.h).
 */
#include "arch/x86_64/x86.h"
#include "kernel/uapi/errno.h"
#include "kernel/uapi/unistd.h"
#include "tests/user_mode_util.h"

#define PROG_BEGIN(name) .globl name##_start, name##_end; name##_start:
#define PROG_END(name) name##_end:
#define UVA(name, label) (HANDMADE_CODE_VA + ((label) - name##_start))

/* exit(reg): the low byte of reg becomes the exit status. */
.macro EXIT_WITH reg
	movl	\reg, %edi
	movl	$__NR_exit, %eax
	syscall
.endm

/* Far jump from 64-bit mode into 32-bit compatibility mode at label (in this program),
 * through a far pointer built on the stack (ljmp has no 64-bit immediate form). */
.macro JUMP_TO_COMPAT label
	subq	$8, %rsp
	leaq	\label(%rip), %rax
	movl	%eax, (%rsp)			/* offset */
	movw	$USER32_CS, 4(%rsp)		/* selector: ring-3 32-bit code */
	ljmpl	*(%rsp)
.endm

	.section .rodata

/*
 * The reproducer of a critical hole: SYSCALL from compatibility mode. It must come back
 * with -ENOSYS in eax (MSR_CSTAR's entry, arch/x86_64/syscall.S); exit(-eax) = ENOSYS.
 */
PROG_BEGIN(compat_syscall)
	JUMP_TO_COMPAT 1f
	.code32
1:	syscall					/* eax = -ENOSYS, nothing else happened */
	ljmp	$USER_CS, $UVA(compat_syscall, 2f)	/* back to 64-bit mode */
	.code64
2:	negl	%eax
	EXIT_WITH %eax
PROG_END(compat_syscall)

/*
 * The same with the stack pointer aimed at kernel memory first: the entry must not
 * touch the stack. The address is patched into compat_kernel_rsp_slot by the test.
 */
PROG_BEGIN(compat_syscall_kernel_rsp)
	subq	$8, %rsp			/* the far pointer, as JUMP_TO_COMPAT builds it */
	leaq	1f(%rip), %rax
	movl	%eax, (%rsp)
	movw	$USER32_CS, 4(%rsp)
	movq	%rsp, %rbx
	movq	compat_kernel_rsp_slot(%rip), %rsp	/* rsp = a kernel address */
	ljmpl	*(%rbx)
	.code32
1:	syscall
	ljmp	$USER_CS, $UVA(compat_syscall_kernel_rsp, 2f)
	.code64
2:	movl	$HANDMADE_STACK_TOP, %esp		/* a stack of our own again */
	negl	%eax
	EXIT_WITH %eax
	.balign 8
	.globl compat_kernel_rsp_slot
compat_kernel_rsp_slot:
	.quad	0
PROG_END(compat_syscall_kernel_rsp)

/* SYSENTER from 64-bit mode: MSR_IA32_SYSENTER_CS is 0, so it must fault. */
PROG_BEGIN(sysenter_64)
	sysenter
	EXIT_WITH $0
PROG_END(sysenter_64)

/* SYSENTER from compatibility mode. */
PROG_BEGIN(sysenter_compat)
	JUMP_TO_COMPAT 1f
	.code32
1:	sysenter
	ljmp	$USER_CS, $UVA(sysenter_compat, 2f)
	.code64
2:	EXIT_WITH $0
PROG_END(sysenter_compat)
