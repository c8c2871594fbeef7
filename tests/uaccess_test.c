/*
 * tests/uaccess_test.c - the user-copy routines, access_ok, SMEP and SMAP
 * (arch/x86_64/uaccess.c).
 *
 * Each test runs with a scratch address space loaded (kthread_use_mm from the test's
 * kernel thread), laid out so that every edge is one page away from another:
 *
 *   SCRATCH_BASE      two read-write pages
 *   SCRATCH_HOLE      unmapped: copies that run into it must stop exactly there
 *   SCRATCH_EXEC      one read-only executable page holding a `ret` (the SMEP probe)
 *   SCRATCH_LAZY      added by one test, without pages: they come on first touch
 *   SCRATCH_TOP       the last page below TASK_SIZE, read-write
 *
 * Results are checked both through the routines and through the direct map, so a copy
 * that "succeeds" without writing anything, or writes the wrong bytes, is caught.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "mm/mm_struct.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "sched/sched.h"
#include "tests/ktest.h"
#include "tests/sched_test_util.h"

#define SCRATCH_BASE 0x10000000ul
#define SCRATCH_HOLE (SCRATCH_BASE + 2 * PAGE_SIZE)
#define SCRATCH_EXEC (SCRATCH_BASE + 4 * PAGE_SIZE)
#define SCRATCH_LAZY (SCRATCH_BASE + 8 * PAGE_SIZE) /* mm_add_vma: paged in on demand */
#define SCRATCH_TOP (TASK_SIZE - PAGE_SIZE)
#define NON_CANONICAL 0x0000800000000000ul /* first address past the lower half */
#define X86_RET 0xc3

static struct {
	struct mm_struct *mm;
	bool in_use; /* kthread_use_mm done */
	unsigned long free_before;
} scratch;

/* Kernel memory that copy_to_user must never write, whatever address names it. */
static u8 kernel_victim[64];
static const char kernel_secret[] = "kernel";

/* The direct-map alias of a user byte of the scratch mm, to check results independently. */
static u8 *scratch_byte(unsigned long uaddr)
{
	phys_addr_t pa;
	u64 flags;

	if (!translate(scratch.mm, uaddr & PAGE_MASK, &pa, &flags))
		return NULL;
	return (u8 *)__va(pa) + (uaddr & ~PAGE_MASK);
}

static int scratch_map(void)
{
	u8 *ret_insn;

	scratch.mm = mm_alloc("uaccess");
	if (!scratch.mm)
		return -ENOMEM;
	if (mm_map_anon(scratch.mm, SCRATCH_BASE, 2 * PAGE_SIZE, VM_READ | VM_WRITE) ||
	    mm_map_anon(scratch.mm, SCRATCH_EXEC, PAGE_SIZE, VM_READ | VM_EXEC) ||
	    mm_map_anon(scratch.mm, SCRATCH_TOP, PAGE_SIZE, VM_READ | VM_WRITE))
		return -ENOMEM;
	ret_insn = scratch_byte(SCRATCH_EXEC);
	if (!ret_insn)
		return -EFAULT;
	*ret_insn = X86_RET;
	return 0;
}

/* Per test: a baseline of free pages, then the scratch mm, loaded. */
static int uaccess_init(struct ktest *t __unused)
{
	int err;

	settle_lazy_mm();
	kmem_cache_shrink_all();
	scratch.free_before = nr_free_pages();
	err = scratch_map();
	if (err)
		return err;
	kthread_use_mm(scratch.mm);
	scratch.in_use = true;
	return 0;
}

/* Give the mm back, free it, and check every page came back. */
static void uaccess_exit(struct ktest *t)
{
	if (scratch.in_use)
		kthread_unuse_mm(scratch.mm);
	if (scratch.mm)
		mmput(scratch.mm);
	scratch.in_use = false;
	scratch.mm = NULL;
	settle_lazy_mm(); /* drop the lazy reference that keeps the PML4 alive */
	kmem_cache_shrink_all();
	KEXPECT_EQ(t, nr_free_pages(), scratch.free_before);
}

KTEST_SUITE_HOOKS(uaccess, .init = uaccess_init, .exit = uaccess_exit);

static void fill_pattern(u8 *buf, size_t n, u8 seed)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (u8)(seed + i * 7);
}

static bool all_bytes(const u8 *buf, size_t n, u8 val)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != val)
			return false;
	}
	return true;
}

