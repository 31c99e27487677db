/* The native benchmark kernel's selectors (head.S's GDT). */
#ifndef NATIVE_H
#define NATIVE_H

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS 0x1b            /* 0x18 | RPL 3 */
#define USER_CS 0x23            /* 0x20 | RPL 3 */
/* STAR[63:48]: SYSRET takes SS from this + 8 and CS from this + 16. */
#define SYSRET_BASE 0x10

#endif
