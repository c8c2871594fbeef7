/*
 * mm/oom.h - the out-of-memory killer (mm/oom_kill.c).
 *
 * When a user page fault cannot get a frame, the kernel does not panic or spin: it kills
 * the process using the most memory, as Linux's OOM killer does, and the faulting task
 * retries once that memory is back (or dies itself, if it was the one chosen).
 */
#ifndef MM_OOM_H
#define MM_OOM_H

#include "kernel/atomic.h"
#include "kernel/types.h"

struct mm_struct;

/*
 * pagefault_out_of_memory - handle_mm_fault(mm, addr, write, exec) gave -ENOMEM: kill a
 * victim and retry until the fault is resolved. Returns 0 (resolved), -EINTR (the
 * caller's own group is being killed: return to user space to die, or fail the uaccess),
 * or the fault's error if no victim could free memory in time.
 */
int pagefault_out_of_memory(struct mm_struct *mm, unsigned long addr, bool write, bool exec);

/*
 * out_of_memory - choose the process with the most resident pages (never a kernel thread,
 * never init unless it is the only one), print Linux's "Out of memory: Killed process"
 * line and kill its thread group (kill_thread_group, SIGKILL); then, unless the victim is
 * the caller's own group, wait (killably, for at most a few seconds) for its address
 * space to be torn down. Returns whether it was, so that the caller may retry.
 */
bool out_of_memory(void);

/* Processes the OOM killer has killed since boot (Linux's oom_kill vmstat counter). */
extern atomic_t oom_kills;

#endif
