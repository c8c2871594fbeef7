/*
 * kernel/sys_sysinfo.c - sysinfo(2): memory and process counts for user space; and
 * uname(2): what the system is.
 *
 * Linux's call (x86-64 number 99) with Linux's struct sysinfo, byte for byte, so that a
 * program built for either kernel reads the same fields. The memory figures come from the
 * buddy allocator (mm/page_alloc.c): totalram is every frame it was given at boot,
 * freeram the frames on its free lists now. User programs use freeram to check that
 * memory came back after a workload (user/utest_fuzz.c compares it before and after a
 * fuzzing campaign); tests/sysinfo_test.c checks the values against the allocator.
 */
#include "arch/x86_64/uaccess.h"
#include "kernel/errno.h"
#include "kernel/string.h"
#include "kernel/syscall_table.h"
#include "kernel/sysinfo.h"
#include "kernel/version.h"
#include "mm/page_alloc.h"
#include "sched/sched.h"

/*
 * Fill *info. Linux on a 64-bit machine reports memory in bytes (mem_unit 1: every
 * byte count fits an unsigned long), and so do we. sublet has no swap, no high memory,
 * no shared memory and no buffer cache, so those fields are truly 0; it keeps no load
 * average either, so loads[] is 0 as on an idle Linux machine.
 */
void do_sysinfo(struct sysinfo *info)
{
	memset(info, 0, sizeof(*info));
	info->uptime = (long)(jiffies / HZ);
	info->totalram = totalram_pages() * PAGE_SIZE;
	info->freeram = nr_free_pages() * PAGE_SIZE;
	info->procs = (u16)nr_tasks();
	info->mem_unit = 1;
}

long sys_sysinfo(unsigned long info_ptr, unsigned long a1, unsigned long a2, unsigned long a3,
		 unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	struct sysinfo info;

	do_sysinfo(&info);
	if (copy_to_user((void *)info_ptr, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

/* uname(2)'s struct utsname: six NUL-terminated fields of 65 bytes (Linux's new_utsname). */
#define UTS_FIELD_LEN 65

struct new_utsname {
	char sysname[UTS_FIELD_LEN];
	char nodename[UTS_FIELD_LEN];
	char release[UTS_FIELD_LEN];
	char version[UTS_FIELD_LEN];
	char machine[UTS_FIELD_LEN];
	char domainname[UTS_FIELD_LEN];
};

/* What the system is: "sublet", its version (kernel/version.h), "x86_64". There is no
 * network, so the node name is Linux's default ("(none)"), as is the domain name. */
long sys_uname(unsigned long name, unsigned long a1, unsigned long a2, unsigned long a3,
	       unsigned long a4, unsigned long a5, struct trap_frame *tf)
{
	struct new_utsname uts;

	memset(&uts, 0, sizeof(uts));
	strlcpy(uts.sysname, "sublet", sizeof(uts.sysname));
	strlcpy(uts.nodename, "(none)", sizeof(uts.nodename));
	strlcpy(uts.release, SUBLET_VERSION, sizeof(uts.release));
	strlcpy(uts.version, SUBLET_BANNER, sizeof(uts.version));
	strlcpy(uts.machine, "x86_64", sizeof(uts.machine));
	strlcpy(uts.domainname, "(none)", sizeof(uts.domainname));
	return copy_to_user((void *)name, &uts, sizeof(uts)) ? -EFAULT : 0;
}
