/*
 * kernel/uapi/wait.h - wait4()'s options and the wait status, shared by the kernel and
 * user programs.
 *
 * WNOHANG is Linux's (its include/uapi/linux/wait.h). The status encoding is Linux's too:
 * an exit puts its code in bits 8-15, a fatal signal its number in bits 0-6 (bit 7: a
 * core was dumped; sublet dumps none). The kernel builds a status with W_EXITCODE and
 * W_SIGNALED (as Linux's kernel does); programs read it with the W* macros of <sys/wait.h>,
 * defined here the way glibc decodes it.
 */
#ifndef KERNEL_UAPI_WAIT_H
#define KERNEL_UAPI_WAIT_H

#define WNOHANG 0x00000001 /* return 0 at once if no child has exited */

#define W_EXITCODE(code) (((code)&0xff) << 8)
#define W_SIGNALED(sig) ((sig)&0x7f)

#define WEXITSTATUS(status) (((status)&0xff00) >> 8)
#define WTERMSIG(status) ((status)&0x7f)
#define WIFEXITED(status) (WTERMSIG(status) == 0)
#define WIFSIGNALED(status) (WTERMSIG(status) != 0 && WTERMSIG(status) != 0x7f)

#endif
