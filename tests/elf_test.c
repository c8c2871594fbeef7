/*
 * tests/elf_test.c - the ELF loader (kernel/elf.c): what it accepts, what it refuses,
 * and that neither path leaks.
 *
 * Every test builds the same small, good executable in a static buffer (build_image()),
 * laid out as GNU ld lays out real programs: a text segment spanning two pages, a
 * read-only segment, a data segment whose bss runs over two more pages, and a
 * PT_GNU_STACK header. A refusal test then breaks one thing and checks elf_check() says
 * -ENOEXEC with the expected reason, and that elf_load() into a fresh mm maps nothing;
 * the load tests look at the resulting pages through translate() and the direct map.
 * Every test that allocates checks that free frames and mm_structs are back at their
 * baseline after mmput().
 */
#include "arch/x86_64/page.h"
#include "arch/x86_64/pgtable_types.h"
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/list.h"
#include "kernel/module.h"
#include "mm/mm_struct.h"
#include "mm/page.h"
#include "mm/page_alloc.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "tests/ktest.h"

/* The good image: file offsets and addresses, each pair congruent modulo the page. */
#define TEXT_VADDR 0x400000ul
#define TEXT_OFFSET 0x1000ul
#define TEXT_FILESZ (PAGE_SIZE + 0x80ul) /* over two pages */
#define RODATA_VADDR 0x402000ul		 /* the page right after text's last one */
#define RODATA_OFFSET 0x3000ul
#define RODATA_SIZE 0x40ul
#define DATA_VADDR 0x403100ul /* not page-aligned: [0x403000, 0x403100) stays zero */
#define DATA_OFFSET 0x3100ul
#define DATA_FILESZ 0x20ul
#define DATA_MEMSZ 0x2000ul /* bss up to 0x405100 */
#define ENTRY (TEXT_VADDR + 0x10)
#define END_OF_DATA 0x406000ul
#define IMAGE_SIZE (DATA_OFFSET + DATA_FILESZ)
#define IMAGE_PAGES 6ul /* text 2, rodata 1, data + bss 3 */

enum { PH_TEXT, PH_RODATA, PH_DATA, PH_STACK, NR_PHDRS };

/* The leaf bits a test cares about (the CPU may add accessed/dirty). */
#define PERM_BITS (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_NX)
#define PROT_TEXT (_PAGE_PRESENT | _PAGE_USER)
#define PROT_RODATA (_PAGE_PRESENT | _PAGE_USER | _PAGE_NX)
#define PROT_DATA (_PAGE_PRESENT | _PAGE_USER | _PAGE_RW | _PAGE_NX)

static u8 image[4 * PAGE_SIZE] __aligned(PAGE_SIZE);
static size_t image_size;

static Elf64_Ehdr *ehdr(void)
{
	return (Elf64_Ehdr *)image;
}

static Elf64_Phdr *phdr(unsigned int i)
{
	return (Elf64_Phdr *)(image + sizeof(Elf64_Ehdr)) + i;
}

/* What the good image holds at file offset off: never zero, so bss is told apart. */
static u8 file_byte(size_t off)
{
	return (u8)(off % 251 + 1);
}

static void set_phdr(unsigned int i, Elf64_Word type, Elf64_Word flags, u64 offset, u64 vaddr,
		     u64 filesz, u64 memsz)
{
	*phdr(i) = (Elf64_Phdr){.p_type = type,
				.p_flags = flags,
				.p_offset = offset,
				.p_vaddr = vaddr,
				.p_paddr = vaddr,
				.p_filesz = filesz,
				.p_memsz = memsz,
				.p_align = PAGE_SIZE};
}

static void build_image(void)
{
	Elf64_Ehdr *eh = ehdr();

	memset(image, 0, sizeof(image));
	eh->e_ident[EI_MAG0] = ELFMAG0;
	eh->e_ident[EI_MAG1] = ELFMAG1;
	eh->e_ident[EI_MAG2] = ELFMAG2;
	eh->e_ident[EI_MAG3] = ELFMAG3;
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = ENTRY;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = NR_PHDRS;
	set_phdr(PH_TEXT, PT_LOAD, PF_R | PF_X, TEXT_OFFSET, TEXT_VADDR, TEXT_FILESZ, TEXT_FILESZ);
	set_phdr(PH_RODATA, PT_LOAD, PF_R, RODATA_OFFSET, RODATA_VADDR, RODATA_SIZE, RODATA_SIZE);
	set_phdr(PH_DATA, PT_LOAD, PF_R | PF_W, DATA_OFFSET, DATA_VADDR, DATA_FILESZ, DATA_MEMSZ);
	/* Fields of a header the loader ignores may be anything: make them absurd. */
	set_phdr(PH_STACK, PT_GNU_STACK, PF_R | PF_W, ~0ull, 0, ~0ull, 0);
	for (size_t off = TEXT_OFFSET; off < IMAGE_SIZE; off++)
		image[off] = file_byte(off);
	image_size = IMAGE_SIZE;
}

