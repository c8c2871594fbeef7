/*
 * user/utest_faults.c - a process that does something fatal is killed with the signal
 * Linux would send, and everyone else carries on.
 *
 * Each test runs the fatal deed in a forked child (utest_run_child) and checks the wait
 * status: SIGSEGV (11) for bad memory accesses, NX and W^X violations and privileged
 * instructions (#GP in ring 3, which Linux reports as SIGSEGV), SIGILL (4) for an
 * invalid opcode, SIGFPE (8) for a division by zero, SIGTRAP (5) for int3. A child that
 * survives its deed exits with SURVIVED, which the failure message shows.
 */
#include "user/lib/utest.h"

UTEST_SUITE(utest_faults);

#define SURVIVED 99
#define KERNEL_IMAGE 0xffffffff80100000ul
#define KERNEL_DIRECT_MAP 0xffff888000000000ul
#define NON_CANONICAL 0x0000800000000000ul
#define X86_RET 0xc3		  /* the one-byte `ret` instruction */
#define QEMU_DEBUG_EXIT_PORT 0xf4 /* isa-debug-exit: ends QEMU if a write got through */

static const int read_only_data = 1;

typedef void (*code_fn)(void);

static int write_null(void *arg)
{
	(void)arg;
	/* cppcheck-suppress nullPointer ; the fault is the point */
	*(volatile int *)0 = 1;
	return SURVIVED;
}

static int write_text(void *arg)
{
	(void)arg;
	*(volatile unsigned char *)(unsigned long)write_text = X86_RET;
	return SURVIVED;
}

static int write_rodata(void *arg)
{
	(void)arg;
	*(volatile int *)&read_only_data = 2;
	return SURVIVED;
}

static int read_address(void *arg)
{
	return *(volatile unsigned char *)arg == 0x5a ? SURVIVED : SURVIVED + 1;
}

static int jump_to(void *arg)
{
	((code_fn)arg)();
	return SURVIVED;
}

/* Put a `ret` at code and call it: a fault if the memory is not executable. */
static int execute_at(volatile unsigned char *code)
{
	*code = X86_RET;
	((code_fn)(unsigned long)code)();
	return SURVIVED;
}

static int execute_stack(void *arg)
{
	volatile unsigned char code[16];

	(void)arg;
	return execute_at(code);
}

static int execute_heap(void *arg)
{
	volatile unsigned char *code = sys_sbrk(PAGE_SIZE);

	(void)arg;
	if ((code) == MAP_FAILED)
		return SURVIVED + 1;
	return execute_at(code);
}

static int execute_mmap(void *arg)
{
	volatile unsigned char *code =
	    mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	if ((code) == MAP_FAILED)
		return SURVIVED + 1;
	return execute_at(code);
}

static int execute_data(void *arg)
{
	static volatile unsigned char code[16];

	(void)arg;
	return execute_at(code);
}

static int privileged_hlt(void *arg)
{
	(void)arg;
	__asm__ __volatile__("hlt");
	return SURVIVED;
}

static int privileged_cli(void *arg)
{
	(void)arg;
	__asm__ __volatile__("cli");
	return SURVIVED;
}

static int privileged_write_cr3(void *arg)
{
	(void)arg;
	__asm__ __volatile__("movq %%rax, %%cr3" : : "a"(0ul));
	return SURVIVED;
}

static int privileged_outb(void *arg)
{
	(void)arg;
	__asm__ __volatile__("outb %%al, %[port]" : : "a"(0x11), [port] "i"(QEMU_DEBUG_EXIT_PORT));
	return SURVIVED;
}

static int invalid_opcode(void *arg)
{
	(void)arg;
	__asm__ __volatile__("ud2");
	return SURVIVED;
}

static int divide_by_zero(void *arg)
{
	/* Both volatile: 1 / x alone GCC computes without a division. */
	volatile int dividend = 1, zero = 0;

	(void)arg;
	/* cppcheck-suppress zerodiv ; the fault is the point */
	return dividend / zero + SURVIVED;
}

static int breakpoint(void *arg)
{
	(void)arg;
	__asm__ __volatile__("int3");
	return SURVIVED;
}

/* A depth recursion never reaches; volatile, so the compiler cannot tell it is endless. */
static volatile int never_reached_depth = -1;

static int recurse(int depth)
{
	volatile char frame[1024];

	if (depth == never_reached_depth)
		return 0;
	frame[0] = (char)depth;
	return recurse(depth + 1) + frame[0]; /* not a tail call: the frames pile up */
}

