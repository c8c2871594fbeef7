/*
 * kernel/serial.c - the 16550 UART on COM1, polled: the kernel's primary console.
 *
 * Polling (waiting for the transmit-holding register to empty before each byte) is slow
 * but works from anywhere, including a panic with interrupts off. Under QEMU the port
 * is `-serial stdio` (make run) or the test runner's pipe (make test).
 */
#include "arch/x86_64/io.h"
#include "kernel/console.h"

#define COM1_BASE 0x3f8
#define UART_DATA 0 /* transmit holding / receive buffer (DLAB=0) */
#define UART_IER 1  /* interrupt enable (DLAB=0) */
#define UART_DLL 0  /* divisor latch low (DLAB=1) */
#define UART_DLM 1  /* divisor latch high (DLAB=1) */
#define UART_FCR 2  /* FIFO control */
#define UART_LCR 3  /* line control */
#define UART_MCR 4  /* modem control */
#define UART_LSR 5  /* line status */
#define UART_LCR_DLAB 0x80
#define UART_LCR_8N1 0x03
#define UART_FCR_ENABLE_CLEAR 0x07
#define UART_MCR_DTR_RTS_OUT2 0x0b
#define UART_LSR_THRE 0x20 /* transmit holding register empty */
#define UART_BAUD_DIVISOR_115200 1

static void serial_write(const char *s, size_t len);

static struct console serial_console = {.name = "ttyS0", .write = serial_write};

void serial_init(void)
{
	outb(COM1_BASE + UART_IER, 0);
	outb(COM1_BASE + UART_LCR, UART_LCR_DLAB);
	outb(COM1_BASE + UART_DLL, UART_BAUD_DIVISOR_115200);
	outb(COM1_BASE + UART_DLM, 0);
	outb(COM1_BASE + UART_LCR, UART_LCR_8N1);
	outb(COM1_BASE + UART_FCR, UART_FCR_ENABLE_CLEAR);
	outb(COM1_BASE + UART_MCR, UART_MCR_DTR_RTS_OUT2);
	register_console(&serial_console);
}

void serial_putc(char c)
{
	while (!(inb(COM1_BASE + UART_LSR) & UART_LSR_THRE))
		;
	outb(COM1_BASE + UART_DATA, (u8)c);
}

/* Terminals want CR LF; the kernel writes plain LF. */
static void serial_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
