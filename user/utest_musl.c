/*
 * user/utest_musl.c - what musl needs from the kernel, and musl working on it.
 *
 * The programs are static musl binaries (`musl-gcc -static`). Before main, musl's
 * start-up reads the auxiliary vector, sets the FS base for thread-local storage
 * (arch_prctl), calls set_tid_address; stdio asks TIOCGWINSZ and writes with writev;
 * malloc takes its bookkeeping from brk and its memory from mmap, guarded with
 * mprotect. This suite checks those paths through musl, and each of the system calls
 * sublet added for them, success and error, through raw calls where musl would check the
 * arguments itself. The same binary runs on a Linux host (`make user-host-test`); where
 * the two kernels legitimately differ (a terminal on stdout, sublet's W^X rule, its
 * clocks), the test says so. See docs/userspace-programs.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/ioctl.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <termios.h>

#include "user/lib/utest.h"

UTEST_SUITE(utest_musl);

/* Linux's arch_prctl codes (asm/prctl.h; musl has no header for them). */
#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004

#define KERNEL_ADDRESS 0xffff888000000000ul
#define NON_CANONICAL 0x0000800000000000ul
#define TASK_SIZE_MAX 0x00007ffffffff000ul /* the first address no base may have */
#define UNUSED_SYSCALL 400		   /* no call on Linux x86-64 nor on sublet */
#define SMALL_BLOCKS 200
#define LARGE_BLOCK (8ul << 20) /* far above musl's mmap threshold (128 KiB) */
#define YIELDS 200
#define TLS_INITIAL 0x5eed

static bool on_sublet(void)
{
	struct utsname u;

	return uname(&u) == 0 && !strcmp(u.sysname, "sublet");
}

/* ---- start-up: the auxiliary vector, thread-local storage ------------------------------- */

static __thread int tls_counter = TLS_INITIAL; /* .tdata: from PT_TLS's image */
static __thread char tls_zeroes[64];	       /* .tbss: zeroed */

/* The thread pointer: musl keeps it at %fs:0 (x86-64's TLS ABI, variant II). */
static void *thread_pointer(void)
{
	void *tp;

	__asm__("movq %%fs:0, %0" : "=r"(tp));
	return tp;
}

UTEST(auxv_describes_the_program)
{
	const unsigned char *phdr = (const unsigned char *)getauxval(AT_PHDR);

	UEXPECT_EQ(getauxval(AT_PAGESZ), 4096ul);
	UEXPECT_EQ(getauxval(AT_PHENT), 56ul); /* sizeof(Elf64_Phdr) */
	UEXPECT_GT(getauxval(AT_PHNUM), 2ul);
	UASSERT_NOT_NULL(phdr);
	/* The headers sit right after the ELF header, in the first segment (0x400000). */
	UEXPECT_EQ((unsigned long)phdr, 0x400040ul);
	UEXPECT_EQ(memcmp((const void *)0x400000, "\177ELF", 4), 0);
	UEXPECT_NE(getauxval(AT_ENTRY), 0ul);
}

UTEST(tls_starts_from_the_pt_tls_image)
{
	UEXPECT_EQ(tls_counter, TLS_INITIAL);
	for (size_t i = 0; i < sizeof(tls_zeroes); i++)
		UEXPECT_EQ(tls_zeroes[i], 0);
	tls_counter++;
	UEXPECT_EQ(tls_counter, TLS_INITIAL + 1);
	tls_counter--;
}

UTEST(fs_base_is_the_thread_pointer)
{
	unsigned long fs = 0;

	UASSERT_EQ(syscall(SYS_arch_prctl, ARCH_GET_FS, &fs), 0);
	UEXPECT_EQ(fs, (unsigned long)thread_pointer());
	/* Variant II: the TLS block lies just below the thread pointer. */
	UEXPECT_LT((unsigned long)&tls_counter, fs);
	UEXPECT_GT((unsigned long)&tls_counter, fs - 4096);
}

/* In a child: TLS is private after fork, as all memory is. */
static int tls_in_child(void *arg)
{
	(void)arg;
	tls_counter = 7;
	return tls_counter == 7 ? 0 : 1;
}

