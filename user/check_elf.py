#!/usr/bin/env python3
"""
user/check_elf.py - check that a linked user program has the layout sublet's loader wants.

    user/check_elf.py build/user/<prog>.elf...

The Makefile runs it on every program it links (and deletes one that fails), so a change
of toolchain, flags or a stray section cannot quietly produce an image the kernel's ELF
loader (kernel/elf.c) would refuse or map unsafely. Checks, per the ELF-64 specification:
a static x86-64 executable (ET_EXEC, EM_X86_64, no PT_INTERP or PT_DYNAMIC); PT_LOAD
segments aligned to the page (p_align) with file offsets congruent to their addresses
modulo the page size (musl-gcc -static's RW segment starts mid-page), the first at
0x400000, none below 64 KiB or above user space, none both writable and executable, no
two touching the same page; a text segment R+X holding the entry point; a
non-executable PT_GNU_STACK. Standard library only.
"""

import struct
import sys

ELF_MAGIC = b"\x7fELF"
ELFCLASS64, ELFDATA2LSB = 2, 1
ET_EXEC, EM_X86_64 = 2, 62
PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_GNU_STACK = 1, 2, 3, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4
PAGE_SIZE = 4096
LOAD_BASE = 0x400000
MIN_VADDR = 0x10000  # nothing below 64 KiB: NULL pointers must fault
USER_TOP = 0x00007FFFFFFFF000

EHDR = struct.Struct("<16sHHIQQQIHHHHHH")  # Elf64_Ehdr
PHDR = struct.Struct("<IIQQQQQQ")  # Elf64_Phdr


def flags_text(flags):
    return "".join(c if flags & bit else "-" for c, bit in (("R", PF_R), ("W", PF_W),
                                                             ("X", PF_X)))


def read_phdrs(data):
    """(e_type, e_machine, e_entry,
    [(p_type, p_flags, p_vaddr, p_memsz, p_align, p_offset)])."""
    if len(data) < EHDR.size or data[:4] != ELF_MAGIC:
        raise ValueError("not an ELF file")
    if data[4] != ELFCLASS64 or data[5] != ELFDATA2LSB:
        raise ValueError("not ELF64 little-endian")
    (_, e_type, e_machine, _, e_entry, e_phoff, _, _, _, e_phentsize, e_phnum,
     _, _, _) = EHDR.unpack_from(data)
    if e_phentsize != PHDR.size or e_phoff + e_phnum * PHDR.size > len(data):
        raise ValueError("bad program header table")
    phdrs = []
    for i in range(e_phnum):
        p_type, p_flags, p_offset, p_vaddr, _, _, p_memsz, p_align = PHDR.unpack_from(
            data, e_phoff + i * PHDR.size)
        phdrs.append((p_type, p_flags, p_vaddr, p_memsz, p_align, p_offset))
    return e_type, e_machine, e_entry, phdrs


def problems(data):
    """Everything wrong with the image, as sentences (empty: it is fine)."""
    try:
        e_type, e_machine, e_entry, phdrs = read_phdrs(data)
    except ValueError as err:
        return [str(err)]
    out = []
    if e_type != ET_EXEC or e_machine != EM_X86_64:
        out.append(f"not an x86-64 executable (e_type {e_type}, e_machine {e_machine})")
    types = [p[0] for p in phdrs]
    if PT_INTERP in types or PT_DYNAMIC in types:
        out.append("dynamically linked (PT_INTERP or PT_DYNAMIC)")
    stack = [p for p in phdrs if p[0] == PT_GNU_STACK]
    if not stack or stack[0][1] & PF_X:
        out.append("no PT_GNU_STACK, or an executable stack")
    loads = sorted((p for p in phdrs if p[0] == PT_LOAD and p[3]), key=lambda p: p[2])
    if not loads or loads[0][2] != LOAD_BASE:
        out.append(f"the first PT_LOAD is not at {LOAD_BASE:#x}")
    end = 0
    for _, flags, vaddr, memsz, align, offset in loads:
        where = f"PT_LOAD at {vaddr:#x} ({flags_text(flags)})"
        if (vaddr - offset) % PAGE_SIZE or align != PAGE_SIZE:
            out.append(f"{where}: offset and address not congruent modulo the page size")
        if vaddr < MIN_VADDR or vaddr + memsz > USER_TOP:
            out.append(f"{where}: outside [{MIN_VADDR:#x}, {USER_TOP:#x})")
        if flags & PF_W and flags & PF_X:
            out.append(f"{where}: writable and executable")
        if not flags & PF_R:
            out.append(f"{where}: not readable")
        if vaddr // PAGE_SIZE * PAGE_SIZE < end:
            out.append(f"{where}: overlaps the segment before it (pages are mapped whole)")
        end = (vaddr + memsz + PAGE_SIZE - 1) // PAGE_SIZE * PAGE_SIZE
        if vaddr <= e_entry < vaddr + memsz and flags & (PF_X | PF_W) != PF_X:
            out.append(f"{where}: holds the entry point but is not R-X")
    if not any(v <= e_entry < v + m and f & PF_X for _, f, v, m, _, _ in loads):
        out.append(f"entry point {e_entry:#x} is in no executable segment")
    return out


def main(paths):
    status = 0
    for path in paths:
        with open(path, "rb") as image:
            found = problems(image.read())
        for problem in found:
            print(f"{path}: {problem}", file=sys.stderr)
        status |= bool(found)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
