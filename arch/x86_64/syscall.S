/*
 * arch/x86_64/syscall.S - the SYSCALL entry point and the way back to user space.
 *
 * SYSCALL (Intel SDM vol. 2, "SYSCALL") jumps here in ring 0 with: RCX = the user RIP to
 * return to, R11 = the user RFLAGS, RAX = the syscall number, RDI RSI RDX R10 R8 R9 = the
 * arguments, and IF/TF/DF/AC cleared by MSR_SYSCALL_MASK. It switches neither the stack
 * nor GS: we are still on the user's stack, so the first instructions swap in the
 * kernel's GS (the per-CPU area), park the user RSP there, and load this task's kernel
 * stack. Then we build exactly the struct trap_frame an interrupt from ring 3 would
 * (arch/x86_64/trap.h), so fork, exec and signals-to-come see one layout.
 *
 * Back to user space: SYSRET is fast but loads RIP from RCX without checking it. If RCX
 * is non-canonical, SYSRET faults in ring 0 on Intel CPUs, with the user's RSP already
 * loaded: a classic hole. syscall_can_sysret() (C) only allows SYSRET when the frame is
 * exactly what SYSRET restores and RIP is a user address; otherwise we return through
 * IRETQ (trap_return in entry.S), which checks everything.
 *
 * CFI (in .debug_frame) marks each entry from user mode as the first frame of the
 * kernel's side (its return address undefined), so GDB's `bt` ends there cleanly.
 */
#include "arch/x86_64/calling.h"
#include "arch/x86_64/x86.h"
#include "kernel/uapi/errno.h"
#include "generated/asm-offsets.h"

	.cfi_sections .debug_frame

#define SYSCALL_VECTOR_MARK 0x80 /* struct trap_frame.vector of a syscall frame */

	.text
	.globl entry_SYSCALL_64
entry_SYSCALL_64:
	.cfi_startproc simple
	.cfi_undefined %rip			/* the user's rip is in rcx */
	.cfi_def_cfa %rsp, 0
	swapgs					/* GS = this CPU's cpu_state */
	movq	%rsp, %gs:CPU_SYSCALL_SCRATCH_RSP	/* park the user stack pointer */
	movq	%gs:CPU_KERNEL_STACK_TOP, %rsp	/* this task's kernel stack */

	pushq	$USER_DS			/* ss     \                          */
	pushq	%gs:CPU_SYSCALL_SCRATCH_RSP	/* rsp     |  what an interrupt from */
	pushq	%r11				/* rflags  |  ring 3 would have      */
	pushq	$USER_CS			/* cs      |  pushed                 */
	pushq	%rcx				/* rip    /                          */
	pushq	$0				/* error_code */
	pushq	$SYSCALL_VECTOR_MARK		/* vector */
	.cfi_adjust_cfa_offset TF_SIZE - TF_VECTOR
	PUSH_REGS				/* the general registers, in trap_frame order */
	xorl	%ebp, %ebp			/* the backtrace chain ends here */

	movq	%rsp, %rdi			/* syscall_dispatch(struct trap_frame *tf) */
	call	syscall_dispatch		/* interrupts off; al = may we SYSRET? */
	testb	%al, %al
	jz	trap_return			/* the careful way: IRETQ */

	POP_REGS				/* the fast way: SYSRET (rax = the result) */
	movq	TF_AFTER_REGS(TF_RIP)(%rsp), %rcx	/* RIP, for SYSRET */
	movq	TF_AFTER_REGS(TF_RFLAGS)(%rsp), %r11	/* RFLAGS, for SYSRET */
	movq	TF_AFTER_REGS(TF_RSP)(%rsp), %rsp	/* the user stack */
	swapgs					/* GS = the user's again */
	sysretq
	.cfi_endproc

/*
 * entry_SYSCALL_compat_ignore - where SYSCALL from 32-bit compatibility mode lands
 * (MSR_CSTAR). sublet runs no 32-bit programs: the ring-3 32-bit code segment exists
 * only because STAR's layout puts it below the 64-bit one. But any process can far-jump
 * into it, so this door must lead somewhere: it answers -ENOSYS, as Linux does without
 * IA32_EMULATION.
 *
 * It touches neither the stack nor GS, because both are still the user's: RSP is
 * whatever ring 3 left in it (a kernel address, even), and no swapgs has happened. That
 * is safe only because nothing can interrupt these two instructions: SYSCALL_MASK
 * cleared IF (no interrupt), TF (no single-step trap); NMI and #MC would run on their
 * own IST stacks. SYSRETL goes back to compatibility mode (CS = USER32_CS) at ECX
 * with RFLAGS from R11, exactly as SYSCALL left them.
 */
	.globl entry_SYSCALL_compat_ignore
entry_SYSCALL_compat_ignore:
	.cfi_startproc
	.cfi_undefined %rip
	movl	$-ENOSYS, %eax			/* the result: no such system call */
	sysretl					/* to ECX, in 32-bit mode, RFLAGS = R11 */
	.cfi_endproc

/*
 * void return_to_user(struct trap_frame *tf) - leave the kernel through tf, which must
 * lie at the top of the current kernel stack (exec, a new process's first return).
 */
	.globl return_to_user
return_to_user:
	.cfi_startproc
	.cfi_undefined %rip			/* the stack it came from is abandoned */
	movq	%rdi, %rsp
	jmp	trap_return
	.cfi_endproc
