/*
 * user/lib/errno.h - error numbers, with Linux's values (as kernel/errno.h has them).
 *
 * There is no errno variable: every wrapper in user/lib/syscall.h returns what the
 * kernel returned, a negative error number on failure (-ENOENT), as raw Linux syscalls do.
 */
#ifndef USER_LIB_ERRNO_H
#define USER_LIB_ERRNO_H

#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define ENOEXEC 8
#define EBADF 9
#define ECHILD 10
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define ENAMETOOLONG 36
#define ENOSYS 38
#define EOVERFLOW 75

/* The highest error number a syscall returns: -MAX_ERRNO..-1 are errors, as in Linux. */
#define MAX_ERRNO 4095

/* Is x (a syscall's return value, an address from mmap) an error, -errno? */
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)

#endif
