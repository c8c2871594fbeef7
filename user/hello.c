/*
 * user/hello.c - the smallest user program: one line on stdout, exit status 0.
 *
 * init runs it at boot (user/init.c) to show that fork, execve, write and exit work
 * end to end.
 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	printf("hello: hello, world (pid %d, parent %d, %d argument(s), argv[0] %s)\n", getpid(),
	       getppid(), argc, argc > 0 ? argv[0] : "(none)");
	return 0;
}
