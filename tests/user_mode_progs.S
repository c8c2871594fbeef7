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
#include "arch/x86_64/fpu.h"
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

/* A failed check: exit with the code in edi (set before each check). Label 9 below. */
#define SEG_CHECKS_ITERATIONS 20

/* Expect selector register seg to hold value; on mismatch exit(code). */
.macro EXPECT_SEG seg, value, code
	movl	$\code, %edi
	movl	%\seg, %eax			/* the selector, zero-extended */
	cmpl	$\value, %eax
	jne	9f
.endm

.macro YIELD
	movl	$__NR_sched_yield, %eax
	syscall
.endm

/*
 * Process A of the selector tests: loads USER_DS into es, fs and gs, then yields again
 * and again, checking after each switch that its values are still there (ds stays
 * null). Exit 0, or 1-4: which of ds, es, fs, gs was wrong.
 */
PROG_BEGIN(segments_setter)
	movl	$USER_DS, %eax
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movl	$SEG_CHECKS_ITERATIONS, %ebx
1:	YIELD
	EXPECT_SEG ds, 0, 1
	EXPECT_SEG es, USER_DS, 2
	EXPECT_SEG fs, USER_DS, 3
	EXPECT_SEG gs, USER_DS, 4
	decl	%ebx
	jnz	1b
	xorl	%edi, %edi
9:	movl	$__NR_exit, %eax
	syscall
PROG_END(segments_setter)

/*
 * Process B, started after A: a fresh program must find every selector null, at its
 * first instruction and after every switch back from A. Exit 0, or 1-4 as above.
 */
PROG_BEGIN(segments_checker)
	movl	$SEG_CHECKS_ITERATIONS, %ebx
1:	EXPECT_SEG ds, 0, 1
	EXPECT_SEG es, 0, 2
	EXPECT_SEG fs, 0, 3
	EXPECT_SEG gs, 0, 4
	YIELD
	decl	%ebx
	jnz	1b
	xorl	%edi, %edi
9:	movl	$__NR_exit, %eax
	syscall
PROG_END(segments_checker)

#define ODD_FLAGS (X86_EFLAGS_AC | X86_EFLAGS_DF | X86_EFLAGS_NT)
#define ODD_FLAGS_SPIN 3000000		/* long enough for a timer tick or two */

/*
 * Odd state from ring 3 into the kernel: ds = USER_DS, es = null, fs = USER_DS,
 * gs = null, and RFLAGS with AC, DF and NT set, through syscalls, a yield and timer
 * interrupts. The process must get its own values back every time: exit 0, 1-4 for a
 * selector, 5 if the flags changed.
 */
PROG_BEGIN(odd_flags_and_selectors)
	movl	$USER_DS, %eax
	movl	%eax, %ds
	movl	%eax, %fs
	xorl	%eax, %eax
	movl	%eax, %es
	movl	%eax, %gs
	pushfq
	orq	$ODD_FLAGS, (%rsp)
	popfq
	movl	$__NR_getpid, %eax
	syscall
	YIELD
	movl	$ODD_FLAGS_SPIN, %ecx		/* interrupts arrive with these flags set */
2:	decl	%ecx
	jnz	2b
	EXPECT_SEG ds, USER_DS, 1
	EXPECT_SEG es, 0, 2
	EXPECT_SEG fs, USER_DS, 3
	EXPECT_SEG gs, 0, 4
	movl	$5, %edi
	pushfq
	popq	%rax
	andl	$ODD_FLAGS, %eax
	cmpl	$ODD_FLAGS, %eax
	jne	9f
	xorl	%edi, %edi
9:	movl	$__NR_exit, %eax
	syscall
PROG_END(odd_flags_and_selectors)

/*
 * fork copies the selectors: the parent loads USER_DS into es and forks; the child must
 * see it (exit 0, or 2). The parent exits with the child's exit status (wait4 into its
 * stack), or 1 if its own es changed.
 */
PROG_BEGIN(segments_fork)
	movl	$USER_DS, %eax
	movl	%eax, %es
	movl	$__NR_fork, %eax
	syscall
	testl	%eax, %eax
	jnz	1f
	EXPECT_SEG es, USER_DS, 2		/* the child */
	xorl	%edi, %edi
	jmp	9f
