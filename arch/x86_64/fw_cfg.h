/*
 * arch/x86_64/fw_cfg.h - QEMU's firmware configuration device (fw_cfg), read for a second
 * kernel command line that QEMU sets per boot.
 *
 * `qemu-system-x86_64 -fw_cfg name=opt/sublet/cmdline,string="ktest=vsprintf"` puts a
 * named file in the device; kernel/cmdline.c appends its text to the boot loader's command
 * line, so one ISO serves every test boot (docs/testing.md). The device is read through two
 * I/O ports: a 16-bit selector naming an item and an 8-bit data port streaming its bytes.
 * Item FW_CFG_FILE_DIR lists the named files (big-endian count, then one struct
 * fw_cfg_file each). Names and layout follow QEMU's docs/specs/fw_cfg.rst and Linux's
 * include/uapi/linux/qemu_fw_cfg.h.
 */
#ifndef ARCH_X86_64_FW_CFG_H
#define ARCH_X86_64_FW_CFG_H

#include "kernel/types.h"

#define FW_CFG_PORT_SEL 0x510  /* selector register, 16-bit, little-endian on I/O ports */
#define FW_CFG_PORT_DATA 0x511 /* data register, one byte per read */

#define FW_CFG_SIGNATURE 0x00	    /* item: the four bytes "QEMU" */
#define FW_CFG_NB_CPUS 0x05	    /* item: CPUs QEMU boots (-smp), 16-bit little-endian */
#define FW_CFG_FILE_DIR 0x19	    /* item: the directory of named files */
#define FW_CFG_FILE_FIRST 0x20	    /* first selector a named file may have */
#define FW_CFG_WRITE_CHANNEL 0x4000 /* selectors from here on are not plain readable items */

#define FW_CFG_SIG_SIZE 4
#define FW_CFG_MAX_FILE_PATH 56 /* bytes of a file name, its NUL included */

/* The file sublet reads its extra command line from ("opt/" names are for users). */
#define FW_CFG_CMDLINE_FILE "opt/sublet/cmdline"

/* One directory entry as the device sends it: every number big-endian. */
struct fw_cfg_file {
	u32 size;   /* bytes of the file's contents */
	u16 select; /* selector that reads them */
	u16 reserved;
	char name[FW_CFG_MAX_FILE_PATH]; /* NUL-terminated within the field */
} __attribute__((packed));

/*
 * How fw_cfg_read_cmdline() reaches a device: the real ports (fw_cfg_ports), or a fake one
 * in tests/fw_cfg_test.c. select() chooses an item and rewinds to its first byte; read()
 * copies the next `len` bytes of it.
 */
struct fw_cfg_ops {
	void (*select)(u16 key);
	void (*read)(void *buf, u32 len);
};

extern const struct fw_cfg_ops fw_cfg_ports;

/*
 * Read FW_CFG_CMDLINE_FILE from `dev` into buf (NUL-terminated, at most size - 1 bytes of
 * text). Returns 0; -ENODEV when there is no device (wrong signature); -ENOENT when the
 * device has no such file (the normal case outside the test runner); -EINVAL for a
 * malformed directory or contents that are not printable text (one trailing NUL is
 * allowed); -E2BIG when the text does not fit. On error buf holds "" and *why (if not
 * NULL) says what was wrong, in words for the boot log.
 */
int fw_cfg_read_cmdline(const struct fw_cfg_ops *dev, char *buf, size_t size, const char **why);

/* The number of CPUs QEMU started (its -smp): an answer independent of the ACPI tables,
 * for the smp self-tests. Returns 0, or -ENODEV when there is no device. */
int fw_cfg_read_nb_cpus(const struct fw_cfg_ops *dev, unsigned int *nr_cpus);

#endif
