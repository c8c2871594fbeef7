/*
 * kernel/module.h - the GRUB modules (user programs), looked up by name.
 *
 * GRUB loads each file named on a `module2` line of its menu (tools/mkiso.sh writes
 * `module2 /boot/modules/<file> <file>`) and passes its physical range and that line's
 * string; kernel/multiboot2.c records them in boot_info.modules[]. A module's name is
 * the program name taken from that string: its first word, without a directory and
 * without a ".elf" suffix ("utest_fork.elf" -> "utest_fork"). Lookups normalise the
 * name asked for the same way, so "init" and "init.elf" find the same module.
 */
#ifndef KERNEL_MODULE_H
#define KERNEL_MODULE_H

#include "kernel/types.h"

#define MODULE_NAME_MAX 64 /* a module's name, with its NUL; longer ones are truncated */

struct boot_module_image {
	const char *name; /* the program name; lives as long as the kernel */
	const void *data; /* the file, through the direct map */
	size_t size;
};

/* Find a module by name (with or without ".elf"): 0 with *out filled, or -ENOENT. */
int module_find(const char *name, struct boot_module_image *out);
/* How many modules GRUB loaded (at most BOOT_MAX_MODULES are kept). */
unsigned int module_count(void);
/* Module i (0 <= i < module_count()): true with *out filled, false past the end. */
bool module_get(unsigned int i, struct boot_module_image *out);

/*
 * The pieces module_find() is made of, for tests/module_test.c to check on tables of
 * its own. module_program_name() writes the program name of a module string into buf
 * (truncated to size, always NUL-terminated when size > 0) and returns the full name's
 * length. module_lookup() normalises name the same way and returns the index of the
 * first entry of names[0..count) equal to it, or -ENOENT (also for an empty name).
 */
size_t module_program_name(const char *cmdline, char *buf, size_t size);
int module_lookup(const char *const *names, unsigned int count, const char *name);

#endif