1:	movl	%eax, %edi			/* the parent: wait4(pid, &status, 0, NULL) */
	subq	$16, %rsp
	movl	$0xffff, (%rsp)			/* not a status wait4 can write */
	movq	%rsp, %rsi
	xorl	%edx, %edx
	xorl	%r10d, %r10d
	movl	$__NR_wait4, %eax
	syscall
	EXPECT_SEG es, USER_DS, 1
	movl	(%rsp), %edi
	shrl	$8, %edi			/* WEXITSTATUS */
9:	movl	$__NR_exit, %eax
	syscall
PROG_END(segments_fork)

/* Single-stepping: TF set with popf traps (#DB) after the next instruction. */
PROG_BEGIN(single_step)
	pushfq
	orq	$X86_EFLAGS_TF, (%rsp)
	popfq
	nop					/* #DB after this one */
	EXIT_WITH $0
PROG_END(single_step)

/*
 * TF set right before a syscall: SYSCALL_MASK clears TF, so the kernel runs without
 * traps; the way back must be IRET (SYSRET is refused with TF set), which restores TF,
 * and the trap comes after the next user instruction.
 */
PROG_BEGIN(single_step_over_syscall)
	movl	$__NR_getpid, %eax
	pushfq
	orq	$X86_EFLAGS_TF, (%rsp)
	popfq
	syscall					/* the first instruction with TF set */
	nop					/* #DB after this one */
	EXIT_WITH $0
PROG_END(single_step_over_syscall)

/*
 * An unmasked SSE divide by zero: #XM. Should the CPU only set the flag (MXCSR.ZE)
 * instead, the program exits 1 (QEMU TCG emulates no SSE exceptions); 0: no flag at all.
 */
#define MXCSR_ZE (1 << 2)			/* divide-by-zero flag */
PROG_BEGIN(simd_divide_by_zero)
	subq	$8, %rsp
	movl	$(MXCSR_DEFAULT & ~MXCSR_ZM), (%rsp)
	ldmxcsr	(%rsp)
	movl	$0x3f800000, %eax		/* 1.0f */
	movd	%eax, %xmm0
	xorps	%xmm1, %xmm1			/* 0.0f */
	divss	%xmm1, %xmm0			/* 1.0 / 0.0 with ZM clear */
	stmxcsr	(%rsp)				/* not reached on a CPU that raises #XM */
	movl	(%rsp), %edi
	andl	$MXCSR_ZE, %edi
	shrl	$2, %edi
	EXIT_WITH %edi
PROG_END(simd_divide_by_zero)

/* An unmasked x87 divide by zero: #MF at the next waiting instruction (CR0.NE set). */
PROG_BEGIN(x87_divide_by_zero)
	subq	$8, %rsp
	movw	$(X87_FCW_DEFAULT & ~X87_FCW_ZM), (%rsp)
	fldcw	(%rsp)
	movl	$0, (%rsp)			/* 0.0f */
	fld1
	fdivs	(%rsp)				/* st0 = 1.0 / 0.0: ZE pending */
	fwait					/* #MF */
	EXIT_WITH $0
PROG_END(x87_divide_by_zero)

/*
 * Three calls sublet lacks: number 400 twice (no call on Linux x86-64 either) and one far
 * beyond the table. Each must come back with -ENOSYS; exit 0, or the call (1-3) that did
 * not. tests/syscall_test.c reads the kernel's counters around it.
 */
#define ENOSYS_TEST_NR 400
#define ENOSYS_TEST_HUGE_NR 0x10000000000

.macro EXPECT_ENOSYS nr, code
	movq	$\nr, %rax
	syscall
	movl	$\code, %edi
	cmpq	$-ENOSYS, %rax
	jne	1f
.endm

PROG_BEGIN(enosys_calls)
	EXPECT_ENOSYS ENOSYS_TEST_NR, 1
	EXPECT_ENOSYS ENOSYS_TEST_NR, 2
	EXPECT_ENOSYS ENOSYS_TEST_HUGE_NR, 3
	xorl	%edi, %edi
1:	movl	$__NR_exit, %eax
	syscall
PROG_END(enosys_calls)
