/*
 * kernel/multiboot2.c - validate the multiboot2 information block (MBI) and copy what the
 * kernel needs into a struct boot_info.
 *
 * The MBI is the first data the kernel reads that it did not produce itself, so every
 * length in it is checked against the block's bounds before it is followed: a broken boot
 * loader (or a crafted test blob, tests/multiboot2_test.c) gets one clear error line
 * instead of a wild read. multiboot2_parse() checks the fixed part, walk_tags() follows the
 * tags, and each tag kind we use has one small parse_*() function, listed with the smallest
 * size it can have in tag_parsers[]. The layouts are in kernel/multiboot2.h.
 */
#include "kernel/multiboot2.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

/* Spec 3.6.8: entry_size "is guaranteed to be a multiple of 8". */
#define MULTIBOOT_MMAP_ENTRY_ALIGN 8

/*
 * The RSDP (ACPI spec, "Root System Description Pointer Structure"): the ACPI 1.0 structure
 * is 20 bytes, the 2.0+ one 36, and both keep the revision byte at offset 15.
 */
#define ACPI_RSDP_V1_SIZE 20
#define ACPI_RSDP_V2_SIZE 36
#define ACPI_RSDP_REVISION_OFFSET 15

/* The smallest possible MBI: the fixed part and an end tag. */
#define MBI_MIN_SIZE (sizeof(struct multiboot_info_header) + sizeof(struct multiboot_tag))

/* State of one walk over the tags, shared by the parse_*() functions. */
struct mb2_walk {
	const u8 *base; /* the MBI, readable for total_size bytes */
	u32 total_size;
	struct boot_info *bi;
	u32 mmap_seen; /* entries met, counting those boot_info had no room for */
	u32 modules_seen;
	bool rsdp_is_new; /* bi's RSDP came from an ACPI_NEW tag, which ACPI_OLD can't replace */
};

/* A tag kind we use. walk_tags() rejects a tag smaller than min_size before calling parse. */
struct tag_parser {
	u32 type;
	u32 min_size;
	const char *name;
	int (*parse)(struct mb2_walk *w, const struct multiboot_tag *tag, size_t offset);
};

/*
 * Return `s` if a NUL ends it within its `room` bytes of tag, else print why and return
 * NULL. strnlen() never looks past `room`, so an unterminated string is not over-read.
 */
static const char *tag_string(const char *s, size_t room, const char *what, size_t offset)
{
	if (strnlen(s, room) == room) {
		printk("multiboot2: %s at offset %zu is not NUL-terminated inside its tag\n", what,
		       offset);
		return NULL;
	}
	return s;
}

/* MULTIBOOT_TAG_TYPE_CMDLINE: remember the kernel command line. */
static int parse_cmdline(struct mb2_walk *w, const struct multiboot_tag *tag, size_t offset)
{
	const struct multiboot_tag_string *t = (const void *)tag;
	const char *s = tag_string(t->string, t->size - sizeof(*t), "command line", offset);

	if (!s)
		return -EINVAL;
	w->bi->cmdline = s;
	return 0;
}

/* MULTIBOOT_TAG_TYPE_BOOT_LOADER_NAME: remember who booted us. */
static int parse_loader_name(struct mb2_walk *w, const struct multiboot_tag *tag, size_t offset)
{
	const struct multiboot_tag_string *t = (const void *)tag;
	const char *s = tag_string(t->string, t->size - sizeof(*t), "boot loader name", offset);

	if (!s)
		return -EINVAL;
	w->bi->loader_name = s;
	return 0;
}