UTEST(fork_copies_tls)
{
	UEXPECT_EXITED(utest_run_child(tls_in_child, NULL), 0);
	UEXPECT_EQ(tls_counter, TLS_INITIAL);
}

/*
 * Raw system calls, for the stretch where the FS base does not point at musl's thread
 * data: anything in musl that reads it (errno, for one) would go astray.
 */
static long raw_syscall2(long nr, long a0, long a1)
{
	long ret;

	__asm__ __volatile__("syscall"
			     : "=a"(ret)
			     : "a"(nr), "D"(a0), "S"(a1)
			     : "rcx", "r11", "memory");
	return ret;
}

struct fake_tcb {
	unsigned long self; /* %fs:0, as musl's */
	unsigned long marker;
};

/*
 * In a child: point the FS base at a thread control block of our own, holding a marker
 * unique to this process, and yield again and again while the other processes of the
 * test do the same with theirs: %fs must keep reaching our block, and ARCH_GET_FS must
 * keep answering our base. Then restore musl's base. Exit status: 0, or the round that
 * went wrong.
 */
static int hold_own_fs_base(void *arg)
{
	static struct fake_tcb tcb __attribute__((aligned(64)));
	unsigned long musl_fs = 0, got = 0, marker = (unsigned long)arg;
	int bad = 0;

	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &musl_fs))
		return 250;
	tcb.self = (unsigned long)&tcb;
	tcb.marker = marker;
	if (raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)&tcb))
		return 251;
	for (int i = 1; i <= YIELDS && !bad; i++) {
		unsigned long seen;

		raw_syscall2(SYS_sched_yield, 0, 0);
		__asm__ __volatile__("movq %%fs:8, %0" : "=r"(seen));
		if (seen != marker || raw_syscall2(SYS_arch_prctl, ARCH_GET_FS, (long)&got) ||
		    got != (unsigned long)&tcb)
			bad = i;
	}
	raw_syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)musl_fs);
	return bad;
}

/* Every process has its own FS base: saved and restored on each switch. */
UTEST(fs_base_survives_switches_between_processes)
{
	int status[3];
	pid_t pid[3];

	for (int i = 0; i < 3; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			_exit(hold_own_fs_base((void *)(0xf5000000ul + (unsigned long)i)));
		UASSERT_GT(pid[i], 0);
	}
	/* Meanwhile this process yields with musl's own base, which must stay too. */
	for (int i = 0; i < YIELDS; i++) {
		sched_yield();
		UEXPECT_EQ(tls_counter, TLS_INITIAL);
	}
	for (int i = 0; i < 3; i++) {
		UEXPECT_EQ(waitpid(pid[i], &status[i], 0), pid[i]);
		UEXPECT_EXITED(status[i], 0);
	}
}

/* Likewise the GS base, which the kernel keeps in MSR_KERNEL_GS_BASE while it runs. */
static int hold_own_gs_base(void *arg)
{
	static unsigned long block[2];
	unsigned long marker = (unsigned long)arg, got = 0;

	block[0] = marker;
	if (syscall(SYS_arch_prctl, ARCH_SET_GS, block))
		return 250;
	for (int i = 1; i <= YIELDS; i++) {
		unsigned long seen;

		sched_yield();
		__asm__ __volatile__("movq %%gs:0, %0" : "=r"(seen));
		if (seen != marker || syscall(SYS_arch_prctl, ARCH_GET_GS, &got) ||
		    got != (unsigned long)block)
			return i;
	}
	return 0;
}

UTEST(gs_base_survives_switches_between_processes)
{
	int status[2];
	pid_t pid[2];

	for (int i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] == 0)
			_exit(hold_own_gs_base((void *)(0x65000000ul + (unsigned long)i)));
		UASSERT_GT(pid[i], 0);
	}
	for (int i = 0; i < 2; i++) {
		UEXPECT_EQ(waitpid(pid[i], &status[i], 0), pid[i]);
		UEXPECT_EXITED(status[i], 0);
	}
}

