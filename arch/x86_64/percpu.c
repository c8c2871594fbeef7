/*
 * arch/x86_64/percpu.c - the boot CPU's per-CPU area and pointing GS at it (every CPU;
 * the application processors' areas are allocated by arch/x86_64/smpboot.c).
 */
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/cpu.h"
#include "kernel/compiler.h"

_Static_assert(offsetof(struct cpu_state, current_task) == CPU_STATE_CURRENT_OFFSET,
	       "CPU_STATE_CURRENT_OFFSET must match struct cpu_state");
_Static_assert(offsetof(struct cpu_state, cpu) == CPU_STATE_CPU_OFFSET,
	       "CPU_STATE_CPU_OFFSET must match struct cpu_state");

struct cpu_state boot_cpu_state;

void percpu_init(struct cpu_state *cs, int cpu)
{
	cs->self = cs;
	cs->cpu = cpu;
	wrmsr(MSR_GS_BASE, (u64)cs);
	wrmsr(MSR_KERNEL_GS_BASE, 0); /* the user's GS base, swapped in by swapgs */
}
