/*
 * tests/acpi_test.c - the ACPI parser (arch/x86_64/acpi.c) on crafted tables, and on the
 * machine's own.
 *
 * Each test builds an RSDP, XSDT, RSDT and MADT in one kzalloc'ed arena and lets the
 * parser reach them through a fake acpi_ops whose "physical addresses" are the arena's
 * own (__pa of kernel memory): good tables first, then each corruption a firmware could
 * hand over, which must be refused with the message the test looks for. The last test
 * reads the real tables and checks them against QEMU's own count of CPUs (fw_cfg).
 */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/fw_cfg.h"
#include "arch/x86_64/page.h"
#include "kernel/errno.h"
#include "kernel/multiboot2.h"
#include "kernel/smp.h"
#include "kernel/string.h"
#include "mm/slab.h"
#include "mm/vmalloc.h"
#include "tests/ktest.h"

#define ARENA_SIZE 2048
#define RSDP_AT 0
#define XSDT_AT 64
#define RSDT_AT 128
#define FACP_AT 192 /* a table that is not the MADT, listed before it */
#define MADT_AT 256
#define TEST_CPUS 4
#define TEST_LAPIC_PHYS 0xfee00000u
#define SIG_FACP "FACP"

static u8 *arena;

/* Mappings the parser holds: up on every fake_map that succeeds, down on fake_unmap. */
static int fake_maps_live;

static const void *fake_map(phys_addr_t phys, size_t len)
{
	phys_addr_t base = __pa(arena);

	if (phys < base || phys + len > base + ARENA_SIZE)
		return NULL;
	fake_maps_live++;
	return __va(phys);
}

static void fake_unmap(const void *p)
{
	fake_maps_live--;
}

static const struct acpi_ops fake_ops = {.map = fake_map, .unmap = fake_unmap};

static void *at(u32 offset)
{
	return arena + offset;
}

static u32 phys_at(u32 offset)
{
	return (u32)__pa(arena + offset);
}

static void set_checksum(u8 *sum_field, const void *start, u32 len)
{
	const u8 *b = start;
	u8 sum = 0;

	*sum_field = 0;
	for (u32 i = 0; i < len; i++)
		sum += b[i];
	*sum_field = (u8)-sum;
}

static void seal(struct acpi_table_header *h)
{
	set_checksum(&h->checksum, h, h->length);
}

static void header(struct acpi_table_header *h, const char *sig, u32 length)
{
	memcpy(h->signature, sig, ACPI_NAME_LEN);
	h->length = length;
	h->revision = 1;
}

static struct acpi_table_madt *madt(void)
{
	return at(MADT_AT);
}

/* The MADT's entries start here; lapic(i) is the i-th processor entry. */
static struct acpi_madt_local_apic *lapic(int i)
{
	return (struct acpi_madt_local_apic *)(madt() + 1) + i;
}