UTEST(arch_prctl_refuses_bases_outside_user_space)
{
	unsigned long before = 0, after = 0;

	UASSERT_EQ(syscall(SYS_arch_prctl, ARCH_GET_GS, &before), 0);
	UEXPECT_ERRNO(syscall(SYS_arch_prctl, ARCH_SET_GS, KERNEL_ADDRESS), EPERM);
	UEXPECT_ERRNO(syscall(SYS_arch_prctl, ARCH_SET_GS, NON_CANONICAL), EPERM);
	UEXPECT_ERRNO(syscall(SYS_arch_prctl, ARCH_SET_GS, TASK_SIZE_MAX), EPERM);
	UEXPECT_ERRNO(syscall(SYS_arch_prctl, ARCH_SET_GS, ~0ul), EPERM);
	UEXPECT_ERRNO(syscall(SYS_arch_prctl, ARCH_SET_FS, KERNEL_ADDRESS), EPERM);
	UEXPECT_ERRNO(syscall(SYS_arch_prctl, ARCH_SET_FS, NON_CANONICAL), EPERM);
	UASSERT_EQ(syscall(SYS_arch_prctl, ARCH_GET_GS, &after), 0);
	UEXPECT_EQ(after, before);
	UEXPECT_EQ(tls_counter, TLS_INITIAL); /* FS untouched */
}

UTEST(arch_prctl_bad_code_and_pointer)
{
	UEXPECT_ERRNO(syscall(SYS_arch_prctl, 0x1000, 0), EINVAL);
	UEXPECT_ERRNO(syscall(SYS_arch_prctl, 0x1005, 0), EINVAL);
	UEXPECT_ERRNO(syscall(SYS_arch_prctl, ARCH_GET_FS, NULL), EFAULT);
	UEXPECT_ERRNO(syscall(SYS_arch_prctl, ARCH_GET_GS, KERNEL_ADDRESS), EFAULT);
}

UTEST(set_tid_address_returns_the_tid)
{
	int word = 0;

	UEXPECT_EQ(syscall(SYS_set_tid_address, &word), syscall(SYS_gettid));
	UEXPECT_EQ(syscall(SYS_gettid), getpid()); /* the main thread's id is the pid */
	UEXPECT_EQ(gettid(), getpid());		   /* musl's copy, set at start-up */
}

/* ---- stdio: writev, terminal ioctls ------------------------------------------------------ */

UTEST(printf_and_stdio)
{
	char buf[64];

	UEXPECT_EQ(snprintf(buf, sizeof(buf), "%d %s %lx %5.2f", -42, "ab", 0xbeeful, 3.14159), 17);
	UEXPECT_STREQ(buf, "-42 ab beef  3.14");
	UEXPECT_EQ(printf("    # printf_and_stdio: %s\n", "printf through writev"), 46);
	UEXPECT_EQ(fflush(stdout), 0);
	UEXPECT_GT(fprintf(stderr, "    # printf_and_stdio: stderr, unbuffered\n"), 0);
	UEXPECT_GE(fputs("    # printf_and_stdio: fputs\n", stdout), 0);
}

UTEST(writev_writes_every_segment)
{
	static const char a[] = "    # writev_writes_every_segment: ", b[] = "two",
			  c[] = " parts\n";
	struct iovec iov[3] = {
	    {(void *)a, sizeof(a) - 1}, {(void *)b, sizeof(b) - 1}, {(void *)c, sizeof(c) - 1}};

	UEXPECT_EQ(writev(STDOUT_FILENO, iov, 3), (ssize_t)(sizeof(a) + sizeof(b) + sizeof(c) - 3));
	UEXPECT_EQ(writev(STDOUT_FILENO, iov, 0), 0);
}

