/*
 * tests/entry_test.c - every way from ring 3 into ring 0 goes where it should.
 *
 * The CPU has four doors into the kernel: SYSCALL from 64-bit mode (MSR_LSTAR), SYSCALL
 * from 32-bit compatibility mode (MSR_CSTAR), SYSENTER (MSR_IA32_SYSENTER_*) and the IDT
 * gates that `int $N` may name. sublet has one real door, LSTAR; CSTAR leads to an entry
 * that only answers -ENOSYS, SYSENTER is shut (SYSENTER_CS = 0) and every gate but the
 * int3 breakpoint refuses ring 3 (DPL 0). These tests read the MSRs and the IDT back,
 * and knock on each door from hand-assembled ring-3 code (tests/user_mode_progs.S).
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "sched/process.h"
#include "tests/ktest.h"
#include "tests/mm_test_util.h"
#include "tests/sched_test_util.h"
#include "tests/user_mode_util.h"

USER_PROG(compat_syscall);
USER_PROG(compat_syscall_kernel_rsp);
USER_PROG(sysenter_64);
USER_PROG(sysenter_compat);
extern const u8 compat_kernel_rsp_slot[];

KTEST(entry, syscall_msrs_point_at_real_entries)
{
	u64 mask = X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_AC | X86_EFLAGS_NT;

	KEXPECT_EQ(t, rdmsr(MSR_LSTAR), (u64)entry_SYSCALL_64);
	KEXPECT_EQ(t, rdmsr(MSR_CSTAR), (u64)entry_SYSCALL_compat_ignore);
	/* SYSCALL: CS = KERNEL_CS; SYSRET: CS = USER32_CS or USER_CS (+16), SS between. */
	KEXPECT_EQ(t, rdmsr(MSR_STAR) >> 32, ((u64)USER32_CS << 16) | KERNEL_CS);
	KEXPECT_EQ(t, rdmsr(MSR_SYSCALL_MASK) & mask, mask);
	KEXPECT_TRUE(t, rdmsr(MSR_EFER) & EFER_SCE);
}

KTEST(entry, sysenter_is_shut)
{
	KEXPECT_EQ(t, rdmsr(MSR_IA32_SYSENTER_CS), 0);
	KEXPECT_EQ(t, rdmsr(MSR_IA32_SYSENTER_ESP), 0);
	KEXPECT_EQ(t, rdmsr(MSR_IA32_SYSENTER_EIP), 0);
}

/* The IDT as the CPU sees it (sidt), not as idt.c meant to build it. */
KTEST(entry, only_int3_gate_is_open_to_ring3)
{
	struct descriptor_pointer idtr;
	const struct idt_gate *idt;
	int bad_dpl = 0;

	__asm__ __volatile__("sidt %0" : "=m"(idtr));
	KASSERT_EQ(t, idtr.limit, X86_NR_VECTORS * sizeof(struct idt_gate) - 1);
	idt = (const struct idt_gate *)idtr.base;
	for (unsigned int v = 0; v < X86_NR_VECTORS; v++) {
		const struct idt_gate *g = &idt[v];
		u64 target = g->offset_low | (u64)g->offset_mid << 16 | (u64)g->offset_high << 32;
		unsigned int want_dpl = v == X86_TRAP_BP ? 3 : 0;

		if (IDT_DPL(g->type_attr) != want_dpl) {
			ktest_log(t, "vector %u: DPL %u", v, IDT_DPL(g->type_attr));
			bad_dpl++;
		}
		KEXPECT_TRUE(t, g->type_attr & IDT_PRESENT);
		KEXPECT_EQ(t, IDT_TYPE(g->type_attr), IDT_TYPE_INTERRUPT_GATE);
		KEXPECT_EQ(t, g->selector, KERNEL_CS);
		KEXPECT_EQ(t, target, trap_stubs[v]);
	}
	KEXPECT_EQ(t, bad_dpl, 0);
}

