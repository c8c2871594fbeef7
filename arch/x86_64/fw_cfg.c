/*
 * arch/x86_64/fw_cfg.c - read the extra kernel command line QEMU passes in its fw_cfg
 * device (arch/x86_64/fw_cfg.h says what the device is).
 *
 * kernel/cmdline.c calls fw_cfg_cmdline() once at boot and appends what it returns to the
 * boot loader's line. The reading is split from the ports (struct fw_cfg_ops) so that
 * tests/fw_cfg_test.c can feed the parser a fake directory and malformed files. Nothing
 * here trusts the device: the directory's count and each entry are checked, and the file
 * must be printable text that fits, or it is refused as a whole (never half a line).
 *
 * The ports have no lock: they are used by cmdline_init() on the boot CPU before the
 * scheduler starts, and afterwards only by the fw_cfg self-test, with nothing else
 * touching the device.
 */
#include "arch/x86_64/fw_cfg.h"
#include "arch/x86_64/io.h"
#include "kernel/errno.h"
#include "kernel/string.h"

/* The most files a directory can list: one per selector from FW_CFG_FILE_FIRST on. */
#define FW_CFG_MAX_FILES (FW_CFG_WRITE_CHANNEL - FW_CFG_FILE_FIRST)

static const char fw_cfg_signature[FW_CFG_SIG_SIZE] = {'Q', 'E', 'M', 'U'};

/* The device sends big-endian numbers; x86 is little-endian. */
static u32 be32_to_cpu(u32 v)
{
	return __builtin_bswap32(v);
}

static u16 be16_to_cpu(u16 v)
{
	return __builtin_bswap16(v);
}

static void fw_cfg_port_select(u16 key)
{
	outw(FW_CFG_PORT_SEL, key);
}

static void fw_cfg_port_read(void *buf, u32 len)
{
	u8 *p = buf;

	while (len--)
		*p++ = inb(FW_CFG_PORT_DATA);
}

const struct fw_cfg_ops fw_cfg_ports = {
    .select = fw_cfg_port_select,
    .read = fw_cfg_port_read,
};

/* Does `dev` answer with "QEMU"? Without a device the ports read as 0xff. */
static bool fw_cfg_present(const struct fw_cfg_ops *dev)
{
	char sig[FW_CFG_SIG_SIZE];

	dev->select(FW_CFG_SIGNATURE);
	dev->read(sig, sizeof(sig));
	return !memcmp(sig, fw_cfg_signature, sizeof(sig));
}

/*
 * Walk the directory for the entry named `name`, into *file (numbers converted). Returns
 * 0, -ENOENT, or -EINVAL with *why set for a directory that cannot be right.
 */
static int fw_cfg_find_file(const struct fw_cfg_ops *dev, const char *name,
			    struct fw_cfg_file *file, const char **why)
{
	u32 count, i;

	dev->select(FW_CFG_FILE_DIR);
	dev->read(&count, sizeof(count));
	count = be32_to_cpu(count);
	if (count > FW_CFG_MAX_FILES) {
		*why = "the file directory claims more files than there are selectors";
		return -EINVAL;
	}
	for (i = 0; i < count; i++) {
		dev->read(file, sizeof(*file));
		if (strnlen(file->name, sizeof(file->name)) == sizeof(file->name)) {
			*why = "a file directory entry has a name without its NUL";
			return -EINVAL;
		}
		if (strcmp(file->name, name))
			continue;
		file->size = be32_to_cpu(file->size);
		file->select = be16_to_cpu(file->select);
		if (file->select < FW_CFG_FILE_FIRST || file->select >= FW_CFG_WRITE_CHANNEL) {
			*why = "the file's selector is outside the range of named files";
			return -EINVAL;
		}
		return 0;
	}
	return -ENOENT;
}

/* Printable ASCII, or a blank the command line parser separates options with. */
static bool is_cmdline_char(char c)
{
	return (c >= ' ' && c <= '~') || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Check the `len` bytes read into buf and terminate them. A single trailing NUL is
 * allowed (a file written by a C program); `-fw_cfg ...,string=` stores none.
 */
static int fw_cfg_check_text(char *buf, size_t size, u32 len, const char **why)
{
	u32 i;

	if (len && buf[len - 1] == '\0')
		len--;
	if (len >= size) {
		*why = "the text is longer than the kernel command line may be";
		return -E2BIG;
	}
	for (i = 0; i < len; i++) {
		if (!is_cmdline_char(buf[i])) {
			*why = "the contents are not printable text (a NUL or control byte inside)";
			return -EINVAL;
		}
	}
	buf[len] = '\0';
	return 0;
}

int fw_cfg_read_cmdline(const struct fw_cfg_ops *dev, char *buf, size_t size, const char **why)
{
	struct fw_cfg_file file;
	const char *reason = NULL;
	int err;

	buf[0] = '\0';
	if (!fw_cfg_present(dev)) {
		err = -ENODEV;
		reason = "no fw_cfg device";
		goto out;
	}
	err = fw_cfg_find_file(dev, FW_CFG_CMDLINE_FILE, &file, &reason);
	if (err == -ENOENT)
		reason = "no " FW_CFG_CMDLINE_FILE " file";
	if (err)
		goto out;
	/* Room for the text and its NUL, or the text and a NUL of its own. */
	if (file.size > size) {
		err = -E2BIG;
		reason = "the text is longer than the kernel command line may be";
		goto out;
	}
	dev->select(file.select);
	dev->read(buf, file.size);
	err = fw_cfg_check_text(buf, size, file.size, &reason);
	if (err)
		buf[0] = '\0';
out:
	if (why)
		*why = reason;
	return err;
}

int fw_cfg_read_nb_cpus(const struct fw_cfg_ops *dev, unsigned int *nr_cpus)
{
	u16 nr; /* the legacy numbered items are little-endian, like x86 */

	if (!fw_cfg_present(dev))
		return -ENODEV;
	dev->select(FW_CFG_NB_CPUS);
	dev->read(&nr, sizeof(nr));
	*nr_cpus = nr;
	return 0;
}
