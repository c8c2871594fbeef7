/*
 * arch/x86_64/fpu.c - turning the FPU and SSE on, and saving and restoring a task's
 * FPU/SSE registers (see arch/x86_64/fpu.h for why the switch is eager).
 *
 * The instructions are inline assembly only: the kernel is compiled without SSE and
 * x87 support, so the compiler itself never touches these registers, and the only code
 * that does is here, in user space, and in tests/fpu_test.c.
 */
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/cpu.h"
#include "kernel/compiler.h"
#include "kernel/panic.h"
#include "kernel/string.h"

/* The clean state every new process starts from (Linux's init_fpstate); written once by
 * the first fpu_init(), read-only afterwards. */
static struct fpu_state init_fpstate;
static bool init_fpstate_ready;

static void check_aligned(const struct fpu_state *fpu, const char *who)
{
	BUG_ON_MSG(!IS_ALIGNED((unsigned long)fpu, 16),
		   "%s: FPU state at %p is not 16-byte aligned (FXSAVE/FXRSTOR would #GP)", who,
		   fpu);
}

void fpu_save(struct fpu_state *fpu)
{
	check_aligned(fpu, "fpu_save");
	__asm__ __volatile__("fxsave64 %0" : "=m"(*fpu));
}

void fpu_restore(const struct fpu_state *fpu)
{
	check_aligned(fpu, "fpu_restore");
	__asm__ __volatile__("fxrstor64 %0" : : "m"(*fpu));
}

/*
 * Record the clean state: the registers as FNINIT and the reset MXCSR leave them, but
 * with the register images zeroed. FNINIT only marks ST0-7 empty and nothing resets the
 * XMM registers, so without this whatever the firmware or boot loader left in them
 * would be handed to every new process.
 */
static void init_fpstate_record(void)
{
	fpu_save(&init_fpstate);
	memset(init_fpstate.fxsave.st_space, 0, sizeof(init_fpstate.fxsave.st_space));
	memset(init_fpstate.fxsave.xmm_space, 0, sizeof(init_fpstate.fxsave.xmm_space));
	init_fpstate_ready = true;
}

void fpu_init_cpu(void)
{
	u32 mxcsr = MXCSR_DEFAULT;
	u64 cr0;

	/*
	 * EM clear: x87 instructions execute rather than trap. TS clear: no lazy-switch
	 * #NM. MP set: WAIT honours TS (the SDM's setting for an FPU that is present). NE
	 * set: x87 errors raise #MF rather than the PC-era external interrupt.
	 */
	cr0 = read_cr0();
	cr0 &= ~(u64)(CR0_EM | CR0_TS);
	cr0 |= CR0_MP | CR0_NE;
	write_cr0(cr0);
	/* OSFXSR: FXSAVE/FXRSTOR include the XMM registers and SSE is allowed.
	 * OSXMMEXCPT: unmasked SIMD exceptions raise #XM, not #UD. */
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);

	__asm__ __volatile__("fninit\n\t"
			     "ldmxcsr %0"
			     :
			     : "m"(mxcsr));
}

void fpu_init(void)
{
	if ((read_cr4() & CR4_OSFXSR) && init_fpstate_ready)
		return; /* this CPU is set up already: FNINIT now would wipe live state */
	fpu_init_cpu();
	if (!init_fpstate_ready)
		init_fpstate_record();
}

void fpu_init_state(struct fpu_state *fpu)
{
	BUG_ON_MSG(!init_fpstate_ready,
		   "fpu_init_state: fpu_init() has not run (kmain must call it at boot)");
	memcpy(fpu, &init_fpstate, sizeof(*fpu));
}
