/*
 * arch/x86_64/cpu_features.h - the CPU features the kernel's own page tables rely on
 * (arch/x86_64/cpu_features.c). SMEP, SMAP and UMIP, which guard user memory, are
 * cpu_protection_init's (arch/x86_64/uaccess.h).
 */
#ifndef ARCH_X86_64_CPU_FEATURES_H
#define ARCH_X86_64_CPU_FEATURES_H

#include "kernel/types.h"

/* Does the CPU support 1 GiB pages (CPUID 0x80000001 EDX.Page1GB)? */
bool cpu_has_gbpages(void);
/* Panic unless EFER.NXE is on (boot/entry32.S sets it when the CPU has NX): W^X and a
 * non-executable direct map need the NX bit. */
void cpu_require_nx(void);
/* Set CR4.PGE: global pages survive CR3 writes (arch/x86_64/tlb.c). */
void cpu_enable_global_pages(void);

#endif
