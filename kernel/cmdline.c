/*
 * kernel/cmdline.c - split the kernel command line into options, and look them up.
 *
 * Each option is copied into the struct cmdline's own buffer as "key\0" or
 * "key\0value\0", quotes removed, so the parsed line does not depend on the boot loader's
 * memory staying around. The syntax and the repeated-key rule are described in
 * kernel/cmdline.h; tests/cmdline_test.c exercises them.
 *
 * The kernel's line has two sources: the boot loader's (GRUB's, set when the ISO is made)
 * and, after it, the text QEMU passes in its fw_cfg device (arch/x86_64/fw_cfg.h), which
 * the test runner and the benchmarks set per boot.
 */
#include "kernel/cmdline.h"
#include "arch/x86_64/fw_cfg.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

struct cmdline kernel_cmdline;

/* Option separators. Newlines count too: some boot loader configs leave one at the end. */
static bool is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static const char *skip_separators(const char *s)
{
	while (is_separator(*s))
		s++;
	return s;
}

/*
 * Copy the option starting at *textp into cl->buf from *used on, splitting it at its first
 * '=' (quoted or not, as Linux does) and dropping quotes; advance *textp and *used past it.
 * Returns false if the option does not fit in what is left of buf (the bytes written past
 * *used are then junk, and the caller stops).
 */
static bool copy_option(struct cmdline *cl, const char **textp, size_t *used,
			struct cmdline_opt *opt)
{
	const char *s = *textp;
	char *out = cl->buf + *used;
	char *const end = cl->buf + sizeof(cl->buf);
	bool quoted = false;

	opt->key = out;
	opt->value = NULL;
	for (; *s && (quoted || !is_separator(*s)); s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (out + 1 >= end) /* no room for this byte and the closing NUL */
			return false;
		if (*s == '=' && !opt->value) {
			*out++ = '\0';
			opt->value = out;
		} else {
			*out++ = *s;
		}
	}
	if (out >= end)
		return false;
	*out++ = '\0';
	*textp = s;
	*used = (size_t)(out - cl->buf);
	return true;
}

int cmdline_append(struct cmdline *cl, const char *text)
{
	if (cl->truncated)
		return -E2BIG;
	if (!text)
		return 0;
	for (text = skip_separators(text); *text; text = skip_separators(text)) {
		struct cmdline_opt opt;

		if (cl->count == CMDLINE_MAX_OPTS || !copy_option(cl, &text, &cl->used, &opt)) {
			cl->truncated = true;
			return -E2BIG;
		}
		cl->opts[cl->count++] = opt;
	}
	return 0;
}

int cmdline_parse(struct cmdline *cl, const char *text)
{
	memset(cl, 0, sizeof(*cl));
	return cmdline_append(cl, text);
}

const struct cmdline_opt *cmdline_find(const struct cmdline *cl, const char *key)
{
	int i;

	/* Search from the end: the last occurrence of a key wins. */
	for (i = cl->count - 1; i >= 0; i--) {
		if (!strcmp(cl->opts[i].key, key))
			return &cl->opts[i];
	}
	return NULL;
}

bool cmdline_has(const struct cmdline *cl, const char *key)
{
	return cmdline_find(cl, key) != NULL;
}

const char *cmdline_value(const struct cmdline *cl, const char *key)
{
	const struct cmdline_opt *opt = cmdline_find(cl, key);

	return opt ? opt->value : NULL;
}

static void report_truncated(void)
{
	printk("cmdline: over %d bytes or %d options, only the first %d kept\n", CMDLINE_MAX_LEN,
	       CMDLINE_MAX_OPTS, kernel_cmdline.count);
}

/*
 * Append QEMU's fw_cfg line, if it passed one. Without a device or without the file there
 * is nothing to say; anything malformed is refused whole, with the reason, and the kernel
 * boots on the boot loader's line alone. Static buffer: this runs once, at boot.
 */
static void cmdline_append_fw_cfg(void)
{
	static char line[CMDLINE_MAX_LEN];
	const char *why;
	int err = fw_cfg_read_cmdline(&fw_cfg_ports, line, sizeof(line), &why);

	if (err == -ENODEV || err == -ENOENT)
		return;
	if (err) {
		printk(
		    "fw_cfg: %s refused (%s); booting with the boot loader's command line only\n",
		    FW_CFG_CMDLINE_FILE, why);
		return;
	}
	printk("Kernel command line (fw_cfg): %s\n", line);
	if (cmdline_append(&kernel_cmdline, line))
		report_truncated();
}

void cmdline_init(const char *text)
{
	if (!text)
		text = "";
	printk("Kernel command line: %s\n", text);
	if (cmdline_parse(&kernel_cmdline, text))
		report_truncated();
	cmdline_append_fw_cfg();
}

bool kernel_param_has(const char *key)
{
	return cmdline_has(&kernel_cmdline, key);
}

const char *kernel_param(const char *key)
{
	return cmdline_value(&kernel_cmdline, key);
}
