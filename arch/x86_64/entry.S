/*
 * arch/x86_64/entry.S - interrupt and exception entry: one stub per vector, one common
 * path that builds a struct trap_frame (arch/x86_64/trap.h) and calls trap_dispatch().
 *
 * The CPU pushes ss, rsp, rflags, cs, rip and, for some exceptions, an error code. Each
 * stub makes the stack uniform (a 0 where the CPU pushed no error code) and pushes its
 * vector number; trap_common saves every general register, so the C handler sees (and
 * may change) the complete interrupted state. Coming from ring 3, swapgs switches GS to
 * the kernel's per-CPU area on the way in and back on the way out.
 *
 * The vectors with IST stacks of their own (NMI, #DF, #MC: see idt.c) take a "paranoid"
 * path instead. They can arrive anywhere, even in ring 0 between a swapgs and the next
 * instruction (the first instruction of the SYSCALL entry, or load_gs_index in
 * segment.c), where the saved CS says "kernel" but the live GS base is the user's. So
 * that path asks the CPU which base is live: MSR_GS_BASE holds a kernel-half address
 * (negative as a signed number) exactly when the kernel's per-CPU base is loaded. That
 * holds because user space cannot load a kernel-half GS base: CR4.FSGSBASE is off and
 * arch_prctl(ARCH_SET_GS) refuses any base outside user space (arch_prctl.c). (Linux's
 * paranoid_entry, without FSGSBASE.)
 *
 * Every piece carries CFI (kept in .debug_frame: the kernel has no .eh_frame users), so
 * GDB's `bt` in a handler shows the handler, the trap frame (GDB prints a signal frame as
 * "<signal handler called>") and then the interrupted code, its registers as the trap
 * frame saved them. A trap from ring 3 ends the backtrace at trap_from_user, as a system
 * call ends it at entry_SYSCALL_64: user frames are not the kernel's to describe. CFI
 * cannot depend on a run-time test, so the paranoid path sends a trap from ring 3 to
 * trap_from_user too (ring 3 always runs on the user's GS base: nothing to ask the CPU),
 * and its own CFI describes only traps from ring 0.
 */
#include "arch/x86_64/calling.h"
#include "arch/x86_64/x86.h"
#include "generated/asm-offsets.h"

	.cfi_sections .debug_frame

/* Vectors for which the CPU pushes an error code (Intel SDM vol. 3, table 6-1). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			   (v) == 21 || (v) == 29 || (v) == 30)
/* The vectors that run on an IST stack (idt.c): NMI (2), #DF (8) and #MC (18). */
#define USES_IST(v) ((v) == 2 || (v) == 8 || (v) == 18)
/* How far above rsp the CPU's rip lies, rsp at the vector or the error code (written
 * without spaces: each is one argument of an assembler macro). */
#define RIP_ABOVE_VECTOR (TF_RIP-TF_VECTOR)
#define RIP_ABOVE_ERROR_CODE (TF_RIP-TF_ERROR_CODE)

/* The way out of every trap: the registers back, vector and error code dropped, iretq. */
.macro POP_REGS_AND_IRET
	POP_REGS
	addq	$TF_AFTER_REGS(TF_RIP), %rsp	/* drop vector and error code */
	.cfi_adjust_cfa_offset -TF_AFTER_REGS(TF_RIP)
	iretq
.endm

/* DF and AC as the kernel needs them, whatever the interrupted code had. */
.macro CLEAR_ENTRY_FLAGS
	cld				/* the C ABI expects DF clear */
	cmpb	$0, smap_enabled(%rip)	/* EFLAGS.AC may be set (by user code, or a */
	je	.Lac_clear_\@		/* user-access window): SMAP must not be off */
	clac				/* in a handler. (clac is #UD without SMAP.) */
.Lac_clear_\@:
.endm

/*
 * TRAP_FRAME_CFI rip_at: opens the CFI of code entered by an interrupt or exception, rsp
 * pointing rip_at bytes below the rip the CPU pushed. The caller's frame is the
 * interrupted one: its rip and rsp are where the CPU pushed them, and the frame above
 * ours (the CFA) starts just past ss, the top of the struct trap_frame. A "signal frame":
 * GDB must take the interrupted rip as it is, not as a return address after a call.
 */
