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
 * The FS and GS *bases* are per task too: thread-local storage (musl's, glibc's) lives
 * at the FS base, which a program sets with arch_prctl(ARCH_SET_FS) (arch_prctl.c).
 * Ring 3 cannot write a base any other way (CR4.FSGSBASE is off), so the values the
 * task set are the truth and are never read back from the CPU on a switch; a non-null
 * selector loaded by ring 3 overrides them (its descriptor's base, 0, applies), as in
 * Linux. While in the kernel the user's GS base sits in MSR_KERNEL_GS_BASE (swapgs).
 *
 * Implementation: arch/x86_64/segment.c; tests: tests/segment_test.c.
 */
#ifndef ARCH_X86_64_SEGMENT_H
#define ARCH_X86_64_SEGMENT_H

#include "kernel/types.h"

struct user_segments {
	u16 ds, es, fs, gs; /* the selectors */
	/* The bases arch_prctl set (0 by default); they apply while fs (gs) is null. Only
	 * the task itself writes them (arch_prctl, execve), or fork before the child runs. */
	u64 fsbase, gsbase;
};

/* Save this CPU's live selectors (they must be the current task's) into segs. */
void save_user_segments(struct user_segments *segs);
/* Load segs into this CPU's selectors. Interrupts must be off (see load_gs_index). */
void load_user_segments(const struct user_segments *segs);
/*
 * context_switch's step: save the live selectors into *prev (if prev is not NULL: the
 * outgoing task runs user code) and load *next's selectors and bases (if not NULL).
 * Interrupts off.
 */
void switch_user_segments(struct user_segments *prev, const struct user_segments *next);
/* A fresh program's selectors and bases: all zero, in segs and on this CPU (execve). */
void reset_user_segments(struct user_segments *segs);
/* arch_prctl's ARCH_SET_FS / ARCH_SET_GS for the calling task: a null selector and this
 * base, in segs and on this CPU. base must be a user address (arch_prctl checks). */
void set_user_fs_base(struct user_segments *segs, u64 base);
void set_user_gs_base(struct user_segments *segs, u64 base);

#endif
