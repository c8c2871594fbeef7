/*
 * mm/init_mm.c - init_mm, the kernel's own address space.
 *
 * Its pgd is the PML4 paging_init() builds (mm/paging_init.c): the kernel half holds the
 * direct map, the kernel image and the vmalloc region, the user half is empty. Every
 * other PML4 copies its kernel half (pgd_alloc() in mm/pgtable.c). No task ever has
 * init_mm as ->mm; kernel threads only borrow it as ->active_mm (docs/active_mm.md).
 */
#include "mm/mm_types.h"

/*
 * The counters start where Linux's do (mm/init-mm.c): mm_users = 2 and mm_count = 1, so
 * that no mmput() or mmdrop() pairing mistake can ever drop them to zero and "free" an
 * address space that was never allocated.
 */
struct mm_struct init_mm = {
    .pgd = NULL, /* set by paging_init() before anything can use it */
    .mm_users = ATOMIC_INIT(2),
    .mm_count = ATOMIC_INIT(1),
    .mmap_lock = RWSEM_INITIALIZER(init_mm.mmap_lock, "init_mm.mmap_lock"),
    .page_table_lock = SPINLOCK_INIT("init_mm.page_table_lock"),
    .mmap = LIST_HEAD_INIT(init_mm.mmap), /* no VMAs: the user half stays empty */
    .name = "init_mm",
};
