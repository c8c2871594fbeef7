/*
 * kernel/multiboot2.h - the Multiboot2 boot information block (MBI) and what we keep of it.
 *
 * GRUB enters the kernel with %eax = MULTIBOOT2_BOOTLOADER_MAGIC (checked by
 * boot/entry32.S; defined, with the header's constants, in boot/boot.h) and %ebx = the
 * physical address of the MBI: an 8-byte fixed part (total_size, reserved) followed by
 * tags, each starting with (type, size) and padded so the next one starts 8-byte aligned;
 * a tag of type MULTIBOOT_TAG_TYPE_END closes the list. multiboot2_parse() (kernel/multiboot2.c)
 * checks all of that once, early, and copies what the rest of the kernel needs into a
 * struct boot_info, so that mm/ (memory map), the initrd code (modules), the console
 * (framebuffer) and ACPI (RSDP) never walk the raw tags themselves.
 *
 * Names and layouts follow the specification, section 3.6 "Boot information", and the
 * multiboot2.h it ships as example code:
 * https://www.gnu.org/software/grub/manual/multiboot2/multiboot.html
 * The header GRUB looks for in the image is in boot/header.S (constants in boot/boot.h).
 */
#ifndef KERNEL_MULTIBOOT2_H
#define KERNEL_MULTIBOOT2_H

#include "kernel/compiler.h"
#include "kernel/types.h"

/* The MBI starts 8-byte aligned, and every tag starts 8-byte aligned within it. */
#define MULTIBOOT_INFO_ALIGN 8
#define MULTIBOOT_TAG_ALIGN 8

/* Tag types (spec 3.6); the ones without a parser here are skipped. */
#define MULTIBOOT_TAG_TYPE_END 0
#define MULTIBOOT_TAG_TYPE_CMDLINE 1
#define MULTIBOOT_TAG_TYPE_BOOT_LOADER_NAME 2
#define MULTIBOOT_TAG_TYPE_MODULE 3
#define MULTIBOOT_TAG_TYPE_BASIC_MEMINFO 4
#define MULTIBOOT_TAG_TYPE_BOOTDEV 5
#define MULTIBOOT_TAG_TYPE_MMAP 6
#define MULTIBOOT_TAG_TYPE_VBE 7
#define MULTIBOOT_TAG_TYPE_FRAMEBUFFER 8
#define MULTIBOOT_TAG_TYPE_ELF_SECTIONS 9
#define MULTIBOOT_TAG_TYPE_APM 10
#define MULTIBOOT_TAG_TYPE_EFI32 11
#define MULTIBOOT_TAG_TYPE_EFI64 12
#define MULTIBOOT_TAG_TYPE_SMBIOS 13
#define MULTIBOOT_TAG_TYPE_ACPI_OLD 14
#define MULTIBOOT_TAG_TYPE_ACPI_NEW 15
#define MULTIBOOT_TAG_TYPE_NETWORK 16
#define MULTIBOOT_TAG_TYPE_EFI_MMAP 17
#define MULTIBOOT_TAG_TYPE_EFI_BS 18
#define MULTIBOOT_TAG_TYPE_EFI32_IH 19
#define MULTIBOOT_TAG_TYPE_EFI64_IH 20
#define MULTIBOOT_TAG_TYPE_LOAD_BASE_ADDR 21

/* Memory map entry types (spec 3.6.8); the same values as the BIOS e820 types. */
#define MULTIBOOT_MEMORY_AVAILABLE 1
#define MULTIBOOT_MEMORY_RESERVED 2
#define MULTIBOOT_MEMORY_ACPI_RECLAIMABLE 3
#define MULTIBOOT_MEMORY_NVS 4
#define MULTIBOOT_MEMORY_BADRAM 5

/* framebuffer_type values (spec 3.6.12). */
#define MULTIBOOT_FRAMEBUFFER_TYPE_INDEXED 0
#define MULTIBOOT_FRAMEBUFFER_TYPE_RGB 1
#define MULTIBOOT_FRAMEBUFFER_TYPE_EGA_TEXT 2

/* The fixed part at the start of the MBI. total_size counts itself and the end tag. */
struct multiboot_info_header {
	u32 total_size;
	u32 reserved; /* always 0, to be ignored */
} __packed;

/* Every tag starts with this; size counts these 8 bytes but not the padding after. */
struct multiboot_tag {
	u32 type;
	u32 size;
} __packed;

/* MULTIBOOT_TAG_TYPE_CMDLINE and _BOOT_LOADER_NAME: a NUL-terminated UTF-8 string. */
struct multiboot_tag_string {
	u32 type;
	u32 size;
	char string[];
} __packed;

/* MULTIBOOT_TAG_TYPE_MODULE: the module occupies physical [mod_start, mod_end). */
struct multiboot_tag_module {
	u32 type;
	u32 size;
	u32 mod_start;
	u32 mod_end;
	char cmdline[];
} __packed;

/* MULTIBOOT_TAG_TYPE_BASIC_MEMINFO: KiB below 640K and KiB above 1M (to the first hole). */
struct multiboot_tag_basic_meminfo {
	u32 type;
	u32 size;
	u32 mem_lower;
	u32 mem_upper;
} __packed;

/* MULTIBOOT_TAG_TYPE_BOOTDEV: the BIOS drive and partitions the image was loaded from. */
struct multiboot_tag_bootdev {
	u32 type;
	u32 size;
	u32 biosdev;
	u32 slice;
	u32 part;
} __packed;

