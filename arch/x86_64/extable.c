/*
 * arch/x86_64/extable.c - searching the exception table and the fault probes.
 *
 * The table (section __ex_table, bounds from linker.ld) is small, so a linear search
 * is plenty; Linux sorts it at boot and bisects because it has thousands of entries.
 */
#include "arch/x86_64/extable.h"
#include "arch/x86_64/trap.h"
#include "kernel/errno.h"

extern const struct exception_table_entry __start___ex_table[];
extern const struct exception_table_entry __stop___ex_table[];

const struct exception_table_entry *search_exception_tables(u64 addr)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table;
	     e++) {
		if (e->insn == addr)
			return e;
	}
	return NULL;
}

bool fixup_exception(struct trap_frame *tf)
{
	const struct exception_table_entry *e = search_exception_tables(tf->rip);

	if (!e)
		return false;
	tf->rip = e->fixup;
	return true;
}

int probe_read_u64(const void *addr, u64 *val)
{
	int err = 0;
	u64 v = 0;

	__asm__ __volatile__("1: movq (%2), %1\n"
			     "2:\n\t"
			     ".pushsection .text.fixup, \"ax\"\n"
			     "3: movl %3, %0\n\t"
			     "jmp 2b\n\t"
			     ".popsection\n\t" _ASM_EXTABLE(1b, 3b)
			     : "+r"(err), "+r"(v)
			     : "r"(addr), "i"(-EFAULT)
			     : "memory");
	*val = v;
	return err;
}

int probe_write_u8(void *addr, u8 val)
{
	int err = 0;

	__asm__ __volatile__("1: movb %b1, (%2)\n"
			     "2:\n\t"
			     ".pushsection .text.fixup, \"ax\"\n"
			     "3: movl %3, %0\n\t"
			     "jmp 2b\n\t"
			     ".popsection\n\t" _ASM_EXTABLE(1b, 3b)
			     : "+r"(err)
			     : "q"(val), "r"(addr), "i"(-EFAULT)
			     : "memory");
	return err;
}

/*
 * probe_exec - call addr. If fetching there faults (NX), the fault's RIP is addr itself,
 * which is in no table; so the #PF handler for instruction fetches consults
 * exec_probe_target below and "returns" from the call on the probe's behalf.
 */
volatile u64 exec_probe_target;
volatile u64 exec_probe_resume;

int probe_exec(const void *addr)
{
	int err = 0;

	exec_probe_target = (u64)addr;
	__asm__ __volatile__("leaq 2f(%%rip), %%rax\n\t"
			     "movq %%rax, exec_probe_resume(%%rip)\n\t"
			     "xorl %%eax, %%eax\n\t"
			     "call *%1\n\t"
			     "jmp 3f\n"
			     "2: movl %2, %0\n" /* landed here from the fault: it faulted */
			     "3:\n\t"
			     : "+r"(err)
			     : "r"(addr), "i"(-EFAULT)
			     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
			       "memory");
	exec_probe_target = 0;
	return err;
}

/* Called by the trap code for a kernel fault at tf->rip == the probed address. */
bool fixup_exec_probe(struct trap_frame *tf)
{
	if (!exec_probe_target || tf->rip != exec_probe_target)
		return false;
	tf->rsp += 8; /* pop the return address the call pushed */
	tf->rip = exec_probe_resume;
	return true;
}
