/*
 * arch/x86_64/x86.h - architectural constants, named as the Intel SDM names them.
 *
 * Control-register bits, MSR numbers, CPUID feature bits, segment selectors and the
 * kernel's fixed virtual addresses. Included by C and by assembly (.S files go through
 * the C preprocessor), so only #defines live outside the __ASSEMBLER__ guard.
 */
#ifndef ARCH_X86_64_X86_H
#define ARCH_X86_64_X86_H

/* Virtual layout (see docs/boot.md and docs/memory.md). */
#define KERNEL_VIRT_BASE 0xffffffff80000000 /* maps physical 0 (Linux's __START_KERNEL_map) */
#define KERNEL_PHYS_LOAD 0x100000	    /* the kernel image is loaded at 1 MiB */
#define PAGE_OFFSET 0xffff888000000000	    /* base of the direct map of physical memory */

#define PAGE_SHIFT 12
#define PAGE_SIZE (1 << PAGE_SHIFT)

/* CR0 */
#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_NE (1 << 5)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)

/* CR4 */
#define CR4_PAE (1 << 5)
#define CR4_PGE (1 << 7)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define CR4_UMIP (1 << 11)
#define CR4_FSGSBASE (1 << 16)
#define CR4_PCIDE (1 << 17)
#define CR4_OSXSAVE (1 << 18)
#define CR4_SMEP (1 << 20)
#define CR4_SMAP (1 << 21)

/* EFLAGS */
#define X86_EFLAGS_CF (1 << 0)
#define X86_EFLAGS_TF (1 << 8)
#define X86_EFLAGS_IF (1 << 9)
#define X86_EFLAGS_DF (1 << 10)
#define X86_EFLAGS_NT (1 << 14)
#define X86_EFLAGS_AC (1 << 18)
#define X86_EFLAGS_ID (1 << 21)

/* MSRs */
#define MSR_EFER 0xc0000080
#define EFER_SCE (1 << 0)
#define EFER_LME (1 << 8)
#define EFER_LMA (1 << 10)
#define EFER_NXE (1 << 11)
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083 /* SYSCALL's entry point from 32-bit compatibility mode */
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_IA32_APIC_BASE 0x1b
#define MSR_IA32_SYSENTER_CS 0x174 /* 0: SYSENTER raises #GP */
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176

/* CPUID */
#define CPUID_LEAF_STRUCT_EXT_FEATURES 0x7 /* subleaf 0: structured extended features */
#define CPUID_7_0_EBX_SMEP (1 << 7)
#define CPUID_7_0_EBX_SMAP (1 << 20)
#define CPUID_7_0_ECX_UMIP (1 << 2)
#define CPUID_EXT_LEAF_MAX 0x80000000
#define CPUID_EXT_FEATURES 0x80000001
#define CPUID_EXT_EDX_NX (1 << 20)
#define CPUID_EXT_EDX_PDPE1GB (1 << 26)
#define CPUID_EXT_EDX_LM (1 << 29)

/* Segment selectors: the GDT layout is fixed by what SYSCALL/SYSRET expect (gdt.c). */
#define GDT_ENTRY_KERNEL_CS 1
#define GDT_ENTRY_KERNEL_DS 2
#define GDT_ENTRY_USER32_CS 3
#define GDT_ENTRY_USER_DS 4
#define GDT_ENTRY_USER_CS 5
#define GDT_ENTRY_TSS 6 /* a TSS descriptor takes two slots in long mode */
#define GDT_ENTRIES 8
#define KERNEL_CS (GDT_ENTRY_KERNEL_CS * 8)
#define KERNEL_DS (GDT_ENTRY_KERNEL_DS * 8)
#define USER32_CS (GDT_ENTRY_USER32_CS * 8 + 3) /* compat mode: no syscalls, see syscall.S */
#define USER_DS (GDT_ENTRY_USER_DS * 8 + 3)
#define USER_CS (GDT_ENTRY_USER_CS * 8 + 3)
#define TSS_SELECTOR (GDT_ENTRY_TSS * 8)

/* Interrupt Stack Table slots (1-based, as the IDT gate's IST field). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_STACK_SIZE 16384
#define IST_NR_STACKS 3 /* #DF, NMI, #MC: one stack each, per CPU */
#define IST_STACKS_SIZE (IST_NR_STACKS * IST_STACK_SIZE)

/* isa-debug-exit: QEMU exits with status (value << 1) | 1. */
#define QEMU_EXIT_PORT 0xf4
#define QEMU_EXIT_PASS 0x10
#define QEMU_EXIT_FAIL 0x11
#define QEMU_EXIT_PANIC 0x12

#endif
