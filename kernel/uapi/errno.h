/*
 * kernel/uapi/errno.h - error numbers, shared by the kernel and user programs.
 *
 * Linux's values, so that a -errno returned by a syscall means the same thing here as
 * there. Only #defines (the "uapi" idea of Linux's include/uapi: one definition of the
 * interface; user programs take the same values from their C library's <errno.h>).
 */
#ifndef KERNEL_UAPI_ERRNO_H
#define KERNEL_UAPI_ERRNO_H

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
#define ENODEV 19
#define EINVAL 22
#define ENOTTY 25
#define ENOSPC 28
#define ERANGE 34
#define ENAMETOOLONG 36
#define ENOSYS 38
#define EOVERFLOW 75
#define ETIMEDOUT 110

#endif
