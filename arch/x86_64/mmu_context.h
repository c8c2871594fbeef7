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

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/page.h"
#include "mm/mm_types.h"

struct task_struct;

/* Is the PML4 at pgd the one this CPU's CR3 points at? (CR3's low 12 bits are flags.) */
static inline bool pgd_is_loaded(const pgd_t *pgd)
{
	return (read_cr3() & PTE_PFN_MASK) == __pa(pgd);
}

/* Is mm loaded in this CPU's CR3? The one definition: every "is it in CR3?" asks this. */
static inline bool mm_is_loaded(const struct mm_struct *mm)
{
	return pgd_is_loaded(mm->pgd);
}

/* Load next on this CPU (interrupts off). prev is the outgoing active_mm. */
void switch_mm(struct mm_struct *prev, struct mm_struct *next, struct task_struct *tsk);
/* tsk (a task with ->mm == NULL) starts running on mm without loading anything. */
void enter_lazy_tlb(struct mm_struct *mm, struct task_struct *tsk);
/* The boot CPU starts on init_mm (called by sched_init). */
void mmu_context_init(void);

#endif