/* MULTIBOOT_TAG_TYPE_MODULE: record one module, or say loudly that there is no room. */
static int parse_module(struct mb2_walk *w, const struct multiboot_tag *tag, size_t offset)
{
	const struct multiboot_tag_module *t = (const void *)tag;
	const char *name = tag_string(t->cmdline, t->size - sizeof(*t), "module string", offset);
	struct boot_module *mod;

	if (!name)
		return -EINVAL;
	if (t->mod_end < t->mod_start) {
		printk("multiboot2: module at offset %zu ends (0x%x) before it starts (0x%x)\n",
		       offset, t->mod_end, t->mod_start);
		return -EINVAL;
	}
	if (w->modules_seen++ >= BOOT_MAX_MODULES) {
		printk("multiboot2: ERROR: module %u \"%s\" dropped: boot_info holds only %d "
		       "(BOOT_MAX_MODULES)\n",
		       w->modules_seen - 1, name, BOOT_MAX_MODULES);
		w->bi->modules_dropped++;
		return 0;
	}
	mod = &w->bi->modules[w->bi->module_count++];
	mod->start = t->mod_start;
	mod->end = t->mod_end;
	mod->cmdline = name;
	return 0;
}

/* MULTIBOOT_TAG_TYPE_BASIC_MEMINFO: the legacy lower/upper memory sizes. */
static int parse_meminfo(struct mb2_walk *w, const struct multiboot_tag *tag,
			 size_t offset __unused)
{
	const struct multiboot_tag_basic_meminfo *t = (const void *)tag;

	w->bi->has_meminfo = true;
	w->bi->mem_lower_kb = t->mem_lower;
	w->bi->mem_upper_kb = t->mem_upper;
	return 0;
}

/* Check an mmap tag's entry_size and that its entries fill the tag exactly. */
static int check_mmap_layout(const struct multiboot_tag_mmap *t, size_t offset)
{
	size_t bytes = t->size - sizeof(*t);

	if (t->entry_size < sizeof(struct multiboot_mmap_entry)) {
		printk("multiboot2: mmap at offset %zu: entry_size %u is below an entry (%zu)\n",
		       offset, t->entry_size, sizeof(struct multiboot_mmap_entry));
		return -EINVAL;
	}
	if (!IS_ALIGNED(t->entry_size, MULTIBOOT_MMAP_ENTRY_ALIGN)) {
		printk("multiboot2: mmap at offset %zu: entry_size %u is not a multiple of %d\n",
		       offset, t->entry_size, MULTIBOOT_MMAP_ENTRY_ALIGN);
		return -EINVAL;
	}
	if (bytes % t->entry_size) {
		printk("multiboot2: mmap at offset %zu: %zu bytes, not n * entry_size %u\n", offset,
		       bytes, t->entry_size);
		return -EINVAL;
	}
	return 0;
}

/*
 * MULTIBOOT_TAG_TYPE_MMAP: copy the entries that fit. Entries are entry_size apart, which
 * may be more than we know about (a later entry_version): only the version 0 fields are read.
 */
static int parse_mmap(struct mb2_walk *w, const struct multiboot_tag *tag, size_t offset)
{
	const struct multiboot_tag_mmap *t = (const void *)tag;
	size_t count, i;
	int err = check_mmap_layout(t, offset);

	if (err)
		return err;
	count = (t->size - sizeof(*t)) / t->entry_size;
	for (i = 0; i < count; i++) {
		const struct multiboot_mmap_entry *e =
		    (const void *)((const u8 *)t->entries + i * t->entry_size);
		struct boot_mmap_entry *out;

		if (w->mmap_seen++ >= BOOT_MAX_MMAP)
			continue;
		out = &w->bi->mmap[w->bi->mmap_count++];
		out->addr = e->addr;
		out->len = e->len;
		out->type = e->type;
	}
	return 0;
}

