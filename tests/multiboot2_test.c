/*
 * tests/multiboot2_test.c - multiboot2_parse() (kernel/multiboot2.c) on crafted blocks.
 *
 * Each test lays out a multiboot2 information block in blob_buf the way a boot loader
 * would (blob_begin(), one add_*() per tag, blob_end() for the end tag and total_size),
 * then, for the malformed cases, breaks exactly one rule and checks the block is rejected
 * with -EINVAL. The parser's "multiboot2: ..." error lines in the log are expected.
 */
#include "kernel/errno.h"
#include "kernel/multiboot2.h"
#include "tests/ktest.h"

#define BLOB_BYTES 4096
#define TEST_MBI_PHYS 0x9000	/* a made-up physical address for the block */
#define UNKNOWN_TAG_TYPE 0x7777 /* a type the spec does not define */
#define RSDP_REVISION_ACPI1 0
#define RSDP_REVISION_ACPI2 2

/* u64 elements: the block must start 8-byte aligned. Static: the kernel stack is small. */
static u64 blob_buf[BLOB_BYTES / sizeof(u64)];
static u64 shifted_buf[BLOB_BYTES / sizeof(u64)];
static struct boot_info bi;

/* The ACPI 2.0 RSDP, whose copy the ACPI tags carry (the 1.0 one stops at rsdt_address). */
struct test_rsdp {
	char signature[8];
	u8 checksum;
	char oem_id[6];
	u8 revision;
	u32 rsdt_address;
	u32 length;
	u64 xsdt_address;
	u8 extended_checksum;
	u8 reserved[3];
} __packed;
#define RSDP_V1_SIZE offsetof(struct test_rsdp, length)

/* A block under construction; len is the bytes used so far. */
struct blob {
	u8 *base;
	size_t len;
};

static void blob_begin(struct blob *b)
{
	memset(blob_buf, 0, sizeof(blob_buf));
	b->base = (u8 *)blob_buf;
	b->len = sizeof(struct multiboot_info_header);
}

/* Append a zeroed tag of `size` bytes (header included) at the next 8-byte boundary. */
static void *blob_add(struct blob *b, u32 type, u32 size)
{
	struct multiboot_tag *tag;

	b->len = ALIGN_UP(b->len, MULTIBOOT_TAG_ALIGN);
	tag = (void *)(b->base + b->len);
	tag->type = type;
	tag->size = size;
	b->len += size;
	return tag;
}

static struct multiboot_info_header *blob_header(const struct blob *b)
{
	return (struct multiboot_info_header *)b->base;
}

/* Close the block with an end tag and record its total_size. */
static void blob_end(struct blob *b)
{
	blob_add(b, MULTIBOOT_TAG_TYPE_END, sizeof(struct multiboot_tag));
	blob_header(b)->total_size = (u32)b->len;
}

/* Parse the block as if blob_buf were all the memory mapped for it. */
static int blob_parse(const struct blob *b)
{
	return multiboot2_parse(b->base, BLOB_BYTES, TEST_MBI_PHYS, &bi);
}

static struct multiboot_tag_string *add_string(struct blob *b, u32 type, const char *s)
{
	u32 size = sizeof(struct multiboot_tag_string) + strlen(s) + 1;
	struct multiboot_tag_string *tag = blob_add(b, type, size);

	memcpy(tag->string, s, strlen(s) + 1);
	return tag;
}

static struct multiboot_tag_module *add_module(struct blob *b, u32 start, u32 end, const char *name)
{
	u32 size = sizeof(struct multiboot_tag_module) + strlen(name) + 1;
	struct multiboot_tag_module *tag = blob_add(b, MULTIBOOT_TAG_TYPE_MODULE, size);

	tag->mod_start = start;
	tag->mod_end = end;
	memcpy(tag->cmdline, name, strlen(name) + 1);
	return tag;
}

