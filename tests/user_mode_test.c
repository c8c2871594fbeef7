/*
 * tests/user_mode_test.c - ring 3 without any loader: hand-assembled programs.
 *
 * A kernel thread builds an address space holding a few bytes of machine code and
 * execs into it (tests/user_mode_util.c), exactly as execve ends. The code makes
 * syscalls and exits; the test reads the exit status. This checks the SYSCALL
 * entry, SYSRET/IRET return, the syscall table and the fault-kills-the-process path,
 * independently of the ELF loader and the user runtime.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/syscall.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/uaccess.h"
#include "arch/x86_64/x86.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "mm/mm_struct.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "sched/process.h"
#include "tests/ktest.h"
#include "tests/sched_test_util.h"
#include "tests/user_mode_util.h"

/* mov $39,%eax; syscall (getpid); mov %eax,%edi; mov $60,%eax; syscall (exit) */
static const u8 exit_with_pid[] = {0xb8, 39,   0,  0, 0, 0x0f, 0x05, 0x89,
				   0xc7, 0xb8, 60, 0, 0, 0,    0x0f, 0x05};

/* Run exit_with_pid; its wait status, and in *pid the pid the kernel gave it. */
static int run_exit_with_pid(pid_t *pid)
{
	struct task_struct *task = user_code_start(exit_with_pid, sizeof(exit_with_pid));

	if (!task)
		return -ENOMEM;
	*pid = task->pid;
	return task_wait_exit(task);
}

KTEST(user_mode, syscall_getpid_and_exit)
{
	pid_t pid = 0;
	int status = run_exit_with_pid(&pid);

	/* The status holds the low byte of the pid the program got from getpid(). */
	KEXPECT_GT(t, pid, 0);
	KEXPECT_EQ(t, status, W_EXITCODE(pid & 0xff));
}

/* mov $999,%eax; syscall; mov %eax,%edi; neg %edi; mov $60,%eax; syscall */
static const u8 exit_with_enosys[] = {0xb8, 0xe7, 0x03, 0,  0, 0x0f, 0x05, 0x89, 0xc7,
				      0xf7, 0xdf, 0xb8, 60, 0, 0,    0,	   0x0f, 0x05};

KTEST(user_mode, unknown_syscall_returns_enosys)
{
	KEXPECT_EQ(t, run_user_code(exit_with_enosys, sizeof(exit_with_enosys)),
		   W_EXITCODE(ENOSYS));
}

/* ud2 */
static const u8 invalid_opcode[] = {0x0f, 0x0b};

KTEST(user_mode, invalid_opcode_kills_with_sigill)
{
	KEXPECT_EQ(t, run_user_code(invalid_opcode, sizeof(invalid_opcode)), W_SIGNALED(SIGILL));
}

/* hlt: privileged in ring 3, #GP */
static const u8 privileged[] = {0xf4};

KTEST(user_mode, privileged_instruction_kills_with_sigsegv)
{
	KEXPECT_EQ(t, run_user_code(privileged, sizeof(privileged)), W_SIGNALED(SIGSEGV));
}

KTEST(user_mode, kernel_survives_and_frees_everything)
{
	unsigned long free_before, structs_before;

	settle_lazy_mm();
	kmem_cache_shrink_all();
	free_before = nr_free_pages();
	structs_before = mm_structs_in_use();
	for (int i = 0; i < 20; i++) {
		pid_t pid = 0;

		KEXPECT_EQ(t, run_user_code(invalid_opcode, sizeof(invalid_opcode)),
			   W_SIGNALED(SIGILL));
		KEXPECT_EQ(t, run_exit_with_pid(&pid), W_EXITCODE(pid & 0xff));
	}
	settle_lazy_mm();
	kmem_cache_shrink_all();
	KEXPECT_EQ(t, mm_structs_in_use(), structs_before);
	KEXPECT_EQ(t, nr_free_pages(), free_before);
}

/*
 * UMIP: the instructions that read descriptor-table registers and the machine status
 * word (kernel addresses, for sgdt and sidt) fault in ring 3: SIGSEGV. Each is
 * followed by exit(0), what a CPU without UMIP would reach.
 */
#define EXIT_0                                                                                     \
	0xb8, 60, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05 /* mov $60,%eax; xor %edi,%edi; syscall          \
						   */
