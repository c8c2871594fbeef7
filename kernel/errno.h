/*
 * kernel/errno.h - error numbers, with Linux's values so that -errno returns from
 * syscalls mean the same thing here as there. The numbers live in kernel/uapi/errno.h,
 * which the user programs include too.
 */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#include "kernel/uapi/errno.h"

#endif
