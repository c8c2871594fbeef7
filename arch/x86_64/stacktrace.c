/*
 * arch/x86_64/stacktrace.c - backtraces from the frame-pointer chain.
 *
 * The kernel is built with -fno-omit-frame-pointer, so every function starts with
 * push %rbp; mov %rsp, %rbp: [rbp] holds the caller's rbp and [rbp + 8] the return
 * address. The walk reads each frame through probe_read_u64(), so a corrupt chain
 * ends the trace instead of faulting inside a panic.
 */
#include "arch/x86_64/stacktrace.h"
#include "arch/x86_64/extable.h"
#include "kernel/compiler.h"
#include "kernel/kallsyms.h"
#include "kernel/printk.h"

#define BACKTRACE_MAX_FRAMES 32
#define KERNEL_HALF_START 0xffff800000000000ull

void print_symbol(u64 addr)
{
	u64 offset, size;
	const char *name = kallsyms_lookup(addr, &offset, &size);

	if (name)
		printk("%s+0x%lx/0x%lx", name, (unsigned long)offset, (unsigned long)size);
	else
		printk("0x%016lx", (unsigned long)addr);
}

static bool plausible_frame(u64 rbp)
{
	return rbp >= KERNEL_HALF_START && IS_ALIGNED(rbp, 8);
}

/* Walk the chain from rbp; call visit(return address) for each frame. */
static int walk_frames(u64 rbp, void (*visit)(u64 ret, void *arg), void *arg, int max)
{
	int n = 0;

	while (n < max && plausible_frame(rbp)) {
		u64 next, ret;

		if (probe_read_u64((void *)rbp, &next) || probe_read_u64((void *)(rbp + 8), &ret))
			break;
		if (!ret)
			break;
		visit(ret, arg);
		n++;
		if (next <= rbp) /* the stack grows down: callers live higher up */
			break;
		rbp = next;
	}
	return n;
}

static void print_frame(u64 ret, void *arg __unused)
{
	printk("  [<%016lx>] ", (unsigned long)ret);
	/* ret points after the call; ret - 1 is inside the calling function. */
	print_symbol(ret - 1);
	printk("\n");
}

void show_backtrace(u64 rbp, u64 rip)
{
	printk("Call Trace:\n");
	printk("  [<%016lx>] ", (unsigned long)rip);
	print_symbol(rip);
	printk("\n");
	walk_frames(rbp, print_frame, NULL, BACKTRACE_MAX_FRAMES);
}

/*
 * A function that needs no stack gets no frame from GCC (even with
 * -mno-omit-leaf-frame-pointer), so when a trap hits one, the chain from rbp skips its
 * caller. The caller's return address is then the word at the trap's rsp: print it
 * first, marked "?" as Linux marks guesses, when it is a kernel text address.
 */
void show_trap_backtrace(u64 rbp, u64 rip, u64 rsp)
{
	u64 word, offset, size;

	printk("Call Trace:\n");
	printk("  [<%016lx>] ", (unsigned long)rip);
	print_symbol(rip);
	printk("\n");
	if (plausible_frame(rsp) && !probe_read_u64((void *)rsp, &word) &&
	    kallsyms_lookup(word - 1, &offset, &size)) {
		printk("  [<%016lx>] ? ", (unsigned long)word);
		print_symbol(word - 1);
		printk("\n");
	}
	walk_frames(rbp, print_frame, NULL, BACKTRACE_MAX_FRAMES);
}

struct trace_buffer {
	u64 *addrs;
	int count;
};

static void save_frame(u64 ret, void *arg)
{
	struct trace_buffer *tb = arg;

	tb->addrs[tb->count++] = ret;
}

__noinline int save_stack_trace(u64 *addrs, int max)
{
	struct trace_buffer tb = {addrs, 0};

	walk_frames((u64)__builtin_frame_address(0), save_frame, &tb, max);
	return tb.count;
}
