/*
 * kernel/module.c - finding the user programs GRUB loaded as multiboot2 modules.
 *
 * kernel/multiboot2.c leaves each module's physical range and string in boot_info;
 * mm/memblock.c keeps those ranges out of the page allocator, so the files stay intact
 * for the kernel's lifetime and are read through the direct map. exec (kernel/exec.c)
 * asks for a program by name; the test harness (tests/ktest.c) lists them to find the
 * user-space suites. Names are normalised once, on first use, into a table of their
 * own (see kernel/module.h for the rule): the strings in boot_info are left as GRUB
 * gave them.
 */
#include "kernel/module.h"
#include "arch/x86_64/page.h"
#include "kernel/errno.h"
#include "kernel/multiboot2.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/string.h"

#define ELF_SUFFIX ".elf"
#define ELF_SUFFIX_LEN (sizeof(ELF_SUFFIX) - 1)

extern struct boot_info boot_info; /* kernel/main.c */

/* The program names of boot_info.modules[], filled once under module_names_lock. */
static char module_names[BOOT_MAX_MODULES][MODULE_NAME_MAX];
static const char *module_name_ptrs[BOOT_MAX_MODULES];
static bool module_names_ready;
static DEFINE_SPINLOCK(module_names_lock);

/* The length of s[0..len) without a trailing ".elf". */
static size_t strip_elf_suffix(const char *s, size_t len)
{
	if (len >= ELF_SUFFIX_LEN && !memcmp(s + len - ELF_SUFFIX_LEN, ELF_SUFFIX, ELF_SUFFIX_LEN))
		return len - ELF_SUFFIX_LEN;
	return len;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

size_t module_program_name(const char *cmdline, char *buf, size_t size)
{
	const char *start = cmdline, *end;
	size_t len, copy;

	while (is_blank(*start))
		start++;
	for (end = start; *end && !is_blank(*end); end++) {
		if (*end == '/')
			start = end + 1;
	}
	len = strip_elf_suffix(start, end - start);
	if (size) {
		copy = len < size - 1 ? len : size - 1;
		memcpy(buf, start, copy);
		buf[copy] = '\0';
	}
	return len;
}

int module_lookup(const char *const *names, unsigned int count, const char *name)
{
	/* A name longer than any stored one cannot match: strnlen keeps the scan short. */
	size_t len = strip_elf_suffix(name, strnlen(name, MODULE_NAME_MAX + ELF_SUFFIX_LEN));

	if (len == 0 || len >= MODULE_NAME_MAX)
		return -ENOENT;
	for (unsigned int i = 0; i < count; i++) {
		if (strlen(names[i]) == len && !memcmp(names[i], name, len))
			return (int)i;
	}
	return -ENOENT;
}

/* Normalise every module's string into module_names[]. */
static void fill_module_names(void)
{
	for (unsigned int i = 0; i < boot_info.module_count; i++) {
		const char *cmdline = boot_info.modules[i].cmdline;

		if (module_program_name(cmdline, module_names[i], MODULE_NAME_MAX) >=
		    MODULE_NAME_MAX)
			printk("module: name of module %u (\"%s\") truncated to \"%s\"\n", i,
			       cmdline, module_names[i]);
		module_name_ptrs[i] = module_names[i];
	}
}

/* Build the name table the first time anyone asks; boot_info no longer changes then. */
static void module_names_init(void)
{
	unsigned long flags = spin_lock_irqsave(&module_names_lock);

	if (!module_names_ready) {
		fill_module_names();
		module_names_ready = true;
	}
	spin_unlock_irqrestore(&module_names_lock, flags);
}

unsigned int module_count(void)
{
	return boot_info.module_count;
}

bool module_get(unsigned int i, struct boot_module_image *out)
{
	const struct boot_module *mod;

	if (i >= module_count())
		return false;
	module_names_init();
	mod = &boot_info.modules[i];
	out->name = module_names[i];
	out->data = __va(mod->start);
	out->size = mod->end - mod->start;
	return true;
}

int module_find(const char *name, struct boot_module_image *out)
{
	int i;

	module_names_init();
	i = module_lookup(module_name_ptrs, module_count(), name);
	if (i < 0)
		return i;
	return module_get(i, out) ? 0 : -ENOENT;
}