/* A memory map tag of `count` entries spaced `entry_size` apart, entry i taken from map[i]. */
static struct multiboot_tag_mmap *add_mmap(struct blob *b, u32 entry_size,
					   const struct multiboot_mmap_entry *map, u32 count)
{
	u32 size = sizeof(struct multiboot_tag_mmap) + count * entry_size;
	struct multiboot_tag_mmap *tag = blob_add(b, MULTIBOOT_TAG_TYPE_MMAP, size);
	u32 i;

	tag->entry_size = entry_size;
	tag->entry_version = 0;
	for (i = 0; i < count && entry_size >= sizeof(*map); i++)
		memcpy((u8 *)tag->entries + i * entry_size, &map[i], sizeof(*map));
	return tag;
}

static void add_meminfo(struct blob *b, u32 lower_kb, u32 upper_kb)
{
	struct multiboot_tag_basic_meminfo *tag =
	    blob_add(b, MULTIBOOT_TAG_TYPE_BASIC_MEMINFO, sizeof(*tag));

	tag->mem_lower = lower_kb;
	tag->mem_upper = upper_kb;
}

static void add_ega_framebuffer(struct blob *b)
{
	struct multiboot_tag_framebuffer_common *tag =
	    blob_add(b, MULTIBOOT_TAG_TYPE_FRAMEBUFFER, sizeof(*tag));

	tag->framebuffer_addr = 0xb8000;
	tag->framebuffer_pitch = 160;
	tag->framebuffer_width = 80;
	tag->framebuffer_height = 25;
	tag->framebuffer_bpp = 16;
	tag->framebuffer_type = MULTIBOOT_FRAMEBUFFER_TYPE_EGA_TEXT;
}

/* An ACPI_OLD or ACPI_NEW tag; returns the RSDP copy inside it. */
static const u8 *add_acpi(struct blob *b, u32 type, u8 revision)
{
	size_t rsdp_size =
	    type == MULTIBOOT_TAG_TYPE_ACPI_NEW ? sizeof(struct test_rsdp) : RSDP_V1_SIZE;
	struct multiboot_tag_new_acpi *tag =
	    blob_add(b, type, sizeof(struct multiboot_tag_new_acpi) + rsdp_size);
	struct test_rsdp rsdp = {.revision = revision};

	memcpy(rsdp.signature, "RSD PTR ", sizeof(rsdp.signature));
	memcpy(tag->rsdp, &rsdp, rsdp_size);
	return tag->rsdp;
}

static const struct multiboot_mmap_entry test_map[] = {
    {0x0, 0x9fc00, MULTIBOOT_MEMORY_AVAILABLE, 0},
    {0x9fc00, 0x400, MULTIBOOT_MEMORY_RESERVED, 0},
    {0x100000, 0x7ee0000, MULTIBOOT_MEMORY_AVAILABLE, 0},
    {0x7fe0000, 0x20000, MULTIBOOT_MEMORY_ACPI_RECLAIMABLE, 0},
    {0xfffc0000, 0x40000, MULTIBOOT_MEMORY_NVS, 0},
};

