/*
 * arch/x86_64/uaccess.c - safe copies to and from user space, and SMEP/SMAP.
 *
 * Two defences work together here (see arch/x86_64/uaccess.h for the interface):
 *
 *   access_ok       a user pointer must name user space: the range lies below
 *                   TASK_SIZE without wrapping. This is what stops a syscall argument
 *                   from pointing the kernel at its own memory.
 *   exception table the copy instructions are listed in __ex_table, so a fault on an
 *                   unmapped (or non-canonical) user address resumes at a fixup that
 *                   reports how much was left, instead of reaching die().
 *
 * The hardware adds two more, turned on by cpu_protection_init() (with UMIP, see there): SMEP
 * (CR4.SMEP) makes an instruction fetch from a user page in ring 0 fault, so a kernel bug cannot be
 * made to jump into code that user space wrote; SMAP (CR4.SMAP) makes any ring-0 data access to a
 * user page fault unless EFLAGS.AC is set. The copy routines set AC with stac just around the copy
 * and clear it with clac at once, so every other kernel access to user memory, deliberate or a
 * stray pointer, faults. stac and clac are #UD on a CPU without SMAP, hence the smap_enabled test
 * before each.
 *
 * The fault side lives in arch/x86_64/fault.c and traps.c: a kernel-mode fault whose
 * RIP is in the table resumes at the fixup. Linux's arch/x86/lib/copy_user_64.S and
 * usercopy_64.c are the models.
 */
#include "arch/x86_64/uaccess.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/extable.h"
#include "arch/x86_64/pgtable_types.h"
#include "arch/x86_64/trap.h"
#include "kernel/errno.h"
#include "kernel/printk.h"
#include "kernel/string.h"

bool smep_enabled; /* CR4.SMEP is set (on every CPU) */
bool smap_enabled; /* CR4.SMAP is set: user access needs stac/clac */
bool umip_enabled; /* CR4.UMIP is set: sgdt/sidt/sldt/smsw/str are #GP in ring 3 */

/* Allow ring-0 data accesses to user pages (EFLAGS.AC = 1). */
static __always_inline void stac(void)
{
	if (smap_enabled)
		__asm__ __volatile__("stac" : : : "memory");
}

/* Forbid them again (EFLAGS.AC = 0). */
static __always_inline void clac(void)
{
	if (smap_enabled)
		__asm__ __volatile__("clac" : : : "memory");
}

void user_access_begin(void)
{
	stac();
}

void user_access_end(void)
{
	clac();
}

bool access_ok(const void __user *addr, unsigned long size)
{
	/* Written so that nothing can overflow: addr + size might wrap, TASK_SIZE - size
	 * cannot once size <= TASK_SIZE. */
	return size <= TASK_SIZE && (unsigned long)addr <= TASK_SIZE - size;
}

/*
 * rep movsb copies rcx bytes from (rsi) to (rdi), counting rcx down as it goes. A fault
 * leaves the registers describing the progress so far, so the fixup has nothing to do
 * but resume after the instruction: rcx is then exactly the number of bytes not copied
 * (Linux's copy_user_generic).
 */
unsigned long copy_user_generic(void *dst, const void *src, unsigned long size)
{
	stac();
	__asm__ __volatile__("1: rep movsb\n"
			     "2:\n\t" _ASM_EXTABLE(1b, 2b)
			     : "+c"(size), "+D"(dst), "+S"(src)
			     :
			     : "memory");
	clac();
	return size;
}

unsigned long copy_from_user(void *dst, const void __user *src, unsigned long size)
{
	unsigned long left = size;

	if (access_ok(src, size))
		left = copy_user_generic(dst, src, size);
	if (left)
		memset((char *)dst + (size - left), 0, left);
	return left;
}

unsigned long copy_to_user(void __user *dst, const void *src, unsigned long size)
{
	if (!access_ok(dst, size))
		return size;
	return copy_user_generic(dst, src, size);
}

/* rep stosb stores al into rcx bytes at (rdi); a fault leaves the remainder in rcx. */
unsigned long clear_user(void __user *dst, unsigned long size)
{
	if (!access_ok(dst, size))
		return size;
	stac();
	__asm__ __volatile__("1: rep stosb\n"
			     "2:\n\t" _ASM_EXTABLE(1b, 2b)
			     : "+c"(size), "+D"(dst)
			     : "a"(0)
			     : "memory");
	clac();
	return size;
}