/* A well-formed set: RSDP 2.0 -> XSDT and RSDT -> FACP, MADT with TEST_CPUS CPUs. */
static void build_tables(void)
{
	struct acpi_rsdp *rsdp = at(RSDP_AT);
	struct acpi_table_header *xsdt = at(XSDT_AT), *rsdt = at(RSDT_AT);
	u64 xsdt_entries[2] = {phys_at(FACP_AT), phys_at(MADT_AT)};
	u32 rsdt_entries[2] = {phys_at(FACP_AT), phys_at(MADT_AT)};

	memset(arena, 0, ARENA_SIZE);
	memcpy(rsdp->signature, ACPI_RSDP_SIGNATURE, ACPI_RSDP_SIGNATURE_LEN);
	rsdp->revision = ACPI_RSDP_REVISION_V2;
	rsdp->rsdt_address = phys_at(RSDT_AT);
	rsdp->length = ACPI_RSDP_V2_LENGTH;
	rsdp->xsdt_address = phys_at(XSDT_AT);
	set_checksum(&rsdp->checksum, rsdp, ACPI_RSDP_V1_LENGTH);
	set_checksum(&rsdp->extended_checksum, rsdp, ACPI_RSDP_V2_LENGTH);

	header(xsdt, ACPI_SIG_XSDT, sizeof(*xsdt) + sizeof(xsdt_entries));
	memcpy(xsdt + 1, xsdt_entries, sizeof(xsdt_entries));
	seal(xsdt);
	header(rsdt, ACPI_SIG_RSDT, sizeof(*rsdt) + sizeof(rsdt_entries));
	memcpy(rsdt + 1, rsdt_entries, sizeof(rsdt_entries));
	seal(rsdt);
	header(at(FACP_AT), SIG_FACP, sizeof(struct acpi_table_header));
	seal(at(FACP_AT));

	header(&madt()->header, ACPI_SIG_MADT,
	       sizeof(struct acpi_table_madt) + TEST_CPUS * sizeof(struct acpi_madt_local_apic));
	madt()->lapic_address = TEST_LAPIC_PHYS;
	for (int i = 0; i < TEST_CPUS; i++) {
		lapic(i)->header.type = ACPI_MADT_TYPE_LOCAL_APIC;
		lapic(i)->header.length = sizeof(struct acpi_madt_local_apic);
		lapic(i)->processor_id = i;
		lapic(i)->apic_id = i;
		lapic(i)->flags = ACPI_MADT_ENABLED;
	}
	seal(&madt()->header);
}

static struct acpi_scan scan;

/* Scan the arena; whatever the outcome, every table mapped was unmapped again. */
static int find(struct ktest *t)
{
	int err;

	memset(&scan, 0, sizeof(scan));
	scan.ops = &fake_ops;
	scan.boot_apic_id = 0;
	fake_maps_live = 0;
	err = acpi_find_cpus(&scan, phys_at(RSDP_AT));
	KEXPECT_EQ(t, fake_maps_live, 0);
	return err;
}

static bool why_has(const char *text)
{
	size_t n = strlen(text);

	for (const char *p = scan.why; *p; p++) {
		if (!strncmp(p, text, n))
			return true;
	}
	return false;
}

#define KEXPECT_WHY(t, text) KEXPECT_TRUE(t, why_has(text))

static int acpi_test_init(struct ktest *t)
{
	arena = kzalloc(ARENA_SIZE, GFP_KERNEL);
	if (!arena)
		return -ENOMEM;
	build_tables();
	return 0;
}

static void acpi_test_exit(struct ktest *t)
{
	kfree(arena);
	arena = NULL;
}

KTEST_SUITE_HOOKS(acpi, .init = acpi_test_init, .exit = acpi_test_exit);

KTEST(acpi, good_tables_are_accepted)
{
	KASSERT_EQ(t, find(t), 0);
	KEXPECT_EQ(t, scan.nr_cpus, TEST_CPUS);
	for (int i = 0; i < TEST_CPUS; i++)
		KEXPECT_EQ(t, scan.apic_ids[i], (u32)i);
	KEXPECT_EQ(t, scan.lapic_phys, TEST_LAPIC_PHYS);
	KEXPECT_EQ(t, scan.nr_refused, 0);
	KEXPECT_EQ(t, scan.nr_left_out, 0);
	KEXPECT_STREQ(t, scan.why, "");
}

KTEST(acpi, rsdp_bad_signature_is_refused)
{
	memcpy(((struct acpi_rsdp *)at(RSDP_AT))->signature, "RSD PTX ", ACPI_RSDP_SIGNATURE_LEN);
	KEXPECT_EQ(t, find(t), -EINVAL);
	KEXPECT_WHY(t, "RSDP: signature is \"RSD PTX \"");
}

KTEST(acpi, rsdp_bad_checksum_is_refused)
{
	((struct acpi_rsdp *)at(RSDP_AT))->checksum ^= 1;
	KEXPECT_EQ(t, find(t), -EINVAL);
	KEXPECT_WHY(t, "RSDP: bad checksum");
}