KTEST(multiboot2, parses_every_supported_tag)
{
	struct blob b;
	const u8 *rsdp;

	blob_begin(&b);
	add_string(&b, MULTIBOOT_TAG_TYPE_CMDLINE, "ktest loglevel=7");
	add_string(&b, MULTIBOOT_TAG_TYPE_BOOT_LOADER_NAME, "GRUB 2.06");
	add_meminfo(&b, 639, 130048);
	blob_add(&b, UNKNOWN_TAG_TYPE, 20);
	add_mmap(&b, sizeof(struct multiboot_mmap_entry), test_map, ARRAY_SIZE(test_map));
	add_module(&b, 0x200000, 0x201234, "initrd.tar");
	add_module(&b, 0x300000, 0x300000, "");
	add_ega_framebuffer(&b);
	rsdp = add_acpi(&b, MULTIBOOT_TAG_TYPE_ACPI_NEW, RSDP_REVISION_ACPI2);
	blob_end(&b);

	KASSERT_EQ(t, blob_parse(&b), 0);
	KEXPECT_EQ(t, bi.mbi_phys, (u64)TEST_MBI_PHYS);
	KEXPECT_EQ(t, bi.mbi_size, (u32)b.len);
	KEXPECT_STREQ(t, bi.cmdline, "ktest loglevel=7");
	KEXPECT_STREQ(t, bi.loader_name, "GRUB 2.06");
	KEXPECT_TRUE(t, bi.has_meminfo);
	KEXPECT_EQ(t, bi.mem_lower_kb, 639u);
	KEXPECT_EQ(t, bi.mem_upper_kb, 130048u);

	KASSERT_EQ(t, bi.mmap_count, (u32)ARRAY_SIZE(test_map));
	KEXPECT_EQ(t, bi.mmap[2].addr, (u64)0x100000);
	KEXPECT_EQ(t, bi.mmap[2].len, (u64)0x7ee0000);
	KEXPECT_EQ(t, bi.mmap[2].type, (u32)MULTIBOOT_MEMORY_AVAILABLE);
	KEXPECT_EQ(t, bi.mmap[4].type, (u32)MULTIBOOT_MEMORY_NVS);

	KASSERT_EQ(t, bi.module_count, 2u);
	KEXPECT_EQ(t, bi.modules[0].start, (u64)0x200000);
	KEXPECT_EQ(t, bi.modules[0].end, (u64)0x201234);
	KEXPECT_STREQ(t, bi.modules[0].cmdline, "initrd.tar");
	KEXPECT_EQ(t, bi.modules[1].start, bi.modules[1].end);
	KEXPECT_STREQ(t, bi.modules[1].cmdline, "");

	KEXPECT_TRUE(t, bi.has_framebuffer);
	KEXPECT_EQ(t, bi.fb_addr, (u64)0xb8000);
	KEXPECT_EQ(t, bi.fb_pitch, 160u);
	KEXPECT_EQ(t, bi.fb_width, 80u);
	KEXPECT_EQ(t, bi.fb_height, 25u);
	KEXPECT_EQ(t, bi.fb_bpp, 16);
	KEXPECT_EQ(t, bi.fb_type, MULTIBOOT_FRAMEBUFFER_TYPE_EGA_TEXT);

	KEXPECT_TRUE(t, bi.has_rsdp);
	KEXPECT_EQ(t, bi.rsdp_phys, TEST_MBI_PHYS + (u64)(rsdp - b.base));
	KEXPECT_EQ(t, bi.rsdp_revision, RSDP_REVISION_ACPI2);
}

KTEST(multiboot2, end_tag_alone_gives_empty_info)
{
	struct blob b;

	blob_begin(&b);
	blob_end(&b);
	KASSERT_EQ(t, blob_parse(&b), 0);
	KEXPECT_STREQ(t, bi.cmdline, "");
	KEXPECT_STREQ(t, bi.loader_name, "");
	KEXPECT_EQ(t, bi.mmap_count, 0u);
	KEXPECT_EQ(t, bi.module_count, 0u);
	KEXPECT_FALSE(t, bi.has_framebuffer);
	KEXPECT_FALSE(t, bi.has_rsdp);
	KEXPECT_FALSE(t, bi.has_meminfo);
}

/* Tags whose size is not a multiple of 8 are followed by padding the parser must skip. */
KTEST(multiboot2, odd_sized_tags_are_padded)
{
	struct blob b;

	blob_begin(&b);
	add_string(&b, MULTIBOOT_TAG_TYPE_CMDLINE, "ab");
	blob_add(&b, UNKNOWN_TAG_TYPE, 13);
	add_string(&b, MULTIBOOT_TAG_TYPE_BOOT_LOADER_NAME, "x");
	blob_end(&b);
	KASSERT_EQ(t, blob_parse(&b), 0);
	KEXPECT_STREQ(t, bi.cmdline, "ab");
	KEXPECT_STREQ(t, bi.loader_name, "x");
}

KTEST(multiboot2, acpi_new_wins_over_old)
{
	struct blob b;
	const u8 *rsdp_new;

	blob_begin(&b);
	rsdp_new = add_acpi(&b, MULTIBOOT_TAG_TYPE_ACPI_NEW, RSDP_REVISION_ACPI2);
	add_acpi(&b, MULTIBOOT_TAG_TYPE_ACPI_OLD, RSDP_REVISION_ACPI1);
	blob_end(&b);
	KASSERT_EQ(t, blob_parse(&b), 0);
	KEXPECT_TRUE(t, bi.has_rsdp);
	KEXPECT_EQ(t, bi.rsdp_phys, TEST_MBI_PHYS + (u64)(rsdp_new - b.base));
	KEXPECT_EQ(t, bi.rsdp_revision, RSDP_REVISION_ACPI2);
}

