/*
 * kernel/uapi/mman.h - mmap()'s protections and flags, shared by the kernel and user
 * programs.
 *
 * Linux's values (its include/uapi/asm-generic/mman-common.h), so that the user programs
 * also run on a Linux host. Only #defines: mm/mmap_syscalls.c decodes them and
 * user/lib/syscall.h hands them to the programs.
 */
#ifndef KERNEL_UAPI_MMAN_H
#define KERNEL_UAPI_MMAN_H

#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4

#define MAP_SHARED 0x01 /* refused: sublet maps anonymous private memory only */
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
/* Linux: do not count the mapping against overcommit. sublet accepts and ignores it: it
 * never counts a mapping, pages are taken on first touch. */
#define MAP_NORESERVE 0x4000

#endif