/* A bad extended checksum discredits only the XSDT pointer: the RSDT still serves. */
KTEST(acpi, rsdp_bad_extended_checksum_falls_back_to_rsdt)
{
	struct acpi_rsdp *rsdp = at(RSDP_AT);

	rsdp->extended_checksum ^= 1;
	rsdp->xsdt_address = 0xdead0000; /* never followed: the fake map would refuse it */
	set_checksum(&rsdp->checksum, rsdp, ACPI_RSDP_V1_LENGTH);
	KEXPECT_EQ(t, find(t), 0);
	KEXPECT_EQ(t, scan.nr_refused, 1);
	KEXPECT_WHY(t, "RSDP: bad extended checksum; using the RSDT");
	KEXPECT_EQ(t, scan.nr_cpus, TEST_CPUS);
}

KTEST(acpi, xsdt_bad_checksum_falls_back_to_rsdt)
{
	((struct acpi_table_header *)at(XSDT_AT))->checksum ^= 1;
	KEXPECT_EQ(t, find(t), 0);
	KEXPECT_EQ(t, scan.nr_refused, 1);
	KEXPECT_WHY(t, "XSDT: bad checksum");
	KEXPECT_EQ(t, scan.nr_cpus, TEST_CPUS);
}

KTEST(acpi, rsdt_with_a_partial_entry_is_refused)
{
	struct acpi_rsdp *rsdp = at(RSDP_AT);
	struct acpi_table_header *rsdt = at(RSDT_AT);

	rsdp->revision = 0; /* ACPI 1.0: the RSDT only */
	set_checksum(&rsdp->checksum, rsdp, ACPI_RSDP_V1_LENGTH);
	rsdt->length += 2;
	seal(rsdt);
	KEXPECT_EQ(t, find(t), -EINVAL);
	KEXPECT_WHY(t, "RSDT: 10 bytes of entries is not a whole number of 4-byte addresses");
}

KTEST(acpi, root_table_listing_no_madt_is_reported)
{
	struct acpi_table_header *xsdt = at(XSDT_AT);

	xsdt->length -= sizeof(u64); /* drop the MADT, keep the FACP */
	seal(xsdt);
	KEXPECT_EQ(t, find(t), -ENOENT);
	KEXPECT_WHY(t, "XSDT lists no MADT");
}

KTEST(acpi, madt_bad_checksum_is_refused)
{
	madt()->header.checksum ^= 1;
	KEXPECT_EQ(t, find(t), -EINVAL);
	KEXPECT_WHY(t, "APIC: bad checksum");
}

KTEST(acpi, madt_shorter_than_a_header_is_refused)
{
	madt()->header.length = sizeof(struct acpi_table_header) - 1;
	KEXPECT_EQ(t, find(t), -EINVAL);
	KEXPECT_WHY(t, "APIC at 0x");
	KEXPECT_WHY(t, "length 35 is out of range");
}

/* A header's worth is there, checksum right, but not the MADT's two fixed fields. */
KTEST(acpi, madt_shorter_than_its_fixed_part_is_refused)
{
	madt()->header.length = sizeof(struct acpi_table_header) + sizeof(u32);
	seal(&madt()->header);
	KEXPECT_EQ(t, find(t), -EINVAL);
	KEXPECT_WHY(t, "MADT: length 40 is shorter than its fixed part (44)");
}

/* The table's length says more than the memory there holds (acpi_check_table's guard). */
KTEST(acpi, table_longer_than_its_mapping_is_refused)
{
	memset(&scan, 0, sizeof(scan));
	KEXPECT_EQ(
	    t,
	    acpi_check_table(&scan, &madt()->header, sizeof(struct acpi_table_madt), ACPI_SIG_MADT),
	    -EINVAL);
	KEXPECT_WHY(t, "APIC: length 76 runs past the 44 bytes there");
}

KTEST(acpi, madt_entry_overrunning_the_table_is_refused)
{
	lapic(TEST_CPUS - 1)->header.length = sizeof(struct acpi_madt_local_apic) + 1;
	seal(&madt()->header);
	KEXPECT_EQ(t, find(t), -EINVAL);
	KEXPECT_WHY(t, "MADT: entry at offset 68 (length 9) overruns the table (length 76)");
	KEXPECT_EQ(t, scan.nr_cpus, 0); /* nothing of a refused MADT is kept */
}

