/*
 * arch/x86_64/entry.S - interrupt and exception entry: one stub per vector, one common
 * path that builds a struct trap_frame (arch/x86_64/trap.h) and calls trap_dispatch().
 *
 * The CPU pushes ss, rsp, rflags, cs, rip and, for some exceptions, an error code. Each
 * stub makes the stack uniform (a 0 where the CPU pushed no error code) and pushes its
 * vector number; trap_common saves every general register, so the C handler sees (and
 * may change) the complete interrupted state. Coming from ring 3, swapgs switches GS to
 * the kernel's per-CPU area on the way in and back on the way out.
 */
#include "arch/x86_64/calling.h"
#include "arch/x86_64/x86.h"
#include "generated/asm-offsets.h"

/* Vectors for which the CPU pushes an error code (Intel SDM vol. 3, table 6-1). */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
			   (v) == 21 || (v) == 29 || (v) == 30)

	.text

/* void trap_common(void): the shared tail of every stub; never called from C. */
trap_common:
	PUSH_REGS
	testb	$3, TF_CS(%rsp)		/* from user mode? then take the kernel's GS */
	jz	1f
	swapgs
1:	cld				/* the C ABI expects DF clear */
	cmpb	$0, smap_enabled(%rip)	/* EFLAGS.AC may be set (by user code, or a */
	je	3f			/* user-access window): SMAP must not be off */
	clac				/* in a handler. (clac is #UD without SMAP.) */
3:	movq	%rsp, %rdi		/* trap_dispatch(struct trap_frame *tf) */
	call	trap_dispatch
	.globl trap_return
trap_return:				/* also where a new task's first return lands */
	testb	$3, TF_CS(%rsp)
	jz	2f
	swapgs
2:	POP_REGS
	addq	$16, %rsp		/* drop vector and error code */
	iretq

/* One stub per vector, each 16-byte aligned; trap_stubs[] holds their addresses. */
	.altmacro
.macro TRAP_STUB vec
	.balign 16
trap_stub_\vec:
	.if HAS_ERROR_CODE(\vec) == 0
	pushq	$0
	.endif
	pushq	$\vec
	jmp	trap_common
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