KTEST(multiboot2, acpi_old_alone)
{
	struct blob b;
	const u8 *rsdp;

	blob_begin(&b);
	rsdp = add_acpi(&b, MULTIBOOT_TAG_TYPE_ACPI_OLD, RSDP_REVISION_ACPI1);
	blob_end(&b);
	KASSERT_EQ(t, blob_parse(&b), 0);
	KEXPECT_TRUE(t, bi.has_rsdp);
	KEXPECT_EQ(t, bi.rsdp_phys, TEST_MBI_PHYS + (u64)(rsdp - b.base));
	KEXPECT_EQ(t, bi.rsdp_revision, RSDP_REVISION_ACPI1);
}

/* A later entry_version may make entries longer: step by entry_size, read what we know. */
KTEST(multiboot2, mmap_larger_entry_size)
{
	const u32 entry_size = sizeof(struct multiboot_mmap_entry) + 8;
	struct blob b;

	blob_begin(&b);
	add_mmap(&b, entry_size, test_map, ARRAY_SIZE(test_map));
	blob_end(&b);
	KASSERT_EQ(t, blob_parse(&b), 0);
	KASSERT_EQ(t, bi.mmap_count, (u32)ARRAY_SIZE(test_map));
	KEXPECT_EQ(t, bi.mmap[3].addr, test_map[3].addr);
	KEXPECT_EQ(t, bi.mmap[3].len, test_map[3].len);
	KEXPECT_EQ(t, bi.mmap[3].type, test_map[3].type);
}

KTEST(multiboot2, too_many_mmap_entries_keeps_first)
{
	static struct multiboot_mmap_entry map[BOOT_MAX_MMAP + 2];
	struct blob b;
	u32 i;

	for (i = 0; i < ARRAY_SIZE(map); i++) {
		map[i].addr = (u64)i << 20;
		map[i].len = 1 << 20;
		map[i].type = MULTIBOOT_MEMORY_AVAILABLE;
	}
	blob_begin(&b);
	add_mmap(&b, sizeof(map[0]), map, ARRAY_SIZE(map));
	blob_end(&b);
	KASSERT_LE(t, b.len, (size_t)BLOB_BYTES);
	KASSERT_EQ(t, blob_parse(&b), 0);
	KEXPECT_EQ(t, bi.mmap_count, (u32)BOOT_MAX_MMAP);
	KEXPECT_EQ(t, bi.mmap[BOOT_MAX_MMAP - 1].addr, (u64)(BOOT_MAX_MMAP - 1) << 20);
}

KTEST(multiboot2, too_many_modules_keeps_first)
{
	struct blob b;
	u32 i;

	blob_begin(&b);
	for (i = 0; i < BOOT_MAX_MODULES + 2; i++)
		add_module(&b, i << 12, (i + 1) << 12, "m");
	blob_end(&b);
	KASSERT_EQ(t, blob_parse(&b), 0);
	KEXPECT_EQ(t, bi.module_count, (u32)BOOT_MAX_MODULES);
	KEXPECT_EQ(t, bi.modules_dropped, 2u); /* counted (and each one printed) */
	KEXPECT_EQ(t, bi.modules[BOOT_MAX_MODULES - 1].start, (u64)(BOOT_MAX_MODULES - 1) << 12);
}

/* Issue 8: only 16 modules were kept and the rest silently dropped; the user programs
 * alone are close to that. Twenty must all arrive. */
#define MANY_MODULES 20

