/*
 * sched/switch.S - switch_to: the moment one task's kernel stack becomes another's.
 *
 * struct task_struct *switch_to(struct task_struct *prev, struct task_struct *next);
 *
 * Called only from context_switch() (sched/core.c), interrupts off, runqueue locked.
 * By the C calling convention every register except the callee-saved ones (rbx, rbp,
 * r12-r15) is already dead here, so those six and the stack pointer are the whole of a
 * kernel task's state. We push them on prev's stack, park prev's rsp in
 * prev->thread.sp, load next's rsp and pop next's registers: the `ret` then returns
 * into whatever call to switch_to next made when it was switched out.
 *
 * It returns prev, read from rdi *before* the stack changed: on the new stack, the
 * caller's own `prev` variable names whatever task next switched away from long ago,
 * so finish_task_switch must use this return value (Linux's "last").
 */
#include "generated/asm-offsets.h"

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
 * ret_from_fork - where a new task's first switch_to returns to (task.c builds the
 * stack so that it does). rax = the task we switched away from; rbx = the function to
 * run and r12 its argument, or rbx = 0 for a forked process: then rsp already points at
 * its trap frame (a copy of its parent's) and it leaves for user space at once.
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