/* MULTIBOOT_TAG_TYPE_FRAMEBUFFER: the fields common to every framebuffer type. */
static int parse_framebuffer(struct mb2_walk *w, const struct multiboot_tag *tag,
			     size_t offset __unused)
{
	const struct multiboot_tag_framebuffer_common *t = (const void *)tag;
	struct boot_info *bi = w->bi;

	bi->has_framebuffer = true;
	bi->fb_addr = t->framebuffer_addr;
	bi->fb_pitch = t->framebuffer_pitch;
	bi->fb_width = t->framebuffer_width;
	bi->fb_height = t->framebuffer_height;
	bi->fb_bpp = t->framebuffer_bpp;
	bi->fb_type = t->framebuffer_type;
	return 0;
}

/*
 * Record where the RSDP copy at `rsdp` (inside the MBI) lives in physical memory. Its
 * signature and checksum are left for the ACPI code to verify; we only say where it is.
 */
static void record_rsdp(struct mb2_walk *w, const u8 *rsdp, bool is_new)
{
	w->bi->has_rsdp = true;
	w->bi->rsdp_phys = w->bi->mbi_phys + (u64)(rsdp - w->base);
	w->bi->rsdp_revision = rsdp[ACPI_RSDP_REVISION_OFFSET];
	w->rsdp_is_new = is_new;
}

/* MULTIBOOT_TAG_TYPE_ACPI_OLD: used only when no ACPI_NEW tag is seen (GRUB may pass both). */
static int parse_acpi_old(struct mb2_walk *w, const struct multiboot_tag *tag,
			  size_t offset __unused)
{
	const struct multiboot_tag_old_acpi *t = (const void *)tag;

	if (!w->rsdp_is_new)
		record_rsdp(w, t->rsdp, false);
	return 0;
}

/* MULTIBOOT_TAG_TYPE_ACPI_NEW: the 2.0+ RSDP, which also gives the XSDT. */
static int parse_acpi_new(struct mb2_walk *w, const struct multiboot_tag *tag,
			  size_t offset __unused)
{
	const struct multiboot_tag_new_acpi *t = (const void *)tag;

	record_rsdp(w, t->rsdp, true);
	return 0;
}

/*
 * The tags we use. The framebuffer tag needs only the fields up to framebuffer_type: the
 * spec and GRUB disagree on the width of the `reserved` field that follows.
 */
static const struct tag_parser tag_parsers[] = {
    {MULTIBOOT_TAG_TYPE_CMDLINE, sizeof(struct multiboot_tag_string) + 1, "command line",
     parse_cmdline},
    {MULTIBOOT_TAG_TYPE_BOOT_LOADER_NAME, sizeof(struct multiboot_tag_string) + 1,
     "boot loader name", parse_loader_name},
    {MULTIBOOT_TAG_TYPE_MODULE, sizeof(struct multiboot_tag_module) + 1, "module", parse_module},
    {MULTIBOOT_TAG_TYPE_BASIC_MEMINFO, sizeof(struct multiboot_tag_basic_meminfo), "basic meminfo",
     parse_meminfo},
    {MULTIBOOT_TAG_TYPE_MMAP, sizeof(struct multiboot_tag_mmap), "memory map", parse_mmap},
    {MULTIBOOT_TAG_TYPE_FRAMEBUFFER, offsetof(struct multiboot_tag_framebuffer_common, reserved),
     "framebuffer", parse_framebuffer},
    {MULTIBOOT_TAG_TYPE_ACPI_OLD, sizeof(struct multiboot_tag_old_acpi) + ACPI_RSDP_V1_SIZE,
     "ACPI old RSDP", parse_acpi_old},
    {MULTIBOOT_TAG_TYPE_ACPI_NEW, sizeof(struct multiboot_tag_new_acpi) + ACPI_RSDP_V2_SIZE,
     "ACPI new RSDP", parse_acpi_new},
};

/* Hand a tag to its parser after checking its size; tags we don't use are skipped. */
static int parse_tag(struct mb2_walk *w, const struct multiboot_tag *tag, size_t offset)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tag_parsers); i++) {
		const struct tag_parser *p = &tag_parsers[i];

		if (p->type != tag->type)
			continue;
		if (tag->size < p->min_size) {
			printk("multiboot2: %s tag at offset %zu has size %u, needs %u\n", p->name,
			       offset, tag->size, p->min_size);
			return -EINVAL;
		}
		return p->parse(w, tag, offset);
	}
	return 0;
}