KTEST(entry, compat_syscall_returns_enosys)
{
	KEXPECT_EQ(t, run_user_prog(compat_syscall), W_EXITCODE(ENOSYS));
}

/* Kernel memory the compat entry must not write, though ring 3 aims its stack at it. */
#define ZONE_WORDS 64
#define ZONE_PATTERN 0x5a5a5a5a5a5a5a5aull
static u64 stack_target_zone[ZONE_WORDS];

KTEST(entry, compat_syscall_with_kernel_stack_writes_nothing)
{
	size_t len = USER_PROG_SIZE(compat_syscall_kernel_rsp);
	size_t slot = compat_kernel_rsp_slot - compat_syscall_kernel_rsp_start;
	u64 kernel_rsp = (u64)&stack_target_zone[ZONE_WORDS / 2];
	u8 code[256];

	KASSERT_LE(t, len, sizeof(code));
	for (int i = 0; i < ZONE_WORDS; i++)
		stack_target_zone[i] = ZONE_PATTERN;
	memcpy(code, compat_syscall_kernel_rsp_start, len);
	memcpy(code + slot, &kernel_rsp, sizeof(kernel_rsp));
	KEXPECT_EQ(t, run_user_code(code, len), W_EXITCODE(ENOSYS));
	for (int i = 0; i < ZONE_WORDS; i++)
		KEXPECT_EQ(t, stack_target_zone[i], ZONE_PATTERN);
}

/*
 * SYSENTER with SYSENTER_CS = 0 raises #GP on Intel CPUs: SIGSEGV. AMD CPUs do not have
 * SYSENTER in long mode at all and raise #UD instead (SIGILL); QEMU calling itself AMD
 * does so from 64-bit mode only. Either way the process must die of it, nothing else.
 */
static bool cpu_is_intel(void)
{
	u32 eax, ebx, ecx, edx;

	cpuid(0, 0, &eax, &ebx, &ecx, &edx);
	return !memcmp(&ebx, "Genu", 4); /* "GenuineIntel" */
}

static void expect_sysenter_killed(struct ktest *t, int status)
{
	if (status == W_SIGNALED(SIGILL) && !cpu_is_intel())
		return; /* #UD: no SYSENTER in long mode on this vendor */
	KEXPECT_EQ(t, status, W_SIGNALED(SIGSEGV));
}

KTEST(entry, sysenter_from_64bit_mode_kills)
{
	expect_sysenter_killed(t, run_user_prog(sysenter_64));
}

KTEST(entry, sysenter_from_compat_mode_kills)
{
	expect_sysenter_killed(t, run_user_prog(sysenter_compat));
}

/* `int $N` for a vector whose gate is DPL 0: #GP, the process gets SIGSEGV. */
static const u8 int_vectors[] = {0x80,	      X86_TRAP_DE, X86_TRAP_DB, X86_TRAP_NMI, X86_TRAP_DF,
				 X86_TRAP_GP, X86_TRAP_PF, 32,		0xff};

KTEST(entry, int_n_to_kernel_gates_kills_with_sigsegv)
{
	for (size_t i = 0; i < sizeof(int_vectors); i++) {
		const u8 code[] = {0xcd, int_vectors[i]}; /* int $N */

		KEXPECT_EQ(t, run_user_code(code, sizeof(code)), W_SIGNALED(SIGSEGV));
	}
}

KTEST(entry, int3_is_the_open_gate)
{
	const u8 code[] = {0xcc}; /* int3 */

	KEXPECT_EQ(t, run_user_code(code, sizeof(code)), W_SIGNALED(SIGTRAP));
}

KTEST(entry, kernel_survives_and_frees_everything)
{
	struct slab_baseline base;

	settle_lazy_mm();
	take_baseline(&base);
	for (int i = 0; i < 5; i++) {
		KEXPECT_EQ(t, run_user_prog(compat_syscall), W_EXITCODE(ENOSYS));
		expect_sysenter_killed(t, run_user_prog(sysenter_compat));
	}
	settle_lazy_mm();
	expect_baseline(t, &base);
}
