/*
 * arch/x86_64/tss.h - the 64-bit Task State Segment (Intel SDM vol. 3, 8.7).
 *
 * In long mode the TSS holds no task state at all: only the stacks the CPU switches to
 * (RSP0 for interrupts from ring 3, IST1..7 for chosen vectors).
 */
#ifndef ARCH_X86_64_TSS_H
#define ARCH_X86_64_TSS_H

#include "kernel/compiler.h"
#include "kernel/types.h"

struct tss {
	u32 reserved0;
	u64 rsp[3]; /* stack for a switch to ring 0, 1, 2 */
	u64 reserved1;
	u64 ist[7]; /* Interrupt Stack Table, IST1..IST7 */
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base; /* past the limit: no I/O permission bitmap */
} __packed;

#endif
