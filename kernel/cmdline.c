/*
 * kernel/cmdline.c - split the kernel command line into options, and look them up.
 *
 * Each option is copied into the struct cmdline's own buffer as "key\0" or
 * "key\0value\0", quotes removed, so the parsed line does not depend on the boot loader's
 * memory staying around. The syntax and the repeated-key rule are described in
 * kernel/cmdline.h; tests/cmdline_test.c exercises them.
 */
#include "kernel/cmdline.h"
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

int cmdline_parse(struct cmdline *cl, const char *text)
{
	size_t used = 0;

	memset(cl, 0, sizeof(*cl));
	if (!text)
		return 0;
	for (text = skip_separators(text); *text; text = skip_separators(text)) {
		struct cmdline_opt opt;

		if (cl->count == CMDLINE_MAX_OPTS || !copy_option(cl, &text, &used, &opt)) {
			cl->truncated = true;
			return -E2BIG;
		}
		cl->opts[cl->count++] = opt;
	}
	return 0;
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

void cmdline_init(const char *text)
{
	if (!text)
		text = "";
	printk("Kernel command line: %s\n", text);
	if (cmdline_parse(&kernel_cmdline, text))
		printk("cmdline: over %d bytes or %d options, only the first %d kept\n",
		       CMDLINE_MAX_LEN, CMDLINE_MAX_OPTS, kernel_cmdline.count);
}

bool kernel_param_has(const char *key)
{
	return cmdline_has(&kernel_cmdline, key);
}

const char *kernel_param(const char *key)
{
	return cmdline_value(&kernel_cmdline, key);
}
