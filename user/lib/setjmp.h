/*
 * user/lib/setjmp.h - setjmp/longjmp, for the test harness (user/lib/utest.c).
 *
 * A failed UASSERT_*() must end the running test at once, from any depth of calls, and
 * get back to the harness, as the kernel's ktest does with arch/x86_64/setjmp.S.
 * Implemented in user/lib/setjmp.S.
 */
#ifndef USER_LIB_SETJMP_H
#define USER_LIB_SETJMP_H

/* rbx, rbp, r12, r13, r14, r15, rsp, rip: the registers a call preserves. */
typedef unsigned long jmp_buf[8];

/* Returns 0 now, and again (with val, never 0) when longjmp(env, val) is called. */
int setjmp(jmp_buf env) __attribute__((returns_twice));
/* Resume at env's setjmp, which then returns val (1 if val is 0). env's function must
 * not have returned in between. */
void longjmp(jmp_buf env, int val) __attribute__((noreturn));

#endif
