/*
 * kernel/elf.c - checking a static ELF64 executable and loading it into an address space.
 *
 * exec (kernel/exec.c) finds a program among the GRUB modules (kernel/module.c), makes
 * an empty mm and calls elf_load(). elf_check() first validates the whole file without
 * trusting a single field: every offset and size is checked against the file's length,
 * every address range against user space, with overflow ruled out before any sum is
 * formed. Only then are segments mapped (mm_map_anon, populated and zeroed) and their
 * file bytes copied in through the kernel's direct map; the bytes past p_filesz stay
 * zero, which is the bss.
 *
 * Two segments may not share a page, even at their edges as some linkers arrange (text
 * ending and rodata starting in one page): each page gets exactly one set of
 * permissions, so sharing would force a merge that could break W^X. GNU ld's default
 * layout for a static program (what `musl-gcc -static` makes) starts every segment on
 * a page of its own, its file offset congruent to its address modulo the page size;
 * anything else is refused with "segments N and M overlap". Segment numbers in messages are
 * program-header indexes, as `readelf -l` numbers them.
 */
#include "kernel/elf.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/pgtable_types.h"
#include "kernel/compiler.h"
#include "kernel/errno.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/mm_struct.h"
#include "mm/pgtable.h"

/* Where elf_check writes its reason for refusing. */
struct elf_why {
	char *buf;
	size_t size;
};

/* Record why the image is refused; always returns -ENOEXEC. */
static __printf(2, 3) int refuse(struct elf_why *why, const char *fmt, ...)
{
	va_list ap;

	if (why->buf && why->size) {
		va_start(ap, fmt);
		vsnprintf(why->buf, why->size, fmt, ap);
		va_end(ap);
	}
	return -ENOEXEC;
}

/* Program header i; only once check_ehdr() has placed the whole table inside the file.
 * Copied out because the table need not be aligned in a malformed file. */
static void read_phdr(const void *image, const Elf64_Ehdr *eh, unsigned int i, Elf64_Phdr *ph)
{
	memcpy(ph, (const u8 *)image + eh->e_phoff + (size_t)i * sizeof(*ph), sizeof(*ph));
}

/* First and one-past-last page of a checked PT_LOAD segment (no overflow: the segment
 * ends at or below TASK_SIZE, which is page-aligned). */
static u64 seg_page_start(const Elf64_Phdr *ph)
{
	return ALIGN_DOWN(ph->p_vaddr, (u64)PAGE_SIZE);
}

static u64 seg_page_end(const Elf64_Phdr *ph)
{
	return ALIGN_UP(ph->p_vaddr + ph->p_memsz, (u64)PAGE_SIZE);
}

