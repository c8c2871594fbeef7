/*
 * user/utest_efault.c - every kind of bad user pointer a syscall can be handed must come
 * back as -EFAULT (14), never crash the kernel or the caller.
 *
 * The classes: NULL; an unmapped user address; kernel addresses (the direct map at
 * 0xffff888000000000, the kernel image at 0xffffffff80100000); a non-canonical address;
 * and ranges that run past the top of user space or wrap around the address space.
 * Each goes to write(1, p, n) (the kernel reads user memory), to nanosleep and wait4
 * (it reads and writes it), and to execve as the path, argv, and an argv element.
 * On Linux, run with stdout not /dev/null: /dev/null's write never reads the buffer.
 */
#include <stddef.h>
#include <sys/resource.h>

#include "user/lib/utest.h"

UTEST_SUITE(utest_efault);

#define UNMAPPED_USER 0x0000100000000000ul /* 16 TiB: nothing is mapped there */
#define LOW_UNMAPPED 0x1000ul		   /* below the 64 KiB nothing is ever mapped at */
#define KERNEL_DIRECT_MAP 0xffff888000000000ul
#define KERNEL_IMAGE 0xffffffff80100000ul
#define NON_CANONICAL 0x0000800000000000ul /* the first address past user space */
#define USER_TOP_PAGE 0x00007ffffffff000ul /* the last user page, TASK_SIZE_MAX */
#define TOP_PAGE 0xfffffffffffff000ul	   /* the last page of the address space */
#define LEN 16

struct bad_range {
	unsigned long p;
	unsigned long n;
	const char *what;
};

/* Every range must fail as a whole: none of it is readable user memory. */
static const struct bad_range bad_ranges[] = {
    {0, LEN, "NULL"},
    {LOW_UNMAPPED, LEN, "a low unmapped address"},
    {UNMAPPED_USER, LEN, "an unmapped user address"},
    {KERNEL_DIRECT_MAP, LEN, "the kernel's direct map"},
    {KERNEL_IMAGE, LEN, "the kernel image"},
    {NON_CANONICAL, LEN, "a non-canonical address"},
    {USER_TOP_PAGE, 2 * PAGE_SIZE, "a range past the top of user space"},
    {TOP_PAGE, 2 * PAGE_SIZE, "a range wrapping around the address space"},
    {USER_TOP_PAGE - PAGE_SIZE, ~0ul - PAGE_SIZE, "a range of almost 2^64 bytes"},
};

#define NR_BAD_RANGES (sizeof(bad_ranges) / sizeof(bad_ranges[0]))

/* The same classes as single pointers (a string, a struct, an array). */
static const unsigned long bad_pointers[] = {
    0, LOW_UNMAPPED, UNMAPPED_USER, KERNEL_DIRECT_MAP, KERNEL_IMAGE, NON_CANONICAL, TOP_PAGE,
};

#define NR_BAD_POINTERS (sizeof(bad_pointers) / sizeof(bad_pointers[0]))
#define LINUX_RUSAGE_SIZE 144 /* 2 timevals and 14 longs */

static void expect_write_efault(int fd)
{
	for (unsigned int i = 0; i < NR_BAD_RANGES; i++) {
		ssize_t ret;

		errno = 0;
		ret = write(fd, (const void *)bad_ranges[i].p, bad_ranges[i].n);
		if (ret != -1 || errno != EFAULT)
			UEXPECT_FAIL("write(%d, %p, %lu) (%s) returned %ld (errno %d), not EFAULT",
				     fd, (void *)bad_ranges[i].p, bad_ranges[i].n,
				     bad_ranges[i].what, ret, errno);
	}
}

UTEST(write_stdout_bad_buffer_is_efault)
{
	expect_write_efault(STDOUT_FILENO);
}

UTEST(write_stderr_bad_buffer_is_efault)
{
	expect_write_efault(STDERR_FILENO);
}

UTEST(write_valid_buffer_running_off_user_space_is_efault)
{
	/* A real buffer, but a length that wraps past the end of the address space. */
	static const char buf[LEN] = "0123456789abcdef";

	UEXPECT_ERRNO(write(STDOUT_FILENO, buf, 0ul - (unsigned long)buf + LEN), EFAULT);
	UEXPECT_ERRNO(write(STDOUT_FILENO, buf, ~0ul), EFAULT);
}

UTEST(caller_survives_efault)
{
	static const char line[] = "    # caller_survives_efault: still writing\n";

	UEXPECT_ERRNO(write(STDOUT_FILENO, (const void *)KERNEL_IMAGE, LEN), EFAULT);
	UEXPECT_EQ(write(STDOUT_FILENO, line, sizeof(line) - 1), (ssize_t)(sizeof(line) - 1));
}

