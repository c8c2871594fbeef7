/*
 * tests/module_test.c - finding GRUB modules by name (kernel/module.c).
 *
 * The name rules are checked on tables built here, through the two functions
 * module_find() is made of (module_program_name, module_lookup), so they are covered
 * whether or not the kernel was booted with modules. The last tests look at the
 * modules this boot really has: each is found again under its name, with and without
 * ".elf", and its bytes are where boot_info says GRUB put them.
 */
#include "arch/x86_64/page.h"
#include "kernel/errno.h"
#include "kernel/module.h"
#include "kernel/multiboot2.h"
#include "kernel/printk.h"
#include "tests/ktest.h"

extern struct boot_info boot_info; /* kernel/main.c */

/* module_program_name(cmdline) into a buffer of MODULE_NAME_MAX, checking the length. */
static void expect_program_name(struct ktest *t, const char *cmdline, const char *want)
{
	char buf[MODULE_NAME_MAX];

	KEXPECT_EQ(t, module_program_name(cmdline, buf, sizeof(buf)), strlen(want));
	KEXPECT_STREQ(t, buf, want);
}

KTEST(module, program_name_strips_elf_suffix)
{
	expect_program_name(t, "init", "init");
	expect_program_name(t, "init.elf", "init");
	expect_program_name(t, "utest_fork.elf", "utest_fork");
	expect_program_name(t, "a.elf.elf", "a.elf");	/* one suffix only */
	expect_program_name(t, "init.ELF", "init.ELF"); /* names are case-sensitive */
	expect_program_name(t, "elf", "elf");
	expect_program_name(t, ".elf", "");
	expect_program_name(t, "", "");
}

KTEST(module, program_name_is_first_word_without_directory)
{
	expect_program_name(t, "/boot/modules/init.elf", "init");
	expect_program_name(t, "init.elf arg1 arg2", "init");
	expect_program_name(t, "  \tinit ", "init");
	expect_program_name(t, "dir/init.elf --opt=a/b", "init"); /* '/' after the word */
	expect_program_name(t, "/boot/modules/", "");
}

KTEST(module, program_name_truncates_safely)
{
	char name[100], buf[MODULE_NAME_MAX + 8];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memset(buf, 'X', sizeof(buf));
	KEXPECT_EQ(t, module_program_name(name, buf, MODULE_NAME_MAX), sizeof(name) - 1);
	KEXPECT_EQ(t, strlen(buf), (size_t)MODULE_NAME_MAX - 1);
	for (size_t i = MODULE_NAME_MAX; i < sizeof(buf); i++)
		KEXPECT_EQ(t, buf[i], 'X');
	/* size 0: nothing written, the length still reported. */
	KEXPECT_EQ(t, module_program_name("init.elf", buf, 0), 4ul);
	KEXPECT_EQ(t, buf[0], 'n');
}

static const char *const fake_names[] = {"init", "utest_fork", "utest_fork_child", "hello", "init"};
#define NR_FAKE ((unsigned int)(sizeof(fake_names) / sizeof(fake_names[0])))

KTEST(module, lookup_finds_with_or_without_elf)
{
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, "init"), 0); /* the first of two */
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, "init.elf"), 0);
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, "utest_fork"), 1);
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, "utest_fork.elf"), 1);
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, "utest_fork_child.elf"), 2);
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, "hello"), 3);
}

KTEST(module, lookup_missing_is_enoent)
{
	char long_name[200];

	memset(long_name, 'i', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, "missing"), -ENOENT);
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, "utest"), -ENOENT); /* a prefix */
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, "init2"), -ENOENT); /* longer */
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, "INIT"), -ENOENT);
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, "init.elf.elf"), -ENOENT);
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, ""), -ENOENT);
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, ".elf"), -ENOENT);
	KEXPECT_EQ(t, module_lookup(fake_names, NR_FAKE, long_name), -ENOENT);
	/* Only the first count entries are searched. */
	KEXPECT_EQ(t, module_lookup(fake_names, 3, "hello"), -ENOENT);
	KEXPECT_EQ(t, module_lookup(fake_names, 0, "init"), -ENOENT);
}

/* ---- the modules of this boot ------------------------------------------------------- */

KTEST(module, get_matches_boot_info)
{
	struct boot_module_image image;

	KEXPECT_EQ(t, module_count(), boot_info.module_count);
	for (unsigned int i = 0; i < module_count(); i++) {
		const struct boot_module *mod = &boot_info.modules[i];
		char want[MODULE_NAME_MAX];

		KASSERT_TRUE(t, module_get(i, &image));
		module_program_name(mod->cmdline, want, sizeof(want));
		KEXPECT_STREQ(t, image.name, want);
		KEXPECT_PTR_EQ(t, image.data, __va(mod->start));
		KEXPECT_EQ(t, image.size, (size_t)(mod->end - mod->start));
	}
	KEXPECT_FALSE(t, module_get(module_count(), &image));
	KEXPECT_FALSE(t, module_get(~0u, &image));
}

/* Every module is found under its own name, with and without ".elf". */
KTEST(module, find_finds_every_boot_module)
{
	struct boot_module_image image, found;

	for (unsigned int i = 0; module_get(i, &image); i++) {
		char with_elf[MODULE_NAME_MAX + 4];

		KEXPECT_EQ(t, module_find(image.name, &found), 0);
		KEXPECT_STREQ(t, found.name, image.name);
		snprintf(with_elf, sizeof(with_elf), "%s.elf", image.name);
		KEXPECT_EQ(t, module_find(with_elf, &found), 0);
		KEXPECT_STREQ(t, found.name, image.name);
	}
	KEXPECT_EQ(t, module_find("no-such-module", &found), -ENOENT);
	KEXPECT_EQ(t, module_find("", &found), -ENOENT);
}
