/*
 * kernel/uapi/prctl.h - arch_prctl's codes, Linux x86-64's (its asm/prctl.h).
 *
 * Only #defines, shared by the kernel (arch/x86_64/arch_prctl.c) and its tests.
 */
#ifndef KERNEL_UAPI_PRCTL_H
#define KERNEL_UAPI_PRCTL_H

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

#endif
