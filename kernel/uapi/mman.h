/*
 * kernel/uapi/mman.h - mmap()'s protections and flags, shared by the kernel and user
 * programs.
 *
 * Linux's values (its include/uapi/asm-generic/mman-common.h), so that the user programs
 * also run on a Linux host. Only #defines, for mm/mmap_syscalls.c; user programs take
 * the same values from their C library's <sys/mman.h>.
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

/* madvise's advice (Linux's asm-generic/mman-common.h) */
#define MADV_NORMAL 0
#define MADV_RANDOM 1
#define MADV_SEQUENTIAL 2
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4
#define MADV_FREE 8
#define MADV_REMOVE 9
#define MADV_DONTFORK 10
#define MADV_DOFORK 11
#define MADV_MERGEABLE 12
#define MADV_UNMERGEABLE 13
#define MADV_HUGEPAGE 14
#define MADV_NOHUGEPAGE 15
#define MADV_DONTDUMP 16
#define MADV_DODUMP 17
#define MADV_WIPEONFORK 18
#define MADV_KEEPONFORK 19
#define MADV_COLD 20
#define MADV_PAGEOUT 21

#endif
