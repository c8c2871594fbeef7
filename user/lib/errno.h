/*
 * user/lib/errno.h - error numbers: Linux's values, shared with the kernel (kernel/uapi/errno.h).
 *
 * There is no errno variable: every wrapper in user/lib/syscall.h returns what the
 * kernel returned, a negative error number on failure (-ENOENT), as raw Linux syscalls do.
 */
#ifndef USER_LIB_ERRNO_H
#define USER_LIB_ERRNO_H

#include "kernel/uapi/errno.h"

/* The highest error number a syscall returns: -MAX_ERRNO..-1 are errors, as in Linux. */
#define MAX_ERRNO 4095

/* Is x (a syscall's return value, an address from mmap) an error, -errno? */
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)

#endif
