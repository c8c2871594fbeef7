/*
 * tests/switch_frame_test.c - struct inactive_task_frame (arch/x86_64/entry.h) is what
 * is really on a switched-out task's stack.
 *
 * switch_to.S checks at build time that its pushes match the struct's fields; these
 * tests check the two frames a task can have at run time: the one
 * task_prepare_first_switch builds for a new task (returning into ret_from_fork, just
 * below the user trap frame), and the one switch_to itself leaves behind (returning
 * right after a `call switch_to`).
 */
#include "arch/x86_64/entry.h"
#include "kernel/kallsyms.h"
#include "kernel/string.h"
#include "sched/process.h"
#include "sched/sched.h"
#include "tests/ktest.h"
#include "tests/sched_test_util.h"

#define X86_CALL_REL32 0xe8  /* the opcode of `call rel32` */
#define X86_CALL_REL32_LEN 5 /* opcode and a 32-bit displacement */
#define PARTNER_YIELDS 50    /* enough that the partner is still alive when looked at */
#define MAX_WAIT_YIELDS 1000 /* a partner that never runs fails, instead of hanging */

static struct inactive_task_frame *saved_frame(const struct task_struct *task)
{
	return (struct inactive_task_frame *)task->thread.sp;
}

/* Is ret the address right after a `call switch_to` instruction? */
static bool returns_from_a_call_to_switch_to(u64 ret)
{
	const u8 *call = (const u8 *)(ret - X86_CALL_REL32_LEN);
	s32 rel;

	if (call[0] != X86_CALL_REL32)
		return false;
	memcpy(&rel, call + 1, sizeof(rel));
	return ret + (s64)rel == (u64)switch_to;
}

/*
 * A new task's frame returns into ret_from_fork with the function and its argument in
 * rbx and r12 and rbp 0, and sits just below the user trap frame (struct fork_frame).
 * Once the task has run and yielded, its frame is the one switch_to pushed: it returns
 * just after the call to switch_to in the scheduler.
 */
KTEST(switch_frame, new_and_switched_out_frames)
{
	struct worker_args w = {.yields = PARTNER_YIELDS};
	unsigned long tasks_before = nr_tasks();
	struct inactive_task_frame *frame;
	struct task_struct *task;
	u64 offset, size;
	int tries = 0;

	preempt_disable(); /* keep it from running before its first frame is looked at */
	task = kthread_run(yielding_kthread, &w, "frame_k");
	if (!task)
		preempt_enable();
	KASSERT_NOT_NULL(t, task);
	frame = saved_frame(task);
	KEXPECT_EQ(t, frame->ret_addr, (u64)ret_from_fork);
	KEXPECT_EQ(t, frame->r12, (u64)task);
	KEXPECT_EQ(t, frame->rbp, 0ul);
	KEXPECT_STREQ(t, kallsyms_lookup(frame->rbx, &offset, &size), "task_entry");
	KEXPECT_EQ(t, offset, 0ul);
	KEXPECT_EQ(t, (u64)(frame + 1), (u64)task_pt_regs(task));
	preempt_enable();

	/* Its first yield switches back here; its second is after progress reaches 1. */
	while (w.progress < 1 && tries++ < MAX_WAIT_YIELDS)
		yield();
	KEXPECT_GE(t, w.progress, 1);
	frame = saved_frame(task);
	KEXPECT_TRUE(t, returns_from_a_call_to_switch_to(frame->ret_addr));
	KEXPECT_GT(t, task->thread.sp, task->stack.bottom);
	KEXPECT_LT(t, (u64)(frame + 1), (u64)task_pt_regs(task));

	KEXPECT_EQ(t, task_wait_exit(task), 0);
	KEXPECT_EQ(t, nr_tasks(), tasks_before);
}
