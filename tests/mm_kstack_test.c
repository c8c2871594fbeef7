/*
 * tests/mm_kstack_test.c - kernel stacks with guard pages (mm/vmalloc.c) and the fault
 * handlers that name an overflow (arch/x86_64/fault.c).
 *
 * A stack is mapped, its guard is not, and freeing gives every frame back. The death
 * tests overflow a stack for real: recursion runs off the bottom into the guard page,
 * the CPU cannot push the #PF frame there and raises #DF on its own stack, and the #DF
 * handler must say "kernel stack overflow".
 */
#include "arch/x86_64/call_on_stack.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/pgtable_types.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "mm/mm_types.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/vmalloc.h"
#include "tests/ktest.h"

extern char boot_stack_bottom[], boot_stack_top[];

#define MANY_STACKS 64

KTEST(mm_kstack, stack_is_mapped_and_guard_is_not)
{
	unsigned long pages_before = vmalloc_nr_pages();
	struct kstack stack;
	u64 val, flags = 0;

	KASSERT_EQ(t, kstack_alloc(&stack), 0);
	KEXPECT_EQ(t, stack.top - stack.bottom, KSTACK_SIZE);
	KEXPECT_GE(t, stack.bottom, VMALLOC_START + PAGE_SIZE);
	KEXPECT_LT(t, stack.top, VMALLOC_END);
	KEXPECT_TRUE(t, IS_ALIGNED(stack.top, 16));
	for (unsigned long va = stack.bottom; va < stack.top; va += PAGE_SIZE) {
		KEXPECT_EQ(t, probe_write_u8((void *)va, 0x42), 0);
		KEXPECT_EQ(t, probe_read_u64((const void *)va, &val), 0);
	}
	KEXPECT_EQ(t, probe_read_u64((const void *)(stack.bottom - 8), &val), -EFAULT);
	KEXPECT_EQ(t, probe_read_u64((const void *)(stack.bottom - PAGE_SIZE), &val), -EFAULT);
	KEXPECT_TRUE(t, translate(&init_mm, stack.bottom, NULL, &flags));
	KEXPECT_EQ(t, flags & (_PAGE_RW | _PAGE_NX | _PAGE_GLOBAL),
		   _PAGE_RW | _PAGE_NX | _PAGE_GLOBAL);
	KEXPECT_EQ(t, vmalloc_nr_pages(), pages_before + KSTACK_PAGES);
	kstack_free(&stack);
	KEXPECT_EQ(t, vmalloc_nr_pages(), pages_before);
}

KTEST(mm_kstack, guard_and_stack_lookups)
{
	struct kstack stack, owner;

	KASSERT_EQ(t, kstack_alloc(&stack), 0);
	KEXPECT_TRUE(t, addr_in_stack_guard(stack.bottom - PAGE_SIZE));
	KEXPECT_TRUE(t, addr_in_stack_guard(stack.bottom - 1));
	KEXPECT_FALSE(t, addr_in_stack_guard(stack.bottom));
	KEXPECT_FALSE(t, addr_in_stack_guard(stack.top - 8));
	KEXPECT_TRUE(t, kstack_guard_owner(stack.bottom - 8, &owner));
	KEXPECT_EQ(t, owner.bottom, stack.bottom);
	KEXPECT_EQ(t, owner.top, stack.top);
	KEXPECT_TRUE(t, addr_on_kernel_stack(stack.bottom));
	KEXPECT_TRUE(t, addr_on_kernel_stack(stack.top - 1));
	KEXPECT_FALSE(t, addr_on_kernel_stack(stack.bottom - 8));
	KEXPECT_FALSE(t, addr_in_stack_guard((unsigned long)&owner - 0x10000000000ul));
	KEXPECT_FALSE(t, addr_in_stack_guard(0));
	kstack_free(&stack);
	/* The slot stays a slot: its guard is still a guard, its stack no longer live. */
	KEXPECT_TRUE(t, addr_in_stack_guard(owner.bottom - 8));
	KEXPECT_FALSE(t, addr_on_kernel_stack(owner.bottom));
}

KTEST(mm_kstack, boot_stack_has_a_guard_too)
{
	unsigned long guard = (unsigned long)boot_stack_bottom - PAGE_SIZE;
	struct kstack owner;
	u64 val;

	KEXPECT_TRUE(t, addr_in_stack_guard(guard));
	KEXPECT_TRUE(t, kstack_guard_owner(guard + 16, &owner));
	KEXPECT_EQ(t, owner.bottom, (unsigned long)boot_stack_bottom);
	KEXPECT_EQ(t, owner.top, (unsigned long)boot_stack_top);
	KEXPECT_EQ(t, probe_read_u64((const void *)guard, &val), -EFAULT);
	KEXPECT_TRUE(t, addr_on_kernel_stack((unsigned long)boot_stack_top - 8));
	KEXPECT_FALSE(t, addr_in_stack_guard((unsigned long)boot_stack_bottom));
}

