/*
 * kernel/compiler.h - compiler attributes and small helpers used everywhere.
 *
 * Kept tiny on purpose: only what GCC and clang both understand.
 */
#ifndef KERNEL_COMPILER_H
#define KERNEL_COMPILER_H

#define __noreturn __attribute__((noreturn))
#define __noinline __attribute__((noinline))
/* Keep a function whole (no .constprop/.isra copies), so backtraces show its own name. */
#if defined(__clang__)
#define __noclone
#else
#define __noclone __attribute__((noclone))
#endif
#define __packed __attribute__((packed))
#define __aligned(x) __attribute__((aligned(x)))
#define __section(s) __attribute__((section(s)))
#define __used __attribute__((used))
#define __unused __attribute__((unused))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __always_inline inline __attribute__((always_inline))
/* No stack canary in this function: for the one that sets the canary (kernel/main.c). */
#define __no_stack_protector __attribute__((no_stack_protector))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

#define barrier() __asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

#endif
