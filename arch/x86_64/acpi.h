/*
 * arch/x86_64/acpi.h - finding the CPUs in the firmware's ACPI tables.
 *
 * The boot loader hands over a copy of the RSDP (multiboot2 ACPI tags, kernel/multiboot2.c).
 * It points at the RSDT (32-bit table addresses) and, from ACPI 2.0, the XSDT (64-bit);
 * one of their entries is the MADT ("APIC"), which lists each CPU's local APIC. That list
 * is what arch/x86_64/smpboot.c starts. Layouts and names are the ACPI specification's
 * (6.5: 5.2.5 RSDP, 5.2.6 table header, 5.2.7 RSDT, 5.2.8 XSDT, 5.2.12 MADT).
 *
 * Firmware tables are input, not code we wrote: every table's signature, length and
 * checksum is checked before anything in it is used, and so is every MADT entry's
 * length. A table that fails is reported (printk, and in acpi_scan.why for the tests)
 * and not used; without a usable MADT the kernel runs on the boot CPU alone.
 *
 * Tests: tests/acpi_test.c feeds crafted tables through a fake acpi_ops.
 */
#ifndef ARCH_X86_64_ACPI_H
#define ARCH_X86_64_ACPI_H

#include "kernel/compiler.h"
#include "kernel/smp.h"
#include "kernel/types.h"

#define ACPI_RSDP_SIGNATURE "RSD PTR "
#define ACPI_RSDP_SIGNATURE_LEN 8
#define ACPI_RSDP_V1_LENGTH 20 /* the part the first checksum covers */
#define ACPI_RSDP_V2_LENGTH 36 /* ACPI 2.0+: the extended checksum covers `length` bytes */
#define ACPI_RSDP_REVISION_V2 2
#define ACPI_NAME_LEN 4
#define ACPI_SIG_RSDT "RSDT"
#define ACPI_SIG_XSDT "XSDT"
#define ACPI_SIG_MADT "APIC"
/* No table sublet reads is anywhere near this; a longer `length` is a corrupt header. */
#define ACPI_MAX_TABLE_LENGTH (1u << 20)

struct acpi_rsdp {
	char signature[ACPI_RSDP_SIGNATURE_LEN];
	u8 checksum; /* the first 20 bytes sum to 0 */
	char oem_id[6];
	u8 revision; /* 0: ACPI 1.0 (RSDT only); 2: 2.0+ (XSDT and the fields below) */
	u32 rsdt_address;
	u32 length; /* of the whole structure, 36 */
	u64 xsdt_address;
	u8 extended_checksum; /* all `length` bytes sum to 0 */
	u8 reserved[3];
} __packed;

/* Every system description table starts so. */
struct acpi_table_header {
	char signature[ACPI_NAME_LEN];
	u32 length; /* of the whole table, this header included */
	u8 revision;
	u8 checksum; /* all `length` bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 asl_compiler_id;
	u32 asl_compiler_revision;
} __packed;

/* MADT: the header, two fixed fields, then entries of {type, length, ...}. */
struct acpi_table_madt {
	struct acpi_table_header header;
	u32 lapic_address; /* physical address of every CPU's local APIC */
	u32 flags;
} __packed;

struct acpi_madt_entry_header {
	u8 type;
	u8 length; /* of the entry, these two bytes included */
} __packed;

#define ACPI_MADT_TYPE_LOCAL_APIC 0
#define ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE 5
#define ACPI_MADT_TYPE_LOCAL_X2APIC 9

struct acpi_madt_local_apic {
	struct acpi_madt_entry_header header;
	u8 processor_id;
	u8 apic_id;
	u32 flags;
} __packed;

#define ACPI_MADT_ENABLED (1u << 0)	   /* the CPU is usable now */
#define ACPI_MADT_ONLINE_CAPABLE (1u << 1) /* could be enabled later (hot-plug): not used */

struct acpi_madt_local_apic_override {
	struct acpi_madt_entry_header header;
	u16 reserved;
	u64 address; /* replaces the MADT's 32-bit lapic_address */
} __packed;

struct acpi_madt_local_x2apic {
	struct acpi_madt_entry_header header;
	u16 reserved;
	u32 x2apic_id;
	u32 flags;
	u32 uid;
} __packed;

/* How the parser reaches a physical range: the real mapping, or the tests' fake one.
 * map returns a pointer to len readable bytes at phys, or NULL; unmap gives back what
 * map returned, once the parser is done with it (every mapping is, before
 * acpi_find_cpus returns). */
struct acpi_ops {
	const void *(*map)(phys_addr_t phys, size_t len);
	void (*unmap)(const void *p);
};

extern const struct acpi_ops acpi_ops_real;

#define ACPI_WHY_LEN 160

/* What a scan found, and the last refusal in words. */
struct acpi_scan {
	const struct acpi_ops *ops;
	u32 boot_apic_id; /* the CPU doing the scan: the MADT must list it */
	/* Results, valid when acpi_find_cpus returns 0. */
	u64 lapic_phys;
	int nr_cpus;		/* enabled local APICs kept, the boot CPU's included */
	u32 apic_ids[NR_CPUS];	/* their APIC IDs, in MADT order */
	int nr_left_out;	/* enabled CPUs beyond NR_CPUS, or x2APIC-only ones */
	int nr_refused;		/* tables or pointers refused along the way */
	char why[ACPI_WHY_LEN]; /* the last refusal's message, "" if none */
};

/*
 * Find the CPUs: RSDP at rsdp_phys, then the XSDT (or RSDT), then the MADT. Returns 0
 * with scan's results filled, or a negative errno (-EINVAL: a table refused; -ENOENT: no
 * MADT) with scan->why saying what was wrong. Every refusal is also printed.
 */
int acpi_find_cpus(struct acpi_scan *scan, phys_addr_t rsdp_phys);

/* The checks, exported for the tests: 0, or -EINVAL with scan->why set. */
int acpi_check_table(struct acpi_scan *scan, const struct acpi_table_header *table, u32 len,
		     const char *signature);
int acpi_parse_madt(struct acpi_scan *scan, const struct acpi_table_madt *madt);

#endif