UTEST(writev_checks_its_vector)
{
	static const char x[] = "x";
	struct iovec negative = {(void *)x, (size_t)-1};
	struct iovec bad_base = {(void *)KERNEL_ADDRESS, 1};
	static struct iovec many[1025];

	UEXPECT_ERRNO(writev(99, &negative, 1), EBADF);
	UEXPECT_ERRNO(writev(STDOUT_FILENO, NULL, 1), EFAULT);
	UEXPECT_ERRNO(writev(STDOUT_FILENO, (struct iovec *)KERNEL_ADDRESS, 1), EFAULT);
	UEXPECT_ERRNO(writev(STDOUT_FILENO, &negative, 1), EINVAL);
	UEXPECT_ERRNO(writev(STDOUT_FILENO, &bad_base, 1), EFAULT);
	UEXPECT_ERRNO(writev(STDOUT_FILENO, many, 1025), EINVAL); /* UIO_MAXIOV is 1024 */
	UEXPECT_ERRNO(writev(STDOUT_FILENO, many, -1), EINVAL);
}

/* fd 0 reads end of file on sublet (no console input yet); on a host it may be a
 * terminal waiting for a key, so only the argument checks that fail first run there. */
UTEST(readv_checks_its_vector)
{
	char buf[8];
	struct iovec iov = {buf, sizeof(buf)};
	struct iovec negative = {buf, (size_t)-1};

	UEXPECT_ERRNO(readv(99, &iov, 1), EBADF);
	if (!on_sublet())
		USKIP("a Linux host: fd 0 may be a terminal");
	UEXPECT_EQ(readv(STDIN_FILENO, &iov, 1), 0);
	UEXPECT_EQ(read(STDIN_FILENO, buf, sizeof(buf)), 0);
	UEXPECT_ERRNO(read(STDIN_FILENO, (void *)KERNEL_ADDRESS, 8), EFAULT);
	UEXPECT_ERRNO(readv(STDIN_FILENO, NULL, 1), EFAULT);
	UEXPECT_ERRNO(readv(STDIN_FILENO, &negative, 1), EINVAL);
	UEXPECT_ERRNO(readv(STDIN_FILENO, &iov, 1025), EINVAL);
	UEXPECT_ERRNO(read(STDOUT_FILENO, buf, 1), EBADF); /* not open for reading */
}

/* The console is a terminal on sublet: musl's stdout is then line-buffered. A host's
 * stdout may be a pipe or a file (ENOTTY): either way ioctl and isatty agree. */
UTEST(console_answers_terminal_ioctls)
{
	struct termios tio;
	struct winsize ws;
	bool tty = isatty(STDOUT_FILENO);

	if (on_sublet())
		UEXPECT_TRUE(tty);
	if (!tty) {
		UEXPECT_ERRNO(ioctl(STDOUT_FILENO, TCGETS, &tio), ENOTTY);
		USKIP("stdout is not a terminal here");
	}
	memset(&tio, 0xa5, sizeof(tio));
	UEXPECT_EQ(ioctl(STDOUT_FILENO, TCGETS, &tio), 0);
	UEXPECT_EQ(tio.c_cflag & CSIZE, (tcflag_t)CS8);
	UEXPECT_EQ(ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws), 0);
	UEXPECT_EQ(ioctl(STDOUT_FILENO, TCGETS, NULL), -1);
	UEXPECT_EQ(errno, EFAULT);
	UEXPECT_ERRNO(ioctl(STDOUT_FILENO, TIOCGWINSZ, (void *)KERNEL_ADDRESS), EFAULT);
	UEXPECT_ERRNO(ioctl(STDOUT_FILENO, 0x12345678, 0), ENOTTY); /* no such request */
	UEXPECT_ERRNO(ioctl(99, TCGETS, &tio), EBADF);
}

/* ---- uname, clocks ------------------------------------------------------------------------ */

UTEST(uname_names_the_system)
{
	struct utsname u;

	memset(&u, 0xa5, sizeof(u));
	UASSERT_EQ(uname(&u), 0);
	UEXPECT_STREQ(u.machine, "x86_64");
	UEXPECT_TRUE(!strcmp(u.sysname, "sublet") || !strcmp(u.sysname, "Linux"));
	UEXPECT_LT(strlen(u.release), sizeof(u.release));
	UEXPECT_ERRNO(uname(NULL), EFAULT);
	UEXPECT_ERRNO(uname((struct utsname *)KERNEL_ADDRESS), EFAULT);
}

static long elapsed_ns(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000l + (b->tv_nsec - a->tv_nsec);
}

