/*
 * user/utest_fork.c - fork, exit and wait: round trips, statuses, the parent/child
 * bookkeeping, and copy-on-write privacy of every kind of memory a process has.
 *
 * A child reports through its exit status (0: what it saw was right), which the parent
 * checks. For copy-on-write each region is checked both ways: a write by the child is
 * invisible to the parent, and a write by the parent after the fork is invisible to the
 * child. The kernel side checks that frames return to baseline after the many-forks test.
 */
#include "user/lib/utest.h"

UTEST_SUITE(utest_fork);

#define MANY_FORKS 1000
#define NR_CHILDREN 3
#define PARENT_WRITE_DELAY_MS 50 /* how long a child waits for its parent's write */
#define ORPHAN_LIFETIME_MS 20
#define COW_REGION_SIZE (3 * PAGE_SIZE)

/* Values seen before the fork, written by the child, and written by the parent. */
#define BEFORE 0x11
#define BY_CHILD 0x22
#define BY_PARENT 0x33

/* Statuses of the children below: what went wrong. */
#define SAW_PARENT_WRITE 2
#define SAW_WRONG_BEFORE 3
#define LOST_OWN_WRITE 4

static volatile unsigned char data_region[COW_REGION_SIZE] = {BEFORE};

static void fill(volatile unsigned char *region, unsigned char value)
{
	for (unsigned long i = 0; i < COW_REGION_SIZE; i++)
		region[i] = value;
}

/* The offset of the first byte of region that is not value, or -1. */
static long first_mismatch(volatile unsigned char *region, unsigned char value)
{
	for (unsigned long i = 0; i < COW_REGION_SIZE; i++) {
		if (region[i] != value)
			return (long)i;
	}
	return -1;
}

/* The child of a copy-on-write check: the region must read BEFORE; then, if
 * child_writes, it writes BY_CHILD over the region and must read that back; else it
 * waits for the parent's write and must still see BEFORE. Returns its exit status. */
static int cow_child(volatile unsigned char *region, int child_writes)
{
	if (first_mismatch(region, BEFORE) >= 0)
		return SAW_WRONG_BEFORE;
	if (child_writes) {
		fill(region, BY_CHILD);
		return first_mismatch(region, BY_CHILD) >= 0 ? LOST_OWN_WRITE : 0;
	}
	usleep((PARENT_WRITE_DELAY_MS)*1000);
	return first_mismatch(region, BEFORE) >= 0 ? SAW_PARENT_WRITE : 0;
}

/*
 * Check copy-on-write on region (COW_REGION_SIZE bytes, any kind of memory) both ways:
 * the child's writes stay in the child, the parent's in the parent.
 */
static void check_cow(volatile unsigned char *region)
{
	int status = -1;
	pid_t pid;

	for (int child_writes = 1; child_writes >= 0; child_writes--) {
		fill(region, BEFORE);
		pid = fork();
		UASSERT_GE(pid, 0);
		if (pid == 0)
			exit(cow_child(region, child_writes));
		if (!child_writes)
			fill(region, BY_PARENT);
		UEXPECT_EQ(waitpid(pid, &status, 0), pid);
		UEXPECT_EXITED(status, 0);
		UEXPECT_EQ(first_mismatch(region, child_writes ? BEFORE : BY_PARENT), -1);
	}
}

UTEST(fork_returns_pid_and_zero)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		exit(0);
	UASSERT_GT(pid, 0);
	UEXPECT_NE(pid, getpid());
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_EXITED(status, 0);
}

UTEST(exit_status_round_trips)
{
	static const int codes[] = {0, 1, 42, 127, 255};

	for (unsigned int i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		int status = -1;
		pid_t pid = fork();

		if (pid == 0)
			exit(codes[i]);
		UASSERT_GT(pid, 0);
		UEXPECT_EQ(waitpid(pid, &status, 0), pid);
		UEXPECT_EXITED(status, codes[i]);
	}
}

UTEST(exit_status_keeps_low_byte)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		exit(0x100 + 7);
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_EXITED(status, 7);
}

/*
 * The status lands in a page that is copy-on-write after the fork and that the parent
 * does not touch again itself (a page of its own, unlike a stack variable whose page
 * the call to wait4 writes first): the kernel's write must break the COW. Without SMAP
 * this used to fail with -EFAULT and lose the status.
 */
static volatile int cow_status_page[PAGE_SIZE / sizeof(int)] __attribute__((aligned(PAGE_SIZE)));

UTEST(wait4_writes_status_into_a_copy_on_write_page)
{
	pid_t pid;

	cow_status_page[0] = -1; /* present and written before the fork */
	pid = fork();
	if (pid == 0)
		exit(5);
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(wait4(pid, (int *)cow_status_page, 0, NULL), pid);
	UEXPECT_EXITED(cow_status_page[0], 5);
}

UTEST(wait_status_pointer_may_be_null)
{
	pid_t pid = fork();

	if (pid == 0)
		exit(3);
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(waitpid(pid, NULL, 0), pid);
}

UTEST(child_sees_parent_pid)
{
	int status = -1;
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid == 0)
		exit(getppid() == parent ? 0 : 1);
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_EXITED(status, 0);
}

