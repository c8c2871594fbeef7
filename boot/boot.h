/*
 * boot/boot.h - constants shared by the boot assembly: the multiboot2 header fields
 * (from the Multiboot2 specification, section 3.1) and the boot page-table layout.
 */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#define MULTIBOOT2_HEADER_MAGIC 0xe85250d6
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289
#define MULTIBOOT_ARCHITECTURE_I386 0
#define MULTIBOOT_HEADER_TAG_END 0
#define MULTIBOOT_HEADER_TAG_MODULE_ALIGN 6
#define MULTIBOOT_HEADER_TAG_OPTIONAL 1

/* Page-table entry bits used by the boot tables (the full set lives in mm/). */
#define BOOT_PTE_PRESENT 0x1
#define BOOT_PTE_WRITE 0x2
#define BOOT_PTE_LARGE 0x80

/* The boot tables map the first 4 GiB with 2 MiB pages: 4 page directories. */
#define BOOT_IDENTITY_GIB 4
#define BOOT_STACK_SIZE 16384

/* PML4 slots of the three windows the boot tables open. */
#define BOOT_PML4_IDENTITY 0 /* 0 .. 4 GiB at virtual 0 (dropped once mm/ is up) */
#define BOOT_PML4_DIRECT 273 /* PAGE_OFFSET = 0xffff888000000000 */
#define BOOT_PML4_KERNEL 511 /* KERNEL_VIRT_BASE = 0xffffffff80000000 */
#define BOOT_PDPT_KERNEL 510

#endif
