/*
 * kernel/uapi/termios.h - the terminal ioctls sublet answers on the console, with
 * Linux x86-64's numbers and struct layouts (its asm-generic/ioctls.h and termbits.h).
 */
#ifndef KERNEL_UAPI_TERMIOS_H
#define KERNEL_UAPI_TERMIOS_H

#define TCGETS 0x5401
#define TIOCGWINSZ 0x5413

#define NCCS 19

/* The kernel's struct termios (not glibc's, which is larger): 36 bytes. */
struct termios {
	unsigned int c_iflag;
	unsigned int c_oflag;
	unsigned int c_cflag;
	unsigned int c_lflag;
	unsigned char c_line;
	unsigned char c_cc[NCCS];
};

struct winsize {
	unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel;
};

/* The flag bits the console reports (octal, as Linux's termbits.h writes them). */
#define OPOST 0000001
#define ONLCR 0000004
#define CS8 0000060
#define CREAD 0000200
#define B115200 0010002

#endif
