/*
 * arch/x86_64/tlbflush.h - every TLB flush in the kernel goes through here.
 *
 * sublet runs one CPU, so a flush is local: invlpg for one page or a CR3 reload for
 * everything non-global. With more CPUs, flush_tlb_mm/flush_tlb_page would also have to
 * reach the other CPUs in the mm's cpumask (shootdowns); their callers would not change.
 */
#ifndef ARCH_X86_64_TLBFLUSH_H
#define ARCH_X86_64_TLBFLUSH_H

#include "arch/x86_64/cpu.h"

struct mm_struct;

/* Drop this CPU's translation of one page. */
static inline void __flush_tlb_one(unsigned long addr)
{
	invlpg(addr);
}

/* Drop every non-global translation on this CPU (reload CR3). */
static inline void __flush_tlb_all_nonglobal(void)
{
	write_cr3(read_cr3());
}

/* Drop every translation, global ones included (toggle CR4.PGE). */
void __flush_tlb_global(void);
/* A page of mm changed: flush it wherever mm may be loaded. */
void flush_tlb_page(struct mm_struct *mm, unsigned long addr);
/* Many entries of mm changed: flush all of mm wherever it may be loaded. */
void flush_tlb_mm(struct mm_struct *mm);
/* A kernel-half mapping changed: flush it on every CPU. */
void flush_tlb_kernel_page(unsigned long addr);

#endif
