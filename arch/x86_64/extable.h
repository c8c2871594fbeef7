/*
 * arch/x86_64/extable.h - the exception table, as Linux's __ex_table.
 *
 * An instruction that is allowed to fault is listed with a fixup address. When it
 * faults in kernel mode, the trap code finds its entry and resumes at the fixup instead
 * of dying. The probes below use it: they report whether an access faulted, which is
 * how the self-tests check W^X and NX and how backtraces read a possibly-bad frame
 * pointer safely. The user-access routines (arch/x86_64/uaccess.c) list their own
 * faulting instructions the same way, which is how copy_from_user returns -EFAULT.
 */
#ifndef ARCH_X86_64_EXTABLE_H
#define ARCH_X86_64_EXTABLE_H

#include "kernel/types.h"

struct exception_table_entry {
	u64 insn;  /* address of the instruction that may fault */
	u64 fixup; /* where to continue if it does */
};

/* Emit an entry from inline assembly: _ASM_EXTABLE(1b, 3b). */
#define _ASM_EXTABLE(from, to)                                                                     \
	".pushsection __ex_table, \"a\"\n\t"                                                       \
	".balign 8\n\t"                                                                            \
	".quad " #from ", " #to "\n\t"                                                             \
	".popsection\n\t"

struct trap_frame;
/* If tf->rip has an entry, move tf->rip to its fixup and return true. */
bool fixup_exception(struct trap_frame *tf);
/* The fixup of probe_exec(), whose fault has no table entry because the faulting RIP is
 * the probed address itself: true (and tf made to return -EFAULT) if tf is that fault. */
bool fixup_exec_probe(struct trap_frame *tf);
const struct exception_table_entry *search_exception_tables(u64 addr);

/*
 * Probes: each returns 0 if the access worked, -EFAULT if it faulted (any exception
 * the table covers: #PF, #GP, #UD...). They never take the kernel down.
 */
int probe_read_u64(const void *addr, u64 *val);
int probe_write_u8(void *addr, u8 val);
/* Call a function at addr (e.g. to check it is not executable); it must just return. */
int probe_exec(const void *addr);

#endif