/* One memory map entry, version 0. Later versions may append fields (entry_size grows). */
struct multiboot_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;
	u32 zero;
} __packed;

/* MULTIBOOT_TAG_TYPE_MMAP: entries are entry_size bytes apart, a multiple of 8. */
struct multiboot_tag_mmap {
	u32 type;
	u32 size;
	u32 entry_size;
	u32 entry_version;
	struct multiboot_mmap_entry entries[];
} __packed;

/*
 * MULTIBOOT_TAG_TYPE_FRAMEBUFFER, the part common to all framebuffer types. The spec's
 * diagram shows `reserved` as one byte, GRUB's header as two; color_info (palette or RGB
 * field positions) follows it and is not used here.
 */
struct multiboot_tag_framebuffer_common {
	u32 type;
	u32 size;
	u64 framebuffer_addr;
	u32 framebuffer_pitch;
	u32 framebuffer_width; /* pixels, or characters for EGA text */
	u32 framebuffer_height;
	u8 framebuffer_bpp;
	u8 framebuffer_type;
	u16 reserved;
} __packed;

/* MULTIBOOT_TAG_TYPE_ACPI_OLD / _ACPI_NEW: a copy of the ACPI 1.0 / 2.0+ RSDP. */
struct multiboot_tag_old_acpi {
	u32 type;
	u32 size;
	u8 rsdp[];
} __packed;

struct multiboot_tag_new_acpi {
	u32 type;
	u32 size;
	u8 rsdp[];
} __packed;

/* MULTIBOOT_TAG_TYPE_LOAD_BASE_ADDR: where a relocatable image was actually loaded. */
struct multiboot_tag_load_base_addr {
	u32 type;
	u32 size;
	u32 load_base_addr;
} __packed;

/* How many memory map entries and modules struct boot_info keeps; the rest are dropped,
 * each one reported on the console (boot_info has to exist before any allocator does, so
 * these are fixed sizes). 64 modules: the user programs and test suites, with room. */
#define BOOT_MAX_MMAP 128
#define BOOT_MAX_MODULES 64

/* A memory map entry: physical [addr, addr + len), type MULTIBOOT_MEMORY_*. */
struct boot_mmap_entry {
	u64 addr;
	u64 len;
	u32 type;
};

/* A boot module: physical [start, end), and the string GRUB's `module2` line gave it. */
struct boot_module {
	u64 start;
	u64 end;
	const char *cmdline;
};

/*
 * What the kernel keeps of the MBI. The strings point into the MBI itself, so the MBI's
 * memory ([mbi_phys, mbi_phys + mbi_size)) must stay reserved for as long as they are used.
 */
struct boot_info {
	u64 mbi_phys; /* where the info block itself lives */
	u32 mbi_size;
	const char *cmdline;	 /* "" if absent */
	const char *loader_name; /* "" if absent */
	struct boot_mmap_entry mmap[BOOT_MAX_MMAP];
	u32 mmap_count;
	struct boot_module modules[BOOT_MAX_MODULES];
	u32 module_count;
	u32 modules_dropped; /* modules GRUB loaded beyond BOOT_MAX_MODULES: lost */
	bool has_framebuffer;
	u64 fb_addr;
	u32 fb_pitch, fb_width, fb_height;
	u8 fb_bpp, fb_type; /* fb_type: MULTIBOOT_FRAMEBUFFER_TYPE_* */
	u64 rsdp_phys;	    /* physical address of the RSDP copy inside the MBI */
	u8 rsdp_revision;   /* the copy's revision byte: 0 for ACPI 1.0, 2 for 2.0+ */
	bool has_rsdp;	    /* ACPI_NEW wins over ACPI_OLD, in either order */
	bool has_meminfo;
	u32 mem_lower_kb, mem_upper_kb;
};

/* The boot information kmain parsed (kernel/main.c); read-only after boot. */
extern struct boot_info boot_info;

/*
 * Parse and validate the multiboot2 information block at `mbi` (already mapped, readable
 * for `avail` bytes; `mbi_phys` is its physical address, recorded in `out`). Returns 0, or
 * -EINVAL after printing one "multiboot2: ..." line naming what is wrong (the block
 * misaligned or larger than `avail`, total_size too small, a tag running past total_size,
 * a tag too small for its type, no end tag, a string not NUL-terminated inside its tag,
 * a bad mmap entry_size, a module ending before it starts). Never reads outside
 * [mbi, mbi + min(total_size, avail)). Unknown tag types are skipped; more mmap entries or
 * modules than boot_info holds are a warning, and the first ones are kept. total_size need
 * not be a multiple of 8 (the spec does not say so): bytes after the end tag are ignored.
 * On error, *out is incomplete and must not be used.
 */
int multiboot2_parse(const void *mbi, size_t avail, u64 mbi_phys, struct boot_info *out);

/*
 * Print the parsed information: loader name, command line, the memory map in Linux's
 * e820 wording ("[mem 0x...-0x...] usable"), modules, framebuffer, RSDP, basic meminfo.
 */
void boot_info_print(const struct boot_info *bi);

/* The name Linux's e820 code gives a memory map type ("usable", "ACPI NVS", ...). */
const char *boot_mmap_type_name(u32 type);

#endif
