/*
 * arch/x86_64/tlb.c - TLB flushing (the declarations are in arch/x86_64/tlbflush.h).
 *
 * The TLB caches translations; changing a page-table entry does not update it, so every
 * change that removes or restricts a mapping must be followed by a flush. Two facts shape
 * the code below (Intel SDM vol. 3, 4.10.4):
 *   - writing CR3 drops every translation except global ones (PTE bit _PAGE_GLOBAL,
 *     honoured because paging_init() sets CR4.PGE); all kernel-half leaves are global,
 *     because they mean the same in every address space, so a CR3 switch keeps them;
 *   - INVLPG drops the translation of one page, global or not, and the paging-structure
 *     caches that lead to it.
 * sublet runs one CPU: no flush here reaches another CPU (no shootdowns).
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/pgtable_types.h"
#include "arch/x86_64/tlbflush.h"
#include "arch/x86_64/x86.h"
#include "mm/mm_types.h"

/*
 * Toggling CR4.PGE off and on flushes the whole TLB, global entries included (SDM
 * 4.10.4.1). Interrupts stay off in between so nothing runs with PGE clear. Without PGE
 * nothing is global and a CR3 reload is enough.
 */
void __flush_tlb_global(void)
{
	unsigned long flags = local_irq_save();
	u64 cr4 = read_cr4();

	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~(u64)CR4_PGE);
		write_cr4(cr4);
	} else {
		__flush_tlb_all_nonglobal();
	}
	local_irq_restore(flags);
}

/*
 * A kernel-half address is translated the same way under every CR3 (the kernel half is
 * shared), so its TLB entry must go whichever mm is loaded. A user-half address only
 * needs INVLPG if mm is the loaded one: an mm that is not in CR3 has no translations in
 * this CPU's TLB, because loading any other CR3 dropped its (non-global) entries and
 * nothing has been able to cache new ones since. With more CPUs, the others that have
 * mm loaded (its cpumask) would need a shootdown too.
 */
void flush_tlb_page(struct mm_struct *mm, unsigned long addr)
{
	if (pgd_index(addr) >= KERNEL_PGD_FIRST)
		flush_tlb_kernel_page(addr);
	else if (mm_is_loaded(mm))
		__flush_tlb_one(addr);
}

/*
 * For init_mm "all of mm" means kernel mappings, which are global: only a full flush
 * drops them. Any other mm's user mappings are non-global and, as in flush_tlb_page(),
 * only cached while it is loaded.
 */
void flush_tlb_mm(struct mm_struct *mm)
{
	if (mm == &init_mm)
		__flush_tlb_global();
	else if (mm_is_loaded(mm))
		__flush_tlb_all_nonglobal();
}

/* INVLPG removes a global entry as well, so this is enough on one CPU. */
void flush_tlb_kernel_page(unsigned long addr)
{
	__flush_tlb_one(addr);
}
