/*
 * kernel/sys_io.c - the console's file descriptors: read, write, readv, writev, ioctl.
 *
 * sublet has no files yet: fds 0, 1 and 2 are the serial console (kernel/serial.c) and
 * every other fd is -EBADF. 1 and 2 write to it; 0 reads from it, and since the console
 * has no input path yet (the line discipline is a later stage of issue 13) a read finds
 * end of file at once. The three answer the terminal ioctls a C library asks, so musl's
 * stdio sees a terminal (line-buffered stdout). Layouts and errors are Linux's; the
 * user-side tests are in user/utest_musl.c.
 */
#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "kernel/syscall_table.h"
#include "kernel/uapi/termios.h"
#include "kernel/uapi/uio.h"

#define WRITE_CHUNK 256
#define IOV_CHUNK 8 /* iovecs copied in at a time: the array itself may be 16 KiB */
/* Linux's MAX_RW_COUNT: one call moves at most this much, larger totals are cut. */
#define MAX_RW_COUNT (0x7fffffffl & ~(long)(PAGE_SIZE - 1))
#define CONSOLE_FDS 3

static bool console_fd(unsigned long fd)
{
	return fd < CONSOLE_FDS;
}

static bool console_writable(unsigned long fd)
{
	return fd == 1 || fd == 2;
}

/* Write count bytes at user address buf to the console; bytes written or -EFAULT (a
 * fault after some bytes returns their count, as Linux's partial write). */
static long console_write_user(unsigned long buf, unsigned long count)
{
	char chunk[WRITE_CHUNK];
	unsigned long done = 0;

	while (done < count) {
		unsigned long n = count - done < WRITE_CHUNK ? count - done : WRITE_CHUNK;

		if (copy_from_user(chunk, (const void *)(buf + done), n))
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return (long)done;
}

long sys_write(unsigned long fd, unsigned long buf, unsigned long count, unsigned long a3,
	       unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	if (!console_writable(fd))
		return -EBADF;
	if (!access_ok((const void *)buf, count))
		return -EFAULT;
	return console_write_user(buf, count < MAX_RW_COUNT ? count : MAX_RW_COUNT);
}

/* fd 0: end of file, there is no input yet; the buffer is still checked, as Linux does
 * before it reads. 1 and 2 are not open for reading. */
long sys_read(unsigned long fd, unsigned long buf, unsigned long count, unsigned long a3,
	      unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	if (fd != 0)
		return -EBADF;
	return access_ok((const void *)buf, count) ? 0 : -EFAULT;
}

/*
 * Check readv/writev's vector as Linux's import_iovec does, before any byte moves:
 * -EINVAL for a count above UIO_MAXIOV or a segment length that is negative as a
 * ssize_t, -EFAULT for an unreadable array or a segment outside user space. Returns the
 * total to move (cut at MAX_RW_COUNT), or -errno.
 */
static long check_iovec(unsigned long uvec, unsigned long count)
{
	struct iovec iov[IOV_CHUNK];
	long total = 0;

	if (count > UIO_MAXIOV)
		return -EINVAL;
	for (unsigned long i = 0; i < count; i += IOV_CHUNK) {
		unsigned long n = count - i < IOV_CHUNK ? count - i : IOV_CHUNK;

		if (copy_from_user(iov, (const void *)(uvec + i * sizeof(*iov)), n * sizeof(*iov)))
			return -EFAULT;
		for (unsigned long j = 0; j < n; j++) {
			if ((long)iov[j].iov_len < 0)
				return -EINVAL;
			if (!access_ok(iov[j].iov_base, iov[j].iov_len))
				return -EFAULT;
			if (iov[j].iov_len > (unsigned long)(MAX_RW_COUNT - total))
				iov[j].iov_len = (unsigned long)(MAX_RW_COUNT - total);
			total += (long)iov[j].iov_len;
		}
	}
	return total;
}

/* writev's second pass: the segments in order, up to total bytes. Another thread may
 * have changed the array since check_iovec: every copy is still checked, and a fault
 * ends the call with the bytes written so far. */
static long console_writev(unsigned long uvec, unsigned long count, long total)
{
	struct iovec iov;
	long done = 0;

	for (unsigned long i = 0; i < count && done < total; i++) {
		unsigned long len;
		long n;

		if (copy_from_user(&iov, (const void *)(uvec + i * sizeof(iov)), sizeof(iov)))
			break;
		len = iov.iov_len < (unsigned long)(total - done) ? iov.iov_len
								  : (unsigned long)(total - done);
		if (!access_ok(iov.iov_base, len))
			break;
		n = console_write_user((unsigned long)iov.iov_base, len);
		if (n < 0)
			break;
		done += n;
		if ((unsigned long)n < len)
			break;
	}
	return done ? done : (total ? -EFAULT : 0);
}

long sys_writev(unsigned long fd, unsigned long uvec, unsigned long count, unsigned long a3,
		unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	long total;

	if (!console_writable(fd))
		return -EBADF;
	total = check_iovec(uvec, count);
	if (total < 0)
		return total;
	return console_writev(uvec, count, total);
}

/* readv: the vector is checked as writev's; fd 0 then reads end of file (see the top). */
long sys_readv(unsigned long fd, unsigned long uvec, unsigned long count, unsigned long a3,
	       unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	long total;

	if (fd != 0)
		return -EBADF;
	total = check_iovec(uvec, count);
	return total < 0 ? total : 0;
}

/* What TCGETS reports: the serial line's real settings. Output turns \n into \r\n
 * (kernel/serial.c); 8 data bits at 115200 baud; no input processing, since there is
 * no input path yet (no ICANON, no ECHO). */
static void console_termios(struct termios *tio)
{
	memset(tio, 0, sizeof(*tio));
	tio->c_oflag = OPOST | ONLCR;
	tio->c_cflag = B115200 | CS8 | CREAD;
}

long sys_ioctl(unsigned long fd, unsigned long request, unsigned long arg, unsigned long a3,
	       unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	struct termios tio;
	struct winsize ws;

	if (!console_fd(fd))
		return -EBADF;
	switch (request) {
	case TCGETS:
		console_termios(&tio);
		return copy_to_user((void *)arg, &tio, sizeof(tio)) ? -EFAULT : 0;
	case TIOCGWINSZ:
		/* A serial line has no size: Linux reports 0 x 0 for one until told. */
		memset(&ws, 0, sizeof(ws));
		return copy_to_user((void *)arg, &ws, sizeof(ws)) ? -EFAULT : 0;
	default:
		return -ENOTTY; /* as Linux's tty layer for a request it does not know */
	}
}