KTEST(uaccess, access_ok_edges)
{
	KEXPECT_TRUE(t, access_ok(NULL, 0));
	KEXPECT_TRUE(t, access_ok(NULL, 1)); /* user range; the copy itself then faults */
	KEXPECT_TRUE(t, access_ok((void *)(TASK_SIZE - 1), 1));
	KEXPECT_FALSE(t, access_ok((void *)(TASK_SIZE - 1), 2));
	KEXPECT_TRUE(t, access_ok((void *)TASK_SIZE, 0));
	KEXPECT_FALSE(t, access_ok((void *)TASK_SIZE, 1));
	KEXPECT_TRUE(t, access_ok(NULL, TASK_SIZE));
	KEXPECT_FALSE(t, access_ok(NULL, TASK_SIZE + 1));
	KEXPECT_FALSE(t, access_ok((void *)1, TASK_SIZE));
	KEXPECT_FALSE(t, access_ok((void *)PAGE_OFFSET, 0));
	KEXPECT_FALSE(t, access_ok((void *)KERNEL_VIRT_BASE, 8));
	KEXPECT_FALSE(t, access_ok((void *)NON_CANONICAL, 8));
	/* Ranges whose end wraps around to a small address. */
	KEXPECT_FALSE(t, access_ok((void *)0x1000, ~0ul));
	KEXPECT_FALSE(t, access_ok((void *)0x1000, -0x1000ul));
	KEXPECT_FALSE(t, access_ok((void *)~0ul, 2));
}

KTEST(uaccess, copy_round_trip)
{
	static u8 src[300], dst[300];
	unsigned long across = SCRATCH_BASE + PAGE_SIZE - 50; /* spans both pages */

	fill_pattern(src, sizeof(src), 1);
	KEXPECT_EQ(t, copy_to_user((void *)across, src, sizeof(src)), 0ul);
	KEXPECT_EQ(t, memcmp(scratch_byte(across), src, 50), 0);
	KEXPECT_EQ(t, memcmp(scratch_byte(SCRATCH_BASE + PAGE_SIZE), src + 50, 250), 0);
	KEXPECT_EQ(t, copy_from_user(dst, (void *)across, sizeof(dst)), 0ul);
	KEXPECT_EQ(t, memcmp(dst, src, sizeof(src)), 0);
	KEXPECT_EQ(t, copy_to_user((void *)SCRATCH_BASE, src, 0), 0ul);
	/* EFLAGS.AC must not outlive the copy, or SMAP would be off from here on. */
	KEXPECT_EQ(t, read_rflags() & X86_EFLAGS_AC, 0ul);
}

KTEST(uaccess, copy_to_user_stops_exactly_at_a_hole)
{
	u8 src[100];

	fill_pattern(src, sizeof(src), 3);
	memset(scratch_byte(SCRATCH_HOLE - 10), 0, 10);
	KEXPECT_EQ(t, copy_to_user((void *)(SCRATCH_HOLE - 10), src, sizeof(src)), 90ul);
	KEXPECT_EQ(t, memcmp(scratch_byte(SCRATCH_HOLE - 10), src, 10), 0);
	KEXPECT_EQ(t, read_rflags() & X86_EFLAGS_AC, 0ul);
}

KTEST(uaccess, copy_from_user_stops_at_a_hole_and_zeroes_the_rest)
{
	u8 pattern[10], dst[100];

	fill_pattern(pattern, sizeof(pattern), 5);
	memcpy(scratch_byte(SCRATCH_HOLE - 10), pattern, sizeof(pattern));
	memset(dst, 0xaa, sizeof(dst));
	KEXPECT_EQ(t, copy_from_user(dst, (void *)(SCRATCH_HOLE - 10), sizeof(dst)), 90ul);
	KEXPECT_EQ(t, memcmp(dst, pattern, sizeof(pattern)), 0);
	KEXPECT_TRUE(t, all_bytes(dst + 10, 90, 0));
	/* A copy that ends exactly at the hole never touches it. */
	KEXPECT_EQ(t, copy_from_user(dst, (void *)(SCRATCH_HOLE - 10), 10), 0ul);
	KEXPECT_EQ(t, memcmp(dst, pattern, sizeof(pattern)), 0);
}