static bool contains(const char *s, const char *part)
{
	size_t n = strlen(part);

	for (; *s; s++) {
		if (!strncmp(s, part, n))
			return true;
	}
	return !*part;
}

/* Free frames and mm_structs before a test allocates, to compare with afterwards. */
struct leak_check {
	unsigned long free_pages;
	unsigned long mm_structs;
};

static void leak_check_start(struct leak_check *c)
{
	kmem_cache_shrink_all();
	c->free_pages = nr_free_pages();
	c->mm_structs = mm_structs_in_use();
}

static void leak_check_end(struct ktest *t, const struct leak_check *c)
{
	kmem_cache_shrink_all();
	KEXPECT_EQ(t, nr_free_pages(), c->free_pages);
	KEXPECT_EQ(t, mm_structs_in_use(), c->mm_structs);
}

/* A failed check of expect_refused, reported at the line of the test that called it. */
#define REFUSAL_CHECK(cond, ...)                                                                   \
	do {                                                                                       \
		if (!(cond))                                                                       \
			ktest_fail_msg(t, file, line, false, __VA_ARGS__);                         \
	} while (0)

#define REFUSAL_UNTOUCHED 0xdeadul

/*
 * The current image must be refused, for a reason mentioning `reason`, and loading it
 * must map nothing, touch nothing and leak nothing. Failures name file:line, the test's
 * own line (through the expect_refused macro), not this function's.
 */
static void expect_refused_at(struct ktest *t, const char *reason, const char *file, int line)
{
	struct elf_load_info info = {.entry = REFUSAL_UNTOUCHED, .end_of_data = REFUSAL_UNTOUCHED};
	char why[ELF_WHY_LEN] = "";
	struct leak_check leak;
	struct mm_struct *mm;
	int ret;

	ret = elf_check(image, image_size, why, sizeof(why));
	REFUSAL_CHECK(ret == -ENOEXEC, "elf_check returned %d, not -ENOEXEC", ret);
	REFUSAL_CHECK(contains(why, reason), "reason \"%s\" does not mention \"%s\"", why, reason);
	leak_check_start(&leak);
	mm = mm_alloc("elf-bad");
	if (!mm) {
		ktest_fail_msg(t, file, line, true, "mm_alloc failed");
		ktest_abort(t);
	}
	ret = elf_load(mm, image, image_size, &info);
	REFUSAL_CHECK(ret == -ENOEXEC, "elf_load returned %d, not -ENOEXEC", ret);
	REFUSAL_CHECK(mm->nr_pages == 0, "elf_load mapped %lu pages", mm->nr_pages);
	REFUSAL_CHECK(list_empty(&mm->mmap), "elf_load left a VMA");
	REFUSAL_CHECK(info.entry == REFUSAL_UNTOUCHED && info.end_of_data == REFUSAL_UNTOUCHED,
		      "elf_load wrote its result (entry 0x%lx, end_of_data 0x%lx)",
		      (unsigned long)info.entry, (unsigned long)info.end_of_data);
	mmput(mm);
	kmem_cache_shrink_all();
	REFUSAL_CHECK(nr_free_pages() == leak.free_pages, "free pages %lu, %lu before",
		      nr_free_pages(), leak.free_pages);
	REFUSAL_CHECK(mm_structs_in_use() == leak.mm_structs, "mm_structs %lu, %lu before",
		      mm_structs_in_use(), leak.mm_structs);
}

/* A macro, so that a failure names the line of the test that built the bad image. */
#define expect_refused(t, reason) expect_refused_at(t, reason, __FILE__, __LINE__)

/* ---- what is accepted and how it is loaded --------------------------------------- */

KTEST(elf, good_image_passes_check)
{
	char why[ELF_WHY_LEN] = "untouched";

	build_image();
	KEXPECT_EQ(t, elf_check(image, image_size, why, sizeof(why)), 0);
	KEXPECT_STREQ(t, why, "untouched");
	KEXPECT_EQ(t, elf_check(image, image_size, NULL, 0), 0);
}

