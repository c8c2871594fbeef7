/*
 * tests/fpu_test.c - FPU/SSE set-up and the per-task save/restore (arch/x86_64/fpu.c).
 *
 * The registers are set and read with inline assembly. There are no "xmm" clobber
 * lists: GCC refuses them under -mno-sse, and nothing needs them, because compiled
 * kernel code never uses an XMM or x87 register; only these asm statements do. Each
 * test saves the CPU's FPU state first and puts it back at the end, with preemption
 * off in between: this kernel thread does not own an FPU state of its own (user_fpu
 * is false), so a switch in the middle would not bring its registers back.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/fpu.h"
#include "kernel/string.h"
#include "sched/sched.h"
#include "tests/ktest.h"

#define MXCSR_RC_TOWARD_ZERO 0x6000   /* MXCSR.RC = 11b */
#define X87_FCW_PC_DOUBLE 0x027f      /* FCW_DEFAULT with 53-bit precision control */
#define F64_ONE 0x3ff0000000000000ull /* 1.0 as an IEEE double */

struct xmm {
	u64 lo, hi;
};

static void xmm0_write(const struct xmm *v)
{
	__asm__ __volatile__("movdqu %0, %%xmm0" : : "m"(*v));
}

static struct xmm xmm0_read(void)
{
	struct xmm v;

	__asm__ __volatile__("movdqu %%xmm0, %0" : "=m"(v));
	return v;
}

static void xmm15_write(const struct xmm *v)
{
	__asm__ __volatile__("movdqu %0, %%xmm15" : : "m"(*v));
}

static struct xmm xmm15_read(void)
{
	struct xmm v;

	__asm__ __volatile__("movdqu %%xmm15, %0" : "=m"(v));
	return v;
}

static void mxcsr_write(u32 v)
{
	__asm__ __volatile__("ldmxcsr %0" : : "m"(v));
}

static u32 mxcsr_read(void)
{
	u32 v;

	__asm__ __volatile__("stmxcsr %0" : "=m"(v));
	return v;
}

static void fcw_write(u16 v)
{
	__asm__ __volatile__("fldcw %0" : : "m"(v));
}

static u16 fcw_read(void)
{
	u16 v;

	__asm__ __volatile__("fnstcw %0" : "=m"(v));
	return v;
}

static bool xmm_eq(struct xmm a, struct xmm b)
{
	return a.lo == b.lo && a.hi == b.hi;
}

static bool all_zero(const u8 *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i])
			return false;
	}
	return true;
}

/* The CPU's FPU state as the test found it (see the top of the file). */
static struct fpu_state entry_state;

static int fpu_test_init(struct ktest *t __unused)
{
	preempt_disable();
	fpu_save(&entry_state);
	return 0;
}

static void fpu_test_exit(struct ktest *t __unused)
{
	fpu_restore(&entry_state);
	preempt_enable();
}

KTEST_SUITE_HOOKS(fpu, .init = fpu_test_init, .exit = fpu_test_exit);

KTEST(fpu, control_registers_enable_sse)
{
	u64 cr0 = read_cr0(), cr4 = read_cr4();

	KEXPECT_EQ(t, cr0 & CR0_EM, 0ul);
	KEXPECT_EQ(t, cr0 & CR0_TS, 0ul);
	KEXPECT_NE(t, cr0 & CR0_MP, 0ul);
	KEXPECT_NE(t, cr0 & CR0_NE, 0ul);
	KEXPECT_NE(t, cr4 & CR4_OSFXSR, 0ul);
	KEXPECT_NE(t, cr4 & CR4_OSXMMEXCPT, 0ul);
	KEXPECT_EQ(t, cr4 & CR4_OSXSAVE, 0ul); /* no AVX state to save */
	/* Calling it again must not disturb live registers. */
	mxcsr_write(MXCSR_DEFAULT | MXCSR_RC_TOWARD_ZERO);
	fpu_init();
	KEXPECT_EQ(t, mxcsr_read(), (u32)(MXCSR_DEFAULT | MXCSR_RC_TOWARD_ZERO));
}

KTEST(fpu, init_state_is_clean)
{
	static struct fpu_state s;

	memset(&s, 0xa5, sizeof(s));
	fpu_init_state(&s);
	KEXPECT_EQ(t, s.fxsave.cwd, X87_FCW_DEFAULT);
	KEXPECT_EQ(t, s.fxsave.mxcsr, (u32)MXCSR_DEFAULT);
	KEXPECT_EQ(t, s.fxsave.swd, 0);
	KEXPECT_EQ(t, s.fxsave.twd, 0); /* every x87 register empty */
	KEXPECT_TRUE(t, all_zero(s.fxsave.st_space, sizeof(s.fxsave.st_space)));
	KEXPECT_TRUE(t, all_zero(s.fxsave.xmm_space, sizeof(s.fxsave.xmm_space)));

	/* Loaded, it gives exactly that. */
	xmm0_write(&(struct xmm){1, 2});
	mxcsr_write(MXCSR_DEFAULT | MXCSR_RC_TOWARD_ZERO);
	fpu_restore(&s);
	KEXPECT_EQ(t, mxcsr_read(), (u32)MXCSR_DEFAULT);
	KEXPECT_EQ(t, fcw_read(), X87_FCW_DEFAULT);
	KEXPECT_TRUE(t, xmm_eq(xmm0_read(), (struct xmm){0, 0}));
	KEXPECT_TRUE(t, xmm_eq(xmm15_read(), (struct xmm){0, 0}));
}

