/*
 * arch/x86_64/smpboot.h - starting the application processors: the layout of the real-mode
 * trampoline (shared by arch/x86_64/trampoline.S and arch/x86_64/smpboot.c) and the hook
 * memblock calls to keep its pages. See docs/smp.md for the start-up step by step.
 */
#ifndef ARCH_X86_64_SMPBOOT_H
#define ARCH_X86_64_SMPBOOT_H

/*
 * The trampoline's pages below 1 MiB: its code and data (page 0), then the page tables an
 * AP switches paging on with: a PML4 holding init_mm's kernel half plus an identity map
 * of the first 2 MiB (pages 1-3), so the instruction after the one that enables paging,
 * still at its low physical address, is mapped.
 */
#define TRAMPOLINE_PML4_PAGE 1
#define TRAMPOLINE_PDPT_PAGE 2
#define TRAMPOLINE_PD_PAGE 3
#define TRAMPOLINE_PAGES 4

/* The trampoline's own GDT: the kernel's selector numbers, plus 32-bit code for the hop
 * through protected mode. */
#define TRAMPOLINE_CS64 0x08 /* == KERNEL_CS */
#define TRAMPOLINE_DS 0x10   /* == KERNEL_DS */
#define TRAMPOLINE_CS32 0x18

#ifndef __ASSEMBLER__
#include "kernel/types.h"

/* The code to copy (arch/x86_64/trampoline.S), and the fields smpboot.c fills in the copy. */
extern const u8 trampoline_start[], trampoline_end[];
extern const u8 tr_gdt[], tr_gdt_base[], tr_protected_mode[], tr_pm_target[], tr_long_mode[],
    tr_lm_target[];

/* What secondary_startup_64 (trampoline.S) loads: written by the boot CPU before each
 * INIT-SIPI-SIPI, read by the one AP then starting (only one is ever in flight). */
extern u64 smp_boot_cr3;       /* __pa(init_mm.pgd) */
extern u64 smp_boot_stack;     /* the AP's idle task's stack top */
extern u64 smp_boot_cpu_state; /* its struct cpu_state *, start_secondary's argument */

/* memblock_init calls this before it reserves the whole first MiB. */
void realmode_reserve(void);

/* The C side of an AP's start (smpboot.c), called on its idle stack. */
struct cpu_state;
void start_secondary(struct cpu_state *cs);
#endif

#endif
