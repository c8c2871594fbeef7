/*
 * kernel/uapi/uio.h - readv/writev's struct iovec and limit, Linux's (its linux/uio.h).
 */
#ifndef KERNEL_UAPI_UIO_H
#define KERNEL_UAPI_UIO_H

struct iovec {
	void *iov_base;
	unsigned long iov_len;
};

#define UIO_MAXIOV 1024 /* more segments than this: -EINVAL */

#endif
