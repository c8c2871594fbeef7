/*
 * tests/fw_cfg_test.c - the fw_cfg command-line reader (arch/x86_64/fw_cfg.c).
 *
 * Most tests hand fw_cfg_read_cmdline() a fake device (struct fw_cfg_ops over byte
 * arrays): a directory and file contents built here, well-formed or broken in one way
 * each. The last test reads the real device and checks that every option QEMU passed is
 * in effect in the kernel's own command line.
 */
#include "arch/x86_64/fw_cfg.h"
#include "kernel/cmdline.h"
#include "kernel/errno.h"
#include "tests/ktest.h"

#define FAKE_MAX_FILES 4
#define FAKE_CMDLINE_SELECT (FW_CFG_FILE_FIRST + 1)
#define FAKE_BUF_SIZE 32 /* the reader's buffer in these tests: 31 bytes of text */

/* The fake device: its items and where the next read() continues. Test-only state. */
static struct {
	char signature[FW_CFG_SIG_SIZE];
	struct {
		u32 count; /* big-endian, as the device sends it */
		struct fw_cfg_file files[FAKE_MAX_FILES];
	} __attribute__((packed)) dir;
	const char *contents; /* of the file at FAKE_CMDLINE_SELECT */
	u32 contents_len;
	const u8 *item; /* the selected item, NULL: reads give zeros */
	u32 item_len, offset;
} fake;

static void fake_select(u16 key)
{
	fake.offset = 0;
	fake.item = NULL;
	fake.item_len = 0;
	if (key == FW_CFG_SIGNATURE) {
		fake.item = (const u8 *)fake.signature;
		fake.item_len = sizeof(fake.signature);
	} else if (key == FW_CFG_FILE_DIR) {
		fake.item = (const u8 *)&fake.dir;
		fake.item_len = sizeof(fake.dir);
	} else if (key == FAKE_CMDLINE_SELECT) {
		fake.item = (const u8 *)fake.contents;
		fake.item_len = fake.contents_len;
	}
}

/* Past an item's end the real device reads as zeros too. */
static void fake_read(void *buf, u32 len)
{
	u8 *out = buf;

	for (; len; len--, fake.offset++)
		*out++ = fake.offset < fake.item_len ? fake.item[fake.offset] : 0;
}

static const struct fw_cfg_ops fake_dev = {.select = fake_select, .read = fake_read};

/* Add a directory entry, numbers in the device's big-endian order. */
static void fake_add_file(const char *name, u16 select, u32 size)
{
	u32 n = __builtin_bswap32(fake.dir.count);
	struct fw_cfg_file *f = &fake.dir.files[n];

	memset(f, 0, sizeof(*f));
	strlcpy(f->name, name, sizeof(f->name));
	f->select = __builtin_bswap16(select);
	f->size = __builtin_bswap32(size);
	fake.dir.count = __builtin_bswap32(n + 1);
}

/* A device holding another file, then the command-line file with `len` bytes of `text`. */
static void fake_reset(const char *text, u32 len)
{
	memset(&fake, 0, sizeof(fake));
	memcpy(fake.signature, "QEMU", FW_CFG_SIG_SIZE);
	fake_add_file("etc/boot-fail-wait", FW_CFG_FILE_FIRST, 4);
	fake_add_file(FW_CFG_CMDLINE_FILE, FAKE_CMDLINE_SELECT, len);
	fake.contents = text;
	fake.contents_len = len;
}

static char buf[FAKE_BUF_SIZE];
static const char *why;

/* Read through the fake device into buf; a refusal must leave "" and a reason. */
static int fake_read_cmdline(struct ktest *t)
{
	int err;

	memset(buf, 'z', sizeof(buf));
	why = NULL;
	err = fw_cfg_read_cmdline(&fake_dev, buf, sizeof(buf), &why);
	if (err) {
		KEXPECT_STREQ(t, buf, "");
		KEXPECT_NOT_NULL(t, why);
	}
	return err;
}

/* What `-fw_cfg name=opt/sublet/cmdline,string=...` gives: the text, no NUL. */
KTEST(fw_cfg, reads_the_named_file)
{
	static const char text[] = "ktest=vsprintf loglevel=7";

	fake_reset(text, sizeof(text) - 1);
	KASSERT_EQ(t, fake_read_cmdline(t), 0);
	KEXPECT_STREQ(t, buf, text);
}

KTEST(fw_cfg, one_trailing_nul_is_allowed)
{
	fake_reset("ktest\n", sizeof("ktest\n"));
	KASSERT_EQ(t, fake_read_cmdline(t), 0);
	KEXPECT_STREQ(t, buf, "ktest\n");
}

KTEST(fw_cfg, empty_file_gives_empty_line)
{
	fake_reset("", 0);
	KEXPECT_EQ(t, fake_read_cmdline(t), 0);
	KEXPECT_STREQ(t, buf, "");
}

