/*
 * tests/user_mode_util.h - running a few bytes of hand-assembled code in ring 3.
 *
 * A test hands over machine code (a byte array, or a program from
 * tests/user_mode_progs.S); a kernel thread builds an address space holding it at
 * HANDMADE_CODE_VA with one page of stack below HANDMADE_STACK_TOP, and execs into it exactly as
 * execve ends (exec_prepared_mm + return_to_user). The program's wait status is the
 * result. No ELF loader and no user runtime are involved, so the tests see the entry
 * code, the trap handlers and the syscall table on their own.
 *
 * Included by the .S file too (the addresses), hence the __ASSEMBLER__ guard.
 */
#ifndef TESTS_USER_MODE_UTIL_H
#define TESTS_USER_MODE_UTIL_H

#define HANDMADE_CODE_VA 0x400000  /* one page of code (read + execute) */
#define HANDMADE_STACK_VA 0x7ff000 /* one page of stack (read + write), on demand */
#define HANDMADE_STACK_TOP 0x800000

#ifndef __ASSEMBLER__
#include "kernel/types.h"

struct task_struct;

/* A program of tests/user_mode_progs.S: the code between name_start and name_end. */
#define USER_PROG(name) extern const u8 name##_start[], name##_end[]
#define USER_PROG_SIZE(name) ((size_t)(name##_end - name##_start))

/* Start code in ring 3 as a new process; NULL if out of memory. Wait for it with
 * task_wait_exit(), which returns its wait status. len is at most one page. */
struct task_struct *user_code_start(const u8 *code, size_t len);
/* Run code in ring 3 and return its wait status (or -ENOMEM). */
int run_user_code(const u8 *code, size_t len);
#define run_user_prog(name) run_user_code(name##_start, USER_PROG_SIZE(name))
#endif

#endif