static const u8 umip_sgdt[] = {0x0f, 0x01, 0x44, 0x24, 0xf0, EXIT_0}; /* sgdt -16(%rsp) */
static const u8 umip_sidt[] = {0x0f, 0x01, 0x4c, 0x24, 0xf0, EXIT_0}; /* sidt -16(%rsp) */
static const u8 umip_sldt[] = {0x0f, 0x00, 0xc0, EXIT_0};	      /* sldt %eax */
static const u8 umip_smsw[] = {0x0f, 0x01, 0xe0, EXIT_0};	      /* smsw %eax */
static const u8 umip_str[] = {0x0f, 0x00, 0xc8, EXIT_0};	      /* str %eax */

KTEST(user_mode, umip_instructions_kill_with_sigsegv)
{
	static const struct {
		const char *name;
		const u8 *code;
		size_t len;
	} progs[] = {
	    {"sgdt", umip_sgdt, sizeof(umip_sgdt)}, {"sidt", umip_sidt, sizeof(umip_sidt)},
	    {"sldt", umip_sldt, sizeof(umip_sldt)}, {"smsw", umip_smsw, sizeof(umip_smsw)},
	    {"str", umip_str, sizeof(umip_str)},
	};

	if (!umip_enabled)
		KTEST_SKIP("the CPU has no UMIP");
	for (size_t i = 0; i < ARRAY_SIZE(progs); i++) {
		int status = run_user_code(progs[i].code, progs[i].len);

		if (status != W_SIGNALED(SIGSEGV))
			KEXPECT_FAIL(t, "%s in ring 3: wait status 0x%x, want SIGSEGV",
				     progs[i].name, status);
	}
}

/* Exceptions get Linux's signals: #DB SIGTRAP, #MF and #XM SIGFPE. */
KTEST(user_mode, exception_signals_are_linux_s)
{
	static const struct {
		unsigned int vector;
		int sig;
	} want[] = {
	    {X86_TRAP_DE, SIGFPE}, {X86_TRAP_DB, SIGTRAP}, {X86_TRAP_BP, SIGTRAP},
	    {X86_TRAP_UD, SIGILL}, {X86_TRAP_GP, SIGSEGV}, {X86_TRAP_MF, SIGFPE},
	    {X86_TRAP_XF, SIGFPE}, {X86_TRAP_SS, SIGSEGV},
	};
	const char *what;

	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		int sig = user_exception_signal(want[i].vector, &what);

		if (sig != want[i].sig)
			KEXPECT_FAIL(t, "vector %u (%s): signal %d, want %d", want[i].vector, what,
				     sig, want[i].sig);
	}
}

USER_PROG(single_step);
USER_PROG(single_step_over_syscall);
USER_PROG(simd_divide_by_zero);
USER_PROG(x87_divide_by_zero);

KTEST(user_mode, single_step_kills_with_sigtrap)
{
	KEXPECT_EQ(t, run_user_prog(single_step), W_SIGNALED(SIGTRAP));
	KEXPECT_EQ(t, run_user_prog(single_step_over_syscall), W_SIGNALED(SIGTRAP));
}

KTEST(user_mode, simd_exception_kills_with_sigfpe)
{
	int status = run_user_prog(simd_divide_by_zero);

	if (status == W_EXITCODE(1))
		KTEST_SKIP(
		    "the CPU set MXCSR.ZE but raised no #XM (QEMU TCG has no SSE exceptions)");
	KEXPECT_EQ(t, status, W_SIGNALED(SIGFPE));
}

KTEST(user_mode, x87_exception_kills_with_sigfpe)
{
	KASSERT_TRUE(t, read_cr0() & CR0_NE); /* else the error would go to an external pin */
	KEXPECT_EQ(t, run_user_prog(x87_divide_by_zero), W_SIGNALED(SIGFPE));
}

/* movq $0, 0 : a NULL write */
static const u8 null_write[] = {0x48, 0xc7, 0x04, 0x25, 0, 0, 0, 0, 0, 0, 0, 0};

KTEST(user_mode, null_write_kills_with_sigsegv)
{
	KEXPECT_EQ(t, run_user_code(null_write, sizeof(null_write)), W_SIGNALED(SIGSEGV));
}

/* push/pop through the demand-zero stack page, then exit(value popped + 1):
 * push $41; pop %rdi; inc %edi; mov $60,%eax; syscall */
static const u8 stack_demand_page[] = {0x6a, 41, 0x5f, 0xff, 0xc7, 0xb8, 60, 0, 0, 0, 0x0f, 0x05};

