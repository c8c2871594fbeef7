/*
 * kernel/kallsyms.c - looking addresses up in the generated symbol table.
 *
 * The generated table (build/kallsyms.S) holds kallsyms_num sorted addresses, for each
 * an offset into a block of NUL-terminated names, and kallsyms_text_end so the last
 * symbol has a size too. Lookup is a binary search.
 */
#include "kernel/kallsyms.h"
#include "kernel/string.h"

extern const u64 kallsyms_num;
extern const u64 kallsyms_addresses[];
extern const u32 kallsyms_name_offsets[];
extern const char kallsyms_names[];
extern const u64 kallsyms_text_end;

u64 kallsyms_count(void)
{
	return kallsyms_num;
}

/* Index of the last symbol at or below addr, or -1. */
static long find_symbol_index(u64 addr)
{
	long lo = 0, hi = (long)kallsyms_num - 1, found = -1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;

		if (kallsyms_addresses[mid] <= addr) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

const char *kallsyms_lookup(u64 addr, u64 *offset, u64 *size)
{
	long i = find_symbol_index(addr);
	u64 end;

	if (i < 0 || addr >= kallsyms_text_end)
		return NULL;
	end = (u64)i + 1 < kallsyms_num ? kallsyms_addresses[i + 1] : kallsyms_text_end;
	*offset = addr - kallsyms_addresses[i];
	*size = end - kallsyms_addresses[i];
	return &kallsyms_names[kallsyms_name_offsets[i]];
}

u64 kallsyms_lookup_name(const char *name)
{
	for (u64 i = 0; i < kallsyms_num; i++) {
		if (!strcmp(&kallsyms_names[kallsyms_name_offsets[i]], name))
			return kallsyms_addresses[i];
	}
	return 0;
}
