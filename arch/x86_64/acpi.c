/*
 * arch/x86_64/acpi.c - RSDP, RSDT/XSDT and MADT: the CPUs the firmware lists, checked.
 *
 * Each step maps a table, checks it (signature, length, checksum) and only then reads
 * it; the MADT's entries are walked with their lengths checked against what is left of
 * the table, so a corrupt entry can neither send the walk past the table's end nor loop
 * it forever (an entry of length 0). Anything refused is printed with the reason and the
 * scan's result is not used: arch/x86_64/smpboot.c then runs on the boot CPU alone. See
 * arch/x86_64/acpi.h and docs/smp.md.
 */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/page.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/memblock.h"
#include "mm/vmalloc.h"

/* The RSDP structure is small: a `length` beyond this is corrupt, not a future version. */
#define ACPI_RSDP_MAX_LENGTH 1024

static __printf(2, 3) int refuse(struct acpi_scan *scan, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(scan->why, sizeof(scan->why), fmt, ap);
	va_end(ap);
	scan->nr_refused++;
	printk("acpi: %s\n", scan->why);
	return -EINVAL;
}

/* ACPI checksums: the bytes of the structure, checksum byte included, sum to 0 mod 256. */
static u8 checksum(const void *p, u32 len)
{
	const u8 *b = p;
	u8 sum = 0;

	for (u32 i = 0; i < len; i++)
		sum += b[i];
	return sum;
}

/*
 * RAM (the RSDP copy in the multiboot2 information) is in the direct map; tables in
 * firmware ranges (reserved, ACPI) are mapped through ioremap, and unmapped as soon as
 * the parser is done with each. A range that is partly RAM, which no honest firmware
 * gives, is refused by ioremap: NULL, reported by the caller.
 */
static const void *acpi_map_real(phys_addr_t phys, size_t len)
{
	if (memblock_is_memory(phys, len))
		return __va(phys);
	return ioremap(phys, len);
}

/* Only what ioremap mapped is given back; the direct map stays. */
static void acpi_unmap_real(const void *p)
{
	if (addr_is_ioremap(p))
		iounmap(p);
}

const struct acpi_ops acpi_ops_real = {.map = acpi_map_real, .unmap = acpi_unmap_real};

int acpi_check_table(struct acpi_scan *scan, const struct acpi_table_header *table, u32 len,
		     const char *signature)
{
	if (len < sizeof(*table))
		return refuse(scan, "%s: only %u bytes, shorter than a table header (%zu)",
			      signature, len, sizeof(*table));
	if (memcmp(table->signature, signature, ACPI_NAME_LEN))
		return refuse(scan, "%s: signature is \"%.4s\"", signature, table->signature);
	if (table->length < sizeof(*table))
		return refuse(scan, "%s: length %u is shorter than a table header (%zu)", signature,
			      table->length, sizeof(*table));
	if (table->length > len)
		return refuse(scan, "%s: length %u runs past the %u bytes there", signature,
			      table->length, len);
	if (checksum(table, table->length))
		return refuse(scan, "%s: bad checksum (bytes sum to 0x%02x, not 0)", signature,
			      checksum(table, table->length));
	return 0;
}

/*
 * Map the table at phys, expecting `signature`; NULL (refused, reported) if it fails. The
 * caller unmaps a table it got (scan->ops->unmap); a refused one is unmapped here.
 */
static const struct acpi_table_header *map_table(struct acpi_scan *scan, phys_addr_t phys,
						 const char *signature)
{
	const struct acpi_table_header *table = scan->ops->map(phys, sizeof(*table));
	u32 len;

	if (!table) {
		refuse(scan, "%s: cannot map its header at 0x%lx", signature, (unsigned long)phys);
		return NULL;
	}
	len = table->length;
	scan->ops->unmap(table);
	if (len < sizeof(*table) || len > ACPI_MAX_TABLE_LENGTH) {
		refuse(scan, "%s at 0x%lx: length %u is out of range (%zu..%u)", signature,
		       (unsigned long)phys, len, sizeof(*table), ACPI_MAX_TABLE_LENGTH);
		return NULL;
	}
	table = scan->ops->map(phys, len);
	if (!table) {
		refuse(scan, "%s: cannot map its %u bytes at 0x%lx", signature, len,
		       (unsigned long)phys);
		return NULL;
	}
	if (acpi_check_table(scan, table, len, signature)) {
		scan->ops->unmap(table);
		return NULL;
	}
	return table;
}

/* ---- the MADT ------------------------------------------------------------------------- */

/* The CPUs found so far, committed to the scan only if the whole MADT is good. */
struct madt_cpus {
	u64 lapic_phys;
	int nr;
	u32 ids[NR_CPUS];
	int left_out;
};