UTEST(nanosleep_bad_timespec_pointer_is_efault)
{
	for (unsigned int i = 0; i < NR_BAD_POINTERS; i++) {
		int ret;

		errno = 0;
		ret = nanosleep((const struct timespec *)bad_pointers[i], NULL);
		if (ret != -1 || errno != EFAULT)
			UEXPECT_FAIL("nanosleep(%p) returned %d (errno %d), not EFAULT",
				     (void *)bad_pointers[i], ret, errno);
	}
}

/*
 * wait4 on a child that has ended, with every bad pointer in turn as its status pointer
 * (or, with `rusage` set, as its rusage pointer): each must be -EFAULT. Linux reaps the
 * child, then fails to store: the child has ended first, so a kernel that checks the
 * pointer up front and one that checks it on the way out both answer -EFAULT.
 */
static void expect_wait4_efault(bool rusage)
{
	for (unsigned int i = 1; i < NR_BAD_POINTERS; i++) { /* NULL is allowed */
		void *bad = (void *)bad_pointers[i];
		pid_t pid = fork();
		int ret;

		if (pid == 0)
			exit(0);
		UASSERT_GT(pid, 0);
		usleep((10) * 1000);
		errno = 0;
		ret = rusage ? wait4(pid, NULL, 0, bad) : wait4(pid, bad, 0, NULL);
		if (ret != -1 || errno != EFAULT)
			UEXPECT_FAIL("wait4(%d, %s %p) returned %d (errno %d), not EFAULT", pid,
				     rusage ? "rusage" : "status", bad, ret, errno);
		waitpid(pid, NULL, 0); /* if it was left unreaped */
	}
}

UTEST(wait4_bad_status_pointer_is_efault)
{
	expect_wait4_efault(false);
}

/* Linux's struct rusage is 144 bytes: every bad pointer, and one whose last byte is
 * past the top of user space, is -EFAULT (sublet used to ignore the pointer). */
UTEST(wait4_bad_rusage_pointer_is_efault)
{
	expect_wait4_efault(true);
}

/* Every field is written: on sublet with zeroes (no accounting), on Linux with counts;
 * none may keep the pattern we filled it with. The kernel's struct is 144 bytes: musl's
 * has room for more after them. */
UTEST(wait4_fills_rusage)
{
	struct rusage ru;
	long *fields = (long *)&ru;
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		exit(5);
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(offsetof(struct rusage, ru_nivcsw) + sizeof(long), (size_t)LINUX_RUSAGE_SIZE);
	memset(&ru, 0xa5, sizeof(ru));
	UEXPECT_EQ(wait4(pid, &status, 0, &ru), pid);
	UEXPECT_EXITED(status, 5);
	for (unsigned long i = 0; i < LINUX_RUSAGE_SIZE / sizeof(long); i++) {
		if (fields[i] == (long)0xa5a5a5a5a5a5a5a5ul)
			UEXPECT_FAIL("rusage field %lu was not written", i);
	}
}

UTEST(execve_bad_path_is_efault)
{
	char *argv[] = {"x", NULL};
	char *envp[] = {NULL};

	for (unsigned int i = 0; i < NR_BAD_POINTERS; i++) {
		int ret;

		errno = 0;
		ret = execve((const char *)bad_pointers[i], argv, envp);
		if (ret != -1 || errno != EFAULT)
			UEXPECT_FAIL("execve(%p) returned %d (errno %d), not EFAULT",
				     (void *)bad_pointers[i], ret, errno);
	}
}

/* In a child (a wrongly successful exec would replace it, not us): exec a real program
 * with argv = arg; exits with the errno. */
static int exec_with_argv(void *arg)
{
	char *envp[] = {NULL};

	exec_program("utest_exec_child", arg, envp);
	return errno;
}

UTEST(execve_bad_argv_is_efault)
{
	for (unsigned int i = 1; i < NR_BAD_POINTERS; i++) /* NULL argv: Linux allows it */
		UEXPECT_EXITED(utest_run_child(exec_with_argv, (void *)bad_pointers[i]), EFAULT);
}

UTEST(execve_bad_argv_element_is_efault)
{
	static char *argv[] = {"utest_exec_child", NULL, NULL};

	for (unsigned int i = 1; i < NR_BAD_POINTERS; i++) { /* NULL ends argv */
		argv[1] = (char *)bad_pointers[i];
		UEXPECT_EXITED(utest_run_child(exec_with_argv, argv), EFAULT);
	}
}
