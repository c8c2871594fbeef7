/*
 * arch/x86_64/fpu.h - each task's FPU/SSE register state.
 *
 * The kernel itself never uses the FPU or SSE (it is built with -mno-sse -mno-80387),
 * so user state can stay in the registers while a task is in the kernel and only has
 * to be saved and restored when the CPU switches tasks (sched/core.c, switch_fpu). This
 * is eager switching, as modern Linux does: no CR0.TS tricks, no #NM handler. sublet
 * saves the x87 and SSE state with FXSAVE/FXRSTOR (512 bytes); user programs are built
 * for SSE2, and AVX stays off (CR4.OSXSAVE clear), so nothing else needs saving.
 * Implementation: arch/x86_64/fpu.c; tests: tests/fpu_test.c.
 */
#ifndef ARCH_X86_64_FPU_H
#define ARCH_X86_64_FPU_H

#define FPU_STATE_SIZE 512     /* the FXSAVE area */
#define X87_FCW_DEFAULT 0x037f /* FNINIT's control word: all exceptions masked, 64-bit */
#define X87_FCW_ZM (1 << 2)    /* FCW: zero-divide exception masked */
#define MXCSR_DEFAULT 0x1f80   /* reset MXCSR: all SIMD exceptions masked, round to nearest */
#define MXCSR_ZM (1 << 9)      /* MXCSR: divide-by-zero exception masked */

/* The rest is C only (the constants above serve tests/user_mode_progs.S too). */
#ifndef __ASSEMBLER__
#include "kernel/types.h"

/*
 * The FXSAVE image in 64-bit mode (Intel SDM vol. 1, table 10-2), with Linux's field
 * names. Bytes 464-511 are left alone by the CPU.
 */
struct fxregs_state {
	u16 cwd;	   /* FCW: x87 control word */
	u16 swd;	   /* FSW: x87 status word */
	u16 twd;	   /* FTW, abridged: bit i set = ST register i holds a value */
	u16 fop;	   /* opcode of the last x87 instruction */
	u64 rip;	   /* FIP: address of the last x87 instruction */
	u64 rdp;	   /* FDP: address of its memory operand */
	u32 mxcsr;	   /* SSE control and status */
	u32 mxcsr_mask;	   /* which MXCSR bits this CPU implements (FXSAVE fills it in) */
	u8 st_space[128];  /* ST0-ST7 (MM0-MM7), 10 bytes each in 16-byte slots */
	u8 xmm_space[256]; /* XMM0-XMM15, 16 bytes each */
	u8 padding[96];
};

/* FXSAVE/FXRSTOR fault unless their operand is 16-byte aligned. */
struct fpu_state {
	union {
		struct fxregs_state fxsave;
		u8 area[FPU_STATE_SIZE];
	};
} __attribute__((aligned(16)));

_Static_assert(sizeof(struct fxregs_state) == FPU_STATE_SIZE, "FXSAVE area is 512 bytes");
_Static_assert(sizeof(struct fpu_state) == FPU_STATE_SIZE, "fpu_state is the FXSAVE area");

/*
 * Enable FXSR and SSE for user space: CR0.EM and TS clear, MP and NE set; CR4.OSFXSR and
 * OSXMMEXCPT set; FNINIT. The first call also records the clean state fpu_init_state
 * hands out. Once per CPU at boot; calling it again on a CPU already set up does nothing.
 */
void fpu_init(void);
/* The same set-up on this CPU only, unconditionally: an application processor's start
 * (the clean state is recorded once, by the boot CPU). */
void fpu_init_cpu(void);
/* A clean state for a new process: default control words, every register zero.
 * Panics if fpu_init() has not run. */
void fpu_init_state(struct fpu_state *fpu);
/* Save this CPU's FPU/SSE registers into fpu (FXSAVE64). fpu must be 16-byte aligned. */
void fpu_save(struct fpu_state *fpu);
/* Load them from fpu (FXRSTOR64); fpu must come from fpu_save or fpu_init_state. */
void fpu_restore(const struct fpu_state *fpu);

#endif /* __ASSEMBLER__ */
#endif
