/*
 * kernel/sysinfo.h - struct sysinfo, as Linux's include/uapi/linux/sysinfo.h lays it out
 * on x86-64 (112 bytes), and the kernel side of sysinfo(2) (kernel/sys_sysinfo.c).
 */
#ifndef KERNEL_SYSINFO_H
#define KERNEL_SYSINFO_H

#include "kernel/types.h"

struct sysinfo {
	long uptime;		 /* seconds since boot */
	unsigned long loads[3];	 /* 1, 5 and 15 minute load averages (not kept: 0) */
	unsigned long totalram;	 /* memory the page allocator manages, in mem_unit */
	unsigned long freeram;	 /* of which free now */
	unsigned long sharedram; /* no shared memory: 0 */
	unsigned long bufferram; /* no buffer cache: 0 */
	unsigned long totalswap; /* no swap: 0 */
	unsigned long freeswap;
	u16 procs; /* tasks alive, kernel threads included */
	u16 pad;
	unsigned long totalhigh; /* no high memory on x86-64: 0 */
	unsigned long freehigh;
	u32 mem_unit; /* size of the unit of the memory fields, in bytes */
	char _f[20 - 2 * sizeof(unsigned long) - sizeof(u32)]; /* Linux's padding: empty here */
};

_Static_assert(sizeof(struct sysinfo) == 112, "struct sysinfo must match Linux x86-64");

/* The values sysinfo(2) reports, filled in by the kernel. */
void do_sysinfo(struct sysinfo *info);

#endif
