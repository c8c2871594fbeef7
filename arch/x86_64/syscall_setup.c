/*
 * arch/x86_64/syscall_setup.c - programming the SYSCALL/SYSRET MSRs.
 *
 * STAR holds the selectors: SYSCALL loads CS = STAR[47:32] and SS = that + 8; SYSRET
 * loads CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8 (both with RPL 3). That is why
 * the GDT (arch/x86_64/gdt.c) has user32 code, user data, user code in that order.
 * LSTAR is the entry point; SYSCALL_MASK lists the RFLAGS bits cleared on entry: IF (we
 * enable interrupts ourselves once on the kernel stack), TF, DF (the C ABI wants it
 * clear), AC (so user code cannot leave SMAP's "user access allowed" bit set) and NT.
 *
 * Every other door into ring 0 is pointed somewhere on purpose, never left at its reset
 * value: CSTAR (SYSCALL from 32-bit compatibility mode) leads to an entry that answers
 * -ENOSYS (syscall.S), and SYSENTER_CS = 0 makes SYSENTER raise #GP, which kills the
 * process (AMD CPUs have no SYSENTER in long mode at all: #UD). The IDT gates refuse
 * ring 3 except int3 (idt.c). tests/entry_test.c checks all of it.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/syscall.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"

void syscall_init(void)
{
	u64 star = ((u64)(GDT_ENTRY_USER32_CS * 8 | 3) << 48) | ((u64)KERNEL_CS << 32);

	wrmsr(MSR_STAR, star);
	wrmsr(MSR_LSTAR, (u64)entry_SYSCALL_64);
	wrmsr(MSR_CSTAR, (u64)entry_SYSCALL_compat_ignore);
	wrmsr(MSR_IA32_SYSENTER_CS, 0);
	wrmsr(MSR_IA32_SYSENTER_ESP, 0);
	wrmsr(MSR_IA32_SYSENTER_EIP, 0);
	wrmsr(MSR_SYSCALL_MASK,
	      X86_EFLAGS_IF | X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_AC | X86_EFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

/* A user RIP SYSRET can return to without faulting in ring 0: canonical, user half. */
static bool user_rip_ok(u64 rip)
{
	return rip < TASK_SIZE_MAX;
}

/* Called by syscall_dispatch for every syscall's return. */
bool syscall_can_sysret(const struct trap_frame *tf)
{
	return tf->cs == USER_CS && tf->ss == USER_DS && user_rip_ok(tf->rip) &&
	       !(tf->rflags & (X86_EFLAGS_TF | X86_EFLAGS_NT));
}