KTEST(uaccess, the_last_user_bytes_are_usable)
{
	u8 src[8] = {1, 2, 3, 4, 5, 6, 7, 8}, dst[16];

	KEXPECT_EQ(t, copy_to_user((void *)(TASK_SIZE - 8), src, 8), 0ul);
	KEXPECT_EQ(t, memcmp(scratch_byte(TASK_SIZE - 8), src, 8), 0);
	KEXPECT_EQ(t, copy_from_user(dst, (void *)(TASK_SIZE - 8), 8), 0ul);
	KEXPECT_EQ(t, memcmp(dst, src, 8), 0);
	/* One byte more crosses TASK_SIZE: refused whole, nothing copied. */
	memset(dst, 0xaa, sizeof(dst));
	KEXPECT_EQ(t, copy_from_user(dst, (void *)(TASK_SIZE - 8), 9), 9ul);
	KEXPECT_TRUE(t, all_bytes(dst, 9, 0));
	KEXPECT_EQ(t, copy_to_user((void *)(TASK_SIZE - 8), dst, 9), 9ul);
	KEXPECT_EQ(t, memcmp(scratch_byte(TASK_SIZE - 8), src, 8), 0);
}

/*
 * Copies reach pages that are not there yet: the fault inside rep movsb is resolved by
 * demand paging (mm/fault.c) and the copy carries on; a write to a read-only mapping
 * is refused by the VMA and reported.
 */
KTEST(uaccess, copies_fault_in_demand_pages_and_respect_read_only)
{
	static u8 src[2 * PAGE_SIZE], dst[2 * PAGE_SIZE];
	unsigned long pages_before = scratch.mm->nr_pages;

	KASSERT_EQ(t, mm_add_vma(scratch.mm, SCRATCH_LAZY, 2 * PAGE_SIZE, VM_READ | VM_WRITE), 0);
	fill_pattern(src, sizeof(src), 13);
	KEXPECT_EQ(t, copy_to_user((void *)SCRATCH_LAZY, src, sizeof(src)), 0ul);
	KEXPECT_EQ(t, scratch.mm->nr_pages, pages_before + 2);
	KEXPECT_EQ(t, copy_from_user(dst, (void *)SCRATCH_LAZY, sizeof(dst)), 0ul);
	KEXPECT_EQ(t, memcmp(dst, src, sizeof(src)), 0);

	KEXPECT_EQ(t, copy_to_user((void *)SCRATCH_EXEC, src, 16), 16ul);
	KEXPECT_EQ(t, clear_user((void *)SCRATCH_EXEC, 16), 16ul);
	KEXPECT_EQ(t, *scratch_byte(SCRATCH_EXEC), X86_RET);
	KEXPECT_EQ(t, copy_from_user(dst, (void *)SCRATCH_EXEC, 1), 0ul);
	KEXPECT_EQ(t, dst[0], X86_RET);
}

/*
 * A copy into a copy-on-write page: after a fork (dup_mm) both address spaces map the
 * page read-only, so copy_to_user faults in kernel mode and must break the COW as a user
 * write would, leaving the other copy untouched. With or without SMAP: EFLAGS.AC is set
 * around the copy only when SMAP exists (`make test QEMU_EXTRA='-cpu max,-smap'`).
 */
KTEST(uaccess, copy_to_user_breaks_copy_on_write)
{
	struct mm_struct *child;
	u8 src[16], before[16];
	phys_addr_t child_pa;
	u64 child_flags;

	fill_pattern(before, sizeof(before), 3);
	memcpy(scratch_byte(SCRATCH_BASE), before, sizeof(before));
	child = dup_mm(scratch.mm, "uaccess-child");
	KASSERT_NOT_NULL(t, child);
	fill_pattern(src, sizeof(src), 21);
	KEXPECT_EQ(t, copy_to_user((void *)SCRATCH_BASE, src, sizeof(src)), 0ul);
	KEXPECT_EQ(t, memcmp(scratch_byte(SCRATCH_BASE), src, sizeof(src)), 0);
	KEXPECT_EQ(t, clear_user((void *)(SCRATCH_BASE + PAGE_SIZE), 8), 0ul);
	if (translate(child, SCRATCH_BASE, &child_pa, &child_flags))
		KEXPECT_EQ(t, memcmp(__va(child_pa), before, sizeof(before)), 0);
	else
		KEXPECT_FAIL(t, "the child lost its copy of 0x%lx", SCRATCH_BASE);
	mmput(child);
}

