/*
 * arch/x86_64/trap.h - the trap frame every interrupt and exception builds, and the
 * interfaces of the trap code (arch/x86_64/entry.S, traps.c, idt.c).
 *
 * The frame is laid out by entry.S: the general registers it pushes (r15 lowest), then
 * the vector and error code, then what the CPU pushed (rip, cs, rflags, rsp, ss).
 */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H

#include "arch/x86_64/x86.h"
#include "kernel/atomic.h"
#include "kernel/compiler.h"
#include "kernel/types.h"

struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector;		      /* pushed by the per-vector stub */
	u64 error_code;		      /* pushed by the CPU, or a 0 pushed by the stub */
	u64 rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Exception vectors (Intel SDM vol. 3, table 6-1). */
enum {
	X86_TRAP_DE = 0, /* divide error */
	X86_TRAP_DB = 1, /* debug */
	X86_TRAP_NMI = 2,
	X86_TRAP_BP = 3, /* breakpoint (int3) */
	X86_TRAP_OF = 4,
	X86_TRAP_BR = 5,
	X86_TRAP_UD = 6, /* invalid opcode */
	X86_TRAP_NM = 7,
	X86_TRAP_DF = 8, /* double fault */
	X86_TRAP_OLD_MF = 9,
	X86_TRAP_TS = 10,
	X86_TRAP_NP = 11,
	X86_TRAP_SS = 12,
	X86_TRAP_GP = 13, /* general protection */
	X86_TRAP_PF = 14, /* page fault */
	X86_TRAP_SPURIOUS = 15,
	X86_TRAP_MF = 16,
	X86_TRAP_AC = 17,
	X86_TRAP_MC = 18, /* machine check */
	X86_TRAP_XF = 19,
	X86_TRAP_VE = 20,
	X86_TRAP_CP = 21,
	X86_NR_EXCEPTIONS = 32,
	X86_NR_VECTORS = 256,
};

/* Page-fault error code bits (Intel SDM vol. 3, 4.7). */
#define X86_PF_PROT (1 << 0) /* 0: page not present, 1: protection violation */
#define X86_PF_WRITE (1 << 1)
#define X86_PF_USER (1 << 2)
#define X86_PF_RSVD (1 << 3)
#define X86_PF_INSTR (1 << 4)

/*
 * A handler returns true when it dealt with the trap and execution may resume at
 * tf->rip; false lets the default path (exception table, then die()) take over.
 */
typedef bool (*trap_handler_t)(struct trap_frame *tf);

/* What lgdt/lidt load and sgdt/sidt store: a table's limit (size - 1) and base. */
struct descriptor_pointer {
	u16 limit;
	u64 base;
} __packed;

/* A 64-bit IDT gate (Intel SDM vol. 3, 6.14.1), as idt.c builds them. */
struct idt_gate {
	u16 offset_low;	 /* handler address, bits 15..0 */
	u16 selector;	 /* code segment of the handler */
	u8 ist;		 /* IST stack (1..7), or 0 for the current one */
	u8 type_attr;	 /* present, DPL, gate type */
	u16 offset_mid;	 /* bits 31..16 */
	u32 offset_high; /* bits 63..32 */
	u32 reserved;
} __packed;

#define IDT_PRESENT 0x80
#define IDT_DPL3 0x60
#define IDT_DPL(type_attr) (((type_attr) >> 5) & 3)
#define IDT_TYPE(type_attr) ((type_attr)&0xf)
#define IDT_TYPE_INTERRUPT_GATE 0x0e /* IF cleared on entry */

/* The entry stubs of entry.S, one per vector: what every gate points at. */
extern const u64 trap_stubs[X86_NR_VECTORS];

struct cpu_state;
void gdt_init(void);
/* Build and load cs's own GDT, TSS and IST stacks (every CPU; gdt_init for the boot CPU). */
void gdt_init_cpu(struct cpu_state *cs);
void idt_init(void);
/* Load the IDT idt_init built (the application processors). */
void idt_load(void);
void pic_remap_and_mask(void);
void set_trap_handler(unsigned int vector, trap_handler_t handler);
trap_handler_t get_trap_handler(unsigned int vector);
void set_kernel_stack(u64 rsp0);
/* Is addr inside one of this CPU's IST stacks (gdt.c)? */
bool addr_on_ist_stack(u64 addr);

/*
 * The IST stack a vector runs on (1..7), or 0 for the current kernel stack. #DF, NMI
 * and #MC get their own (gdt.c), so they work even when the kernel stack is not usable,
 * and entry.S takes its paranoid path for them.
 */
static inline unsigned int trap_ist(unsigned int vector)
{
	switch (vector) {
	case X86_TRAP_DF:
		return IST_DOUBLE_FAULT;
	case X86_TRAP_NMI:
		return IST_NMI;
	case X86_TRAP_MC:
		return IST_MACHINE_CHECK;
	default:
		return 0;
	}
}

static inline bool trap_uses_ist(unsigned int vector)
{
	return trap_ist(vector) != 0;
}

/* NMIs no handler claimed: counted and ignored (traps.c). */
extern atomic_t nmi_unknown_count;

const char *trap_name(unsigned int vector);
static inline bool trap_from_user(const struct trap_frame *tf)
{
	return (tf->cs & 3) != 0;
}

/* The signal an exception in user mode kills with (Linux's choice: #DE SIGFPE, #DB and
 * #BP SIGTRAP, #UD SIGILL, #MF and #XM SIGFPE, the rest SIGSEGV), and its description. */
int user_exception_signal(unsigned int vector, const char **what);
/* Print a fatal trap (name, error code, CR2/CR3, registers, backtrace) and panic. */
void die(struct trap_frame *tf, const char *why) __attribute__((noreturn));
/* Print every register of a frame, Linux-style. */
void show_regs(const struct trap_frame *tf);
/* Decode a page-fault error code into buf ("not-present write kernel-mode ..."). */
void decode_pf_error(u64 error_code, char *buf, size_t size);

#endif
