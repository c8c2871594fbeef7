/*
 * kernel/exec.c - execve: replace a task's program with one from a GRUB module.
 *
 * The new address space is built completely (ELF segments, a stack holding argc and
 * argv) before the old one is touched, so a failure leaves the caller as it was. Then
 * exec_mmap() swaps address spaces, following Linux's rule: mm, active_mm and CR3
 * change in one interrupts-off section; the old mm is mmput afterwards (or, for a
 * kernel thread becoming a process, the lazily borrowed mm is mmdrop'ped). Just before,
 * de_thread() ends every other thread of the process, as in Linux.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/entry.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/syscall.h"
#include "arch/x86_64/x86.h"
#include "kernel/elf.h"
#include "kernel/errno.h"
#include "kernel/module.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/mm_struct.h"
#include "mm/pgtable.h"
#include "sched/process.h"
#include "sched/signal.h"

#define EXEC_MAX_ARGS 32

/* Write len bytes at user address va of mm (not necessarily loaded) through the direct
 * map, faulting pages in as needed. */
static int write_to_mm(struct mm_struct *mm, unsigned long va, const void *src, size_t len)
{
	const u8 *from = src;

	while (len) {
		unsigned long in_page = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		size_t chunk = len < in_page ? len : in_page;
		phys_addr_t pa;
		u64 flags;
		int err = 0;

		if (!translate(mm, va, &pa, &flags)) {
			mmap_read_lock(mm); /* the rule: faults hold it, even in a new mm */
			err = handle_mm_fault(mm, va, true, false);
			mmap_read_unlock(mm);
		}
		if (err || !translate(mm, va, &pa, &flags))
			return -EFAULT;
		memcpy(__va(pa), from, chunk);
		va += chunk;
		from += chunk;
		len -= chunk;
	}
	return 0;
}

/*
 * The auxiliary vector's entries sublet gives (Linux's numbers, its uapi/linux/auxvec.h):
 * what a static C library looks for at start-up. musl finds its thread-local storage
 * template (PT_TLS) through AT_PHDR/AT_PHNUM; without them a program's __thread
 * variables would start uninitialised.
 */
#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define AUXV_WORDS 12 /* five pairs and the AT_NULL pair */

static int fill_auxv(u64 *words, const struct elf_load_info *info)
{
	int n = 0;

	if (info->phdr) {
		words[n++] = AT_PHDR;
		words[n++] = info->phdr;
		words[n++] = AT_PHENT;
		words[n++] = sizeof(Elf64_Phdr);
		words[n++] = AT_PHNUM;
		words[n++] = info->phnum;
	}
	words[n++] = AT_PAGESZ;
	words[n++] = PAGE_SIZE;
	words[n++] = AT_ENTRY;
	words[n++] = info->entry;
	words[n++] = AT_NULL;
	words[n++] = 0;
	return n;
}

/*
 * The process-start stack (SysV x86-64 ABI, 3.4.1): rsp -> argc, argv[0..argc-1], NULL,
 * envp NULL, the auxiliary vector; the strings themselves above. Returns the initial rsp.
 */
static long setup_stack(struct mm_struct *mm, const char *const *argv, int argc,
			const struct elf_load_info *info)
{
	unsigned long sp = USER_STACK_TOP, string_va[EXEC_MAX_ARGS];
	u64 words[EXEC_MAX_ARGS + 3 + AUXV_WORDS];
	int n = 0;

	if (mm_add_vma(mm, USER_STACK_TOP - USER_STACK_SIZE, USER_STACK_SIZE, VM_READ | VM_WRITE))
		return -ENOMEM;
	for (int i = argc - 1; i >= 0; i--) {
		size_t len = strlen(argv[i]) + 1;

		sp -= len;
		if (write_to_mm(mm, sp, argv[i], len))
			return -ENOMEM;
		string_va[i] = sp;
	}
	words[n++] = argc;
	for (int i = 0; i < argc; i++)
		words[n++] = string_va[i];
	words[n++] = 0; /* argv terminator */
	words[n++] = 0; /* empty environment */
	n += fill_auxv(&words[n], info);
	sp = ALIGN_DOWN(sp - n * sizeof(u64), 16);
	if (write_to_mm(mm, sp, words, n * sizeof(u64)))
		return -ENOMEM;
	return (long)sp;
}

