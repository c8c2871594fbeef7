/*
 * kernel/version.h - the kernel's name and version, printed in the boot banner.
 */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H

#define SUBLET_VERSION "0.1.0"
#define SUBLET_BANNER "sublet " SUBLET_VERSION " x86_64 (compiler " __VERSION__ ")"

#endif
