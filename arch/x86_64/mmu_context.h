/*
 * arch/x86_64/mmu_context.h - loading an address space on this CPU.
 *
 * switch_mm() is the only place CR3 is written after boot (besides tests). It writes
 * CR3 only when the address space really changes: switching between two threads of one
 * mm, or returning to the mm a lazy kernel thread kept loaded, costs nothing.
 * enter_lazy_tlb() is the other half: a kernel thread starts running on whatever is
 * loaded, and the CPU only notes that it is lazy.
 */
#ifndef ARCH_X86_64_MMU_CONTEXT_H
#define ARCH_X86_64_MMU_CONTEXT_H

#include "mm/mm_types.h"

struct task_struct;

/* Load next on this CPU (interrupts off). prev is the outgoing active_mm. */
void switch_mm(struct mm_struct *prev, struct mm_struct *next, struct task_struct *tsk);
/* tsk (a task with ->mm == NULL) starts running on mm without loading anything. */
void enter_lazy_tlb(struct mm_struct *mm, struct task_struct *tsk);
/* Is mm loaded in this CPU's CR3? */
bool mm_is_loaded(const struct mm_struct *mm);
/* The boot CPU starts on init_mm (called by sched_init). */
void mmu_context_init(void);

#endif
