/*
 * kernel/kallsyms.h - the kernel's own symbol table, for backtraces and %pS-style output.
 *
 * The table is generated at build time (tools/kallsyms.py) from the linked kernel and
 * linked back in (a second link pass, as Linux's kallsyms): see the Makefile.
 */
#ifndef KERNEL_KALLSYMS_H
#define KERNEL_KALLSYMS_H

#include "kernel/types.h"

/* Name of the function containing addr, with the offset into it and its size; NULL if
 * addr is outside the kernel's text. */
const char *kallsyms_lookup(u64 addr, u64 *offset, u64 *size);
/* Address of a function by name, 0 if there is none. */
u64 kallsyms_lookup_name(const char *name);
/* Number of symbols in the table. */
u64 kallsyms_count(void);

#endif