UTEST(clock_gettime_advances_with_sleep)
{
	struct timespec before, after, req = {0, 20 * 1000 * 1000};

	UASSERT_EQ(clock_gettime(CLOCK_MONOTONIC, &before), 0);
	UASSERT_EQ(nanosleep(&req, NULL), 0);
	UASSERT_EQ(clock_gettime(CLOCK_MONOTONIC, &after), 0);
	UEXPECT_GE(elapsed_ns(&before, &after), 20l * 1000 * 1000);
	UEXPECT_LT(after.tv_nsec, 1000000000l);
	UEXPECT_GE(after.tv_nsec, 0l);
	UEXPECT_EQ(clock_gettime(CLOCK_REALTIME, &after), 0);
	UEXPECT_EQ(clock_gettime(CLOCK_BOOTTIME, &after), 0);
}

UTEST(clock_gettime_errors)
{
	struct timespec ts;

	UEXPECT_ERRNO(syscall(SYS_clock_gettime, 1000, &ts), EINVAL);
	UEXPECT_ERRNO(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, NULL), EFAULT);
	UEXPECT_ERRNO(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, KERNEL_ADDRESS), EFAULT);
}

/* musl's gettimeofday() goes through clock_gettime: the system call itself, raw. */
UTEST(gettimeofday_syscall)
{
	struct timeval tv = {-1, -1};
	struct timespec ts;

	UASSERT_EQ(syscall(SYS_gettimeofday, &tv, NULL), 0);
	UASSERT_EQ(clock_gettime(CLOCK_REALTIME, &ts), 0);
	UEXPECT_GE(tv.tv_usec, 0l);
	UEXPECT_LT(tv.tv_usec, 1000000l);
	UEXPECT_LE(tv.tv_sec, ts.tv_sec);
	UEXPECT_GE(tv.tv_sec + 1, ts.tv_sec);
	UEXPECT_EQ(syscall(SYS_gettimeofday, NULL, NULL), 0);
	UEXPECT_ERRNO(syscall(SYS_gettimeofday, KERNEL_ADDRESS, NULL), EFAULT);
}

/* ---- malloc: brk and mmap ----------------------------------------------------------------- */

/* Small blocks: musl takes its bookkeeping from the heap (brk) and its groups from mmap;
 * every block keeps what was written into it. */
UTEST(malloc_small_blocks)
{
	static unsigned char *blocks[SMALL_BLOCKS];
	void *brk_before = sys_brk(NULL);

	for (int i = 0; i < SMALL_BLOCKS; i++) {
		size_t size = 1 + (size_t)i * 13;

		blocks[i] = malloc(size);
		UASSERT_NOT_NULL(blocks[i]);
		memset(blocks[i], i, size);
	}
	for (int i = 0; i < SMALL_BLOCKS; i++) {
		size_t size = 1 + (size_t)i * 13;

		for (size_t j = 0; j < size; j++) {
			if (blocks[i][j] != (unsigned char)i)
				UASSERT_FAIL("block %d byte %zu is %u", i, j, blocks[i][j]);
		}
		free(blocks[i]);
	}
	UEXPECT_GE((unsigned long)sys_brk(NULL), (unsigned long)brk_before);
	blocks[0] = calloc(100, 8);
	UASSERT_NOT_NULL(blocks[0]);
	for (int j = 0; j < 800; j++)
		UEXPECT_EQ(blocks[0][j], 0);
	free(blocks[0]);
}

/* Free memory, as sysinfo counts it. */
static unsigned long free_bytes(void)
{
	struct sysinfo info;

	return sysinfo(&info) ? 0 : info.freeram * info.mem_unit;
}

/* A large block is a mapping of its own: its pages come back when it is freed. */
UTEST(malloc_large_block_is_mapped_and_returned)
{
	unsigned long before, during, after;
	unsigned char *p;

	if (!on_sublet())
		USKIP("a Linux host: freeram also moves with everything else running");
	before = free_bytes();
	p = malloc(LARGE_BLOCK);
	UASSERT_NOT_NULL(p);
	memset(p, 0x5a, LARGE_BLOCK);
	during = free_bytes();
	UEXPECT_EQ(p[LARGE_BLOCK - 1], 0x5a);
	free(p);
	after = free_bytes();
	UEXPECT_GE(before - during, LARGE_BLOCK);
	UEXPECT_GE(after + 64 * 4096, before); /* all back, but for page-table slack */
}

