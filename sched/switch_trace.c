/*
 * sched/switch_trace.c - the switch trace and the boot snapshot (sched/switch_trace.h).
 *
 * Everything the self-tests, the scenarios and GDB want to know about a switch is
 * gathered here, outside the scheduler: sched/core.c holds the design and two inline
 * calls of the hook, nothing else. A switch is recorded in two halves on its own CPU:
 * switch_trace_begin() before context_switch touches anything, switch_trace_finish() on
 * next's side after the parked mm was dropped. Interrupts are off from the first half
 * until finish_task_switch enables them, and preemption stays off until after the second,
 * so no other switch on this CPU can come between the two halves.
 */
#include "sched/switch_trace.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/page.h"
#include "arch/x86_64/percpu.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/string.h"
#include "mm/mm_struct.h"
#include "sched/sched.h"

struct switch_trace switch_trace[SWITCH_TRACE_CPUS];
bool switch_trace_enabled;
struct sched_boot_snapshot sched_boot_snapshot;

static struct switch_trace *this_cpu_trace(void)
{
	int cpu = this_cpu()->cpu;

	BUG_ON_MSG(cpu >= SWITCH_TRACE_CPUS, "switch trace: no buffer for CPU %d", cpu);
	return &switch_trace[cpu];
}

void switch_trace_start(void)
{
	unsigned long flags = local_irq_save();
	struct switch_trace *trace = this_cpu_trace();

	trace->count = 0;
	trace->pending = NULL;
	WRITE_ONCE(switch_trace_enabled, true);
	local_irq_restore(flags);
}

void switch_trace_stop(void)
{
	WRITE_ONCE(switch_trace_enabled, false);
}

unsigned int switch_trace_count(void)
{
	return this_cpu_trace()->count;
}

unsigned int switch_trace_nr_records(void)
{
	unsigned int count = this_cpu_trace()->count;

	return count < SWITCH_TRACE_LEN ? count : SWITCH_TRACE_LEN;
}

const struct switch_record *switch_trace_record(unsigned int i)
{
	struct switch_trace *trace = this_cpu_trace();
	unsigned int first = trace->count - switch_trace_nr_records();

	return &trace->records[(first + i) % SWITCH_TRACE_LEN];
}

_Static_assert(TASK_COMM_LEN == MM_NAME_LEN, "copy_name copies both kinds of name");

/*
 * A task's comm or an mm's name, NUL-terminated arrays of the same length, copied whole:
 * a fixed-size copy the compiler does in two moves, where a string copy would cost the
 * traced switch a loop per name.
 */
static inline void copy_name(char *dst, const char *src)
{
	__builtin_memcpy(dst, src, TASK_COMM_LEN);
}

static enum switch_case classify(const struct task_struct *prev, const struct task_struct *next)
{
	if (!next->mm)
		return prev->mm ? SWITCH_REAL_TO_KTHREAD : SWITCH_KTHREAD_TO_KTHREAD;
	if (!prev->mm)
		return SWITCH_KTHREAD_TO_REAL;
	return prev->active_mm == next->mm ? SWITCH_REAL_TO_REAL_SAME_MM
					   : SWITCH_REAL_TO_REAL_OTHER_MM;
}

/*
 * Every field of the record is written below or in switch_trace_finish, one by one:
 * assigning a whole compound literal would have the compiler clear and copy the record,
 * which the traced switch would pay for each time.
 */
void switch_trace_begin(struct task_struct *prev, struct task_struct *next)
{
	struct switch_trace *trace = this_cpu_trace();
	struct cpu_state *cs = this_cpu();
	struct switch_record *r = &trace->records[trace->count++ % SWITCH_TRACE_LEN];
	struct mm_struct *lazy_mm = prev->active_mm;

	r->cpu = cs->cpu;
	r->tsc = rdtsc();
	r->prev_pid = prev->pid;
	r->next_pid = next->pid;
	copy_name(r->prev_comm, prev->comm);
	copy_name(r->next_comm, next->comm);
	r->kind = classify(prev, next);
	r->prev_is_real = prev->mm != NULL;
	r->next_is_real = next->mm != NULL;
	r->prev_mm = prev->mm;
	r->prev_active_mm = lazy_mm;
	copy_name(r->prev_active_name, lazy_mm->name);
	r->next_mm = next->mm;
	r->next_pgd_pa = next->mm ? __pa(next->mm->pgd) : 0;
	r->next_mm_users = next->mm ? atomic_read(&next->mm->mm_users) : 0;
	r->lazy_mm = lazy_mm;
	r->lazy_count_before = atomic_read(&lazy_mm->mm_count);
	r->cr3_before = read_cr3();
	trace->cr3_writes_before = cs->nr_cr3_writes;
	trace->lazy_switches_before = cs->nr_lazy_switches;
	/* Only kernel -> real parks an mm, whose drop may free it: count the structs then. */
	if (r->kind == SWITCH_KTHREAD_TO_REAL)
		trace->mm_structs_before = mm_structs_in_use();
	trace->pending = r;
}