KTEST(user_mode, stack_page_arrives_on_demand)
{
	KEXPECT_EQ(t, run_user_code(stack_demand_page, sizeof(stack_demand_page)), W_EXITCODE(42));
}

/* movabs $0xffffffff80100000,%rax; jmp *%rax : into the kernel half */
static const u8 jump_to_kernel[] = {0x48, 0xb8, 0x00, 0x00, 0x10, 0x80,
				    0xff, 0xff, 0xff, 0xff, 0xff, 0xe0};

KTEST(user_mode, jump_into_kernel_kills_with_sigsegv)
{
	KEXPECT_EQ(t, run_user_code(jump_to_kernel, sizeof(jump_to_kernel)), W_SIGNALED(SIGSEGV));
}

/*
 * clone(CLONE_VM) makes a thread: a second real user of the same mm (mm_users 2), and
 * switches between the two write no CR3. Parent: yield, wait4(-1), exit(0); child:
 * yield, exit(7). The child's stack is the upper half of the one stack page.
 */
static const u8 clone_thread[] = {
    0xb8, 56,	0,    0,    0,				  /* mov $56,%eax (clone) */
    0xbf, 0x00, 0x01, 0,    0,				  /* mov $CLONE_VM,%edi */
    0xbe, 0x00, 0xf8, 0x7f, 0x00,			  /* mov $0x7ff800,%esi (child stack) */
    0x0f, 0x05,						  /* syscall */
    0x85, 0xc0,						  /* test %eax,%eax */
    0x74, 37,						  /* je child */
    0xb8, 24,	0,    0,    0,	  0x0f, 0x05,		  /* parent: sched_yield */
    0xb8, 61,	0,    0,    0,				  /* mov $61,%eax (wait4) */
    0x48, 0xc7, 0xc7, 0xff, 0xff, 0xff, 0xff,		  /* mov $-1,%rdi */
    0x31, 0xf6, 0x31, 0xd2, 0x4d, 0x31, 0xd2, 0x0f, 0x05, /* NULL, 0, NULL; syscall */
    0xb8, 60,	0,    0,    0,	  0x31, 0xff, 0x0f, 0x05, /* exit(0) */
    0xb8, 24,	0,    0,    0,	  0x0f, 0x05,		  /* child: sched_yield */
    0xb8, 60,	0,    0,    0,	  0xbf, 7,    0,    0,	  0, 0x0f, 0x05, /* exit(7) */
};

KTEST(user_mode, clone_vm_thread_shares_the_mm)
{
	unsigned int counts[SWITCH_NR_CASES] = {0};
	int shared_switches = 0;

	switch_trace_start();
	KEXPECT_EQ(t, run_user_code(clone_thread, sizeof(clone_thread)), W_EXITCODE(0));
	switch_trace_stop();
	KEXPECT_EQ(t, switch_trace_violations(counts), 0);
	for (unsigned int i = 0; i < switch_trace_nr_records(); i++) {
		const struct switch_record *r = switch_trace_record(i);

		if (switch_case_of(r) != SWITCH_REAL_TO_REAL_SAME_MM)
			continue;
		shared_switches++;
		KEXPECT_EQ(t, r->next_mm_users, 2); /* parent and thread: two real users */
		KEXPECT_EQ(t, r->cr3_writes_delta, 0);
	}
	KEXPECT_GT(t, shared_switches, 0);
}

/* The SYSRET pitfall: a non-canonical or kernel RIP must leave through IRET. */

KTEST(user_mode, sysret_refused_for_unsafe_frames)
{
	struct trap_frame tf = {
	    .cs = USER_CS, .ss = USER_DS, .rip = HANDMADE_CODE_VA, .rflags = X86_EFLAGS_IF};

	KEXPECT_TRUE(t, syscall_can_sysret(&tf));
	tf.rip = 0x0000800000000000ull; /* first non-canonical address */
	KEXPECT_FALSE(t, syscall_can_sysret(&tf));
	tf.rip = TASK_SIZE_MAX; /* the last page below the hole: also refused */
	KEXPECT_FALSE(t, syscall_can_sysret(&tf));
	tf.rip = 0xffffffff80100000ull; /* kernel text */
	KEXPECT_FALSE(t, syscall_can_sysret(&tf));
	tf.rip = HANDMADE_CODE_VA;
	tf.rflags |= X86_EFLAGS_TF; /* single-stepping: IRET restores TF exactly */
	KEXPECT_FALSE(t, syscall_can_sysret(&tf));
}
