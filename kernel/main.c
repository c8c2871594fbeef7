/*
 * kernel/main.c - kmain(): what the kernel does, in order, from its first C line.
 *
 * boot/entry64.S calls kmain with the physical address of the multiboot2 information.
 * Until mm/ builds the kernel's own page tables, the boot tables map the first 4 GiB at
 * PAGE_OFFSET, which is where the information (and the VGA buffer) is read from.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/x86.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/multiboot2.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/version.h"
#include "tests/ktest.h"

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

static void print_banner(void)
{
	printk("\n%s\n", SUBLET_BANNER);
	printk("A teaching kernel: mm versus active_mm, on real page tables.\n");
}

void kmain(u64 mbi_phys);
void kmain(u64 mbi_phys)
{
	int err;

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

	if (ktest_mode())
		ktest_run_all();

	printk("sublet: boot complete. Nothing else to do yet; halting.\n");
	printk("(make run: quit QEMU with Ctrl-A X)\n");
	for (;;)
		halt();
}