.macro TRAP_FRAME_CFI rip_at
	.cfi_startproc simple
	.cfi_signal_frame
	.cfi_def_cfa %rsp, \rip_at + TF_SIZE - TF_RIP
	.cfi_rel_offset %rip, \rip_at
	.cfi_rel_offset %rsp, \rip_at + TF_RSP - TF_RIP
.endm

	.text

/* void trap_common(void): the shared tail of every stub; never called from C. */
trap_common:
	TRAP_FRAME_CFI RIP_ABOVE_VECTOR	/* rsp points at the vector */
	PUSH_REGS
	testb	$3, TF_CS(%rsp)		/* from user mode? */
	jnz	trap_from_user
	CLEAR_ENTRY_FLAGS
	movq	%rsp, %rdi		/* trap_dispatch(struct trap_frame *tf) */
	call	trap_dispatch
	jmp	trap_return
	.cfi_endproc

/*
 * The same from user mode, with a call of its own so that its CFI can end GDB's `bt`
 * here: the user's frames are not the kernel's to describe (as at entry_SYSCALL_64).
 */
trap_from_user:
	.cfi_startproc simple
	.cfi_def_cfa %rsp, TF_SIZE
	.cfi_undefined %rip
	swapgs				/* take the kernel's GS */
	CLEAR_ENTRY_FLAGS
	movq	%rsp, %rdi		/* trap_dispatch(struct trap_frame *tf) */
	call	trap_dispatch
	.globl trap_return
trap_return:				/* also where a new task's first return lands */
	testb	$3, TF_CS(%rsp)
	jz	2f
	swapgs
2:	POP_REGS_AND_IRET
	.cfi_endproc

/* void paranoid_common(void): the tail of the IST vectors' stubs (see the top). */
paranoid_common:
	TRAP_FRAME_CFI RIP_ABOVE_VECTOR
	PUSH_REGS
	testb	$3, TF_CS(%rsp)		/* from user mode: the user's GS for certain, and */
	jnz	trap_from_user		/* there GDB's bt ends (see the top) */
	xorl	%ebx, %ebx		/* ebx: did we swapgs? (callee-saved across the call) */
	movl	$MSR_GS_BASE, %ecx
	rdmsr				/* edx = the high half of the live GS base */
	testl	%edx, %edx
	js	1f			/* negative: already the kernel's per-CPU base */
	swapgs
	movl	$1, %ebx		/* swap the user's base back on the way out */
1:	CLEAR_ENTRY_FLAGS
	movq	%rsp, %rdi		/* trap_dispatch(struct trap_frame *tf) */
	call	trap_dispatch
	testl	%ebx, %ebx
	jz	2f
	swapgs
2:	POP_REGS_AND_IRET
	.cfi_endproc

/* One stub per vector, each 16-byte aligned; trap_stubs[] holds their addresses. */
	.altmacro
.macro TRAP_STUB vec
	.balign 16
trap_stub_\vec:
	.if HAS_ERROR_CODE(\vec)
	TRAP_FRAME_CFI RIP_ABOVE_ERROR_CODE	/* rsp points at the error code */
	.else
	TRAP_FRAME_CFI 0			/* rsp points at rip */
	pushq	$0
	.cfi_adjust_cfa_offset 8
	.endif
	pushq	$\vec
	.cfi_adjust_cfa_offset 8
	.if USES_IST(\vec)
	jmp	paranoid_common
	.else
	jmp	trap_common
	.endif
	.cfi_endproc
.endm

.set vec, 0
.rept 256
	TRAP_STUB %vec
	.set vec, vec + 1
.endr

.macro STUB_ADDR vec
	.quad	trap_stub_\vec
.endm

	.section .rodata
	.balign 8
	.globl trap_stubs
trap_stubs:
.set vec, 0
.rept 256
	STUB_ADDR %vec
	.set vec, vec + 1
.endr