/* A 16-byte copy from, to and clearing of addr must all be refused whole. */
static void expect_copies_refused(struct ktest *t, unsigned long addr)
{
	u8 src[16], dst[16];
	unsigned long from, to, cleared;

	fill_pattern(src, sizeof(src), 9);
	memset(dst, 0xaa, sizeof(dst));
	from = copy_from_user(dst, (void *)addr, sizeof(dst));
	to = copy_to_user((void *)addr, src, sizeof(src));
	cleared = clear_user((void *)addr, 16);
	if (from != 16 || to != 16 || cleared != 16 || !all_bytes(dst, sizeof(dst), 0))
		KEXPECT_FAIL(t, "address 0x%lx: from %lu, to %lu, clear %lu left (want 16 each)%s",
			     addr, from, to, cleared,
			     all_bytes(dst, sizeof(dst), 0) ? "" : ", dst not zeroed");
}

KTEST(uaccess, bad_addresses_copy_nothing)
{
	expect_copies_refused(t, 0);			       /* NULL */
	expect_copies_refused(t, SCRATCH_HOLE);		       /* unmapped */
	expect_copies_refused(t, SCRATCH_BASE + 0x40000000ul); /* not even page tables */
	expect_copies_refused(t, PAGE_OFFSET);		       /* the direct map */
	expect_copies_refused(t, KERNEL_VIRT_BASE);	       /* the kernel image */
	expect_copies_refused(t, TASK_SIZE - 8);	       /* straddles the top of user space */
	expect_copies_refused(t, ~0ul - 7);		       /* wraps around to 0 */
	expect_copies_refused(t, NON_CANONICAL);	       /* would be #GP, not #PF */
	expect_copies_refused(t, 0xdead000000000000ul);
	KEXPECT_EQ(t, read_rflags() & X86_EFLAGS_AC, 0ul);
}

KTEST(uaccess, kernel_memory_is_never_a_user_buffer)
{
	u8 src[16], dst[16];
	void *aliases[] = {kernel_victim, __va(__pa(kernel_victim))};

	fill_pattern(kernel_victim, sizeof(kernel_victim), 11);
	fill_pattern(src, sizeof(src), 200);
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++) {
		KEXPECT_EQ(t, copy_to_user(aliases[i], src, sizeof(src)), 16ul);
		KEXPECT_EQ(t, clear_user(aliases[i], 16), 16ul);
		KEXPECT_EQ(t, copy_from_user(dst, aliases[i], sizeof(dst)), 16ul);
		KEXPECT_TRUE(t, all_bytes(dst, sizeof(dst), 0));
	}
	KEXPECT_EQ(t, kernel_victim[0], 11);
	KEXPECT_EQ(t, kernel_victim[15], (u8)(11 + 15 * 7));
}

/* access_ok keeps these from ever reaching the copy; the fixups are the second line. */
KTEST(uaccess, raw_copy_faults_are_fixed_up)
{
	u8 buf[16];

	KEXPECT_EQ(t, copy_user_generic(buf, (void *)NON_CANONICAL, 16), 16ul); /* #GP */
	KEXPECT_EQ(t, copy_user_generic((void *)0xdead000000000000ul, buf, 16), 16ul);
	KEXPECT_EQ(t, copy_user_generic(buf, (void *)(TASK_SIZE - 8), 16), 8ul); /* #PF */
	KEXPECT_EQ(t, read_rflags() & X86_EFLAGS_AC, 0ul);
}

KTEST(uaccess, clear_user_zeroes_exactly_the_range)
{
	u8 *base = scratch_byte(SCRATCH_BASE);

	memset(base, 0xff, 200);
	KEXPECT_EQ(t, clear_user((void *)(SCRATCH_BASE + 10), 100), 0ul);
	KEXPECT_EQ(t, base[9], 0xff);
	KEXPECT_TRUE(t, all_bytes(base + 10, 100, 0));
	KEXPECT_EQ(t, base[110], 0xff);
	/* Into the hole: the part before it is cleared, the rest reported. */
	memset(scratch_byte(SCRATCH_HOLE - 10), 0xff, 10);
	KEXPECT_EQ(t, clear_user((void *)(SCRATCH_HOLE - 10), 50), 40ul);
	KEXPECT_TRUE(t, all_bytes(scratch_byte(SCRATCH_HOLE - 10), 10, 0));
}

/* Place a string (with or without its NUL) at user address uaddr, via the direct map. */
static void put_user_bytes(unsigned long uaddr, const char *s, size_t n)
{
	memcpy(scratch_byte(uaddr), s, n);
}

