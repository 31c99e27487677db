/* Constants user.S needs from public/xen.h, which is C only (main.c checks they agree). */
#ifndef PVBENCH_H
#define PVBENCH_H

#define PVBENCH_HYPERVISOR_IRET 23          /* __HYPERVISOR_iret */
#define PVBENCH_USER_CS 0xe033              /* FLAT_USER_CS64 */
#define PVBENCH_USER_SS 0xe02b              /* FLAT_USER_SS64 */
#define PVBENCH_VGCF_IN_SYSCALL 0x100       /* VGCF_in_syscall */

#endif