/* The real programs of this boot (GRUB modules that are ELF files) must pass the check:
 * what `musl-gcc -static` produces is what the loader accepts. */
KTEST(elf, accepts_every_boot_module_program)
{
	struct boot_module_image mod;

	for (unsigned int i = 0; module_get(i, &mod); i++) {
		char why[ELF_WHY_LEN] = "";

		if (mod.size < SELFMAG || memcmp(mod.data, ELFMAG, SELFMAG))
			continue;
		if (elf_check(mod.data, mod.size, why, sizeof(why)))
			KEXPECT_FAIL(t, "module %s refused: %s", mod.name, why);
	}
}

/* The user byte at va of mm, read through the direct map; false if va is unmapped. */
static bool read_user_byte(struct mm_struct *mm, unsigned long va, u8 *byte)
{
	phys_addr_t pa;

	if (!translate(mm, va, &pa, NULL))
		return false;
	*byte = *(const u8 *)__va(pa);
	return true;
}

/* [va, va + len) of mm must hold the file's bytes from offset off. */
static void expect_file_bytes(struct ktest *t, struct mm_struct *mm, unsigned long va, size_t off,
			      size_t len)
{
	for (size_t i = 0; i < len; i++) {
		u8 b;

		if (!read_user_byte(mm, va + i, &b) || b != file_byte(off + i)) {
			KEXPECT_FAIL(t, "byte at 0x%lx is not file byte 0x%zx", va + i, off + i);
			return;
		}
	}
}

/* [start, end) of mm must be mapped and zero. */
static void expect_zero(struct ktest *t, struct mm_struct *mm, unsigned long start,
			unsigned long end)
{
	for (unsigned long va = start; va < end; va++) {
		u8 b;

		if (!read_user_byte(mm, va, &b) || b) {
			KEXPECT_FAIL(t, "byte at 0x%lx is not a mapped zero", va);
			return;
		}
	}
}

/* Every page of [start, end) must be mapped with exactly the permission bits prot. */
static void expect_prot(struct ktest *t, struct mm_struct *mm, unsigned long start,
			unsigned long end, u64 prot)
{
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		u64 flags = 0;

		KEXPECT_TRUE(t, translate(mm, va, NULL, &flags));
		KEXPECT_EQ(t, flags & PERM_BITS, prot);
	}
}

static void expect_vma(struct ktest *t, struct mm_struct *mm, unsigned long start,
		       unsigned long end, unsigned long vm_flags)
{
	struct vm_area_struct *vma, copy;

	mmap_read_lock(mm);
	vma = find_vma(mm, start);
	if (vma)
		copy = *vma;
	mmap_read_unlock(mm);
	KASSERT_NOT_NULL(t, vma);
	KEXPECT_EQ(t, copy.vm_start, start);
	KEXPECT_EQ(t, copy.vm_end, end);
	KEXPECT_EQ(t, copy.vm_flags, vm_flags);
}

KTEST(elf, load_maps_segments_with_their_permissions)
{
	struct elf_load_info info;
	struct leak_check leak;
	struct mm_struct *mm;

	build_image();
	leak_check_start(&leak);
	mm = mm_alloc("elf-test");
	KASSERT_NOT_NULL(t, mm);
	KASSERT_EQ(t, elf_load(mm, image, image_size, &info), 0);
	KEXPECT_EQ(t, info.entry, (u64)ENTRY);
	KEXPECT_EQ(t, info.end_of_data, (u64)END_OF_DATA);
	KEXPECT_EQ(t, mm->nr_pages, IMAGE_PAGES);

	expect_vma(t, mm, TEXT_VADDR, RODATA_VADDR, VM_READ | VM_EXEC);
	expect_vma(t, mm, RODATA_VADDR, RODATA_VADDR + PAGE_SIZE, VM_READ);
	expect_vma(t, mm, ALIGN_DOWN(DATA_VADDR, PAGE_SIZE), END_OF_DATA, VM_READ | VM_WRITE);
	expect_prot(t, mm, TEXT_VADDR, RODATA_VADDR, PROT_TEXT);
	expect_prot(t, mm, RODATA_VADDR, RODATA_VADDR + PAGE_SIZE, PROT_RODATA);
	expect_prot(t, mm, ALIGN_DOWN(DATA_VADDR, PAGE_SIZE), END_OF_DATA, PROT_DATA);
	/* Nothing around the program: NULL's neighbourhood and the heap's start. */
	KEXPECT_FALSE(t, translate(mm, TEXT_VADDR - PAGE_SIZE, NULL, NULL));
	KEXPECT_FALSE(t, translate(mm, END_OF_DATA, NULL, NULL));
	mmput(mm);
	leak_check_end(t, &leak);
}

