/*
 * arch/x86_64/stacktrace.h - symbolized backtraces by walking the frame-pointer chain.
 */
#ifndef ARCH_X86_64_STACKTRACE_H
#define ARCH_X86_64_STACKTRACE_H

#include "kernel/types.h"

/* Print "name+0xoff/0xsize" for a kernel address (or the bare address if unknown). */
void print_symbol(u64 addr);
/* Print "Call Trace:" and one line per frame, starting at rip, following rbp. */
void show_backtrace(u64 rbp, u64 rip);
/* The same for a trap frame: also guesses the caller of a frameless leaf function. */
void show_trap_backtrace(u64 rbp, u64 rip, u64 rsp);
/* Fill up to max return addresses of the current call chain; returns how many. */
int save_stack_trace(u64 *addrs, int max);

#endif