/* A stray byte after the last entry: not even an entry header fits. */
KTEST(acpi, madt_trailing_byte_is_refused)
{
	madt()->header.length += 1;
	seal(&madt()->header);
	KEXPECT_EQ(t, find(t), -EINVAL);
	KEXPECT_WHY(t, "MADT: entry header at offset 76 overruns the table (length 77)");
}

/* Length 0 would loop forever on one entry. */
KTEST(acpi, madt_entry_of_length_zero_is_refused)
{
	lapic(1)->header.length = 0;
	seal(&madt()->header);
	KEXPECT_EQ(t, find(t), -EINVAL);
	KEXPECT_WHY(t, "MADT: entry at offset 52 has length 0");
}

KTEST(acpi, madt_processor_entry_too_short_is_refused)
{
	struct acpi_madt_entry_header *e = &lapic(1)->header;

	/* Two 4-byte entries where one 8-byte entry was: the first claims to be a CPU. */
	e->length = 4;
	e[2] = (struct acpi_madt_entry_header){.type = 0xff, .length = 4};
	seal(&madt()->header);
	KEXPECT_EQ(t, find(t), -EINVAL);
	KEXPECT_WHY(t, "MADT: entry of type 0 at offset 52 has length 4, less than 8");
}

KTEST(acpi, madt_listing_an_apic_id_twice_is_refused)
{
	lapic(2)->apic_id = 1;
	seal(&madt()->header);
	KEXPECT_EQ(t, find(t), -EINVAL);
	KEXPECT_WHY(t, "MADT: APIC ID 1 is listed twice");
}

KTEST(acpi, madt_without_the_boot_cpu_is_refused)
{
	lapic(0)->apic_id = TEST_CPUS;
	seal(&madt()->header);
	KEXPECT_EQ(t, find(t), -EINVAL);
	KEXPECT_WHY(t, "MADT: the boot CPU (APIC ID 0) is not listed");
}

/* Disabled CPUs are skipped, an override moves the APIC page: both ordinary firmware. */
KTEST(acpi, madt_disabled_cpu_and_override_are_honoured)
{
	struct acpi_madt_local_apic_override *o = (void *)lapic(TEST_CPUS);
	const u64 moved = 0xfed00000;

	lapic(3)->flags = ACPI_MADT_ONLINE_CAPABLE;
	o->header.type = ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE;
	o->header.length = sizeof(*o);
	o->address = moved;
	madt()->header.length += sizeof(*o);
	seal(&madt()->header);
	KASSERT_EQ(t, find(t), 0);
	KEXPECT_EQ(t, scan.nr_cpus, TEST_CPUS - 1);
	KEXPECT_EQ(t, scan.lapic_phys, moved);
}

/* The machine's own tables: good, and listing as many CPUs as QEMU says it started. */
KTEST(acpi, real_madt_matches_qemu)
{
	unsigned long areas0, pages0, areas, pages;
	unsigned int qemu_cpus;

	if (!boot_info.has_rsdp)
		KTEST_SKIP("the boot loader passed no RSDP");
	KASSERT_EQ(t, fw_cfg_read_nb_cpus(&fw_cfg_ports, &qemu_cpus), 0);
	memset(&scan, 0, sizeof(scan));
	scan.ops = &acpi_ops_real;
	scan.boot_apic_id = boot_cpu_state.apic_id;
	ioremap_usage(&areas0, &pages0);
	KASSERT_EQ(t, acpi_find_cpus(&scan, boot_info.rsdp_phys), 0);
	/* Every table ioremapped for the scan was unmapped again. */
	ioremap_usage(&areas, &pages);
	KEXPECT_EQ(t, areas, areas0);
	KEXPECT_EQ(t, pages, pages0);
	KEXPECT_EQ(t, scan.nr_refused, 0);
	KEXPECT_EQ(t, scan.nr_cpus, (int)qemu_cpus);
	KEXPECT_EQ(t, num_online_cpus(), (int)qemu_cpus);
}
