/*
 * tests/fault_inject_test.c - every allocation of fork, clone, execve, mmap + fault, a
 * copy-on-write break, kthread creation and exit made to fail, one at a time.
 *
 * A walk runs a path once with fault injection counting (kernel/fault_inject.h) and
 * prints how many allocations it made ("# fork: 37 allocations"). Then for N = 1 ..
 * count + 1 it runs the path again with the Nth allocation failed, and checks that the
 * path failed cleanly (-ENOMEM) exactly when an allocation was failed, that N = count + 1
 * succeeds, and that every frame, slab object, task and mm_struct came back. Each
 * attempt runs in a task of its own, a real task with a small address space of its own
 * (a page of ring-3 code that exits, a data page, a stack): the path's allocations are
 * the only ones that task makes while armed, so the count is the same every time.
 * See docs/testing.md, "Fault injection".
 */
#include "arch/x86_64/entry.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/pgtable_types.h"
#include "arch/x86_64/syscall.h"
#include "arch/x86_64/uaccess.h"
#include "arch/x86_64/x86.h"
#include "kernel/errno.h"
#include "kernel/fault_inject.h"
#include "kernel/string.h"
#include "kernel/syscall_table.h"
#include "kernel/uapi/mman.h"
#include "mm/mm_struct.h"
#include "mm/oom.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "sched/process.h"
#include "sched/task_internal.h"
#include "tests/ktest.h"
#include "tests/sched_test_util.h"

#define CODE_VA 0x400000ul
#define DATA_VA 0x5fe000ul /* DATA_PAGES pages across a page-table boundary (0x600000) */
#define DATA_PAGES 4
#define FIXED_VA 0x10000000ul /* mmap_fixed: FIXED_PAGES pages, the middle one replaced */
#define FIXED_PAGES 3
#define FIXED_FILL 0xaa
#define STACK_VA 0x7ff000ul /* one page of stack below 0x800000 */

/* mov $60,%eax; xor %edi,%edi; syscall : exit(0), what forked children run */
static const u8 exit_zero[] = {0xb8, 60, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05};

/* push $41; pop %rdi; inc %edi; mov $60,%eax; syscall : exit(42) after a first touch of
 * the demand-zero stack page. At CODE_VA + TOUCH_STACK_OFFSET. */
static const u8 touch_stack[] = {0x6a, 41, 0x5f, 0xff, 0xc7, 0xb8, 60, 0, 0, 0, 0x0f, 0x05};
#define TOUCH_STACK_OFFSET 0x40

/* What one attempt at a path reports to the test. */
struct attempt {
	unsigned int kinds; /* FAULT_* to count (and fail) */
	unsigned int nth;   /* the allocation to fail; 0 in the counting run */
	long result;	    /* 0: the path worked (and did what it should); else -errno */
	unsigned int count; /* allocations made while armed */
	bool injected;	    /* the nth one was failed */
	const char *wrong;  /* set if the path "succeeded" but did not do its job */
};

struct fi_path {
	const char *name;
	int (*attempt)(void *arg); /* runs in a fresh real task, arg a struct attempt */
	bool exits_armed;	   /* it ends its task: the count is read from the task_struct */
	long fail_result;	   /* what it returns when an allocation fails; 0: -ENOMEM */
};

static void arm(struct attempt *a)
{
	fault_inject_start(a->kinds, a->nth);
}

static void disarm(struct attempt *a)
{
	a->count = fault_inject_stop(&a->injected);
}

/* The ring-3 state a forked child starts in: exit_zero, on the stack page. */
static struct trap_frame child_frame(void)
{
	return (struct trap_frame){.rip = CODE_VA,
				   .rsp = STACK_VA + PAGE_SIZE,
				   .cs = USER_CS,
				   .ss = USER_DS,
				   .rflags = X86_EFLAGS_IF};
}

/* ---- the paths ------------------------------------------------------------------------ */

