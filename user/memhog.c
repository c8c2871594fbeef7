/*
 * user/memhog.c - touch memory until the machine runs out, for the OOM killer's tests.
 *
 *   memhog
 *
 * Maps far more than any test machine has (HOG_SIZE, lazily) and writes one byte in
 * every page, so every page costs a frame. The kernel's OOM killer must end it with
 * SIGKILL; if it ever gets to the end it exits with HOG_SURVIVED. Run by
 * tests/user_process_test.c (frames back at baseline) and by utest_oom.
 */
#include "lib/syscall.h"

#define HOG_SIZE (64ul << 30) /* 64 GiB: beyond every machine the tests boot */
#define HOG_SURVIVED 3
#define HOG_MMAP_FAILED 4

int main(void)
{
	volatile char *p = mmap(NULL, HOG_SIZE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if ((long)p < 0 && (long)p > -4096)
		return HOG_MMAP_FAILED;
	for (unsigned long off = 0; off < HOG_SIZE; off += PAGE_SIZE)
		p[off] = 1;
	return HOG_SURVIVED;
}
