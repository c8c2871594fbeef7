/*
 * arch/x86_64/mmu_context.c - switch_mm and enter_lazy_tlb (x86's bookkeeping, after
 * Linux's arch/x86/mm/tlb.c), on one CPU.
 *
 * Per CPU: loaded_mm (what CR3 really holds), is_lazy (a kernel thread is running on
 * loaded_mm without having asked for it). Per mm: cpumask, the CPUs that may hold its
 * translations. A CPU publishes itself in next's cpumask (atomically) before it loads
 * CR3: the order TLB shootdowns between CPUs depend on, kept although sublet runs one.
 *
 * sublet leaves PCIDs out: every CR3 write here has bit 63 and the PCID field clear, so
 * it drops all non-global translations (SDM vol. 3A, 4.10.4.1), and CR4.PCIDE stays off.
 * Linux tags each mm's translations with a PCID so that switching back keeps them; but
 * QEMU's software emulation (TCG), which every boot of sublet runs on, does not
 * implement PCIDs ("TCG doesn't support requested feature: CPUID.01H:ECX.pcid"), so
 * that code could not be tested here, and an instruction count would not show its gain.
 */
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/percpu.h"
#include "kernel/panic.h"

static void cpumask_set(struct mm_struct *mm, int cpu)
{
	__atomic_fetch_or(&mm->cpumask, 1ul << cpu, __ATOMIC_SEQ_CST);
}

static void cpumask_clear(struct mm_struct *mm, int cpu)
{
	__atomic_fetch_and(&mm->cpumask, ~(1ul << cpu), __ATOMIC_SEQ_CST);
}

void mmu_context_init(void)
{
	struct cpu_state *cs = this_cpu();

	cs->loaded_mm = &init_mm;
	cs->is_lazy = false;
	cpumask_set(&init_mm, cs->cpu);
	write_cr3(__pa(init_mm.pgd));
}

void switch_mm(struct mm_struct *prev, struct mm_struct *next, struct task_struct *tsk)
{
	struct cpu_state *cs = this_cpu();
	struct mm_struct *real_prev = cs->loaded_mm;

	BUG_ON_MSG(!irqs_disabled(), "switch_mm(%s -> %s) with interrupts on", prev->name,
		   next->name);
	if (real_prev == next) {
		/*
		 * Threads of one mm, or back to the mm a lazy kernel thread kept loaded.
		 * No CR3 write. (On SMP a lazy CPU would compare the mm's TLB generation here
		 * and flush if it missed a shootdown while lazy: see docs/active_mm.md.)
		 */
		cs->is_lazy = false;
		return;
	}
	cpumask_set(next, cs->cpu); /* publish before loading: shootdowns rely on it */
	write_cr3(__pa(next->pgd));
	cs->nr_cr3_writes++;
	cs->loaded_mm = next;
	cs->is_lazy = false;
	cpumask_clear(real_prev, cs->cpu); /* no translations of real_prev remain here */
}

void enter_lazy_tlb(struct mm_struct *mm, struct task_struct *tsk)
{
	struct cpu_state *cs = this_cpu();

	BUG_ON_MSG(!irqs_disabled(),
		   "enter_lazy_tlb(%s) with interrupts on: the mm update and the "
		   "lazy state must change together",
		   mm->name);
	if (cs->loaded_mm == &init_mm)
		return; /* the kernel's own tables: nothing to be lazy about */
	cs->is_lazy = true;
}