/* fork (flags 0) or clone (CLONE_VM); the child runs exit_zero and is reaped. */
static int fork_or_clone(struct attempt *a, unsigned long flags)
{
	struct trap_frame tf = child_frame();
	int status = -1;
	long pid;

	arm(a);
	pid = do_fork(&(struct kernel_clone_args){.flags = flags}, &tf);
	disarm(a);
	if (pid < 0) {
		a->result = pid;
		return 0;
	}
	if (do_wait(pid, &status, false) != pid || status != W_EXITCODE(0))
		a->wrong = "the child did not run exit(0), or could not be reaped";
	return 0;
}

static int fork_attempt(void *arg)
{
	return fork_or_clone(arg, 0);
}

static int clone_attempt(void *arg)
{
	return fork_or_clone(arg, CLONE_VM);
}

/* execve of the module "hello", which prints its line and exits 0. */
static int execve_attempt(void *arg)
{
	static const char *const argv[] = {"hello"};
	struct attempt *a = arg;
	struct trap_frame *tf = task_pt_regs(current);

	arm(a);
	a->result = do_execve("hello", argv, 1, tf);
	disarm(a);
	if (a->result)
		return (int)-a->result;
	return_to_user(tf);
}

/* The page fault handler's call: handle_mm_fault under the mmap lock, for reading. */
static int fault_in(struct mm_struct *mm, unsigned long addr)
{
	int err;

	mmap_read_lock(mm);
	err = handle_mm_fault(mm, addr, true, false);
	mmap_read_unlock(mm);
	return err;
}

/* mmap one anonymous page and touch it (the demand-zero fault). */
static int mmap_fault_attempt(void *arg)
{
	struct attempt *a = arg;
	long addr;

	current->mm->mmap_base = USER_MMAP_TOP;
	arm(a);
	addr = sys_mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			(unsigned long)-1, 0, NULL);
	a->result = addr < 0 ? addr : fault_in(current->mm, addr);
	disarm(a);
	if (!a->result && !translate(current->mm, addr, NULL, NULL))
		a->wrong = "the fault did not map the page";
	return 0;
}

/* A write to a page shared copy-on-write with a copy of the address space. */
static int cow_attempt(void *arg)
{
	struct attempt *a = arg;
	struct mm_struct *copy = dup_mm(current->mm, "fi-cow-copy");
	phys_addr_t mine, theirs;
	u64 flags;

	if (!copy) {
		a->wrong = "dup_mm failed before the walk";
		return 0;
	}
	arm(a);
	a->result = fault_in(current->mm, DATA_VA);
	disarm(a);
	if (!a->result &&
	    (!translate(current->mm, DATA_VA, &mine, &flags) ||
	     !translate(copy, DATA_VA, &theirs, NULL) || mine == theirs || !(flags & _PAGE_RW)))
		a->wrong = "the write fault did not give the task a private writable copy";
	mmput(copy);
	return 0;
}

/* Fill the pages of [va, va + pages) with byte; false if one is not mapped. */
static bool fill_pages(struct mm_struct *mm, unsigned long va, int pages, u8 byte)
{
	phys_addr_t pa;

	for (int i = 0; i < pages; i++) {
		if (!translate(mm, va + i * PAGE_SIZE, &pa, NULL))
			return false;
		memset(__va(pa), byte, PAGE_SIZE);
	}
	return true;
}

/* Does the page at va of mm hold byte at both ends? */
static bool page_holds(struct mm_struct *mm, unsigned long va, u8 byte)
{
	phys_addr_t pa;

	return translate(mm, va, &pa, NULL) && *(u8 *)__va(pa) == byte &&
	       ((u8 *)__va(pa))[PAGE_SIZE - 1] == byte;
}

/* mmap(MAP_FIXED) over the middle page of a mapping (two VMA splits, an unmap, a new
 * VMA), then touch the new page. */
