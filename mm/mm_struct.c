/*
 * mm/mm_struct.c - allocating address spaces and their reference counts.
 *
 * See mm/mm_struct.h for the rules. The checks here are the point of sublet: every
 * count is checked for underflow, and __mmdrop() refuses to free a page table that a
 * CPU still has loaded (a lazy user that was not accounted for) or to run under the
 * runqueue lock, each with a message that names the mm.
 */
#include "mm/mm_struct.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/mmu_context.h"
#include "arch/x86_64/page.h"
#include "kernel/panic.h"
#include "kernel/string.h"
#include "mm/pgtable.h"
#include "mm/slab.h"
#include "sched/sched.h"

static struct kmem_cache *mm_cachep;

void mm_struct_init(void)
{
	mm_cachep = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 0);
	BUG_ON_MSG(!mm_cachep, "mm_struct_init: cannot create the mm_struct cache");
}

unsigned long mm_structs_in_use(void)
{
	return kmem_cache_in_use(mm_cachep);
}

struct mm_struct *mm_alloc(const char *name)
{
	struct mm_struct *mm = kmem_cache_zalloc(mm_cachep, GFP_KERNEL);

	if (!mm)
		return NULL;
	mm->pgd = pgd_alloc();
	if (!mm->pgd)
		goto err_free_mm;
	atomic_set(&mm->mm_users, 1);
	atomic_set(&mm->mm_count, 1); /* shared by all real users */
	init_rwsem(&mm->mmap_lock, "mm->mmap_lock");
	spin_lock_init(&mm->page_table_lock, "mm->page_table_lock");
	INIT_LIST_HEAD(&mm->mmap);
	strlcpy(mm->name, name, sizeof(mm->name));
	return mm;

err_free_mm:
	kmem_cache_free(mm_cachep, mm);
	return NULL;
}

void mmgrab(struct mm_struct *mm)
{
	int count = atomic_inc_return(&mm->mm_count);

	BUG_ON_MSG(count <= 1 && mm != &init_mm,
		   "mmgrab(%s): mm_count was %d: grabbing an mm that is already freed", mm->name,
		   count - 1);
}

/*
 * __mmdrop - the last reference to the struct is gone: free the PML4 and the struct.
 * The user half is already empty (exit_mmap ran when mm_users reached 0).
 */
static void __mmdrop(struct mm_struct *mm)
{
	BUG_ON_MSG(mm == &init_mm, "__mmdrop(init_mm): init_mm must never be freed");
	BUG_ON_MSG(mm_is_loaded(mm),
		   "__mmdrop(%s): its PML4 is still loaded in CR3 (an unaccounted lazy user)",
		   mm->name);
	BUG_ON_MSG(mm->cpumask, "__mmdrop(%s): still in the cpumask of CPUs 0x%lx", mm->name,
		   mm->cpumask);
	BUG_ON_MSG(spin_is_held(&this_rq()->lock),
		   "__mmdrop(%s) under the runqueue lock: it must wait for finish_task_switch",
		   mm->name);
	BUG_ON_MSG(atomic_read(&mm->mm_users) != 0, "__mmdrop(%s) with mm_users %d", mm->name,
		   atomic_read(&mm->mm_users));
	pgd_free(mm->pgd);
	mm->pgd = NULL;
	kmem_cache_free(mm_cachep, mm);
}

void mmdrop(struct mm_struct *mm)
{
	int count = atomic_dec_return(&mm->mm_count);

	BUG_ON_MSG(count < 0, "mmdrop(%s): mm_count underflow (%d)", mm->name, count);
	if (count == 0)
		__mmdrop(mm);
}

void mmget(struct mm_struct *mm)
{
	int users = atomic_inc_return(&mm->mm_users);

	BUG_ON_MSG(users <= 1, "mmget(%s): mm_users was %d: use mmget_not_zero on a dying mm",
		   mm->name, users - 1);
}

bool mmget_not_zero(struct mm_struct *mm)
{
	return atomic_inc_not_zero(&mm->mm_users);
}

/* __mmput - the last real user is gone: tear the user half down, drop the shared ref. */
static void __mmput(struct mm_struct *mm)
{
	exit_mmap(mm);
	mmdrop(mm);
}

void mmput(struct mm_struct *mm)
{
	int users = atomic_dec_return(&mm->mm_users);

	BUG_ON_MSG(users < 0, "mmput(%s): mm_users underflow (%d)", mm->name, users);
	BUG_ON_MSG(mm == &init_mm && users < 2,
		   "mmput(init_mm): init_mm has no real users to drop");
	if (users == 0)
		__mmput(mm);
}