KTEST(elf, load_copies_file_bytes_and_zeroes_the_rest)
{
	struct elf_load_info info;
	struct leak_check leak;
	struct mm_struct *mm;

	build_image();
	leak_check_start(&leak);
	mm = mm_alloc("elf-test");
	KASSERT_NOT_NULL(t, mm);
	KASSERT_EQ(t, elf_load(mm, image, image_size, &info), 0);
	expect_file_bytes(t, mm, TEXT_VADDR, TEXT_OFFSET, TEXT_FILESZ);
	expect_zero(t, mm, TEXT_VADDR + TEXT_FILESZ, RODATA_VADDR);
	expect_file_bytes(t, mm, RODATA_VADDR, RODATA_OFFSET, RODATA_SIZE);
	expect_zero(t, mm, RODATA_VADDR + RODATA_SIZE, RODATA_VADDR + PAGE_SIZE);
	/* Before p_vaddr in the data segment's first page: zero, not the file's bytes. */
	expect_zero(t, mm, ALIGN_DOWN(DATA_VADDR, PAGE_SIZE), DATA_VADDR);
	expect_file_bytes(t, mm, DATA_VADDR, DATA_OFFSET, DATA_FILESZ);
	expect_zero(t, mm, DATA_VADDR + DATA_FILESZ, END_OF_DATA); /* bss */
	mmput(mm);
	leak_check_end(t, &leak);
}

/* The image is only read: loading it twice gives the same result. */
KTEST(elf, load_leaves_the_image_alone)
{
	static u8 copy[IMAGE_SIZE];
	struct elf_load_info info;
	struct mm_struct *mm;

	build_image();
	memcpy(copy, image, IMAGE_SIZE);
	mm = mm_alloc("elf-test");
	KASSERT_NOT_NULL(t, mm);
	KEXPECT_EQ(t, elf_load(mm, image, image_size, &info), 0);
	KEXPECT_EQ(t, memcmp(copy, image, IMAGE_SIZE), 0);
	mmput(mm);
}

/* An mm that already maps part of a segment: elf_load fails after mapping the segments
 * before it, and mmput frees those. */
KTEST(elf, load_into_busy_mm_fails_and_mmput_frees_the_rest)
{
	struct elf_load_info info;
	struct leak_check leak;
	struct mm_struct *mm;

	build_image();
	leak_check_start(&leak);
	mm = mm_alloc("elf-busy");
	KASSERT_NOT_NULL(t, mm);
	KASSERT_EQ(t, mm_add_vma(mm, RODATA_VADDR, PAGE_SIZE, VM_READ), 0);
	KEXPECT_EQ(t, elf_load(mm, image, image_size, &info), -EINVAL);
	KEXPECT_TRUE(t, translate(mm, TEXT_VADDR, NULL, NULL)); /* text went in first */
	mmput(mm);
	leak_check_end(t, &leak);
}

/* ---- running out of memory half-way -------------------------------------------------- */

#define ELF_OOM_SPARE_PAGES 16ul /* enough for text and its tables, not for the bss */
#define ELF_OOM_BSS_PAGES 64ul

/* Take every free frame but `spare`, largest blocks first; they go on held. */
static void hold_all_but(struct list_head *held, unsigned long spare)
{
	for (int order = MAX_ORDER - 1; order >= 0; order--) {
		struct page *page;

		while (nr_free_pages() >= (1ul << order) + spare &&
		       (page = alloc_pages(GFP_KERNEL, order)) != NULL)
			list_add(&page->lru, held); /* page->order remembers the order */
	}
}

static void release_held(struct list_head *held)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, held, lru) {
		list_del_init(&page->lru);
		__free_pages(page, page->order);
	}
}

KTEST(elf, out_of_memory_midway_returns_enomem_and_leaks_nothing)
{
	struct elf_load_info info;
	struct leak_check leak;
	struct mm_struct *mm;
	LIST_HEAD(held);
	int err;

	build_image();
	phdr(PH_DATA)->p_memsz = ELF_OOM_BSS_PAGES * PAGE_SIZE;
	leak_check_start(&leak);
	mm = mm_alloc("elf-oom");
	KASSERT_NOT_NULL(t, mm);
	hold_all_but(&held, ELF_OOM_SPARE_PAGES);
	err = elf_load(mm, image, image_size, &info);
	release_held(&held);
	KEXPECT_EQ(t, err, -ENOMEM);
	KEXPECT_TRUE(t, translate(mm, TEXT_VADDR, NULL, NULL)); /* failed after text */
	mmput(mm);
	leak_check_end(t, &leak);
}

/* ---- the reason is written safely ------------------------------------------------- */

KTEST(elf, reason_is_truncated_to_the_buffer)
{
	char why[16];

	build_image();
	image[EI_MAG0] = 0;
	memset(why, 'X', sizeof(why));
	KEXPECT_EQ(t, elf_check(image, image_size, why, 8), -ENOEXEC);
	KEXPECT_EQ(t, strlen(why), 7ul);
	KEXPECT_EQ(t, memcmp(why, "bad mag", 7), 0);
	for (size_t i = 8; i < sizeof(why); i++)
		KEXPECT_EQ(t, why[i], 'X');
	KEXPECT_EQ(t, elf_check(image, image_size, NULL, 0), -ENOEXEC);
}

/* ---- malformed files: one class each ----------------------------------------------- */

KTEST(elf, refuses_truncated_file)
{
	build_image();
	image_size = sizeof(Elf64_Ehdr) - 1;
	expect_refused(t, "too short for an ELF header");
	image_size = 0;
	expect_refused(t, "too short for an ELF header");
	KEXPECT_EQ(t, elf_check(NULL, 0, NULL, 0), -ENOEXEC);
}

KTEST(elf, refuses_bad_magic)
{
	build_image();
	image[EI_MAG3] = 'G';
	expect_refused(t, "bad magic");
}

KTEST(elf, refuses_elfclass32)
{
	build_image();
	image[EI_CLASS] = ELFCLASS32;
	expect_refused(t, "not ELFCLASS64");
}

KTEST(elf, refuses_big_endian)
{
	build_image();
	image[EI_DATA] = ELFDATA2MSB;
	expect_refused(t, "not little-endian");
}

KTEST(elf, refuses_unknown_versions)
{
	build_image();
	image[EI_VERSION] = 0;
	expect_refused(t, "unknown ELF identification version 0");
	build_image();
	ehdr()->e_version = 2;
	expect_refused(t, "unknown ELF version 2");
}

KTEST(elf, refuses_wrong_machine)
{
	build_image();
	ehdr()->e_machine = EM_386;
	expect_refused(t, "machine 3 is not x86-64");
}

KTEST(elf, refuses_shared_objects_and_relocatables)
{
	build_image();
	ehdr()->e_type = ET_DYN;
	expect_refused(t, "ET_DYN");
	build_image();
	ehdr()->e_type = ET_REL;
	expect_refused(t, "type 1 is not ET_EXEC");
}

KTEST(elf, refuses_bad_phentsize)
{
	build_image();
	ehdr()->e_phentsize = sizeof(Elf64_Phdr) - 24; /* an Elf32_Phdr */
	expect_refused(t, "e_phentsize 32 is not 56");
}

KTEST(elf, refuses_no_or_too_many_program_headers)
{
	build_image();
	ehdr()->e_phnum = 0;
	expect_refused(t, "no program headers");
	build_image();
	ehdr()->e_phnum = ELF_MAX_PHNUM + 1;
	expect_refused(t, "too many program headers (65)");
}

KTEST(elf, refuses_phdr_table_past_end_of_file)
{
	build_image();
	ehdr()->e_phoff = image_size - sizeof(Elf64_Phdr);
	expect_refused(t, "program header table runs past the end of the file");
	build_image();
	ehdr()->e_phoff = image_size + 1;
	expect_refused(t, "program header table runs past the end of the file");
}

KTEST(elf, refuses_phdr_table_offset_overflow)
{
	build_image();
	ehdr()->e_phoff = ~0ull - sizeof(Elf64_Phdr); /* e_phoff + table size wraps */
	expect_refused(t, "program header table runs past the end of the file");
}

KTEST(elf, refuses_segment_past_end_of_file)
{
	build_image();
	phdr(PH_DATA)->p_filesz = DATA_FILESZ + 1;
	expect_refused(t, "segment 2 runs past the end of the file");
	build_image();
	phdr(PH_DATA)->p_offset = ~0ull - 0xf; /* p_offset + p_filesz wraps */
	expect_refused(t, "segment 2 runs past the end of the file");
}