static int mmap_fixed_attempt(void *arg)
{
	struct attempt *a = arg;
	struct mm_struct *mm = current->mm;
	unsigned long middle = FIXED_VA + PAGE_SIZE;
	long addr;

	if (mm_map_anon(mm, FIXED_VA, FIXED_PAGES * PAGE_SIZE, VM_READ | VM_WRITE) ||
	    !fill_pages(mm, FIXED_VA, FIXED_PAGES, FIXED_FILL)) {
		a->wrong = "cannot map the pages to replace";
		return 0;
	}
	arm(a);
	addr = sys_mmap(middle, PAGE_SIZE, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, (unsigned long)-1, 0, NULL);
	a->result = addr < 0 ? addr : fault_in(mm, middle);
	disarm(a);
	if (!a->result && (addr != (long)middle || !page_holds(mm, middle, 0) ||
			   !page_holds(mm, FIXED_VA, FIXED_FILL) ||
			   !page_holds(mm, middle + PAGE_SIZE, FIXED_FILL)))
		a->wrong =
		    "the middle page was not replaced by a zero page, or a neighbour changed";
	return 0;
}

/*
 * The kernel writing to user memory (copy_to_user) that is not there yet: a demand-zero
 * page, or with cow a page shared copy-on-write. The fault is resolved from the
 * exception-table path; when it cannot be, the copy stops and returns what is left, and
 * the syscall would return -EFAULT (as Linux does).
 */
static int uaccess_attempt(struct attempt *a, unsigned long va, bool cow)
{
	static const char message[] = "written by the kernel";
	struct mm_struct *copy = cow ? dup_mm(current->mm, "fi-uaccess-copy") : NULL;
	char back[sizeof(message)];

	if (cow && !copy) {
		a->wrong = "dup_mm failed before the walk";
		return 0;
	}
	arm(a);
	a->result = copy_to_user((void __user *)va, message, sizeof(message)) ? -EFAULT : 0;
	disarm(a);
	if (!a->result && (copy_from_user(back, (const void __user *)va, sizeof(back)) ||
			   memcmp(back, message, sizeof(message))))
		a->wrong = "the bytes did not arrive";
	if (copy)
		mmput(copy);
	return 0;
}

static int uaccess_fault_attempt(void *arg)
{
	return uaccess_attempt(arg, STACK_VA, false);
}

static int uaccess_cow_attempt(void *arg)
{
	return uaccess_attempt(arg, DATA_VA, true);
}

static int return_zero(void *arg)
{
	return 0;
}

static int kthread_attempt(void *arg)
{
	struct attempt *a = arg;
	struct task_struct *kt;

	arm(a);
	kt = kthread_run(return_zero, NULL, "fi-kthread");
	disarm(a);
	if (!kt) {
		a->result = -ENOMEM;
		return 0;
	}
	if (task_wait_exit(kt) != 0)
		a->wrong = "the kthread did not run";
	return 0;
}

/* The task exits armed: do_exit disarms it and the count stays in its task_struct. */
static int exit_attempt(void *arg)
{
	arm(arg);
	do_exit(0);
}

static const struct fi_path fork_path = {.name = "fork", .attempt = fork_attempt};
static const struct fi_path clone_path = {.name = "clone", .attempt = clone_attempt};
static const struct fi_path execve_path = {.name = "execve", .attempt = execve_attempt};
static const struct fi_path mmap_fault_path = {.name = "mmap_fault", .attempt = mmap_fault_attempt};
static const struct fi_path mmap_fixed_path = {.name = "mmap_fixed", .attempt = mmap_fixed_attempt};
static const struct fi_path cow_path = {.name = "cow_break", .attempt = cow_attempt};
static const struct fi_path uaccess_fault_path = {
    .name = "uaccess_fault", .attempt = uaccess_fault_attempt, .fail_result = -EFAULT};
static const struct fi_path uaccess_cow_path = {
    .name = "uaccess_cow", .attempt = uaccess_cow_attempt, .fail_result = -EFAULT};
static const struct fi_path kthread_path = {.name = "kthread", .attempt = kthread_attempt};
static const struct fi_path exit_path = {
    .name = "exit", .attempt = exit_attempt, .exits_armed = true};

/* ---- running and checking attempts ---------------------------------------------------- */

