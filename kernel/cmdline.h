/*
 * kernel/cmdline.h - the kernel command line, split into `key` and `key=value` options.
 *
 * The boot loader hands us one string (multiboot2's command line tag, kernel/multiboot2.h);
 * QEMU may pass a second in its fw_cfg device (arch/x86_64/fw_cfg.h), appended after it.
 * cmdline_parse() (kernel/cmdline.c) splits it once into options so that the rest of the
 * kernel asks questions ("is `ktest` set?", "what is `loglevel`?") instead of scanning text:
 *
 *     ktest loglevel=7 init="/bin/sh -x" quiet=
 *
 * gives ktest (bare: value NULL), loglevel = "7", init = "/bin/sh -x" and quiet = "".
 * Options are separated by blanks (space, tab, newline); the first '=' of an option ends
 * its key. A double quote starts or ends a quoted run in which blanks do not separate, and
 * the quotes themselves are dropped, so key="a b" and "key=a b" both give key = "a b" (as
 * Linux's next_arg() reads them). An unclosed quote runs to the end of the line.
 */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

#include "kernel/types.h"

#define CMDLINE_MAX_LEN 512 /* bytes of options kept, counting a NUL after each key and value */
#define CMDLINE_MAX_OPTS 32

/* One option; both strings point into the owning struct cmdline's buf. */
struct cmdline_opt {
	const char *key;
	const char *value; /* NULL for a bare key, "" for "key=" */
};

/* A parsed command line. About 1 KiB: keep it static, not on the kernel stack. */
struct cmdline {
	char buf[CMDLINE_MAX_LEN];
	struct cmdline_opt opts[CMDLINE_MAX_OPTS];
	int count;
	size_t used;	/* bytes of buf filled: the next option goes here */
	bool truncated; /* options were dropped because buf or opts was full */
};

/*
 * Split `text` (NULL counts as "") into cl's options, in order. Returns 0, or -E2BIG when
 * the line does not fit: then the options that fitted whole are kept (never half an
 * option, whose value could mislead), the rest are dropped and cl->truncated is set.
 * A line shorter than CMDLINE_MAX_LEN with at most CMDLINE_MAX_OPTS options always fits.
 */
int cmdline_parse(struct cmdline *cl, const char *text);

/*
 * Split `text` into more options after those cl already has, as if it followed them on the
 * same line (so its options win over earlier ones of the same key). Returns 0 or -E2BIG
 * as cmdline_parse(); once cl is truncated nothing more is added.
 */
int cmdline_append(struct cmdline *cl, const char *text);

/*
 * The option named `key`, or NULL. When a key is given more than once the last one wins,
 * as with most Linux parameters ("loglevel=3 ... loglevel=7" means 7), so that a setting
 * appended to the line overrides a default earlier in it.
 */
const struct cmdline_opt *cmdline_find(const struct cmdline *cl, const char *key);

/* Is `key` on the line, bare or with a value? */
bool cmdline_has(const struct cmdline *cl, const char *key);

/* The value of `key` (per cmdline_find()), or NULL if it is absent or bare. */
const char *cmdline_value(const struct cmdline *cl, const char *key);

/* The kernel's own command line, filled once by cmdline_init() during boot. */
extern struct cmdline kernel_cmdline;

/*
 * Parse `text` into kernel_cmdline and print "Kernel command line: ..." as Linux does;
 * then append the line QEMU passed in fw_cfg, if any: an option there overrides the same
 * option on the boot loader's line. Malformed fw_cfg contents are refused with a message.
 */
void cmdline_init(const char *text);

/* cmdline_has() and cmdline_value() on kernel_cmdline. */
bool kernel_param_has(const char *key);
const char *kernel_param(const char *key);

#endif
