/*
 * arch/x86_64/uaccess.h - copying between the kernel and user space, safely.
 *
 * A syscall's pointer arguments come from user space and may be anything: NULL,
 * unmapped, a kernel address, a range that wraps past the top of user space. These
 * routines check the range (access_ok) and then copy with instructions listed in the
 * exception table, so a fault makes them return early instead of taking the kernel
 * down; the syscall then returns -EFAULT. With SMAP on, the kernel cannot touch user
 * pages at all except between stac and clac, which only these routines execute.
 *
 * Return values follow Linux: copy_from_user / copy_to_user / clear_user return the
 * number of bytes NOT copied (0 on success); strncpy_from_user returns the string's
 * length or a negative errno. Implementation and the SMEP/SMAP set-up:
 * arch/x86_64/uaccess.c; tests: tests/uaccess_test.c.
 */
#ifndef ARCH_X86_64_UACCESS_H
#define ARCH_X86_64_UACCESS_H

#include "kernel/types.h"

#define __user /* marks pointers into user space (documentation only) */

struct trap_frame;

/*
 * Does [addr, addr + size) lie entirely in user space (below TASK_SIZE, no wrap)?
 * A size of 0 is fine for any address up to TASK_SIZE. Passing access_ok does not mean
 * the memory is mapped: the copy routines still handle faults.
 */
bool access_ok(const void __user *addr, unsigned long size);

/*
 * Copy size bytes from user src to kernel dst. Returns the bytes not copied: 0, or the
 * size of the tail after a fault, or size if the range fails access_ok. Whatever was
 * not copied is zeroed in dst, so a short copy never leaves stale kernel memory there.
 */
unsigned long copy_from_user(void *dst, const void __user *src, unsigned long size);
/* Copy size bytes from kernel src to user dst. Returns the bytes not copied. */
unsigned long copy_to_user(void __user *dst, const void *src, unsigned long size);
/* Zero size bytes of user memory. Returns the bytes not cleared. */
unsigned long clear_user(void __user *dst, unsigned long size);

/*
 * Copy a NUL-terminated string of at most count - 1 characters (plus the NUL) into dst,
 * which holds count bytes. Reads user memory one byte at a time and never past the NUL.
 * Returns the string's length; -EFAULT if src is bad or the string runs into an
 * unmapped page or past TASK_SIZE; -ENAMETOOLONG if the first count bytes hold no NUL;
 * -EINVAL if count <= 0. On any error dst holds the empty string.
 */
long strncpy_from_user(char *dst, const char __user *src, long count);

/*
 * The copy itself, under the exception table and stac/clac, without access_ok: for
 * callers that already checked both ranges (and for the tests, which use it to show
 * that even a non-canonical address, a #GP, is fixed up). Returns the bytes not copied.
 */
unsigned long copy_user_generic(void *dst, const void *src, unsigned long size);

/*
 * Kernel code that must touch user memory directly (tests, the kernel-mode "real"
 * tasks of the scheduler tests) brackets it with these: stac/clac when SMAP is on,
 * nothing otherwise. Keep the section short and straight-line: sections do not nest,
 * and nothing inside may call copy_*_user (which ends with clac) or schedule (the
 * flags do not travel with a task across switch_to).
 */
void user_access_begin(void);
void user_access_end(void);

/*
 * Turn SMEP, SMAP and UMIP on when the CPU has them (CPUID.(EAX=07H,ECX=0):EBX bits 7
 * and 20, ECX bit 2), and set the three flags below. Safe to call again (per CPU, once
 * at boot each).
 */
void cpu_protection_init(void);
extern bool smep_enabled, smap_enabled, umip_enabled;

/*
 * smap_violation - did this kernel-mode #PF come from touching user memory outside a
 * user access section (SMAP on, EFLAGS.AC clear)? Such a fault is a kernel bug or a
 * probe, never something to resolve by paging: the #PF handler must send it to the
 * exception table (or oops) instead of calling handle_mm_fault, which would find the
 * page present and retry the access for ever. Linux's smap_violation().
 */
bool smap_violation(const struct trap_frame *tf);

#endif