static void expect_census(struct ktest *t, const char *path, unsigned int nth,
			  const struct process_census *base)
{
	struct process_census now;

	take_process_census(&now);
	if (now.free_pages != base->free_pages || now.objects != base->objects ||
	    now.tasks != base->tasks || now.mms != base->mms)
		KEXPECT_FAIL(t,
			     "%s, allocation %u failed: since the walk began, %ld frames, %ld slab "
			     "objects, %ld tasks, %ld mm_structs leaked",
			     path, nth, (long)(base->free_pages - now.free_pages),
			     (long)(now.objects - base->objects), (long)(now.tasks - base->tasks),
			     (long)(now.mms - base->mms));
}

/* The address space every attempt's task starts with: code, data and stack pages. */
static struct mm_struct *attempt_mm(void)
{
	struct mm_struct *mm = mm_alloc("fi");
	phys_addr_t pa;

	if (!mm)
		return NULL;
	if (mm_map_anon(mm, CODE_VA, PAGE_SIZE, VM_READ | VM_EXEC) ||
	    mm_map_anon(mm, DATA_VA, DATA_PAGES * PAGE_SIZE, VM_READ | VM_WRITE) ||
	    mm_add_vma(mm, STACK_VA, PAGE_SIZE, VM_READ | VM_WRITE) ||
	    !translate(mm, CODE_VA, &pa, NULL)) {
		mmput(mm);
		return NULL;
	}
	memcpy(__va(pa), exit_zero, sizeof(exit_zero));
	memcpy((u8 *)__va(pa) + TOUCH_STACK_OFFSET, touch_stack, sizeof(touch_stack));
	return mm;
}

/* Run one attempt with allocation nth of kinds failed (0: none) in a task of its own. */
static void run_attempt(struct ktest *t, const struct fi_path *path, struct attempt *a,
			unsigned int kinds, unsigned int nth)
{
	struct mm_struct *mm = attempt_mm();
	struct task_struct *task;
	int status;

	*a = (struct attempt){.kinds = kinds, .nth = nth};
	KASSERT_NOT_NULL(t, mm);
	task = user_task_run(path->attempt, a, path->name, mm);
	KASSERT_NOT_NULL(t, task);
	get_task_struct(task); /* to read an exited task's count (the exit path) */
	status = task_wait_exit(task);
	if (path->exits_armed) {
		a->count = task->fault_inject.count;
		a->injected = task->fault_inject.injected;
	}
	put_task_struct(task);
	if (!a->result && !a->wrong && status != W_EXITCODE(0))
		a->wrong = "the task did not exit with status 0";
}

/* Expect the attempt with allocation nth failed to have failed cleanly, or, past the
 * last allocation, to have worked. */
static void expect_attempt(struct ktest *t, const struct fi_path *path, const struct attempt *a,
			   unsigned int count)
{
	bool must_fail = a->nth <= count;
	long fail_result = path->fail_result ? path->fail_result : -ENOMEM;

	if (a->injected != must_fail)
		KEXPECT_FAIL(t, "%s, allocation %u: injected %d, expected %d (count %u)",
			     path->name, a->nth, a->injected, must_fail, count);
	if (a->wrong)
		KEXPECT_FAIL(t, "%s, allocation %u failed: %s", path->name, a->nth, a->wrong);
	if (must_fail && a->result != fail_result)
		KEXPECT_FAIL(t, "%s, allocation %u failed: returned %ld, not %ld", path->name,
			     a->nth, a->result, fail_result);
	if (!must_fail && a->result)
		KEXPECT_FAIL(t, "%s: with no allocation failed it returned %ld", path->name,
			     a->result);
}

/* Print the path's allocation count, and of each kind; the kinds must add up (each
 * allocation counts under exactly one). */
static void log_count(struct ktest *t, const struct fi_path *path, unsigned int count)
{
	static const unsigned int kinds[] = {FAULT_PAGE, FAULT_SLAB, FAULT_PGTABLE, FAULT_KSTACK};
	unsigned int of_kind[ARRAY_SIZE(kinds)], sum = 0;
	struct attempt a;

	for (unsigned int i = 0; i < ARRAY_SIZE(kinds); i++) {
		run_attempt(t, path, &a, kinds[i], 0);
		of_kind[i] = a.count;
		sum += a.count;
	}
	ktest_log(t, "%u allocations (%u page, %u slab, %u page-table, %u kernel-stack)", count,
		  of_kind[0], of_kind[1], of_kind[2], of_kind[3]);
	KEXPECT_EQ(t, sum, count);
}

