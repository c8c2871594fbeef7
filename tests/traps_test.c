/*
 * tests/traps_test.c - the IDT, the trap frame and the exception table.
 *
 * int3 must reach a registered handler with a complete frame and resume after the
 * instruction; faults covered by the exception table must resume at their fixup; an
 * exception nobody handles must panic with its name (death tests).
 */
#include "arch/x86_64/extable.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "kernel/errno.h"
#include "tests/ktest.h"

static int int3_hits;
static struct trap_frame int3_seen;

static bool count_int3(struct trap_frame *tf)
{
	int3_hits++;
	int3_seen = *tf;
	return true;
}

KTEST(traps, int3_caught_and_resumed)
{
	trap_handler_t old = get_trap_handler(X86_TRAP_BP);
	u64 marker = 0x5ab1e7c0ffee;
	u64 after = 0;

	int3_hits = 0;
	set_trap_handler(X86_TRAP_BP, count_int3);
	/* rax carries a marker into the trap; the next instruction proves we resumed. */
	__asm__ __volatile__("int3\n\tmovq $1, %0" : "=r"(after) : "a"(marker) : "memory");
	set_trap_handler(X86_TRAP_BP, old);

	KEXPECT_EQ(t, int3_hits, 1);
	KEXPECT_EQ(t, after, 1);
	KEXPECT_EQ(t, int3_seen.vector, X86_TRAP_BP);
	KEXPECT_EQ(t, int3_seen.rax, marker);
	KEXPECT_EQ(t, int3_seen.cs, KERNEL_CS);
	KEXPECT_EQ(t, int3_seen.error_code, 0);
}

KTEST(traps, every_exception_has_a_name)
{
	for (unsigned int v = 0; v < X86_NR_EXCEPTIONS; v++)
		KEXPECT_NOT_NULL(t, trap_name(v));
	KEXPECT_STREQ(t, trap_name(X86_TRAP_PF), "#PF Page Fault");
	KEXPECT_STREQ(t, trap_name(X86_TRAP_GP), "#GP General Protection");
}

KTEST(traps, page_fault_bits_decoded)
{
	char buf[96];

	decode_pf_error(X86_PF_PROT | X86_PF_WRITE | X86_PF_USER, buf, sizeof(buf));
	KEXPECT_STREQ(t, buf, "protection-violation write user-mode");
	decode_pf_error(X86_PF_INSTR | X86_PF_RSVD, buf, sizeof(buf));
	KEXPECT_STREQ(t, buf, "not-present instruction-fetch kernel-mode reserved-bit");
}

KTEST(traps, extable_fixes_up_general_protection)
{
	u64 val = 1;
	/* A non-canonical address raises #GP, not #PF. */
	int err = probe_read_u64((const void *)0x8000000000000000ull, &val);

	KEXPECT_EQ(t, err, -EFAULT);
	KEXPECT_EQ(t, val, 0);
}

KTEST(traps, extable_fixes_up_page_fault)
{
	u64 val = 1;
	/* Far above anything the direct map covers: not present. */
	int err = probe_read_u64((const void *)(PAGE_OFFSET + (1ull << 45)), &val);

	KEXPECT_EQ(t, err, -EFAULT);
}

KTEST(traps, probe_read_succeeds_on_good_memory)
{
	static const u64 word = 0x0123456789abcdefull;
	u64 val = 0;

	KEXPECT_EQ(t, probe_read_u64(&word, &val), 0);
	KEXPECT_EQ(t, val, word);
}

KTEST(traps, extable_has_no_entry_for_ordinary_code)
{
	KEXPECT_NULL(t, search_exception_tables((u64)trap_name));
}

KTEST_DEATH(traps, unhandled_invalid_opcode, "#UD Invalid Opcode")
{
	__asm__ __volatile__("ud2");
}

/* Nothing is ever mapped here (see docs/memory.md), so the write must not be present. */
#define NEVER_MAPPED 0xffffe00000000000ull

KTEST_DEATH(traps, unhandled_page_fault, "CR2: ffffe00000000000 (not-present write kernel-mode)")
{
	*(volatile u64 *)NEVER_MAPPED = 0;
}