KTEST(uaccess, strncpy_from_user_copies_strings)
{
	char dst[64];

	put_user_bytes(SCRATCH_BASE, "hello", 6);
	KEXPECT_EQ(t, strncpy_from_user(dst, (void *)SCRATCH_BASE, sizeof(dst)), 5l);
	KEXPECT_STREQ(t, dst, "hello");
	put_user_bytes(SCRATCH_BASE, "", 1);
	KEXPECT_EQ(t, strncpy_from_user(dst, (void *)SCRATCH_BASE, sizeof(dst)), 0l);
	KEXPECT_STREQ(t, dst, "");
	/* Exactly fits: 7 characters and the NUL in 8 bytes. */
	put_user_bytes(SCRATCH_BASE, "abcdefg", 8);
	KEXPECT_EQ(t, strncpy_from_user(dst, (void *)SCRATCH_BASE, 8), 7l);
	KEXPECT_STREQ(t, dst, "abcdefg");
	/* One more character and it does not. */
	put_user_bytes(SCRATCH_BASE, "abcdefgh", 9);
	KEXPECT_EQ(t, strncpy_from_user(dst, (void *)SCRATCH_BASE, 8), (long)-ENAMETOOLONG);
	KEXPECT_STREQ(t, dst, "");
	KEXPECT_EQ(t, strncpy_from_user(dst, (void *)SCRATCH_BASE, 0), (long)-EINVAL);
	KEXPECT_EQ(t, read_rflags() & X86_EFLAGS_AC, 0ul);
}

/* strncpy_from_user(addr) must fail with -EFAULT and leave the empty string. */
static void expect_strncpy_fault(struct ktest *t, unsigned long addr)
{
	char dst[64] = "x";
	long ret = strncpy_from_user(dst, (void *)addr, sizeof(dst));

	if (ret != -EFAULT || dst[0] != '\0')
		KEXPECT_FAIL(t, "address 0x%lx: returned %ld, dst \"%s\" (want -EFAULT, \"\")",
			     addr, ret, dst);
}

KTEST(uaccess, strncpy_from_user_rejects_bad_pointers)
{
	expect_strncpy_fault(t, 0);
	expect_strncpy_fault(t, SCRATCH_HOLE);
	expect_strncpy_fault(t, PAGE_OFFSET);
	expect_strncpy_fault(t, KERNEL_VIRT_BASE);
	expect_strncpy_fault(t, (unsigned long)kernel_secret); /* must not leak kernel strings */
	expect_strncpy_fault(t, NON_CANONICAL);
	expect_strncpy_fault(t, ~0ul);
}

KTEST(uaccess, strncpy_from_user_stops_at_the_nul_or_the_edge)
{
	char dst[64];

	/* Runs into the hole with no NUL: a fault, reported. */
	put_user_bytes(SCRATCH_HOLE - 5, "xxxxx", 5);
	KEXPECT_EQ(t, strncpy_from_user(dst, (void *)(SCRATCH_HOLE - 5), sizeof(dst)),
		   (long)-EFAULT);
	/* The NUL is the last byte before the hole: the hole is never read. */
	put_user_bytes(SCRATCH_HOLE - 5, "abcd", 5);
	KEXPECT_EQ(t, strncpy_from_user(dst, (void *)(SCRATCH_HOLE - 5), sizeof(dst)), 4l);
	KEXPECT_STREQ(t, dst, "abcd");
	/* The same two cases against TASK_SIZE. */
	put_user_bytes(TASK_SIZE - 8, "xxxxxxxx", 8);
	KEXPECT_EQ(t, strncpy_from_user(dst, (void *)(TASK_SIZE - 8), sizeof(dst)), (long)-EFAULT);
	put_user_bytes(TASK_SIZE - 4, "abc", 4);
	KEXPECT_EQ(t, strncpy_from_user(dst, (void *)(TASK_SIZE - 4), sizeof(dst)), 3l);
	KEXPECT_STREQ(t, dst, "abc");
}