static int overflow_stack(void *arg)
{
	(void)arg;
	return recurse(0) ? SURVIVED : SURVIVED + 1;
}

static int fault_with_bad_rsp(void *arg)
{
	(void)arg;
	/* With no usable stack the kernel cannot write anything on it, yet must kill us
	 * cleanly (Linux needs no user stack for a default-action signal). */
	__asm__ __volatile__("xorl %%esp, %%esp\n\t"
			     "ud2" ::
				 : "memory");
	return SURVIVED;
}

static int syscall_with_bad_rsp(void *arg)
{
	/* The kernel must never touch the user stack on syscall entry: exit(0) from a task
	 * whose rsp points into the kernel still works. */
	(void)arg;
	__asm__ __volatile__(
	    "movq %[kernel], %%rsp\n\t"
	    "movl %[getpid], %%eax\n\t"
	    "syscall\n\t"
	    "xorl %%edi, %%edi\n\t"
	    "movl %[exit], %%eax\n\t"
	    "syscall\n\t"
	    "ud2"
	    :
	    : [kernel] "i"(KERNEL_DIRECT_MAP), [getpid] "i"(__NR_getpid), [exit] "i"(__NR_exit)
	    : "memory");
	return SURVIVED;
}

UTEST(null_write_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(write_null, NULL), SIGSEGV);
}

UTEST(write_to_text_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(write_text, NULL), SIGSEGV);
}

UTEST(write_to_rodata_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(write_rodata, NULL), SIGSEGV);
}

UTEST(null_read_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(read_address, NULL), SIGSEGV);
}

UTEST(kernel_read_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(read_address, (void *)KERNEL_IMAGE), SIGSEGV);
	UEXPECT_SIGNALED(utest_run_child(read_address, (void *)KERNEL_DIRECT_MAP), SIGSEGV);
	UEXPECT_SIGNALED(utest_run_child(read_address, (void *)NON_CANONICAL), SIGSEGV);
}

UTEST(jump_into_kernel_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(jump_to, (void *)KERNEL_IMAGE), SIGSEGV);
	UEXPECT_SIGNALED(utest_run_child(jump_to, (void *)KERNEL_DIRECT_MAP), SIGSEGV);
}

UTEST(jump_to_non_canonical_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(jump_to, (void *)NON_CANONICAL), SIGSEGV);
}

UTEST(jump_to_null_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(jump_to, NULL), SIGSEGV);
}

UTEST(execute_stack_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(execute_stack, NULL), SIGSEGV);
}

UTEST(execute_heap_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(execute_heap, NULL), SIGSEGV);
}

UTEST(execute_mmap_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(execute_mmap, NULL), SIGSEGV);
}

UTEST(execute_data_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(execute_data, NULL), SIGSEGV);
}

UTEST(hlt_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(privileged_hlt, NULL), SIGSEGV);
}

UTEST(cli_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(privileged_cli, NULL), SIGSEGV);
}

UTEST(write_cr3_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(privileged_write_cr3, NULL), SIGSEGV);
}

UTEST(port_output_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(privileged_outb, NULL), SIGSEGV);
}

UTEST(ud2_is_sigill)
{
	UEXPECT_SIGNALED(utest_run_child(invalid_opcode, NULL), SIGILL);
}

UTEST(divide_by_zero_is_sigfpe)
{
	UEXPECT_SIGNALED(utest_run_child(divide_by_zero, NULL), SIGFPE);
}

UTEST(int3_is_sigtrap)
{
	UEXPECT_SIGNALED(utest_run_child(breakpoint, NULL), SIGTRAP);
}

UTEST(stack_overflow_is_sigsegv)
{
	UEXPECT_SIGNALED(utest_run_child(overflow_stack, NULL), SIGSEGV);
}

UTEST(fault_with_bad_stack_pointer_is_killed)
{
	UEXPECT_SIGNALED(utest_run_child(fault_with_bad_rsp, NULL), SIGILL);
}

UTEST(syscall_with_bad_stack_pointer_works)
{
	UEXPECT_EXITED(utest_run_child(syscall_with_bad_rsp, NULL), 0);
}

UTEST(parent_survives_many_faulting_children)
{
	for (int i = 0; i < 20; i++)
		UASSERT_EQ(WTERMSIG(utest_run_child(write_null, NULL)), SIGSEGV);
	UEXPECT_GT(getpid(), 0);
}
