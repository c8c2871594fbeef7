/*
 * arch/x86_64/cpu_features.c - reading and turning on the CPU features the kernel's
 * page tables use: 1 GiB pages (CPUID), the NX bit (EFER.NXE) and global pages
 * (CR4.PGE).
 *
 * paging_init (mm/paging_init.c) decides what to build from these and calls them in
 * order: NX must already be on before it maps anything non-executable, 1 GiB pages
 * choose the direct map's page sizes, and PGE goes on once CR3 holds the kernel's own
 * tables, whose kernel-half leaves are all global. The protections that guard user
 * memory (SMEP, SMAP, UMIP) are set up with the user-access code, cpu_protection_init
 * in arch/x86_64/uaccess.c.
 */
#include "arch/x86_64/cpu_features.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "kernel/panic.h"

bool cpu_has_gbpages(void)
{
	u32 eax, ebx, ecx, edx;

	cpuid(CPUID_EXT_LEAF_MAX, 0, &eax, &ebx, &ecx, &edx);
	if (eax < CPUID_EXT_FEATURES)
		return false;
	cpuid(CPUID_EXT_FEATURES, 0, &eax, &ebx, &ecx, &edx);
	return edx & CPUID_EXT_EDX_PDPE1GB;
}

void cpu_require_nx(void)
{
	BUG_ON_MSG(!(rdmsr(MSR_EFER) & EFER_NXE),
		   "paging_init: EFER.NXE is off (the CPU has no NX bit); W^X needs it");
}

/* Setting PGE also flushes the whole TLB once more (SDM 4.10.4.1). */
void cpu_enable_global_pages(void)
{
	write_cr4(read_cr4() | CR4_PGE);
}