KTEST(fpu, save_restore_round_trip)
{
	static struct fpu_state s;
	const struct xmm a = {0x0123456789abcdefull, 0xfedcba9876543210ull};
	const struct xmm b = {0x1111222233334444ull, 0x5555666677778888ull};
	const struct xmm junk = {~0ull, ~0ull};
	u32 mxcsr = MXCSR_DEFAULT | MXCSR_RC_TOWARD_ZERO;

	xmm0_write(&a);
	xmm15_write(&b);
	mxcsr_write(mxcsr);
	fcw_write(X87_FCW_PC_DOUBLE);
	fpu_save(&s);
	/* The image holds them where the SDM says. */
	KEXPECT_EQ(t, memcmp(&s.fxsave.xmm_space[0], &a, 16), 0);
	KEXPECT_EQ(t, memcmp(&s.fxsave.xmm_space[15 * 16], &b, 16), 0);
	KEXPECT_EQ(t, s.fxsave.mxcsr, mxcsr);
	KEXPECT_EQ(t, s.fxsave.cwd, X87_FCW_PC_DOUBLE);

	xmm0_write(&junk);
	xmm15_write(&junk);
	mxcsr_write(MXCSR_DEFAULT);
	fcw_write(X87_FCW_DEFAULT);
	fpu_restore(&s);
	KEXPECT_TRUE(t, xmm_eq(xmm0_read(), a));
	KEXPECT_TRUE(t, xmm_eq(xmm15_read(), b));
	KEXPECT_EQ(t, mxcsr_read(), mxcsr);
	KEXPECT_EQ(t, fcw_read(), X87_FCW_PC_DOUBLE);
}

KTEST(fpu, x87_stack_survives_a_round_trip)
{
	static struct fpu_state s;
	u64 top = 0;

	__asm__ __volatile__("fninit\n\tfld1");
	fpu_save(&s);
	__asm__ __volatile__("fninit"); /* empties the stack */
	fpu_restore(&s);
	__asm__ __volatile__("fstpl %0" : "=m"(top));
	KEXPECT_EQ(t, top, F64_ONE);
}

/* The context-switch pattern: save the outgoing task's registers, load the incoming. */
KTEST(fpu, two_states_swap)
{
	static struct fpu_state task_a, task_b;
	const struct xmm a = {0xaaaa, 0xa}, b = {0xbbbb, 0xb}, a2 = {0xaaaa2, 0xa2};
	u32 mxcsr_a = MXCSR_DEFAULT, mxcsr_b = MXCSR_DEFAULT | MXCSR_RC_TOWARD_ZERO;

	xmm0_write(&a);
	mxcsr_write(mxcsr_a);
	fpu_save(&task_a); /* A switched out */
	xmm0_write(&b);
	mxcsr_write(mxcsr_b);
	fpu_save(&task_b); /* B switched out */

	fpu_restore(&task_a); /* B -> A */
	KEXPECT_TRUE(t, xmm_eq(xmm0_read(), a));
	KEXPECT_EQ(t, mxcsr_read(), mxcsr_a);
	xmm0_write(&a2);   /* A runs and changes its registers */
	fpu_save(&task_a); /* A -> B */
	fpu_restore(&task_b);
	KEXPECT_TRUE(t, xmm_eq(xmm0_read(), b));
	KEXPECT_EQ(t, mxcsr_read(), mxcsr_b);
	fpu_save(&task_b); /* B -> A */
	fpu_restore(&task_a);
	KEXPECT_TRUE(t, xmm_eq(xmm0_read(), a2));
	KEXPECT_EQ(t, mxcsr_read(), mxcsr_a);
}

/*
 * The same through the scheduler: threads that own an FPU state (user_fpu) keep their
 * registers across switches, each seeing only its own values.
 */
struct fpu_worker {
	struct xmm value;
	u32 mxcsr;
	int yields;
	volatile bool ok;
};

static int fpu_worker_fn(void *arg)
{
	struct fpu_worker *w = arg;
	bool ok = true;

	/* From here every switch away saves these registers and every switch back loads them. */
	current->user_fpu = true;
	xmm0_write(&w->value);
	mxcsr_write(w->mxcsr);
	for (int i = 0; i < w->yields; i++) {
		yield();
		ok &= xmm_eq(xmm0_read(), w->value) && mxcsr_read() == w->mxcsr;
	}
	w->ok = ok;
	return ok ? 0 : 1;
}

KTEST(fpu, switches_keep_each_tasks_registers)
{
	static struct fpu_worker w[3];
	struct task_struct *tasks[ARRAY_SIZE(w)];

	preempt_enable(); /* this test waits: let the workers run */
	for (size_t i = 0; i < ARRAY_SIZE(w); i++) {
		w[i].value = (struct xmm){0x1000 + i, 0x2000 + i};
		w[i].mxcsr = MXCSR_DEFAULT | (i & 1 ? MXCSR_RC_TOWARD_ZERO : 0);
		w[i].yields = 50;
		w[i].ok = false;
		tasks[i] = kthread_run(fpu_worker_fn, &w[i], "fpu_worker");
	}
	for (size_t i = 0; i < ARRAY_SIZE(w); i++) {
		if (!tasks[i]) {
			KEXPECT_FAIL(t, "kthread_run failed for worker %zu", i);
			continue;
		}
		KEXPECT_EQ(t, task_wait_exit(tasks[i]), 0);
		KEXPECT_TRUE(t, w[i].ok);
	}
	preempt_disable(); /* balance the exit hook */
}

KTEST_DEATH(fpu, misaligned_area_panics, "is not 16-byte aligned")
{
	static struct fpu_state two[2];

	fpu_save((struct fpu_state *)((u8 *)two + 8));
}