static int add_cpu(struct acpi_scan *scan, struct madt_cpus *c, u32 apic_id)
{
	for (int i = 0; i < c->nr; i++) {
		if (c->ids[i] == apic_id)
			return refuse(scan, "MADT: APIC ID %u is listed twice", apic_id);
	}
	if (c->nr == NR_CPUS) {
		c->left_out++;
		printk("acpi: CPU with APIC ID %u left out: sublet runs at most %d CPUs\n", apic_id,
		       NR_CPUS);
		return 0;
	}
	c->ids[c->nr++] = apic_id;
	return 0;
}

/* One entry, whose header fits in the table and whose length does too. */
static int madt_entry(struct acpi_scan *scan, struct madt_cpus *c,
		      const struct acpi_madt_entry_header *e, u32 offset)
{
	static const u8 min_length[] = {
	    [ACPI_MADT_TYPE_LOCAL_APIC] = sizeof(struct acpi_madt_local_apic),
	    [ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE] = sizeof(struct acpi_madt_local_apic_override),
	    [ACPI_MADT_TYPE_LOCAL_X2APIC] = sizeof(struct acpi_madt_local_x2apic),
	};
	const struct acpi_madt_local_apic *lapic = (const void *)e;
	const struct acpi_madt_local_x2apic *x2apic = (const void *)e;

	if (e->type < ARRAY_SIZE(min_length) && e->length < min_length[e->type])
		return refuse(scan,
			      "MADT: entry of type %u at offset %u has length %u, less than %u",
			      e->type, offset, e->length, min_length[e->type]);
	switch (e->type) {
	case ACPI_MADT_TYPE_LOCAL_APIC:
		if (lapic->flags & ACPI_MADT_ENABLED)
			return add_cpu(scan, c, lapic->apic_id);
		return 0;
	case ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE:
		c->lapic_phys = ((const struct acpi_madt_local_apic_override *)e)->address;
		return 0;
	case ACPI_MADT_TYPE_LOCAL_X2APIC:
		if (x2apic->flags & ACPI_MADT_ENABLED) {
			c->left_out++;
			printk(
			    "acpi: CPU with x2APIC ID %u left out: sublet drives the xAPIC only\n",
			    x2apic->x2apic_id);
		}
		return 0;
	default: /* I/O APICs, interrupt overrides, NMI sources: not used (yet) */
		return 0;
	}
}

int acpi_parse_madt(struct acpi_scan *scan, const struct acpi_table_madt *madt)
{
	const u8 *base = (const u8 *)madt;
	u32 length = madt->header.length, offset = sizeof(*madt);
	struct madt_cpus c = {.lapic_phys = madt->lapic_address};
	bool has_boot_cpu = false;

	if (length < sizeof(*madt))
		return refuse(scan, "MADT: length %u is shorter than its fixed part (%zu)", length,
			      sizeof(*madt));
	while (offset < length) {
		const struct acpi_madt_entry_header *e = (const void *)(base + offset);

		if (length - offset < sizeof(*e))
			return refuse(scan,
				      "MADT: entry header at offset %u overruns the table "
				      "(length %u)",
				      offset, length);
		if (e->length < sizeof(*e))
			return refuse(scan, "MADT: entry at offset %u has length %u", offset,
				      e->length);
		if (e->length > length - offset)
			return refuse(scan,
				      "MADT: entry at offset %u (length %u) overruns the "
				      "table (length %u)",
				      offset, e->length, length);
		if (madt_entry(scan, &c, e, offset))
			return -EINVAL;
		offset += e->length;
	}
	for (int i = 0; i < c.nr; i++)
		has_boot_cpu |= c.ids[i] == scan->boot_apic_id;
	if (!has_boot_cpu)
		return refuse(scan, "MADT: the boot CPU (APIC ID %u) is not listed",
			      scan->boot_apic_id);
	scan->lapic_phys = c.lapic_phys;
	scan->nr_cpus = c.nr;
	memcpy(scan->apic_ids, c.ids, sizeof(c.ids));
	scan->nr_left_out = c.left_out;
	return 0;
}

/* ---- RSDP and the root table ---------------------------------------------------------- */