/* FAKE_BUF_SIZE - 1 bytes of text fit; one more is refused whole, not cut. */
KTEST(fw_cfg, longest_text_fits_and_one_more_is_refused)
{
	static char text[FAKE_BUF_SIZE + 1];

	memset(text, 'k', sizeof(text));
	fake_reset(text, FAKE_BUF_SIZE - 1);
	KEXPECT_EQ(t, fake_read_cmdline(t), 0);
	KEXPECT_EQ(t, strlen(buf), (size_t)FAKE_BUF_SIZE - 1);
	fake_reset(text, FAKE_BUF_SIZE);
	KEXPECT_EQ(t, fake_read_cmdline(t), -E2BIG);
	fake_reset(text, FAKE_BUF_SIZE + 1);
	KEXPECT_EQ(t, fake_read_cmdline(t), -E2BIG);
}

/* A size no buffer could hold is refused before a byte is read into buf. */
KTEST(fw_cfg, huge_size_is_refused_unread)
{
	fake_reset("x", 0xffffffffu);
	KEXPECT_EQ(t, fake_read_cmdline(t), -E2BIG);
}

KTEST(fw_cfg, nul_inside_is_refused)
{
	fake_reset("ktest\0evil", sizeof("ktest\0evil") - 1);
	KEXPECT_EQ(t, fake_read_cmdline(t), -EINVAL);
}

KTEST(fw_cfg, control_bytes_are_refused)
{
	fake_reset("ktest \x1b[2J", sizeof("ktest \x1b[2J") - 1);
	KEXPECT_EQ(t, fake_read_cmdline(t), -EINVAL);
	fake_reset("ktest \xff", sizeof("ktest \xff") - 1);
	KEXPECT_EQ(t, fake_read_cmdline(t), -EINVAL);
}

KTEST(fw_cfg, no_device)
{
	fake_reset("ktest", 5);
	memset(fake.signature, 0xff, sizeof(fake.signature)); /* what an empty port reads */
	KEXPECT_EQ(t, fake_read_cmdline(t), -ENODEV);
}

KTEST(fw_cfg, no_such_file)
{
	fake_reset("ktest", 5);
	fake.dir.files[1].name[0] = 'X';
	KEXPECT_EQ(t, fake_read_cmdline(t), -ENOENT);
	fake.dir.count = 0;
	KEXPECT_EQ(t, fake_read_cmdline(t), -ENOENT);
}

/* A count beyond the selectors there are cannot be a real directory. */
KTEST(fw_cfg, impossible_directory_count_is_refused)
{
	fake_reset("ktest", 5);
	fake.dir.count = __builtin_bswap32(FW_CFG_WRITE_CHANNEL);
	KEXPECT_EQ(t, fake_read_cmdline(t), -EINVAL);
}

KTEST(fw_cfg, name_without_nul_is_refused)
{
	fake_reset("ktest", 5);
	memset(fake.dir.files[0].name, 'n', FW_CFG_MAX_FILE_PATH);
	KEXPECT_EQ(t, fake_read_cmdline(t), -EINVAL);
}

/* The file's selector must lie in the range of named files. */
KTEST(fw_cfg, selector_outside_file_range_is_refused)
{
	fake_reset("ktest", 5);
	fake.dir.files[1].select = __builtin_bswap16(FW_CFG_FILE_DIR);
	KEXPECT_EQ(t, fake_read_cmdline(t), -EINVAL);
	fake.dir.files[1].select = __builtin_bswap16(FW_CFG_WRITE_CHANNEL);
	KEXPECT_EQ(t, fake_read_cmdline(t), -EINVAL);
}

/*
 * The real device: under QEMU it exists; with the test runner's line in it, each option
 * must be in force in kernel_cmdline (appended last, so its value is the one that wins).
 */
KTEST(fw_cfg, real_device_line_is_in_effect)
{
	static char line[CMDLINE_MAX_LEN];
	static struct cmdline passed;
	int err = fw_cfg_read_cmdline(&fw_cfg_ports, line, sizeof(line), &why);
	int i;

	if (err == -ENODEV)
		KTEST_SKIP("no fw_cfg device");
	if (err == -ENOENT)
		KTEST_SKIP("booted without " FW_CFG_CMDLINE_FILE);
	KASSERT_EQ(t, err, 0);
	KASSERT_EQ(t, cmdline_parse(&passed, line), 0);
	KEXPECT_GT(t, passed.count, 0);
	for (i = 0; i < passed.count; i++) {
		const char *key = passed.opts[i].key;
		const char *want = cmdline_value(&passed, key);

		KEXPECT_TRUE(t, kernel_param_has(key));
		if (want)
			KEXPECT_STREQ(t, kernel_param(key), want);
		else
			KEXPECT_NULL(t, kernel_param(key));
	}
}