/* realloc of a mapped block: musl tries mremap, which sublet lacks (-ENOSYS), and falls
 * back to a copy. */
UTEST(realloc_keeps_contents)
{
	unsigned char *p = malloc(300000), *q;

	UASSERT_NOT_NULL(p);
	for (int i = 0; i < 300000; i++)
		p[i] = (unsigned char)(i * 7);
	q = realloc(p, 1 << 21);
	UASSERT_NOT_NULL(q);
	for (int i = 0; i < 300000; i++) {
		if (q[i] != (unsigned char)(i * 7))
			UASSERT_FAIL("byte %d lost in realloc", i);
	}
	free(q);
}

/* ---- mprotect, madvise -------------------------------------------------------------------- */

static void *map_pages(int n)
{
	void *p = mmap(NULL, (size_t)n * PAGE_SIZE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int poke(void *arg)
{
	*(volatile char *)arg = 1;
	return 0;
}

static int peek(void *arg)
{
	return *(volatile char *)arg == 0x77 ? 0 : 1;
}

UTEST(mprotect_changes_access_of_present_pages)
{
	char *p = map_pages(3);

	UASSERT_NOT_NULL(p);
	memset(p, 0x77, 3 * PAGE_SIZE);
	UASSERT_EQ(mprotect(p + PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	UEXPECT_SIGNALED(utest_run_child(poke, p + PAGE_SIZE), SIGSEGV);
	UEXPECT_EXITED(utest_run_child(peek, p + PAGE_SIZE), 0); /* still readable, intact */
	UEXPECT_EXITED(utest_run_child(poke, p), 0);		 /* the neighbours are not */
	UEXPECT_EXITED(utest_run_child(poke, p + 2 * PAGE_SIZE), 0);
	UASSERT_EQ(mprotect(p + PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0);
	UEXPECT_SIGNALED(utest_run_child(peek, p + PAGE_SIZE), SIGSEGV);
	UASSERT_EQ(mprotect(p, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	UEXPECT_EQ(p[PAGE_SIZE], 0x77); /* the data survived PROT_NONE */
	p[PAGE_SIZE] = 1;
	UEXPECT_EQ(p[PAGE_SIZE], 1);
	UEXPECT_EQ(munmap(p, 3 * PAGE_SIZE), 0);
}

/* In a child: make the shared read-only page writable and write it. */
static int unprotect_and_write(void *arg)
{
	char *p = arg;

	if (mprotect(p, PAGE_SIZE, PROT_READ | PROT_WRITE))
		return 1;
	p[0] = 0x11;
	return p[0] == 0x11 ? 0 : 2;
}

/* fork shares a read-only page's frame: a write after mprotect must copy it, in the
 * child and in the parent alike, never reach the other's. */
UTEST(mprotect_write_after_fork_copies_the_page)
{
	char *p = map_pages(1);

	UASSERT_NOT_NULL(p);
	p[0] = 0x77;
	UASSERT_EQ(mprotect(p, PAGE_SIZE, PROT_READ), 0);
	UEXPECT_EXITED(utest_run_child(unprotect_and_write, p), 0);
	UEXPECT_EQ(p[0], 0x77); /* the child's write stayed the child's */
	UEXPECT_EXITED(utest_run_child(peek, p), 0);
	UASSERT_EQ(mprotect(p, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	p[0] = 0x22;
	UEXPECT_EQ(p[0], 0x22);
	UEXPECT_EQ(munmap(p, PAGE_SIZE), 0);
}

/* What musl's malloc does with its bookkeeping: map PROT_NONE, open pages as needed. */
UTEST(mprotect_opens_a_prot_none_mapping)
{
	char *p = mmap(NULL, 2 * PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	UASSERT_PTR_NE(p, MAP_FAILED);
	UASSERT_EQ(mprotect(p, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	p[0] = 0x77;
	UEXPECT_EQ(p[0], 0x77);
	UEXPECT_SIGNALED(utest_run_child(peek, p + PAGE_SIZE), SIGSEGV);
	UEXPECT_ERRNO(write(STDOUT_FILENO, p + PAGE_SIZE, 1), EFAULT);
	UEXPECT_EQ(munmap(p, 2 * PAGE_SIZE), 0);
}

/* Two pages mapped, the second unmapped again: a hole right after the first. */
static char *map_page_before_hole(void)
{
	char *p = map_pages(2);

	if (p && munmap(p + PAGE_SIZE, PAGE_SIZE))
		return NULL;
	return p;
}

/* musl's mprotect() rounds the start down itself: the kernel's check, raw. */
UTEST(mprotect_errors)
{
	char *p = map_page_before_hole();

	UASSERT_NOT_NULL(p);
	UEXPECT_ERRNO(syscall(SYS_mprotect, p + 1, PAGE_SIZE, PROT_READ), EINVAL);
	UEXPECT_ERRNO(mprotect(p, PAGE_SIZE, 0x10), EINVAL);	      /* no such protection bit */
	UEXPECT_ERRNO(mprotect(p, 2 * PAGE_SIZE, PROT_READ), ENOMEM); /* into the hole */
	UEXPECT_ERRNO(mprotect((void *)KERNEL_ADDRESS, PAGE_SIZE, PROT_READ), ENOMEM);
	UEXPECT_EQ(mprotect(p, 0, PROT_READ), 0);
	if (on_sublet()) /* sublet's W^X rule; Linux allows it */
		UEXPECT_ERRNO(mprotect(p, PAGE_SIZE, PROT_WRITE | PROT_EXEC), EINVAL);
	UEXPECT_EQ(munmap(p, PAGE_SIZE), 0);
	UEXPECT_ERRNO(mprotect(p, PAGE_SIZE, PROT_READ), ENOMEM); /* unmapped */
}

UTEST(madvise_dontneed_drops_pages)
{
	unsigned char *p = map_pages(2);

	UASSERT_NOT_NULL(p);
	memset(p, 0x77, 2 * PAGE_SIZE);
	UASSERT_EQ(madvise(p, PAGE_SIZE, MADV_DONTNEED), 0);
	UEXPECT_EQ(p[0], 0);		/* a fresh zeroed page */
	UEXPECT_EQ(p[PAGE_SIZE], 0x77); /* the other one kept */
	p[0] = 5;
	UEXPECT_EQ(p[0], 5);
	UEXPECT_EQ(munmap(p, 2 * PAGE_SIZE), 0);
}

UTEST(madvise_accepts_hints_and_checks_arguments)
{
	char *p = map_page_before_hole();

	UASSERT_NOT_NULL(p);
	p[0] = 9;
	UEXPECT_EQ(madvise(p, PAGE_SIZE, MADV_WILLNEED), 0);
	UEXPECT_EQ(madvise(p, PAGE_SIZE, MADV_SEQUENTIAL), 0);
	UEXPECT_EQ(madvise(p, PAGE_SIZE, MADV_FREE), 0);
	UEXPECT_EQ(madvise(p, 0, MADV_DONTNEED), 0);
	UEXPECT_ERRNO(madvise(p, PAGE_SIZE, 999), EINVAL);
	UEXPECT_ERRNO(madvise(p + 1, PAGE_SIZE, MADV_NORMAL), EINVAL);
	UEXPECT_ERRNO(madvise(p, PAGE_SIZE * 2, MADV_WILLNEED), ENOMEM); /* into the hole */
	UEXPECT_EQ(p[0], 9);
	UEXPECT_EQ(munmap(p, PAGE_SIZE), 0);
}

/* ---- signal bookkeeping ------------------------------------------------------------------- */

static void never_called(int sig)
{
	(void)sig;
}

UTEST(sigprocmask_keeps_the_mask)
{
	sigset_t set, old, now;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGKILL); /* cannot be blocked: dropped */
	UASSERT_EQ(sigprocmask(SIG_BLOCK, &set, &old), 0);
	UASSERT_EQ(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	UEXPECT_TRUE(sigismember(&now, SIGUSR1));
	UEXPECT_FALSE(sigismember(&now, SIGKILL));
	UEXPECT_FALSE(sigismember(&old, SIGUSR1));
	UASSERT_EQ(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	UASSERT_EQ(sigprocmask(SIG_BLOCK, NULL, &now), 0);
	UEXPECT_FALSE(sigismember(&now, SIGUSR1));
}

UTEST(rt_sigprocmask_errors)
{
	unsigned long set = 0;

	UEXPECT_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL);
	UEXPECT_ERRNO(syscall(SYS_rt_sigprocmask, 7, &set, NULL, 8), EINVAL);
	UEXPECT_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, KERNEL_ADDRESS, NULL, 8), EFAULT);
	UEXPECT_ERRNO(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, KERNEL_ADDRESS, 8), EFAULT);
}

/* In a child: the mask and the actions came with fork. */
static int check_inherited(void *arg)
{
	struct sigaction sa;
	sigset_t now;

	(void)arg;
	if (sigprocmask(SIG_BLOCK, NULL, &now) || !sigismember(&now, SIGUSR2))
		return 1;
	if (sigaction(SIGUSR1, NULL, &sa) || sa.sa_handler != never_called)
		return 2;
	return 0;
}

UTEST(sigaction_keeps_actions_and_fork_copies_them)
{
	struct sigaction sa, old;
	sigset_t set, saved;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = never_called;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	UASSERT_EQ(sigaction(SIGUSR1, &sa, &old), 0);
	UEXPECT_TRUE(old.sa_handler == SIG_DFL);
	memset(&old, 0, sizeof(old));
	UASSERT_EQ(sigaction(SIGUSR1, NULL, &old), 0);
	UEXPECT_TRUE(old.sa_handler == never_called);
	UEXPECT_TRUE(sigismember(&old.sa_mask, SIGUSR2));
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	UASSERT_EQ(sigprocmask(SIG_BLOCK, &set, &saved), 0);
	UEXPECT_EXITED(utest_run_child(check_inherited, NULL), 0);
	sigprocmask(SIG_SETMASK, &saved, NULL);
	sa.sa_handler = SIG_DFL;
	UEXPECT_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
}

UTEST(rt_sigaction_errors)
{
	struct sigaction sa;
	unsigned long act[4] = {0};

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	UEXPECT_ERRNO(sigaction(SIGKILL, &sa, NULL), EINVAL);
	UEXPECT_ERRNO(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	UEXPECT_ERRNO(syscall(SYS_rt_sigaction, 0, act, NULL, 8), EINVAL);
	UEXPECT_ERRNO(syscall(SYS_rt_sigaction, 65, act, NULL, 8), EINVAL);
	UEXPECT_ERRNO(syscall(SYS_rt_sigaction, SIGUSR1, act, NULL, 4), EINVAL);
	UEXPECT_ERRNO(syscall(SYS_rt_sigaction, SIGUSR1, KERNEL_ADDRESS, NULL, 8), EFAULT);
	UEXPECT_ERRNO(syscall(SYS_rt_sigaction, SIGUSR1, NULL, KERNEL_ADDRESS, 8), EFAULT);
	UEXPECT_EQ(syscall(SYS_rt_sigaction, SIGKILL, NULL, act, 8), 0); /* reading is fine */
}

/* ---- what is missing ---------------------------------------------------------------------- */

/* A number no kernel has: -ENOSYS, the process carries on (the kernel counts it:
 * tests/syscall_test.c). */
UTEST(unimplemented_calls_are_enosys)
{
	UEXPECT_ERRNO(syscall(UNUSED_SYSCALL, 1, 2, 3, 4, 5, 6), ENOSYS);
	UEXPECT_ERRNO(syscall(UNUSED_SYSCALL), ENOSYS);
	if (on_sublet()) /* a call Linux has and sublet does not (process accounting) */
		UEXPECT_ERRNO(syscall(SYS_acct, NULL), ENOSYS);
}