void switch_trace_finish(struct mm_struct *parked_mm)
{
	struct switch_trace *trace = this_cpu_trace();
	struct cpu_state *cs = this_cpu();
	struct switch_record *r = trace->pending;

	if (!r)
		return; /* the trace was started during this switch's first half */
	trace->pending = NULL;
	r->next_active_mm = current->active_mm;
	copy_name(r->next_active_name, current->active_mm->name);
	r->prev_mm_parked = parked_mm;
	r->cr3_after = read_cr3();
	r->cr3_writes_delta = cs->nr_cr3_writes - trace->cr3_writes_before;
	r->cr3_written = r->cr3_writes_delta != 0;
	r->lazy_switches_delta = cs->nr_lazy_switches - trace->lazy_switches_before;
	/* Only the parked mm can have been freed, and then exactly one mm_struct went. */
	r->lazy_mm_freed = parked_mm && parked_mm == r->lazy_mm &&
			   r->kind == SWITCH_KTHREAD_TO_REAL &&
			   mm_structs_in_use() < trace->mm_structs_before;
	r->lazy_count_after = r->lazy_mm_freed ? 0 : atomic_read(&r->lazy_mm->mm_count);
}

const char *switch_case_name(enum switch_case kind)
{
	static const char *const names[SWITCH_NR_CASES] = {
	    [SWITCH_REAL_TO_KTHREAD] = "real->kthread",
	    [SWITCH_KTHREAD_TO_KTHREAD] = "kthread->kthread",
	    [SWITCH_KTHREAD_TO_REAL] = "kthread->real",
	    [SWITCH_REAL_TO_REAL_SAME_MM] = "real->real same mm",
	    [SWITCH_REAL_TO_REAL_OTHER_MM] = "real->real other mm",
	};

	return kind < SWITCH_NR_CASES ? names[kind] : "?";
}

/*
 * One line per switch. The mms appear by the names copied while they were alive: by the
 * time a record is printed they may be gone.
 */
void switch_record_print(const struct switch_record *r)
{
	char after[24] = "freed";

	if (!r->lazy_mm_freed)
		snprintf(after, sizeof(after), "%d", r->lazy_count_after);
	printk("switch: cpu%d tsc %lu %s(%d) -> %s(%d) %s: active_mm %s -> %s, cr3 %s, "
	       "mm_count of %s %d -> %s%s\n",
	       r->cpu, (unsigned long)r->tsc, r->prev_comm, r->prev_pid, r->next_comm, r->next_pid,
	       switch_case_name(r->kind), r->prev_active_name, r->next_active_name,
	       r->cr3_written ? "written" : "kept", r->prev_active_name, r->lazy_count_before,
	       after,
	       r->prev_mm_parked ? " (parked in rq->prev_mm, dropped after the switch)" : "");
}

void switch_trace_print(void)
{
	unsigned int n = switch_trace_nr_records();

	for (unsigned int i = 0; i < n; i++)
		switch_record_print(switch_trace_record(i));
}

void switch_trace_init(void)
{
	struct task_struct *idle = this_rq()->idle;

	sched_boot_snapshot = (struct sched_boot_snapshot){
	    .idle_mm = idle->mm,
	    .idle_active_mm = idle->active_mm,
	    .loaded_mm = this_cpu()->loaded_mm,
	    .init_mm_count = atomic_read(&init_mm.mm_count),
	    .init_mm_users = atomic_read(&init_mm.mm_users),
	};
}