/* e_ident: an ELF file, 64-bit, little-endian, current version. */
static int check_ident(const Elf64_Ehdr *eh, struct elf_why *why)
{
	const unsigned char *id = eh->e_ident;

	if (memcmp(id, ELFMAG, SELFMAG))
		return refuse(why, "bad magic (not an ELF file)");
	if (id[EI_CLASS] != ELFCLASS64)
		return refuse(why, "not ELFCLASS64 (class %u)", id[EI_CLASS]);
	if (id[EI_DATA] != ELFDATA2LSB)
		return refuse(why, "not little-endian ELFDATA2LSB (data %u)", id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return refuse(why, "unknown ELF identification version %u", id[EI_VERSION]);
	return 0;
}

/* The header proper: an x86-64 executable whose program header table lies in the file. */
static int check_ehdr(const Elf64_Ehdr *eh, size_t size, struct elf_why *why)
{
	u64 table_size = (u64)eh->e_phnum * eh->e_phentsize; /* 16-bit * 16-bit: no overflow */
	int err = check_ident(eh, why);

	if (err)
		return err;
	if (eh->e_type == ET_DYN)
		return refuse(why, "type ET_DYN: position-independent programs are not supported");
	if (eh->e_type != ET_EXEC)
		return refuse(why, "type %u is not ET_EXEC (an executable)", eh->e_type);
	if (eh->e_machine != EM_X86_64)
		return refuse(why, "machine %u is not x86-64", eh->e_machine);
	if (eh->e_version != EV_CURRENT)
		return refuse(why, "unknown ELF version %u", eh->e_version);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return refuse(why, "e_phentsize %u is not %zu", eh->e_phentsize,
			      sizeof(Elf64_Phdr));
	if (eh->e_phnum == 0)
		return refuse(why, "no program headers");
	if (eh->e_phnum > ELF_MAX_PHNUM)
		return refuse(why, "too many program headers (%u)", eh->e_phnum);
	if (eh->e_phoff > size || table_size > size - eh->e_phoff)
		return refuse(why, "program header table runs past the end of the file");
	return 0;
}

/* One PT_LOAD segment: inside the file, a sane size, inside user space, W^X. */
static int check_load_segment(unsigned int i, const Elf64_Phdr *ph, size_t size,
			      struct elf_why *why)
{
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return refuse(why, "segment %u runs past the end of the file", i);
	if (ph->p_filesz > ph->p_memsz)
		return refuse(why, "segment %u has p_filesz > p_memsz", i);
	if (ph->p_memsz == 0)
		return refuse(why, "segment %u is empty (p_memsz 0)", i);
	if (ph->p_memsz > ELF_MAX_SEGMENT_SIZE)
		return refuse(why, "segment %u is too large (%llu bytes)", i,
			      (unsigned long long)ph->p_memsz);
	if (ph->p_vaddr < ELF_MIN_VADDR)
		return refuse(why, "segment %u starts at 0x%llx, below 0x%lx", i,
			      (unsigned long long)ph->p_vaddr, ELF_MIN_VADDR);
	/* Subtract rather than add: p_vaddr + p_memsz could wrap past 2^64. */
	if (ph->p_vaddr > TASK_SIZE || ph->p_memsz > TASK_SIZE - ph->p_vaddr)
		return refuse(why, "segment %u reaches kernel space", i);
	if (ph->p_filesz && ph->p_vaddr % PAGE_SIZE != ph->p_offset % PAGE_SIZE)
		return refuse(why, "segment %u: p_vaddr and p_offset differ modulo the page size",
			      i);
	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X))
		return refuse(why, "segment %u is writable and executable", i);
	return 0;
}

/* No two PT_LOAD segments may touch the same page (see the top of this file). */
static int check_overlaps(const void *image, const Elf64_Ehdr *eh, struct elf_why *why)
{
	Elf64_Phdr a, b;

	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		read_phdr(image, eh, i, &a);
		if (a.p_type != PT_LOAD)
			continue;
		for (unsigned int j = i + 1; j < eh->e_phnum; j++) {
			read_phdr(image, eh, j, &b);
			if (b.p_type == PT_LOAD && seg_page_start(&a) < seg_page_end(&b) &&
			    seg_page_start(&b) < seg_page_end(&a))
				return refuse(why, "segments %u and %u overlap", i, j);
		}
	}
	return 0;
}

/* The entry point must be inside an executable PT_LOAD segment. */
static int check_entry(const void *image, const Elf64_Ehdr *eh, struct elf_why *why)
{
	Elf64_Phdr ph;

	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		read_phdr(image, eh, i, &ph);
		if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) && eh->e_entry >= ph.p_vaddr &&
		    eh->e_entry - ph.p_vaddr < ph.p_memsz)
			return 0;
	}
	return refuse(why, "entry point 0x%llx is not in an executable segment",
		      (unsigned long long)eh->e_entry);
}

/* Every program header: no dynamic linking, each PT_LOAD sound, at least one of them. */
static int check_phdrs(const void *image, const Elf64_Ehdr *eh, size_t size, struct elf_why *why)
{
	unsigned int loads = 0;
	Elf64_Phdr ph;
	int err;

	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		read_phdr(image, eh, i, &ph);
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
			return refuse(why, "dynamically linked programs are not supported (%s)",
				      ph.p_type == PT_INTERP ? "PT_INTERP" : "PT_DYNAMIC");
		if (ph.p_type != PT_LOAD)
			continue; /* PT_GNU_STACK, PT_NOTE, ...: nothing to do */
		err = check_load_segment(i, &ph, size, why);
		if (err)
			return err;
		loads++;
	}
	if (!loads)
		return refuse(why, "no PT_LOAD segment");
	return 0;
}

