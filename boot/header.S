/*
 * boot/header.S - the multiboot2 header GRUB looks for in the first 32 KiB of the image.
 *
 * No EFI boot-services tag: GRUB exits boot services and enters us in 32-bit protected
 * mode with paging off on both BIOS and UEFI, so boot/entry32.S has one path for both.
 * The module-alignment tag asks GRUB to page-align modules (the user programs), so the
 * kernel can reserve and map them by whole pages.
 */
#include "boot/boot.h"

	.section .multiboot2, "a"
	.balign 8
mb2_header_start:
	.long MULTIBOOT2_HEADER_MAGIC
	.long MULTIBOOT_ARCHITECTURE_I386
	.long mb2_header_end - mb2_header_start
	/* checksum: magic + architecture + length + checksum == 0 (mod 2^32) */
	.long 0x100000000 - (MULTIBOOT2_HEADER_MAGIC + MULTIBOOT_ARCHITECTURE_I386 + \
		(mb2_header_end - mb2_header_start))

	.balign 8
	.short MULTIBOOT_HEADER_TAG_MODULE_ALIGN
	.short 0
	.long 8

	.balign 8
	.short MULTIBOOT_HEADER_TAG_END
	.short 0
	.long 8
mb2_header_end:
