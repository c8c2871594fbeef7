/*
 * arch/x86_64/switch_to.S - switch_to: the moment one task's kernel stack becomes another's.
 *
 * struct task_struct *switch_to(struct task_struct *prev, struct task_struct *next);
 *
 * Called only from context_switch() (sched/core.c), interrupts off, runqueue locked.
 * By the C calling convention every register except the callee-saved ones (rbx, rbp,
 * r12-r15) is already dead here, so those six and the stack pointer are the whole of a
 * kernel task's state. We push them on prev's stack, park prev's rsp in
 * prev->thread.sp, load next's rsp and pop next's registers: the `ret` then returns
 * into whatever call to switch_to next made when it was switched out. What the pushes
 * leave on the stack is a struct inactive_task_frame (arch/x86_64/entry.h), the same
 * struct task_prepare_first_switch fills for a new task.
 *
 * It returns prev, read from rdi *before* the stack changed: on the new stack, the
 * caller's own `prev` variable names whatever task next switched away from long ago,
 * so finish_task_switch must use this return value (Linux's "last").
 *
 * Both carry CFI (in .debug_frame) so GDB's `bt` is right at every instruction: inside
 * switch_to the frame is the inactive_task_frame being built or taken apart (after the
 * rsp load, next's: `bt` then shows where next will return to), and ret_from_fork is
 * the outermost frame of every task it starts.
 */
#include "arch/x86_64/calling.h"
#include "generated/asm-offsets.h"

	.cfi_sections .debug_frame

/*
 * The pushes below must build struct inactive_task_frame exactly: each one lands a
 * quadword below the one before, starting under the return address the call pushed,
 * and the last (r15) at the frame's start, where thread.sp will point.
 */
#define PUSH_SIZE 8 /* bytes one pushq stores */
#if ITF_RET_ADDR != ITF_RBP + PUSH_SIZE || ITF_RBP != ITF_RBX + PUSH_SIZE || \
	ITF_RBX != ITF_R12 + PUSH_SIZE || ITF_R12 != ITF_R13 + PUSH_SIZE || \
	ITF_R13 != ITF_R14 + PUSH_SIZE || ITF_R14 != ITF_R15 + PUSH_SIZE || ITF_R15 != 0 || \
	ITF_SIZE != ITF_RET_ADDR + PUSH_SIZE
#error "switch_to's pushes no longer match struct inactive_task_frame (entry.h)"
#endif

	.text
	.globl switch_to
switch_to:
	.cfi_startproc
	PUSH_CFI %rbp			/* save prev's callee-saved registers... */
	PUSH_CFI %rbx
	PUSH_CFI %r12
	PUSH_CFI %r13
	PUSH_CFI %r14
	PUSH_CFI %r15
	movq	%rsp, TASK_THREAD_SP(%rdi)	/* ...and its stack pointer */

	movq	TASK_THREAD_SP(%rsi), %rsp	/* from here on we run on next's stack, */
					/* whose frame has the same shape: the CFI holds */
	movq	%rsi, %gs:CPU_CURRENT_TASK	/* current = next */
	movq	TASK_STACK_TOP(%rsi), %rax	/* interrupts from ring 3 land on next's stack */
	movq	%rax, %gs:CPU_KERNEL_STACK_TOP
	movq	%gs:CPU_TSS, %rcx		/* this CPU's TSS (rcx: caller-saved) */
	movq	%rax, TSS_RSP0(%rcx)

	POP_CFI	%r15			/* next's callee-saved registers */
	POP_CFI	%r14
	POP_CFI	%r13
	POP_CFI	%r12
	POP_CFI	%rbx
	POP_CFI	%rbp
	movq	%rdi, %rax		/* return prev */
	ret
	.cfi_endproc

/*
 * ret_from_fork - where a new task's first switch_to returns to (task_prepare_first_switch
 * in sched/task.c makes its inactive_task_frame say so). rax = the task we switched away
 * from; rbx = the function to run and r12 its argument, or rbx = 0 for a forked process:
 * then rsp already points at its trap frame (a copy of its parent's, struct fork_frame's
 * regs) and it leaves for user space at once.
 *
 * Nothing called ret_from_fork, so its return address is undefined: that tells GDB this
 * is the first frame of the task, and `bt` ends here.
 *
 * GDB looks up the code a return address belongs to one byte before it (normally the
 * call's last byte). A new task's frame "returns" to ret_from_fork's first byte, so the
 * byte before must lie in ret_from_fork's CFI, not in switch_to's `ret`, or `bt` in
 * switch_to on a new task's stack unwinds through garbage: that byte is this int3 (never
 * executed), named for what `bt` shows there.
 */
	.type	switch_to, @function
	.size	switch_to, . - switch_to

	.cfi_startproc
	.cfi_undefined %rip
new_task_first_frame:
	int3
	.globl ret_from_fork
ret_from_fork:
	movq	%rax, %rdi
	call	schedule_tail		/* finish the switch: unlock, drop prev_mm, reap */
	testq	%rbx, %rbx
	jz	trap_return		/* a forked process: back to ring 3 with 0 in rax */
	movq	%r12, %rdi
	call	*%rbx			/* task_entry(task): never returns */
	ud2
	.cfi_endproc