int elf_check(const void *image, size_t size, char *why_buf, size_t why_size)
{
	struct elf_why why = {why_buf, why_size};
	Elf64_Ehdr eh;
	int err;

	if (!image || size < sizeof(eh))
		return refuse(&why, "file too short for an ELF header (%zu bytes)", size);
	memcpy(&eh, image, sizeof(eh));
	err = check_ehdr(&eh, size, &why);
	if (!err)
		err = check_phdrs(image, &eh, size, &why);
	if (!err)
		err = check_overlaps(image, &eh, &why);
	if (!err)
		err = check_entry(image, &eh, &why);
	return err;
}

static unsigned long vm_flags_from_p_flags(Elf64_Word p_flags)
{
	unsigned long vm_flags = 0;

	if (p_flags & PF_R)
		vm_flags |= VM_READ;
	if (p_flags & PF_W)
		vm_flags |= VM_WRITE;
	if (p_flags & PF_X)
		vm_flags |= VM_EXEC;
	return vm_flags;
}

/* Copy len bytes to user address va of mm (not the loaded mm: it may not be ours yet)
 * through the direct map, one page at a time. The pages must be mapped already. */
static void copy_to_mm(struct mm_struct *mm, u64 va, const u8 *src, size_t len)
{
	while (len) {
		size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		phys_addr_t pa;

		if (chunk > len)
			chunk = len;
		BUG_ON_MSG(!translate(mm, va, &pa, NULL),
			   "elf_load: 0x%llx of %s not populated by mm_map_anon",
			   (unsigned long long)va, mm->name);
		memcpy(__va(pa), src, chunk);
		va += chunk;
		src += chunk;
		len -= chunk;
	}
}

/* Map one checked PT_LOAD segment's pages, zeroed, and copy its file bytes in. */
static int load_segment(struct mm_struct *mm, const void *image, const Elf64_Phdr *ph)
{
	u64 start = seg_page_start(ph);
	int err =
	    mm_map_anon(mm, start, seg_page_end(ph) - start, vm_flags_from_p_flags(ph->p_flags));

	if (err)
		return err;
	copy_to_mm(mm, ph->p_vaddr, (const u8 *)image + ph->p_offset, ph->p_filesz);
	return 0;
}

/*
 * Where the program headers are in the loaded image, for the auxiliary vector's AT_PHDR
 * (a C library finds its PT_TLS there): inside the PT_LOAD segment whose file bytes hold
 * them (a static program's first segment holds the ELF header and the table), or 0 if
 * none does. The image was checked: the table lies inside the file.
 */
static u64 phdr_address(const void *image, const Elf64_Ehdr *eh)
{
	u64 table_end = eh->e_phoff + (u64)eh->e_phnum * eh->e_phentsize;
	Elf64_Phdr ph;

	for (unsigned int i = 0; i < eh->e_phnum; i++) {
		read_phdr(image, eh, i, &ph);
		if (ph.p_type == PT_LOAD && ph.p_offset <= eh->e_phoff &&
		    table_end <= ph.p_offset + ph.p_filesz)
			return ph.p_vaddr + (eh->e_phoff - ph.p_offset);
	}
	return 0;
}

int elf_load(struct mm_struct *mm, const void *image, size_t size, struct elf_load_info *info)
{
	char why[ELF_WHY_LEN];
	u64 end_of_data = 0;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int err = elf_check(image, size, why, sizeof(why));

	if (err) {
		printk("exec: %s\n", why);
		return err;
	}
	memcpy(&eh, image, sizeof(eh));
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		read_phdr(image, &eh, i, &ph);
		if (ph.p_type != PT_LOAD)
			continue;
		err = load_segment(mm, image, &ph);
		if (err)
			return err; /* what is mapped so far goes with the mm (mmput) */
		if (seg_page_end(&ph) > end_of_data)
			end_of_data = seg_page_end(&ph);
	}
	info->entry = eh.e_entry;
	info->end_of_data = end_of_data;
	info->phdr = phdr_address(image, &eh);
	info->phnum = eh.e_phnum;
	return 0;
}
