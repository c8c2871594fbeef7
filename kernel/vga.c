/*
 * kernel/vga.c - the VGA text screen as a second console (BIOS boots only).
 *
 * Each cell is two bytes: the character and its colour attribute. The screen scrolls
 * by copying every row up one. GRUB tells us where the buffer is and its size through
 * the multiboot2 framebuffer tag (type EGA text); under UEFI there is no text mode
 * and this console is never registered.
 */
#include "arch/x86_64/x86.h"
#include "kernel/console.h"
#include "kernel/string.h"

#define VGA_ATTR_LIGHT_GREY_ON_BLACK 0x07

static volatile u16 *vga_buffer;
static u32 vga_width, vga_height, vga_row, vga_col;

static u16 vga_cell(char c)
{
	return (u16)(u8)c | (VGA_ATTR_LIGHT_GREY_ON_BLACK << 8);
}

static void vga_scroll(void)
{
	for (u32 i = 0; i < (vga_height - 1) * vga_width; i++)
		vga_buffer[i] = vga_buffer[i + vga_width];
	for (u32 i = 0; i < vga_width; i++)
		vga_buffer[(vga_height - 1) * vga_width + i] = vga_cell(' ');
	vga_row = vga_height - 1;
}

static void vga_putc(char c)
{
	if (c == '\n' || vga_col == vga_width) {
		vga_col = 0;
		if (++vga_row == vga_height)
			vga_scroll();
		if (c == '\n')
			return;
	}
	if (c == '\r') {
		vga_col = 0;
		return;
	}
	vga_buffer[vga_row * vga_width + vga_col++] = vga_cell(c);
}

static void vga_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		vga_putc(s[i]);
}

static struct console vga_console = {.name = "tty0", .write = vga_write};

void vga_console_init(u64 phys, u32 width, u32 height)
{
	if (!width || !height)
		return;
	vga_buffer = (volatile u16 *)(PAGE_OFFSET + phys);
	vga_width = width;
	vga_height = height;
	for (u32 i = 0; i < width * height; i++)
		vga_buffer[i] = vga_cell(' ');
	vga_row = vga_col = 0;
	register_console(&vga_console);
}
