/*
 * arch/x86_64/segment.c - saving and loading the user data segment selectors (see
 * segment.h for why each task has its own).
 *
 * %ds, %es and %fs are plain `mov`s. %gs is the subtle one: in long mode, loading a
 * selector into %gs also loads the GS *base* (from the descriptor, 0 here), and in the
 * kernel the GS base is this CPU's per-CPU area (MSR_GS_BASE), which `current` and
 * everything else in struct cpu_state are reached through. A plain `mov %ax, %gs` in
 * ring 0 would wipe it. Linux's load_gs_index does the load between two swapgs: the
 * first puts the user's GS base (parked in MSR_KERNEL_GS_BASE while in the kernel)
 * into the live register, the load replaces that one, and the second swapgs parks it
 * again and brings the per-CPU base back. Between the two, GS is the user's: an
 * interrupt there would come "from ring 0", skip its swapgs and use the wrong base, so
 * interrupts must be off (NMIs cannot be masked: sublet has no NMI source, and a real
 * NMI handler would read MSR_GS_BASE instead of trusting the CS it interrupted, as
 * Linux's paranoid entry does). The selector cannot fault: every value loaded here
 * is 0 or one the CPU accepted from ring 3 before (saved by save_user_segments), and
 * whatever ring 3 may load, ring 0 may load too.
 */
#include "arch/x86_64/segment.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "kernel/panic.h"

#define savesegment(seg, value) __asm__ __volatile__("movw %%" #seg ", %0" : "=r"(value))
#define loadsegment(seg, value) __asm__ __volatile__("movw %0, %%" #seg : : "r"(value) : "memory")

/* Load %gs without losing the kernel's GS base (see above). Interrupts off. */
static void load_gs_index(u16 selector)
{
	__asm__ __volatile__("swapgs\n\t"	 /* GS base = the user's */
			     "movw %0, %%gs\n\t" /* selector and (user) base replaced */
			     "swapgs"		 /* GS base = this CPU's area again */
			     :
			     : "r"(selector)
			     : "memory");
}

void save_user_segments(struct user_segments *segs)
{
	savesegment(ds, segs->ds);
	savesegment(es, segs->es);
	savesegment(fs, segs->fs);
	savesegment(gs, segs->gs);
}

/* Load each of segs's selectors that differs from live (this CPU's): the common case,
 * all null on both sides, loads nothing. */
static void load_changed_segments(const struct user_segments *live,
				  const struct user_segments *segs)
{
	if (live->ds != segs->ds)
		loadsegment(ds, segs->ds);
	if (live->es != segs->es)
		loadsegment(es, segs->es);
	if (live->fs != segs->fs)
		loadsegment(fs, segs->fs);
	if (live->gs != segs->gs)
		load_gs_index(segs->gs);
}

void load_user_segments(const struct user_segments *segs)
{
	struct user_segments live;

	BUG_ON_MSG(!irqs_disabled(), "load_user_segments: interrupts on (see load_gs_index)");
	save_user_segments(&live);
	load_changed_segments(&live, segs);
}

/*
 * Load next's FS and GS bases after its selectors (a selector load replaces the base).
 * A base applies only with a null selector. The MSR write is skipped when the outgoing
 * user task (live, its selectors just saved) left the same base loaded: the common case
 * of two tasks without thread-local storage, or two switches within one process. After
 * a kernel thread (live NULL) the CPU holds whatever the last user task left: write.
 */
static void load_changed_bases(const struct user_segments *live, u64 live_fsbase, u64 live_gsbase,
			       const struct user_segments *next)
{
	if (!next->fs && (!live || live->fs || live_fsbase != next->fsbase))
		wrmsr(MSR_FS_BASE, next->fsbase);
	if (!next->gs && (!live || live->gs || live_gsbase != next->gsbase))
		wrmsr(MSR_KERNEL_GS_BASE, next->gsbase); /* the user's, swapped in on exit */
}

/* One read of the live selectors serves both sides; context_switch already runs with
 * interrupts off, which is what load_gs_index needs. */
void switch_user_segments(struct user_segments *prev, const struct user_segments *next)
{
	struct user_segments live;

	save_user_segments(&live);
	if (prev) {
		prev->ds = live.ds;
		prev->es = live.es;
		prev->fs = live.fs;
		prev->gs = live.gs;
	}
	if (next) {
		load_changed_segments(&live, next);
		load_changed_bases(prev ? &live : NULL, prev ? prev->fsbase : 0,
				   prev ? prev->gsbase : 0, next);
	}
}

void reset_user_segments(struct user_segments *segs)
{
	unsigned long flags;

	segs->ds = segs->es = segs->fs = segs->gs = 0;
	segs->fsbase = segs->gsbase = 0;
	flags = local_irq_save();
	load_user_segments(segs);
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	local_irq_restore(flags);
}

/* As Linux's do_arch_prctl_64: the selector becomes null (so the base applies) and the
 * base is written to the task and to the CPU in one interrupts-off section, so that a
 * switch sees either the old pair or the new one. */
void set_user_fs_base(struct user_segments *segs, u64 base)
{
	unsigned long flags = local_irq_save();

	segs->fs = 0;
	loadsegment(fs, (u16)0);
	segs->fsbase = base;
	wrmsr(MSR_FS_BASE, base);
	local_irq_restore(flags);
}

void set_user_gs_base(struct user_segments *segs, u64 base)
{
	unsigned long flags = local_irq_save();

	segs->gs = 0;
	load_gs_index(0);
	segs->gsbase = base;
	wrmsr(MSR_KERNEL_GS_BASE, base); /* the user's GS base while the kernel runs */
	local_irq_restore(flags);
}