/* Check that the tag at `offset` exists and lies wholly inside total_size. */
static int check_tag_bounds(const struct mb2_walk *w, size_t offset)
{
	const struct multiboot_tag *tag;

	if (offset + sizeof(*tag) > w->total_size) {
		printk("multiboot2: no end tag within total_size %u\n", w->total_size);
		return -EINVAL;
	}
	tag = (const void *)(w->base + offset);
	if (tag->size < sizeof(*tag)) {
		printk("multiboot2: tag type %u at offset %zu has size %u, less than its header\n",
		       tag->type, offset, tag->size);
		return -EINVAL;
	}
	if (tag->size > w->total_size - offset) {
		printk("multiboot2: tag type %u at offset %zu (size %u) runs past total_size %u\n",
		       tag->type, offset, tag->size, w->total_size);
		return -EINVAL;
	}
	return 0;
}

/*
 * Follow the tags up to the end tag. Every tag starts 8-byte aligned because we round each
 * size up to MULTIBOOT_TAG_ALIGN, and each step moves forward by at least a tag header, so
 * the walk ends within total_size / 8 steps.
 */
static int walk_tags(struct mb2_walk *w)
{
	size_t offset = sizeof(struct multiboot_info_header);

	for (;;) {
		const struct multiboot_tag *tag;
		int err = check_tag_bounds(w, offset);

		if (err)
			return err;
		tag = (const void *)(w->base + offset);
		if (tag->type == MULTIBOOT_TAG_TYPE_END)
			return 0;
		err = parse_tag(w, tag, offset);
		if (err)
			return err;
		offset += ALIGN_UP((size_t)tag->size, MULTIBOOT_TAG_ALIGN);
	}
}

/* Check the fixed part: alignment, and a total_size that is plausible and readable. */
static int check_header(const void *mbi, size_t avail, u32 *total_size)
{
	const struct multiboot_info_header *hdr = mbi;

	if (!IS_ALIGNED((uintptr_t)mbi, MULTIBOOT_INFO_ALIGN)) {
		printk("multiboot2: info block at %p is not %d-byte aligned\n", mbi,
		       MULTIBOOT_INFO_ALIGN);
		return -EINVAL;
	}
	if (avail < sizeof(*hdr)) {
		printk("multiboot2: only %zu bytes readable, less than the fixed part\n", avail);
		return -EINVAL;
	}
	if (hdr->total_size < MBI_MIN_SIZE) {
		printk("multiboot2: total_size %u is less than fixed part + end tag (%zu)\n",
		       hdr->total_size, MBI_MIN_SIZE);
		return -EINVAL;
	}
	if (hdr->total_size > avail) {
		printk("multiboot2: total_size %u is more than the %zu bytes readable\n",
		       hdr->total_size, avail);
		return -EINVAL;
	}
	*total_size = hdr->total_size;
	return 0;
}

/* Say so when the MBI held more than boot_info has room for (the first ones were kept). */
static void warn_dropped(const struct mb2_walk *w)
{
	if (w->mmap_seen > BOOT_MAX_MMAP)
		printk("multiboot2: warning: %u memory map entries, only the first %d kept\n",
		       w->mmap_seen, BOOT_MAX_MMAP);
	if (w->modules_seen > BOOT_MAX_MODULES)
		printk("multiboot2: ERROR: %u modules, only the first %d kept: %u dropped\n",
		       w->modules_seen, BOOT_MAX_MODULES, w->bi->modules_dropped);
}