/* The walk: count the path's allocations, then fail each in turn, then none. */
static void walk(struct ktest *t, const struct fi_path *path)
{
	struct process_census base;
	struct attempt a;
	unsigned int count;

	run_attempt(t, path, &a, FAULT_ALL,
		    0); /* warm up: caches, pids, slots reach a steady state */
	take_process_census(&base);
	run_attempt(t, path, &a, FAULT_ALL, 0);
	KASSERT_EQ(t, a.result, 0);
	KASSERT_NULL(t, a.wrong);
	count = a.count;
	log_count(t, path, count);
	expect_census(t, path->name, 0, &base);
	for (unsigned int nth = 1; nth <= count + 1; nth++) {
		run_attempt(t, path, &a, FAULT_ALL, nth);
		expect_attempt(t, path, &a, count);
		expect_census(t, path->name, nth, &base);
	}
}

/* ---- the mechanism itself -------------------------------------------------------------- */

/* Only the nth allocation of the chosen kinds fails; the others are neither failed nor
 * counted. Nothing here may KASSERT while armed: the test would end with the task armed. */
KTEST(fault_inject, fails_only_the_nth_of_its_kinds)
{
	void *objs[3];
	struct process_census base;
	struct page *page;
	unsigned int count;
	bool injected;

	take_process_census(&base);
	fault_inject_start(FAULT_SLAB, 2);
	page = alloc_page(GFP_KERNEL); /* FAULT_PAGE: not counted */
	for (int i = 0; i < 3; i++)
		objs[i] = kmalloc(32, GFP_KERNEL);
	count = fault_inject_stop(&injected);
	KEXPECT_NOT_NULL(t, page);
	KEXPECT_NOT_NULL(t, objs[0]);
	KEXPECT_NULL(t, objs[1]);
	KEXPECT_NOT_NULL(t, objs[2]);
	KEXPECT_EQ(t, count, 3);
	KEXPECT_TRUE(t, injected);
	KEXPECT_EQ(t, atomic_read(&fault_inject_armed_tasks), 0);
	for (int i = 0; i < 3; i++)
		kfree(objs[i]);
	if (page)
		__free_pages(page, 0);
	expect_census(t, "kmalloc", 2, &base);
}

/* A slab object counts once, as FAULT_SLAB, even when its cache must take a new slab
 * from the page allocator: otherwise a path's count would depend on the caches' state. */
KTEST(fault_inject, slab_growth_is_not_a_page_allocation)
{
	struct process_census base;
	struct kmem_cache *cache;
	unsigned int pages, slabs;
	void *obj;

	take_process_census(&base);
	cache = kmem_cache_create("fi-fresh", 64, 0);
	KASSERT_NOT_NULL(t, cache); /* empty: the first object needs a new slab */
	fault_inject_start(FAULT_PAGE, 0);
	obj = kmem_cache_alloc(cache, GFP_KERNEL);
	pages = fault_inject_stop(NULL);
	kmem_cache_free(cache, obj);
	kmem_cache_shrink(cache);
	fault_inject_start(FAULT_SLAB, 0);
	obj = kmem_cache_alloc(cache, GFP_KERNEL);
	slabs = fault_inject_stop(NULL);
	kmem_cache_free(cache, obj);
	kmem_cache_destroy(cache);
	KEXPECT_NOT_NULL(t, obj);
	KEXPECT_EQ(t, pages, 0);
	KEXPECT_EQ(t, slabs, 1);
	expect_census(t, "fresh cache", 0, &base);
}

static int allocate_a_page(void *arg)
{
	struct page *page = alloc_page(GFP_KERNEL);

	if (page)
		__free_pages(page, 0);
	return page ? 0 : -ENOMEM;
}