/* kmain turned on whatever the CPU offers; doing it again changes nothing. */
KTEST(uaccess, protections_match_the_cpu)
{
	u32 max_leaf, ebx = 0, ecx, edx;
	u64 cr4 = read_cr4();

	cpuid(0, 0, &max_leaf, &ebx, &ecx, &edx);
	ebx = ecx = 0;
	if (max_leaf >= CPUID_LEAF_STRUCT_EXT_FEATURES)
		cpuid(CPUID_LEAF_STRUCT_EXT_FEATURES, 0, &max_leaf, &ebx, &ecx, &edx);
	KEXPECT_EQ(t, smep_enabled, (ebx & CPUID_7_0_EBX_SMEP) != 0);
	KEXPECT_EQ(t, smap_enabled, (ebx & CPUID_7_0_EBX_SMAP) != 0);
	KEXPECT_EQ(t, (cr4 & CR4_SMEP) != 0, smep_enabled);
	KEXPECT_EQ(t, (cr4 & CR4_SMAP) != 0, smap_enabled);
	KEXPECT_EQ(t, umip_enabled, (ecx & CPUID_7_0_ECX_UMIP) != 0);
	KEXPECT_EQ(t, (cr4 & CR4_UMIP) != 0, umip_enabled);
	cpu_protection_init();
	KEXPECT_EQ(t, read_cr4(), cr4);
}

KTEST(uaccess, smap_blocks_kernel_access_outside_user_sections)
{
	u64 val = 0, magic = 0x5a5a0123456789a5ull;
	int err;

	if (!smap_enabled)
		KTEST_SKIP("the CPU has no SMAP");
	KEXPECT_TRUE(t, read_cr4() & CR4_SMAP);
	KEXPECT_EQ(t, copy_to_user((void *)SCRATCH_BASE, &magic, sizeof(magic)), 0ul);
	KEXPECT_EQ(t, read_rflags() & X86_EFLAGS_AC, 0ul);
	/* A plain kernel load or store of a present, writable user page faults... */
	KEXPECT_EQ(t, probe_read_u64((void *)SCRATCH_BASE, &val), -EFAULT);
	KEXPECT_EQ(t, probe_write_u8((void *)SCRATCH_BASE, 0), -EFAULT);
	KEXPECT_EQ(t, *(u64 *)scratch_byte(SCRATCH_BASE), magic);
	/* ...and works inside a user access section. */
	user_access_begin();
	err = probe_read_u64((void *)SCRATCH_BASE, &val);
	user_access_end();
	KEXPECT_EQ(t, err, 0);
	KEXPECT_EQ(t, val, magic);
	KEXPECT_EQ(t, read_rflags() & X86_EFLAGS_AC, 0ul);
}

/* A made-up kernel-mode #PF frame, to ask smap_violation about. */
static bool smap_violation_for(u64 cs, u64 error_code, u64 rflags)
{
	struct trap_frame tf = {0};

	tf.vector = X86_TRAP_PF;
	tf.cs = cs;
	tf.error_code = error_code;
	tf.rflags = rflags;
	return smap_violation(&tf);
}

KTEST(uaccess, smap_violation_names_the_forbidden_faults)
{
	KEXPECT_EQ(t, smap_violation_for(KERNEL_CS, X86_PF_PROT, 0), smap_enabled);
	KEXPECT_EQ(t, smap_violation_for(KERNEL_CS, X86_PF_PROT | X86_PF_WRITE, 0), smap_enabled);
	KEXPECT_FALSE(t, smap_violation_for(KERNEL_CS, X86_PF_PROT, X86_EFLAGS_AC));
	KEXPECT_FALSE(t, smap_violation_for(KERNEL_CS, X86_PF_USER | X86_PF_PROT, 0));
	KEXPECT_FALSE(t, smap_violation_for(USER_CS, X86_PF_USER | X86_PF_PROT, 0));
}

/* probe_exec the user page's `ret` with CR4.SMEP cleared for a moment (interrupts off,
 * so nothing else runs without it): shows the page itself is fine to execute. */
static int exec_without_smep(void)
{
	unsigned long flags = local_irq_save();
	u64 cr4 = read_cr4();
	int err;

	write_cr4(cr4 & ~(u64)CR4_SMEP);
	err = probe_exec((void *)SCRATCH_EXEC);
	write_cr4(cr4);
	local_irq_restore(flags);
	return err;
}

KTEST(uaccess, smep_blocks_executing_user_pages)
{
	if (!smep_enabled)
		KTEST_SKIP("the CPU has no SMEP");
	KEXPECT_TRUE(t, read_cr4() & CR4_SMEP);
	KEXPECT_EQ(t, probe_exec((void *)SCRATCH_EXEC), -EFAULT);
	/* The control: the same call works without SMEP, so SMEP alone stopped it. */
	KEXPECT_EQ(t, exec_without_smep(), 0);
	KEXPECT_TRUE(t, read_cr4() & CR4_SMEP);
	KEXPECT_EQ(t, probe_exec((void *)SCRATCH_EXEC), -EFAULT);
}