int multiboot2_parse(const void *mbi, size_t avail, u64 mbi_phys, struct boot_info *out)
{
	struct mb2_walk w = {.base = mbi, .bi = out};
	int err;

	memset(out, 0, sizeof(*out));
	out->mbi_phys = mbi_phys;
	out->cmdline = "";
	out->loader_name = "";

	err = check_header(mbi, avail, &w.total_size);
	if (err)
		return err;
	out->mbi_size = w.total_size;
	err = walk_tags(&w);
	if (err)
		return err;
	warn_dropped(&w);
	return 0;
}

const char *boot_mmap_type_name(u32 type)
{
	switch (type) {
	case MULTIBOOT_MEMORY_AVAILABLE:
		return "usable";
	case MULTIBOOT_MEMORY_ACPI_RECLAIMABLE:
		return "ACPI data";
	case MULTIBOOT_MEMORY_NVS:
		return "ACPI NVS";
	case MULTIBOOT_MEMORY_BADRAM:
		return "unusable";
	default:
		/* Spec 3.6.8: "any other value indicates a reserved area". */
		return "reserved";
	}
}

/* The last byte of [start, start + len), as Linux prints ranges; an empty range gives start. */
static u64 range_last(u64 start, u64 len)
{
	return len ? start + len - 1 : start;
}

static void print_mmap(const struct boot_info *bi)
{
	u32 i;

	printk("multiboot2: memory map, %u entries:\n", bi->mmap_count);
	for (i = 0; i < bi->mmap_count; i++) {
		const struct boot_mmap_entry *e = &bi->mmap[i];

		u64 last = range_last(e->addr, e->len);

		if (e->type >= MULTIBOOT_MEMORY_AVAILABLE && e->type <= MULTIBOOT_MEMORY_BADRAM)
			printk("multiboot2: [mem 0x%016lx-0x%016lx] %s\n", e->addr, last,
			       boot_mmap_type_name(e->type));
		else
			printk("multiboot2: [mem 0x%016lx-0x%016lx] reserved (type %u)\n", e->addr,
			       last, e->type);
	}
}

static void print_modules(const struct boot_info *bi)
{
	u32 i;

	for (i = 0; i < bi->module_count; i++) {
		const struct boot_module *m = &bi->modules[i];

		printk("multiboot2: module %u: [mem 0x%016lx-0x%016lx] \"%s\"\n", i, m->start,
		       range_last(m->start, m->end - m->start), m->cmdline);
	}
}

static const char *fb_type_name(u8 type)
{
	switch (type) {
	case MULTIBOOT_FRAMEBUFFER_TYPE_INDEXED:
		return "indexed";
	case MULTIBOOT_FRAMEBUFFER_TYPE_RGB:
		return "RGB";
	case MULTIBOOT_FRAMEBUFFER_TYPE_EGA_TEXT:
		return "EGA text";
	default:
		return "unknown type";
	}
}

static void print_framebuffer(const struct boot_info *bi)
{
	if (!bi->has_framebuffer)
		return;
	printk("multiboot2: framebuffer at 0x%lx: %ux%u %s, %u bpp, pitch %u\n", bi->fb_addr,
	       bi->fb_width, bi->fb_height, fb_type_name(bi->fb_type), bi->fb_bpp, bi->fb_pitch);
}

void boot_info_print(const struct boot_info *bi)
{
	printk("multiboot2: info block at 0x%lx, %u bytes, from \"%s\"\n", bi->mbi_phys,
	       bi->mbi_size, bi->loader_name);
	printk("multiboot2: command line \"%s\"\n", bi->cmdline);
	if (bi->has_meminfo)
		printk("multiboot2: basic meminfo: %u KiB lower, %u KiB upper\n", bi->mem_lower_kb,
		       bi->mem_upper_kb);
	print_mmap(bi);
	print_modules(bi);
	print_framebuffer(bi);
	if (bi->has_rsdp)
		printk("multiboot2: ACPI RSDP copy (revision %u) at 0x%lx\n", bi->rsdp_revision,
		       bi->rsdp_phys);
}