/* Counting is per task: a kernel thread allocating while the armed test thread waits
 * for it is neither counted nor failed (nth 1 would fail its page otherwise). */
KTEST(fault_inject, counts_only_the_armed_task)
{
	struct task_struct *kt;
	unsigned int count;
	bool injected;
	int ret = -1;

	fault_inject_start(FAULT_PAGE, 1);
	kt = kthread_run(allocate_a_page, NULL, "fi-other"); /* slab and kstack: not counted */
	if (kt)
		ret = task_wait_exit(kt);
	count = fault_inject_stop(&injected);
	KEXPECT_NOT_NULL(t, kt);
	KEXPECT_EQ(t, ret, 0);
	KEXPECT_EQ(t, count, 0);
	KEXPECT_FALSE(t, injected);
}

KTEST_DEATH(fault_inject, start_while_armed, "fault_inject_start: init is already armed")
{
	fault_inject_start(FAULT_PAGE, 0);
	fault_inject_start(FAULT_PAGE, 0);
}

KTEST_DEATH(fault_inject, stop_while_not_armed, "fault_inject_stop: init is not armed")
{
	fault_inject_stop(NULL);
}

/* ---- the walks ---------------------------------------------------------------------------- */

KTEST(fault_inject, fork)
{
	walk(t, &fork_path);
}

KTEST(fault_inject, clone)
{
	walk(t, &clone_path);
}

KTEST(fault_inject, execve)
{
	walk(t, &execve_path);
}

KTEST(fault_inject, mmap_fault)
{
	walk(t, &mmap_fault_path);
}

KTEST(fault_inject, mmap_fixed)
{
	walk(t, &mmap_fixed_path);
}

KTEST(fault_inject, cow_break)
{
	walk(t, &cow_path);
}

KTEST(fault_inject, uaccess_fault)
{
	walk(t, &uaccess_fault_path);
}

KTEST(fault_inject, uaccess_cow)
{
	walk(t, &uaccess_cow_path);
}

KTEST(fault_inject, kthread)
{
	walk(t, &kthread_path);
}

KTEST(fault_inject, exit)
{
	walk(t, &exit_path);
}

/*
 * A fault from ring 3 has no caller to return -ENOMEM to: it goes to the OOM killer
 * (mm/oom_kill.c), which picks the largest process, here the only one, the faulting
 * process itself: it dies of SIGKILL with the OOM line, and the kernel carries on. The
 * task arms itself and goes to ring 3, where its first push needs the stack page: the
 * first allocation, failed with nth 1; with nth 2 nothing fails (the page table is
 * there already) and it exits 42.
 */
static int touch_stack_armed(void *arg)
{
	struct trap_frame *tf = task_pt_regs(current);
	const unsigned int *nth = arg;

	*tf = child_frame();
	tf->rip = CODE_VA + TOUCH_STACK_OFFSET;
	fault_inject_start(FAULT_ALL, *nth);
	return_to_user(tf); /* do_exit disarms it */
}

static int run_touch_stack(struct ktest *t, unsigned int nth)
{
	struct mm_struct *mm = attempt_mm();
	struct task_struct *task;

	KASSERT_NOT_NULL(t, mm);
	task = user_task_run(touch_stack_armed, &nth, "fi-touch", mm);
	KASSERT_NOT_NULL(t, task);
	return task_wait_exit(task);
}

KTEST(fault_inject, user_fault_without_memory_kills_the_process)
{
	struct process_census base;
	int kills_before;

	run_touch_stack(t, 2); /* warm up */
	take_process_census(&base);
	kills_before = atomic_read(&oom_kills);
	KEXPECT_EQ(t, run_touch_stack(t, 1), W_SIGNALED(SIGKILL));
	KEXPECT_EQ(t, atomic_read(&oom_kills), kills_before + 1);
	expect_census(t, "user fault", 1, &base);
	KEXPECT_EQ(t, run_touch_stack(t, 2), W_EXITCODE(42));
	expect_census(t, "user fault", 2, &base);
	KEXPECT_EQ(t, atomic_read(&fault_inject_armed_tasks), 0);
}
