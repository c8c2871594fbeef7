/*
 * arch/x86_64/asm-offsets.c - structure offsets for assembly, generated at build time.
 *
 * Compiled to assembly only (never linked); the Makefile turns each "->NAME value" marker
 * into "#define NAME value" in build/include/generated/asm-offsets.h, so entry.S, syscall.S
 * and switch_to.S never hard-code a field offset that the C structure could move.
 */
#include "arch/x86_64/entry.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/tss.h"
#include "kernel/compiler.h"
#include "sched/sched.h"

#define DEFINE(sym, val) __asm__ __volatile__("\n.ascii \"->" #sym " %c0\"" : : "i"(val))

/* Never called: static, and kept (__used) only so that the compiler emits its markers. */
static __used void asm_offsets(void)
{
	DEFINE(TF_VECTOR, offsetof(struct trap_frame, vector));
	DEFINE(TF_ERROR_CODE, offsetof(struct trap_frame, error_code));
	DEFINE(TF_RIP, offsetof(struct trap_frame, rip));
	DEFINE(TF_CS, offsetof(struct trap_frame, cs));
	DEFINE(TF_RFLAGS, offsetof(struct trap_frame, rflags));
	DEFINE(TF_RSP, offsetof(struct trap_frame, rsp));
	DEFINE(TF_SIZE, sizeof(struct trap_frame));

	DEFINE(ITF_R15, offsetof(struct inactive_task_frame, r15));
	DEFINE(ITF_R14, offsetof(struct inactive_task_frame, r14));
	DEFINE(ITF_R13, offsetof(struct inactive_task_frame, r13));
	DEFINE(ITF_R12, offsetof(struct inactive_task_frame, r12));
	DEFINE(ITF_RBX, offsetof(struct inactive_task_frame, rbx));
	DEFINE(ITF_RBP, offsetof(struct inactive_task_frame, rbp));
	DEFINE(ITF_RET_ADDR, offsetof(struct inactive_task_frame, ret_addr));
	DEFINE(ITF_SIZE, sizeof(struct inactive_task_frame));

	DEFINE(TASK_THREAD_SP, offsetof(struct task_struct, thread.sp));
	DEFINE(TASK_STACK_TOP, offsetof(struct task_struct, stack.top));
	DEFINE(CPU_CURRENT_TASK, offsetof(struct cpu_state, current_task));
	DEFINE(CPU_KERNEL_STACK_TOP, offsetof(struct cpu_state, kernel_stack_top));
	DEFINE(CPU_TSS, offsetof(struct cpu_state, tss));
	DEFINE(TSS_RSP0, offsetof(struct tss, rsp[0]));
	DEFINE(CPU_SYSCALL_SCRATCH_RSP, offsetof(struct cpu_state, syscall_scratch_rsp));
}