UTEST(child_pid_is_what_fork_returned)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		exit(getpid() & 0xff); /* the parent compares with fork's value */
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_EXITED(status, pid & 0xff);
}

UTEST(wait_any_reaps_each_child_once)
{
	pid_t pids[NR_CHILDREN];
	int seen[NR_CHILDREN] = {0};

	for (int i = 0; i < NR_CHILDREN; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			exit(10 + i);
		UASSERT_GT(pids[i], 0);
	}
	for (int n = 0; n < NR_CHILDREN; n++) {
		int status = -1;
		pid_t pid = waitpid(-1, &status, 0);

		for (int i = 0; i < NR_CHILDREN; i++) {
			if (pid == pids[i]) {
				seen[i]++;
				UEXPECT_EXITED(status, 10 + i);
			}
		}
	}
	for (int i = 0; i < NR_CHILDREN; i++)
		UEXPECT_EQ(seen[i], 1);
	UEXPECT_ERRNO(waitpid(-1, NULL, 0), ECHILD);
}

UTEST(wait_without_children_is_echild)
{
	UEXPECT_ERRNO(waitpid(-1, NULL, 0), ECHILD);
	UEXPECT_ERRNO(waitpid(getpid(), NULL, 0), ECHILD); /* not our own child */
	UEXPECT_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD);
}

UTEST(wait_for_another_process_child_is_echild)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		exit(0);
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_ERRNO(waitpid(pid, &status, 0), ECHILD); /* reaped already */
	UEXPECT_ERRNO(waitpid(getppid(), NULL, WNOHANG), ECHILD);
}

UTEST(wnohang_returns_zero_while_child_runs)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		usleep((100) * 1000);
		exit(5);
	}
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(waitpid(pid, &status, WNOHANG), 0);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_EXITED(status, 5);
}

UTEST(many_fork_exit_cycles)
{
	for (int i = 0; i < MANY_FORKS; i++) {
		int status = -1;
		pid_t pid = fork();

		if (pid == 0)
			exit(i & 0x7f);
		UASSERT_GT(pid, 0);
		UASSERT_EQ(waitpid(pid, &status, 0), pid);
		UASSERT_EQ(status, (i & 0x7f) << 8);
	}
}

UTEST(grandchild_sees_child_as_parent)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		pid_t child = getpid(), grandchild = fork();
		int grand_status = -1;

		if (grandchild == 0)
			exit(getppid() == child ? 0 : 1);
		if (grandchild < 0 || waitpid(grandchild, &grand_status, 0) != grandchild)
			exit(2);
		exit(grand_status == 0 ? 0 : 3);
	}
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_EXITED(status, 0);
}

UTEST(orphan_outlives_its_parent)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		if (fork() == 0) { /* the orphan: outlive the child, then exit quietly */
			usleep((ORPHAN_LIFETIME_MS)*1000);
			exit(0);
		}
		exit(0); /* without waiting: the grandchild is orphaned */
	}
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_EXITED(status, 0);
	UEXPECT_ERRNO(waitpid(-1, NULL, WNOHANG), ECHILD); /* the orphan is not ours */
	usleep((2 * ORPHAN_LIFETIME_MS) * 1000);	   /* let it end while we still run */
}

UTEST(cow_data_is_private)
{
	check_cow(data_region);
}

UTEST(cow_bss_is_private)
{
	static volatile unsigned char bss_region[COW_REGION_SIZE];

	check_cow(bss_region);
}

UTEST(cow_heap_is_private)
{
	volatile unsigned char *heap = sys_sbrk(COW_REGION_SIZE);

	UASSERT_PTR_NE(heap, MAP_FAILED);
	check_cow(heap);
	UEXPECT_PTR_EQ(sys_sbrk(-(long)COW_REGION_SIZE), heap + COW_REGION_SIZE);
}

UTEST(cow_stack_is_private)
{
	volatile unsigned char stack_region[COW_REGION_SIZE];

	check_cow(stack_region);
}

UTEST(cow_mmap_is_private)
{
	volatile unsigned char *map =
	    mmap(NULL, COW_REGION_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	UASSERT_PTR_NE(map, MAP_FAILED);
	check_cow(map);
	UEXPECT_EQ(munmap((void *)map, COW_REGION_SIZE), 0);
}

UTEST(cow_untouched_pages_stay_shared_and_correct)
{
	/* Pages nobody writes after the fork keep their contents in both processes. */
	static volatile unsigned char pattern[COW_REGION_SIZE];
	int status = -1;
	pid_t pid;

	for (unsigned long i = 0; i < COW_REGION_SIZE; i++)
		pattern[i] = (unsigned char)(i * 7);
	pid = fork();
	if (pid == 0) {
		for (unsigned long i = 0; i < COW_REGION_SIZE; i++)
			if (pattern[i] != (unsigned char)(i * 7))
				exit(1);
		exit(0);
	}
	UASSERT_GT(pid, 0);
	UEXPECT_EQ(waitpid(pid, &status, 0), pid);
	UEXPECT_EXITED(status, 0);
	UEXPECT_EQ(pattern[COW_REGION_SIZE - 1], (unsigned char)((COW_REGION_SIZE - 1) * 7));
}