KTEST(mm_kstack, free_unmaps_and_returns_frames)
{
	unsigned long free_before = nr_free_pages();
	struct kstack stack;
	unsigned long bottom;
	u64 val;

	KASSERT_EQ(t, kstack_alloc(&stack), 0);
	KEXPECT_EQ(t, free_before - nr_free_pages(), KSTACK_PAGES);
	bottom = stack.bottom;
	*(volatile u64 *)(stack.top - 8) = 1; /* cached in the TLB: the free must flush */
	kstack_free(&stack);
	KEXPECT_EQ(t, nr_free_pages(), free_before);
	KEXPECT_EQ(t, stack.bottom, 0);
	for (unsigned long va = bottom; va < bottom + KSTACK_SIZE; va += PAGE_SIZE)
		KEXPECT_EQ(t, probe_read_u64((const void *)va, &val), -EFAULT);
}

KTEST(mm_kstack, slots_are_reused)
{
	unsigned long free_before = nr_free_pages();
	struct kstack a, b, c;
	unsigned long first;

	KASSERT_EQ(t, kstack_alloc(&a), 0);
	first = a.bottom;
	kstack_free(&a);
	KASSERT_EQ(t, kstack_alloc(&b), 0);
	KEXPECT_EQ(t, b.bottom, first); /* the free list is LIFO */
	KASSERT_EQ(t, kstack_alloc(&c), 0);
	KEXPECT_NE(t, c.bottom, b.bottom);
	/* Disjoint, each with its own guard between them. */
	KEXPECT_TRUE(t, c.bottom >= b.top + PAGE_SIZE || b.bottom >= c.top + PAGE_SIZE);
	kstack_free(&c);
	kstack_free(&b);
	KEXPECT_EQ(t, nr_free_pages(), free_before);
}

KTEST(mm_kstack, many_stacks_come_and_go)
{
	static struct kstack stacks[MANY_STACKS];
	unsigned long free_before = nr_free_pages();
	unsigned long pages_before = vmalloc_nr_pages();
	int n;

	for (n = 0; n < MANY_STACKS; n++) {
		if (kstack_alloc(&stacks[n]))
			break;
		*(volatile u64 *)(stacks[n].top - 8) = (u64)n;
	}
	KEXPECT_EQ(t, n, MANY_STACKS);
	KEXPECT_EQ(t, vmalloc_nr_pages(), pages_before + (unsigned long)n * KSTACK_PAGES);
	for (int i = 0; i < n; i++) {
		KEXPECT_EQ(t, *(volatile u64 *)(stacks[i].top - 8), (u64)i);
		kstack_free(&stacks[i]);
	}
	KEXPECT_EQ(t, nr_free_pages(), free_before);
	KEXPECT_EQ(t, vmalloc_nr_pages(), pages_before);
}

struct on_stack_result {
	unsigned long frame;	    /* record_frame's frame, on the new stack */
	unsigned long caller_frame; /* the frame it links to: call_on_stack's, on the old one */
	unsigned long caller_caller_frame; /* and the one that links to: the test's */
};

static __noinline void record_frame(void *arg)
{
	struct on_stack_result *r = arg;
	u64 *frame = __builtin_frame_address(0);

	r->frame = (unsigned long)frame;
	r->caller_frame = frame[0];
	r->caller_caller_frame = *(u64 *)r->caller_frame;
}

/* call_on_stack really switches stacks, and the frame chain leads back to the caller. */
KTEST(mm_kstack, code_runs_on_a_fresh_stack)
{
	unsigned long my_frame = (unsigned long)__builtin_frame_address(0);
	struct on_stack_result r = {0};
	struct kstack stack;

	KASSERT_EQ(t, kstack_alloc(&stack), 0);
	call_on_stack(record_frame, &r, stack.top);
	KEXPECT_GE(t, r.frame, stack.bottom);
	KEXPECT_LT(t, r.frame, stack.top);
	KEXPECT_TRUE(t, addr_on_kernel_stack(r.frame));
	KEXPECT_LT(t, r.caller_frame, my_frame);
	KEXPECT_GT(t, r.caller_frame, my_frame - PAGE_SIZE);
	KEXPECT_EQ(t, r.caller_caller_frame, my_frame);
	kstack_free(&stack);
}

/* Recursion that the compiler cannot turn into a loop; the limit is never reached. */
static volatile unsigned long recursion_limit = ~0ul;

static __noinline __noclone unsigned long recurse(unsigned long depth)
{
	volatile u8 frame[64];

	frame[0] = (u8)depth;
	if (depth == recursion_limit)
		return depth;
	return recurse(depth + 1) + frame[0];
}

static void overflow(void *arg __unused)
{
	recurse(0);
}

KTEST_DEATH(mm_kstack, overflow_fresh_stack, "kernel stack overflow")
{
	struct kstack stack;

	BUG_ON(kstack_alloc(&stack));
	call_on_stack(overflow, NULL, stack.top);
}

/* The boot stack belongs to the idle task: interrupts off, so nothing switches to it
 * while we trample it on the way to the panic. */
KTEST_DEATH(mm_kstack, overflow_boot_stack, "kernel stack overflow")
{
	local_irq_disable();
	call_on_stack(overflow, NULL, (unsigned long)boot_stack_top);
}

/* Read through a volatile pointer: a literal NULL dereference GCC would turn into ud2. */
static u64 *volatile null_pointer;

KTEST_DEATH(mm_kstack, kernel_null_pointer_read, "CR2: 0000000000000000")
{
	(void)*(volatile u64 *)null_pointer;
}