KTEST(elf, refuses_filesz_above_memsz)
{
	build_image();
	phdr(PH_DATA)->p_memsz = DATA_FILESZ - 1;
	expect_refused(t, "segment 2 has p_filesz > p_memsz");
}

KTEST(elf, refuses_empty_segment)
{
	build_image();
	phdr(PH_RODATA)->p_filesz = 0;
	phdr(PH_RODATA)->p_memsz = 0;
	expect_refused(t, "segment 1 is empty");
}

KTEST(elf, refuses_huge_segment)
{
	build_image();
	phdr(PH_DATA)->p_memsz = ELF_MAX_SEGMENT_SIZE + 1;
	expect_refused(t, "segment 2 is too large");
}

KTEST(elf, refuses_segment_below_min_vaddr)
{
	build_image();
	phdr(PH_TEXT)->p_vaddr = 0; /* the NULL page */
	ehdr()->e_entry = 0x10;
	expect_refused(t, "segment 0 starts at 0x0, below 0x10000");
	build_image();
	phdr(PH_TEXT)->p_vaddr = ELF_MIN_VADDR - PAGE_SIZE;
	ehdr()->e_entry = ELF_MIN_VADDR - PAGE_SIZE;
	expect_refused(t, "segment 0 starts at 0xf000");
}

KTEST(elf, refuses_segment_reaching_kernel_space)
{
	build_image();
	phdr(PH_DATA)->p_vaddr = TASK_SIZE - PAGE_SIZE + 0x100; /* memsz runs past TASK_SIZE */
	expect_refused(t, "segment 2 reaches kernel space");
	build_image();
	phdr(PH_DATA)->p_vaddr = 0xffff800000000100ull; /* inside the kernel half */
	expect_refused(t, "segment 2 reaches kernel space");
	build_image();
	phdr(PH_DATA)->p_vaddr = ~0ull - 0xeff; /* p_vaddr + p_memsz wraps past 2^64 */
	expect_refused(t, "segment 2 reaches kernel space");
}

KTEST(elf, refuses_vaddr_offset_mismatch)
{
	build_image();
	phdr(PH_DATA)->p_offset = DATA_OFFSET - 8;
	expect_refused(t, "segment 2: p_vaddr and p_offset differ modulo the page size");
}

KTEST(elf, refuses_writable_executable_segment)
{
	build_image();
	phdr(PH_DATA)->p_flags = PF_R | PF_W | PF_X;
	expect_refused(t, "segment 2 is writable and executable");
}

KTEST(elf, refuses_overlapping_segments)
{
	build_image();
	phdr(PH_RODATA)->p_vaddr = TEXT_VADDR + PAGE_SIZE; /* inside text */
	expect_refused(t, "segments 0 and 1 overlap");
	/* Sharing only the page at their edges is refused too (see kernel/elf.c). */
	build_image();
	phdr(PH_RODATA)->p_vaddr = TEXT_VADDR + TEXT_FILESZ;
	phdr(PH_RODATA)->p_offset = RODATA_OFFSET + TEXT_FILESZ % PAGE_SIZE;
	expect_refused(t, "segments 0 and 1 overlap");
	build_image();
	phdr(PH_DATA)->p_vaddr = TEXT_VADDR + 0x100; /* text and data, rodata between them */
	expect_refused(t, "segments 0 and 2 overlap");
}

KTEST(elf, refuses_entry_outside_executable_segments)
{
	build_image();
	ehdr()->e_entry = RODATA_VADDR;
	expect_refused(t, "entry point 0x402000 is not in an executable segment");
	build_image();
	ehdr()->e_entry = TEXT_VADDR + TEXT_FILESZ; /* one past text's end */
	expect_refused(t, "entry point 0x401080 is not in an executable segment");
	build_image();
	ehdr()->e_entry = 0;
	expect_refused(t, "entry point 0x0 is not in an executable segment");
}

KTEST(elf, refuses_no_load_segment)
{
	build_image();
	phdr(PH_TEXT)->p_type = PT_NOTE;
	phdr(PH_RODATA)->p_type = PT_NULL;
	phdr(PH_DATA)->p_type = PT_PHDR;
	expect_refused(t, "no PT_LOAD segment");
}

KTEST(elf, refuses_dynamically_linked)
{
	build_image();
	phdr(PH_STACK)->p_type = PT_INTERP;
	expect_refused(t, "dynamically linked programs are not supported (PT_INTERP)");
	build_image();
	phdr(PH_STACK)->p_type = PT_DYNAMIC;
	expect_refused(t, "dynamically linked programs are not supported (PT_DYNAMIC)");
}
