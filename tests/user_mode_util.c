/*
 * tests/user_mode_util.c - run hand-assembled code in ring 3 (see user_mode_util.h).
 *
 * The caller builds the address space, so the code may live anywhere (even on the
 * caller's stack) and is copied before the process starts; the new kernel thread only
 * execs into it.
 */
#include "tests/user_mode_util.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/syscall.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/string.h"
#include "mm/mm_struct.h"
#include "mm/pgtable.h"
#include "sched/process.h"
#include "sched/sched.h"

/* The new task's body: make mm its own and leave for ring 3 at its first byte. */
static int exec_user_code(void *arg)
{
	struct mm_struct *mm = arg;

	exec_prepared_mm(mm, "handmade", HANDMADE_CODE_VA, HANDMADE_STACK_TOP,
			 HANDMADE_CODE_VA + PAGE_SIZE, task_pt_regs(current));
	return_to_user(task_pt_regs(current));
}

/* An address space holding code at HANDMADE_CODE_VA and an empty stack; NULL if no memory. */
static struct mm_struct *build_code_mm(const u8 *code, size_t len)
{
	struct mm_struct *mm = mm_alloc("handmade");
	phys_addr_t pa;
	u64 flags;

	BUG_ON(len > PAGE_SIZE);
	if (!mm)
		return NULL;
	if (mm_map_anon(mm, HANDMADE_CODE_VA, PAGE_SIZE, VM_READ | VM_EXEC) ||
	    mm_add_vma(mm, HANDMADE_STACK_VA, PAGE_SIZE, VM_READ | VM_WRITE) ||
	    !translate(mm, HANDMADE_CODE_VA, &pa, &flags)) {
		mmput(mm);
		return NULL;
	}
	memcpy(__va(pa), code, len);
	return mm;
}

struct task_struct *user_code_start(const u8 *code, size_t len)
{
	struct mm_struct *mm = build_code_mm(code, len);
	struct task_struct *task;

	if (!mm)
		return NULL;
	task = kthread_run(exec_user_code, mm, "handmade");
	if (!task)
		mmput(mm);
	return task;
}

int run_user_code(const u8 *code, size_t len)
{
	struct task_struct *task = user_code_start(code, len);

	return task ? task_wait_exit(task) : -ENOMEM;
}