KTEST(multiboot2, twenty_modules_all_kept)
{
	struct blob b;
	u32 i;

	blob_begin(&b);
	for (i = 0; i < MANY_MODULES; i++)
		add_module(&b, i << 12, (i + 1) << 12, "m");
	blob_end(&b);
	KASSERT_EQ(t, blob_parse(&b), 0);
	KEXPECT_EQ(t, bi.module_count, (u32)MANY_MODULES);
	KEXPECT_EQ(t, bi.modules_dropped, 0u);
	KEXPECT_EQ(t, bi.modules[MANY_MODULES - 1].start, (u64)(MANY_MODULES - 1) << 12);
}

/*
 * total_size need not be a multiple of 8: the spec does not require it, so bytes after
 * the end tag are ignored rather than rejected.
 */
KTEST(multiboot2, total_size_not_multiple_of_8_accepted)
{
	struct blob b;

	blob_begin(&b);
	add_string(&b, MULTIBOOT_TAG_TYPE_CMDLINE, "quiet");
	blob_end(&b);
	blob_header(&b)->total_size += 4;
	KASSERT_EQ(t, blob_parse(&b), 0);
	KEXPECT_STREQ(t, bi.cmdline, "quiet");
}

KTEST(multiboot2, rejects_total_size_too_small)
{
	struct blob b;

	blob_begin(&b);
	blob_end(&b);
	blob_header(&b)->total_size = sizeof(struct multiboot_info_header);
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
	blob_header(&b)->total_size = 0;
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
}

/* The parser must not trust total_size beyond what the caller says is mapped. */
KTEST(multiboot2, rejects_total_size_past_avail)
{
	struct blob b;

	blob_begin(&b);
	add_string(&b, MULTIBOOT_TAG_TYPE_CMDLINE, "quiet");
	blob_end(&b);
	KEXPECT_EQ(t, multiboot2_parse(b.base, b.len - 1, TEST_MBI_PHYS, &bi), -EINVAL);
	KEXPECT_EQ(t, multiboot2_parse(b.base, b.len, TEST_MBI_PHYS, &bi), 0);
	blob_header(&b)->total_size = 0xfffffff8;
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
}

KTEST(multiboot2, rejects_avail_below_fixed_part)
{
	struct blob b;

	blob_begin(&b);
	blob_end(&b);
	KEXPECT_EQ(t, multiboot2_parse(b.base, sizeof(u32), TEST_MBI_PHYS, &bi), -EINVAL);
	KEXPECT_EQ(t, multiboot2_parse(b.base, 0, TEST_MBI_PHYS, &bi), -EINVAL);
}

KTEST(multiboot2, rejects_misaligned_block)
{
	struct blob b;
	u8 *shifted = (u8 *)shifted_buf + sizeof(u32);

	blob_begin(&b);
	blob_end(&b);
	memcpy(shifted, b.base, b.len);
	KEXPECT_EQ(t, multiboot2_parse(shifted, b.len, TEST_MBI_PHYS, &bi), -EINVAL);
}

KTEST(multiboot2, rejects_tag_past_total_size)
{
	struct blob b;
	struct multiboot_tag_string *tag;

	blob_begin(&b);
	tag = add_string(&b, MULTIBOOT_TAG_TYPE_CMDLINE, "quiet");
	blob_end(&b);
	tag->size = blob_header(&b)->total_size;
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
	tag->size = 0xfffffff0; /* would wrap a 32-bit end-of-tag computation */
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
}

/* Even the end tag must fit: otherwise the walk would stop happily on a truncated block. */
KTEST(multiboot2, rejects_end_tag_past_total_size)
{
	struct blob b;
	struct multiboot_tag *end;

	blob_begin(&b);
	blob_end(&b);
	end = (struct multiboot_tag *)(b.base + sizeof(struct multiboot_info_header));
	end->size = 2 * sizeof(*end);
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
}

KTEST(multiboot2, rejects_tag_smaller_than_header)
{
	struct blob b;
	struct multiboot_tag *tag;

	blob_begin(&b);
	tag = blob_add(&b, UNKNOWN_TAG_TYPE, sizeof(*tag));
	blob_end(&b);
	tag->size = sizeof(*tag) / 2;
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
	tag->size = 0; /* would otherwise loop forever on the same tag */
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
}

