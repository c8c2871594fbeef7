/*
 * arch/x86_64/syscall.h - the syscall entry (arch/x86_64/syscall.S) and its set-up.
 */
#ifndef ARCH_X86_64_SYSCALL_H
#define ARCH_X86_64_SYSCALL_H

#include "arch/x86_64/pgtable_types.h"
#include "kernel/compiler.h"

/* The highest user RIP SYSRET may return to: one page below the canonical hole, as
 * Linux's TASK_SIZE_MAX, so even an instruction ending at the top cannot cross it. */
#define TASK_SIZE_MAX 0x00007ffffffff000ull

void syscall_init(void);

#endif
