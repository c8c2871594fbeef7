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
 */
#include "generated/asm-offsets.h"

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
	pushq	%rbp			/* save prev's callee-saved registers... */
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, TASK_THREAD_SP(%rdi)	/* ...and its stack pointer */

	movq	TASK_THREAD_SP(%rsi), %rsp	/* from here on we run on next's stack */
	movq	%rsi, %gs:CPU_CURRENT_TASK	/* current = next */
	movq	TASK_STACK_TOP(%rsi), %rax	/* interrupts from ring 3 land on next's stack */
	movq	%rax, %gs:CPU_KERNEL_STACK_TOP
	movq	%rax, cpu_tss+TSS_RSP0(%rip)

	popq	%r15			/* next's callee-saved registers */
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	movq	%rdi, %rax		/* return prev */
	ret

/*
 * ret_from_fork - where a new task's first switch_to returns to (task_prepare_first_switch
 * in sched/task.c makes its inactive_task_frame say so). rax = the task we switched away
 * from; rbx = the function to run and r12 its argument, or rbx = 0 for a forked process:
 * then rsp already points at its trap frame (a copy of its parent's, struct fork_frame's
 * regs) and it leaves for user space at once.
 */
	.globl ret_from_fork
ret_from_fork:
	movq	%rax, %rdi
	call	schedule_tail		/* finish the switch: unlock, drop prev_mm, reap */
	testq	%rbx, %rbx
	jz	trap_return		/* a forked process: back to ring 3 with 0 in rax */
	movq	%r12, %rdi
	call	*%rbx			/* task_entry(task): never returns */
	ud2
