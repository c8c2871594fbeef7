/*
 * kernel/main.c - kmain(): what the kernel does, in order, from its first C line.
 *
 * boot/entry64.S calls kmain with the physical address of the multiboot2 information.
 * Until mm/ builds the kernel's own page tables, the boot tables map the first 4 GiB at
 * PAGE_OFFSET, which is where the information (and the VGA buffer) is read from.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/stackprotector.h"
#include "arch/x86_64/syscall.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/uaccess.h"
#include "arch/x86_64/x86.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/futex.h"
#include "kernel/init.h"
#include "kernel/multiboot2.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/smp.h"
#include "kernel/time.h"
#include "kernel/version.h"
#include "mm/mm.h"
#include "sched/process.h"
#include "sched/sched.h"
#include "sched/switch_trace.h"

/* The boot information, parsed once; later subsystems read it from here. */
struct boot_info boot_info;

/* The boot tables map 4 GiB at PAGE_OFFSET: the info block must lie below that. */
#define BOOT_MAPPED_LIMIT (4ull << 30)
#define MBI_FIXED_PART 8

static int read_boot_info(u64 mbi_phys)
{
	const u32 *mbi = (const u32 *)(PAGE_OFFSET + mbi_phys);

	if (mbi_phys + MBI_FIXED_PART > BOOT_MAPPED_LIMIT)
		return -1;
	return multiboot2_parse(mbi, BOOT_MAPPED_LIMIT - mbi_phys, mbi_phys, &boot_info);
}

extern const struct init_hook __init_hooks_start[], __init_hooks_end[];

static void run_init_hooks(void)
{
	for (const struct init_hook *h = __init_hooks_start; h < __init_hooks_end; h++) {
		if (h->run)
			h->run();
	}
}

/*
 * kernel_init - pid 1. Like Linux's kernel_init it starts life as a kernel thread and
 * ends up as the first user program: after the registered hooks (kernel/init.h: the
 * self-tests, the benchmarks, the scenarios, each only when its option asks for it) it
 * execs the `init` module and continues in ring 3.
 */
static int kernel_init(void *unused)
{
	static const char *const argv[] = {"init"};
	int err;

	run_init_hooks();
	err = kernel_execve("init", argv, 1);
	printk("sublet: cannot run init (%d); nothing else to do. (quit QEMU: Ctrl-A X)\n", err);
	for (;;)
		msleep(1000);
	return 0; /* not reached; the compiler does not see that for (;;) never ends */
}

/* init_exited - pid 1 is exiting (sched/exit.c). Unless a hook ends the run (the
 * self-tests and the benchmarks end QEMU so), that is fatal, as in Linux. */
void init_exited(int status)
{
	for (const struct init_hook *h = __init_hooks_start; h < __init_hooks_end; h++) {
		if (h->exited)
			h->exited(status);
	}
	panic("Attempted to kill init! exitcode=0x%08x", status);
}

static void start_first_thread(void)
{
	BUG_ON(!kthread_run(kernel_init, NULL, "init"));
}

static void print_banner(void)
{
	printk("\n%s\n", SUBLET_BANNER);
	printk("A teaching kernel: mm versus active_mm, on real page tables.\n");
}

/* The first C code, called by boot/entry64.S. Built without the stack protector
 * because it sets the canary (arch/x86_64/stackprotector.h); it never returns. */
__no_stack_protector void kmain(u64 mbi_phys)
{
	int err;

	percpu_init(&boot_cpu_state, 0); /* first: smp_processor_id() and spinlocks need it */
	boot_init_stack_canary();
	serial_init();
	gdt_init();
	idt_init();
	pic_remap_and_mask();

	err = read_boot_info(mbi_phys);
	if (err)
		panic("unusable multiboot2 information at 0x%lx", (unsigned long)mbi_phys);
	if (boot_info.has_framebuffer && boot_info.fb_type == MULTIBOOT_FRAMEBUFFER_TYPE_EGA_TEXT)
		vga_console_init(boot_info.fb_addr, boot_info.fb_width, boot_info.fb_height);

	print_banner();
	cmdline_init(boot_info.cmdline);
	boot_info_print(&boot_info);
	mm_init(&boot_info);
	sched_init();
	switch_trace_init(); /* records swapper/0's state for the self-tests */
	fpu_init();
	cpu_protection_init();
	syscall_init();
	futex_init();
	timer_init();
	smp_init(); /* the other CPUs, each idle on its own (docs/smp.md) */

	start_first_thread();
	local_irq_enable();
	cpu_idle(); /* kmain's context is swapper/0 from here on */
}
