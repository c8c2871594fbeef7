/*
 * arch/x86_64/call_on_stack.h - run a function on another stack (call_on_stack.S).
 */
#ifndef ARCH_X86_64_CALL_ON_STACK_H
#define ARCH_X86_64_CALL_ON_STACK_H

/* Call fn(arg) with rsp = stack_top (16-byte aligned, the stack's highest address + 1),
 * and return on the caller's stack. Interrupts and everything else stay as they are. */
void call_on_stack(void (*fn)(void *), void *arg, unsigned long stack_top);

#endif
