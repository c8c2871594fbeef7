/*
 * arch/x86_64/segment.h - a task's user data segment selectors (%ds %es %fs %gs).
 *
 * Long mode ignores the bases and limits of %ds and %es, and the kernel uses none of the
 * four (per-CPU data comes through the GS *base*, see percpu.h). But ring 3 may load
 * them with any selector it is allowed to (null, USER_DS, even a readable user code
 * segment), and neither SYSCALL/SYSRET nor an interrupt saves them: left alone, the
 * values of one process would still be loaded when the next one runs. So each task
 * keeps its own, as Linux's thread_struct keeps ds, es, fsindex and gsindex: saved when
 * a task that runs user code is switched out, loaded when one is switched in
 * (sched/core.c, context_switch), zero after execve, copied by fork.
 *
 * Implementation: arch/x86_64/segment.c; tests: tests/segment_test.c.
 */
#ifndef ARCH_X86_64_SEGMENT_H
#define ARCH_X86_64_SEGMENT_H

#include "kernel/types.h"

struct user_segments {
	u16 ds, es, fs, gs; /* selectors only: every base is 0 (no FS/GS base support yet) */
};

/* Save this CPU's live selectors (they must be the current task's) into segs. */
void save_user_segments(struct user_segments *segs);
/* Load segs into this CPU's selectors. Interrupts must be off (see load_gs_index). */
void load_user_segments(const struct user_segments *segs);
/*
 * context_switch's step: save the live selectors into *prev (if prev is not NULL: the
 * outgoing task runs user code) and load *next (if not NULL). Interrupts off.
 */
void switch_user_segments(struct user_segments *prev, const struct user_segments *next);
/* A fresh program's selectors: all null, in segs and on this CPU (execve). */
void reset_user_segments(struct user_segments *segs);

#endif
