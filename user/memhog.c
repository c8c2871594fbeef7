/*
 * user/memhog.c - touch memory until the machine runs out, for the OOM killer's tests.
 *
 *   memhog
 *
 * Maps HOG_SIZE (lazily) and writes one byte in every page, so every page costs a frame.
 * On the machines the tests boot by default (MEM=256M, or 32M) that is more than there
 * is: the kernel's OOM killer must end it with SIGKILL. On a larger one it gets to the
 * end and exits with HOG_SURVIVED, which the tests report as a skip: a bigger hog
 * would make them minutes long there. Run by
 * tests/user_process_test.c (frames back at baseline) and by utest_oom.
 */
#include <stddef.h>
#include <sys/mman.h>

#define PAGE_SIZE 4096ul

#define HOG_SIZE (512ul << 20)
#define HOG_SURVIVED 3 /* user/utest_oom.c and tests/user_process_test.c know it */
#define HOG_MMAP_FAILED 4

int main(void)
{
	volatile char *p =
	    mmap(NULL, HOG_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return HOG_MMAP_FAILED;
	for (unsigned long off = 0; off < HOG_SIZE; off += PAGE_SIZE)
		p[off] = 1;
	return HOG_SURVIVED;
}
