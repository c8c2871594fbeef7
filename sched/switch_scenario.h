/*
 * sched/switch_scenario.h - named scenarios: each case of context_switch, the zombie mm
 * and kthread_use_mm, made to happen at once and in a known order.
 *
 * A scenario starts a few real tasks (each with an address space of its own, or threads
 * sharing one, running in kernel mode and checking their own user page after every
 * yield) and kernel threads, in an order chosen so that the round robin produces the
 * switches it is named for, and waits for them with the switch trace
 * (sched/switch_trace.h) recording. `scenario=<name>` on the command line runs one as
 * pid 1 before init and prints its trace; the active_mm self-tests run the same
 * scenarios and check every record. See docs/active_mm.md for the list.
 */
#ifndef SCHED_SWITCH_SCENARIO_H
#define SCHED_SWITCH_SCENARIO_H

struct switch_scenario;

/* The scenario called name, or NULL. */
const struct switch_scenario *switch_scenario_find(const char *name);
/*
 * Run it to its end with the switch trace recording (started before its first task,
 * stopped after its last exited), so the trace holds exactly its switches. 0; -ENOMEM if
 * it could not start every task (those started still ran); -EIO if a real task found
 * something other than its own data in its user page.
 */
int switch_scenario_run(const struct switch_scenario *scenario);

#endif