/* Read the byte at user address p into *val: 0, or -EFAULT if the load faulted. The
 * caller has done stac() and checked p against TASK_SIZE. */
static __always_inline int get_user_u8(const char __user *p, char *val)
{
	int err = 0;
	char c;

	__asm__ __volatile__("1: movb (%2), %1\n"
			     "2:\n\t"
			     ".pushsection .text.fixup, \"ax\"\n"
			     "3: movl %3, %0\n\t"
			     "jmp 2b\n\t"
			     ".popsection\n\t" _ASM_EXTABLE(1b, 3b)
			     : "+r"(err), "=q"(c)
			     : "r"(p), "i"(-EFAULT)
			     : "memory");
	*val = c;
	return err;
}

/*
 * The strncpy_from_user loop, run with user access allowed. One byte at a time, so
 * nothing after the NUL is ever read: a string that ends just before an unmapped page
 * (or before TASK_SIZE) is fine. src + len cannot wrap: the first iteration checks
 * src < TASK_SIZE and len < count fits in a long.
 */
static long do_strncpy_from_user(char *dst, unsigned long src, long count)
{
	for (long len = 0; len < count; len++) {
		if (src + len >= TASK_SIZE)
			return -EFAULT;
		if (get_user_u8((const char __user *)(src + len), &dst[len]))
			return -EFAULT;
		if (dst[len] == '\0')
			return len;
	}
	return -ENAMETOOLONG;
}

long strncpy_from_user(char *dst, const char __user *src, long count)
{
	long ret;

	if (count <= 0)
		return -EINVAL;
	stac();
	ret = do_strncpy_from_user(dst, (unsigned long)src, count);
	clac();
	if (ret < 0)
		dst[0] = '\0';
	return ret;
}

bool smap_violation(const struct trap_frame *tf)
{
	if (!smap_enabled || trap_from_user(tf) || (tf->error_code & X86_PF_USER))
		return false;
	return !(tf->rflags & X86_EFLAGS_AC);
}

/* The CPUID.(EAX=07H,ECX=0) feature bits in EBX and ECX, or 0 if the CPU has no leaf 7. */
static void cpuid_7_0(u32 *ebx, u32 *ecx)
{
	u32 max_leaf, edx;

	cpuid(0, 0, &max_leaf, ebx, ecx, &edx);
	*ebx = *ecx = 0;
	if (max_leaf < CPUID_LEAF_STRUCT_EXT_FEATURES)
		return;
	cpuid(CPUID_LEAF_STRUCT_EXT_FEATURES, 0, &max_leaf, ebx, ecx, &edx);
}

static const char *on_or_absent(bool has)
{
	return has ? "on" : "not available";
}

/*
 * UMIP (CR4.UMIP) is the third protection turned on here: without it, ring 3 may run
 * sgdt, sidt, sldt, smsw and str, which hand out the addresses of the GDT and IDT
 * (kernel addresses: a gift to an attacker defeating address-space secrets). With it,
 * they raise #GP and the process gets SIGSEGV.
 */
void cpu_protection_init(void)
{
	static bool reported;
	u32 ebx, ecx;
	bool has_smep, has_smap, has_umip;
	u64 cr4 = read_cr4(), want;

	cpuid_7_0(&ebx, &ecx);
	has_smep = ebx & CPUID_7_0_EBX_SMEP;
	has_smap = ebx & CPUID_7_0_EBX_SMAP;
	has_umip = ecx & CPUID_7_0_ECX_UMIP;
	want =
	    cr4 | (has_smep ? CR4_SMEP : 0) | (has_smap ? CR4_SMAP : 0) | (has_umip ? CR4_UMIP : 0);

	/* Clear AC before SMAP takes effect, so no code runs with a stale "allowed". */
	if (has_smap)
		__asm__ __volatile__("clac" : : : "memory");
	if (want != cr4)
		write_cr4(want);
	smep_enabled = has_smep;
	smap_enabled = has_smap;
	umip_enabled = has_umip;
	if (reported)
		return;
	reported = true;
	printk("cpu: SMEP %s, SMAP %s, UMIP %s\n", on_or_absent(has_smep), on_or_absent(has_smap),
	       on_or_absent(has_umip));
}