/* Tags, then total_size ends without an end tag: a truncated block. */
KTEST(multiboot2, rejects_missing_end_tag)
{
	struct blob b;

	blob_begin(&b);
	add_string(&b, MULTIBOOT_TAG_TYPE_CMDLINE, "quiet");
	add_meminfo(&b, 639, 1024);
	blob_header(&b)->total_size = (u32)b.len;
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
}

KTEST(multiboot2, rejects_unterminated_strings)
{
	struct blob b;
	struct multiboot_tag_string *str;
	struct multiboot_tag_module *mod;

	blob_begin(&b);
	str = add_string(&b, MULTIBOOT_TAG_TYPE_CMDLINE, "quiet");
	blob_end(&b);
	str->string[strlen("quiet")] = 'x';
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);

	blob_begin(&b);
	str = add_string(&b, MULTIBOOT_TAG_TYPE_BOOT_LOADER_NAME, "GRUB");
	blob_end(&b);
	str->string[strlen("GRUB")] = 'x';
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);

	blob_begin(&b);
	mod = add_module(&b, 0x1000, 0x2000, "initrd");
	blob_end(&b);
	mod->cmdline[strlen("initrd")] = 'x';
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
}

/* Build a one-tag block holding a memory map of `count` entries `entry_size` apart. */
static struct multiboot_tag_mmap *one_mmap_blob(struct blob *b, u32 entry_size, u32 count)
{
	struct multiboot_tag_mmap *tag;

	blob_begin(b);
	tag = add_mmap(b, entry_size, test_map, count);
	blob_end(b);
	return tag;
}

KTEST(multiboot2, rejects_bad_mmap_entry_size)
{
	const u32 entry = sizeof(struct multiboot_mmap_entry);
	struct multiboot_tag_mmap *tag;
	struct blob b;

	one_mmap_blob(&b, 0, 0);
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
	one_mmap_blob(&b, entry - 8, 2);
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
	one_mmap_blob(&b, entry + 4, 2); /* big enough, but not a multiple of 8 */
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);

	tag = one_mmap_blob(&b, entry, 2); /* a tag size that ends mid-entry */
	tag->size -= 8;
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
}

KTEST(multiboot2, rejects_module_ending_before_start)
{
	struct blob b;

	blob_begin(&b);
	add_module(&b, 0x200000, 0x1ff000, "initrd");
	blob_end(&b);
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
}

KTEST(multiboot2, rejects_tags_too_small_for_their_type)
{
	struct multiboot_tag *tag;
	struct blob b;

	blob_begin(&b);
	tag = blob_add(&b, MULTIBOOT_TAG_TYPE_BASIC_MEMINFO,
		       sizeof(struct multiboot_tag_basic_meminfo) - sizeof(u32));
	blob_end(&b);
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);

	tag->type = MULTIBOOT_TAG_TYPE_FRAMEBUFFER;
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);

	blob_begin(&b);
	blob_add(&b, MULTIBOOT_TAG_TYPE_ACPI_NEW,
		 sizeof(struct multiboot_tag_new_acpi) + RSDP_V1_SIZE);
	blob_end(&b);
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);

	blob_begin(&b);
	blob_add(&b, MULTIBOOT_TAG_TYPE_CMDLINE, sizeof(struct multiboot_tag_string));
	blob_end(&b);
	KEXPECT_EQ(t, blob_parse(&b), -EINVAL);
}

KTEST(multiboot2, mmap_type_names)
{
	KEXPECT_STREQ(t, boot_mmap_type_name(MULTIBOOT_MEMORY_AVAILABLE), "usable");
	KEXPECT_STREQ(t, boot_mmap_type_name(MULTIBOOT_MEMORY_RESERVED), "reserved");
	KEXPECT_STREQ(t, boot_mmap_type_name(MULTIBOOT_MEMORY_ACPI_RECLAIMABLE), "ACPI data");
	KEXPECT_STREQ(t, boot_mmap_type_name(MULTIBOOT_MEMORY_NVS), "ACPI NVS");
	KEXPECT_STREQ(t, boot_mmap_type_name(MULTIBOOT_MEMORY_BADRAM), "unusable");
	KEXPECT_STREQ(t, boot_mmap_type_name(0), "reserved");
}