/* The XSDT's address if the RSDP is 2.0+ and its extended part checks out, else 0. */
static u64 rsdp_xsdt(struct acpi_scan *scan, phys_addr_t rsdp_phys, const struct acpi_rsdp *rsdp)
{
	const struct acpi_rsdp *v2;
	u64 xsdt = 0;
	u32 length;

	if (rsdp->revision < ACPI_RSDP_REVISION_V2)
		return 0;
	v2 = scan->ops->map(rsdp_phys, ACPI_RSDP_V2_LENGTH);
	if (!v2)
		return 0;
	length = v2->length;
	scan->ops->unmap(v2);
	if (length < ACPI_RSDP_V2_LENGTH || length > ACPI_RSDP_MAX_LENGTH) {
		refuse(scan, "RSDP: length %u is out of range; using the RSDT", length);
		return 0;
	}
	v2 = scan->ops->map(rsdp_phys, length);
	if (!v2)
		return 0;
	if (checksum(v2, length))
		refuse(scan, "RSDP: bad extended checksum; using the RSDT");
	else
		xsdt = v2->xsdt_address;
	scan->ops->unmap(v2);
	return xsdt;
}

/* Find the MADT's address in the root table (XSDT: 8-byte entries; RSDT: 4): 0, or
 * -EINVAL (the table is malformed) or -ENOENT (no MADT), with scan->why set. */
static int find_madt(struct acpi_scan *scan, const struct acpi_table_header *root, u32 entry_size,
		     u64 *madt_phys)
{
	u32 bytes = root->length - sizeof(*root);
	const u8 *entries = (const u8 *)(root + 1);

	if (bytes % entry_size)
		return refuse(
		    scan, "%.4s: %u bytes of entries is not a whole number of %u-byte addresses",
		    root->signature, bytes, entry_size);
	for (u32 i = 0; i < bytes; i += entry_size) {
		u64 phys = 0;
		const struct acpi_table_header *h;

		bool is_madt;

		memcpy(&phys, entries + i, entry_size); /* little-endian, maybe unaligned */
		h = scan->ops->map(phys, sizeof(*h));
		if (!h)
			continue;
		is_madt = !memcmp(h->signature, ACPI_SIG_MADT, ACPI_NAME_LEN);
		scan->ops->unmap(h);
		if (is_madt) {
			*madt_phys = phys;
			return 0;
		}
	}
	snprintf(scan->why, sizeof(scan->why), "%.4s lists no MADT", root->signature);
	return -ENOENT;
}

/* The root table: the XSDT when there is a good one, else the RSDT. */
static const struct acpi_table_header *map_root(struct acpi_scan *scan, phys_addr_t rsdp_phys,
						const struct acpi_rsdp *rsdp, u32 *entry_size)
{
	u64 xsdt = rsdp_xsdt(scan, rsdp_phys, rsdp);
	const struct acpi_table_header *root;

	if (xsdt) {
		root = map_table(scan, xsdt, ACPI_SIG_XSDT);
		if (root) {
			*entry_size = sizeof(u64);
			return root;
		}
		printk("acpi: falling back to the RSDT\n");
	}
	*entry_size = sizeof(u32);
	return map_table(scan, rsdp->rsdt_address, ACPI_SIG_RSDT);
}

/* Everything after the RSDP; every table it maps is unmapped before it returns. */
static int find_cpus_from_rsdp(struct acpi_scan *scan, phys_addr_t rsdp_phys,
			       const struct acpi_rsdp *rsdp)
{
	const struct acpi_table_header *root, *madt;
	u32 entry_size;
	u64 madt_phys = 0;
	int err;

	if (memcmp(rsdp->signature, ACPI_RSDP_SIGNATURE, ACPI_RSDP_SIGNATURE_LEN))
		return refuse(scan, "RSDP: signature is \"%.8s\"", rsdp->signature);
	if (checksum(rsdp, ACPI_RSDP_V1_LENGTH))
		return refuse(scan, "RSDP: bad checksum");
	root = map_root(scan, rsdp_phys, rsdp, &entry_size);
	if (!root)
		return -EINVAL;
	err = find_madt(scan, root, entry_size, &madt_phys);
	scan->ops->unmap(root);
	if (err)
		return err;
	madt = map_table(scan, madt_phys, ACPI_SIG_MADT);
	if (!madt)
		return -EINVAL;
	err = acpi_parse_madt(scan, (const struct acpi_table_madt *)madt);
	scan->ops->unmap(madt);
	return err;
}

int acpi_find_cpus(struct acpi_scan *scan, phys_addr_t rsdp_phys)
{
	const struct acpi_rsdp *rsdp = scan->ops->map(rsdp_phys, ACPI_RSDP_V1_LENGTH);
	int err;

	scan->why[0] = '\0';
	if (!rsdp)
		return refuse(scan, "RSDP: cannot map it at 0x%lx", (unsigned long)rsdp_phys);
	err = find_cpus_from_rsdp(scan, rsdp_phys, rsdp);
	scan->ops->unmap(rsdp);
	return err;
}