/* Swap the calling task onto mm (Linux's exec_mmap). */
static void exec_mmap(struct mm_struct *mm)
{
	struct task_struct *tsk = current;
	struct mm_struct *old_mm = tsk->mm, *active_mm;
	unsigned long flags = local_irq_save();

	active_mm = tsk->active_mm;
	tsk->mm = mm;
	tsk->active_mm = mm;
	switch_mm(active_mm, mm, tsk);
	local_irq_restore(flags);
	if (old_mm)
		mmput(old_mm);
	else
		mmdrop(active_mm); /* a kernel thread's lazy reference */
}

/* A fresh user register state: entry point, stack, interrupts on, everything else 0. */
static void start_thread(struct trap_frame *tf, u64 rip, u64 rsp)
{
	memset(tf, 0, sizeof(*tf));
	tf->rip = rip;
	tf->rsp = rsp;
	tf->cs = USER_CS;
	tf->ss = USER_DS;
	tf->rflags = X86_EFLAGS_IF;
}

static int build_mm(const char *name, const char *const *argv, int argc, struct mm_struct **mmp,
		    struct elf_load_info *info, long *sp)
{
	struct boot_module_image image;
	struct mm_struct *mm;
	int err = module_find(name, &image);

	if (err)
		return err;
	mm = mm_alloc(name);
	if (!mm)
		return -ENOMEM;
	err = elf_load(mm, image.data, image.size, info);
	if (err) {
		printk("exec: cannot run %s (%d)\n", name, err);
		goto err_put;
	}
	*sp = setup_stack(mm, argv, argc, info);
	if (*sp < 0) {
		err = (int)*sp;
		goto err_put;
	}
	*mmp = mm;
	return 0;

err_put:
	mmput(mm);
	return err;
}

/* The part of exec after the new address space is built: switch to it and make tf
 * enter it at entry with stack sp. */
void exec_prepared_mm(struct mm_struct *mm, const char *name, u64 entry, u64 sp,
		      unsigned long end_of_data, struct trap_frame *tf)
{
	struct task_struct *tsk = current;

	mm->brk_start = mm->brk = end_of_data; /* mm is not shared yet: no lock needed */
	mm->mmap_base = USER_MMAP_TOP;
	exec_mmap(mm);
	strlcpy(tsk->comm, name, sizeof(tsk->comm));
	tsk->flags &= ~PF_KTHREAD;
	fpu_init_state(&tsk->fpu);
	fpu_restore(&tsk->fpu);
	reset_user_segments(&tsk->thread.segs);
	tsk->clear_child_tid = 0; /* a word of the old image (Linux's exec_mm_release) */
	flush_signal_handlers(tsk);
	tsk->user_fpu = true;
	start_thread(tf, entry, sp);
}

int do_execve(const char *name, const char *const *argv, int argc, struct trap_frame *tf)
{
	struct elf_load_info info;
	struct mm_struct *mm = NULL;
	long sp = 0;
	int err;

	if (argc < 0 || argc > EXEC_MAX_ARGS)
		return -E2BIG;
	err = build_mm(name, argv, argc, &mm, &info, &sp);
	if (err)
		return err;
	err = de_thread(); /* the point of no return: the other threads go */
	if (err) {
		mmput(mm);
		return err;
	}
	exec_prepared_mm(mm, name, info.entry, (u64)sp, info.end_of_data, tf);
	return 0;
}

int kernel_execve(const char *name, const char *const *argv, int argc)
{
	struct trap_frame *tf = task_pt_regs(current);
	int err = do_execve(name, argv, argc, tf);

	if (err)
		return err;
	return_to_user(tf);
}
