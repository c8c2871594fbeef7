/*
 * kernel/elf.h - loading static ELF64 executables into an address space.
 *
 * Programs come from GRUB modules (kernel/module.c looks them up by name); exec
 * (kernel/exec.c) hands the image to elf_load() and builds the stack afterwards.
 * Everything about the file is checked before anything is mapped: a malformed image is
 * refused with -ENOEXEC and one line saying what is wrong, and leaks nothing.
 *
 * Only static programs as `musl-gcc -static` (GNU ld's default layout) makes them are
 * accepted: ET_EXEC for x86-64, every PT_LOAD segment on pages of its own (no two
 * segments share a page; a file offset congruent to the address, not necessarily
 * page-aligned) and never both writable and executable; no interpreter, no dynamic
 * section. PT_TLS, PT_GNU_STACK and PT_GNU_RELRO need nothing from the loader.
 * Type, structure and constant names are the ELF specification's (System V ABI,
 * "Object Files", and its x86-64 supplement).
 */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include "kernel/types.h"

struct mm_struct;

typedef u64 Elf64_Addr;
typedef u64 Elf64_Off;
typedef u16 Elf64_Half;
typedef u32 Elf64_Word;
typedef u64 Elf64_Xword;

/* e_ident[]: the file's identification bytes. */
#define EI_NIDENT 16
#define EI_MAG0 0
#define EI_MAG1 1
#define EI_MAG2 2
#define EI_MAG3 3
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFMAG0 0x7f
#define ELFMAG1 'E'
#define ELFMAG2 'L'
#define ELFMAG3 'F'
#define ELFMAG "\177ELF" /* the four bytes above, for memcmp */
#define SELFMAG 4
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1 /* little-endian */
#define ELFDATA2MSB 2 /* big-endian */
#define EV_CURRENT 1

/* e_type */
#define ET_REL 1
#define ET_EXEC 2
#define ET_DYN 3

/* e_machine */
#define EM_386 3
#define EM_X86_64 62

/* p_type */
#define PT_NULL 0
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3
#define PT_NOTE 4
#define PT_PHDR 6
#define PT_GNU_STACK 0x6474e551

/* p_flags */
#define PF_X 0x1
#define PF_W 0x2
#define PF_R 0x4

typedef struct {
	unsigned char e_ident[EI_NIDENT];
	Elf64_Half e_type;
	Elf64_Half e_machine;
	Elf64_Word e_version;
	Elf64_Addr e_entry; /* where the program starts */
	Elf64_Off e_phoff;  /* file offset of the program header table */
	Elf64_Off e_shoff;
	Elf64_Word e_flags;
	Elf64_Half e_ehsize;
	Elf64_Half e_phentsize; /* size of one program header */
	Elf64_Half e_phnum;	/* how many program headers */
	Elf64_Half e_shentsize;
	Elf64_Half e_shnum;
	Elf64_Half e_shstrndx;
} Elf64_Ehdr;

typedef struct {
	Elf64_Word p_type;
	Elf64_Word p_flags;
	Elf64_Off p_offset; /* where the segment's bytes start in the file */
	Elf64_Addr p_vaddr; /* where they go in memory */
	Elf64_Addr p_paddr;
	Elf64_Xword p_filesz; /* bytes taken from the file */
	Elf64_Xword p_memsz;  /* bytes in memory; the rest after p_filesz is zero (bss) */
	Elf64_Xword p_align;
} Elf64_Phdr;

#define ELF_MAX_SEGMENT_SIZE (256ul << 20) /* a sanity bound on p_memsz */
#define ELF_MIN_VADDR 0x10000ul		   /* nothing below 64 KiB: NULL pointers must fault */
#define ELF_MAX_PHNUM 64		   /* a sanity bound on e_phnum (ours have 4) */
#define ELF_WHY_LEN 96			   /* room for any reason elf_check gives */

struct elf_load_info {
	u64 entry;	 /* e_entry */
	u64 end_of_data; /* highest p_vaddr + p_memsz, page-aligned up: where brk starts */
	u64 phdr;	 /* the program headers' user address (0: not in any segment) */
	u64 phnum;	 /* e_phnum */
};

/*
 * Check image of size bytes (any alignment); 0, or -ENOEXEC with the reason in why (a
 * short phrase such as "segments 1 and 2 overlap", NUL-terminated and truncated to
 * why_size; why may be NULL when why_size is 0). Reads only inside [image, image + size).
 */
int elf_check(const void *image, size_t size, char *why, size_t why_size);
/*
 * Check, then map every PT_LOAD segment into mm as VMAs: the page-rounded range of each
 * is mapped with permissions from p_flags, the p_filesz file bytes copied in at
 * p_vaddr, everything else zero. 0, -ENOEXEC (after printing "exec: <reason>"),
 * -ENOMEM, or -EINVAL if mm already maps part of a segment's range. On error mm may hold
 * some of the mappings: the caller drops the whole mm (mmput), which frees them.
 */
int elf_load(struct mm_struct *mm, const void *image, size_t size, struct elf_load_info *info);

#endif
