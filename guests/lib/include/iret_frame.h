/*
 * A whole HYPERVISOR_iret frame (RAX, R11, RCX, FLAGS, RIP, CS, RFLAGS, RSP, SS,
 * lowest first) built on the stack, for tests of frames the hypervisor must refuse.
 */
#ifndef XTEST_IRET_FRAME_H
#define XTEST_IRET_FRAME_H

#include <public/xen.h>
#include "xtest.h"

#define IRET_GUEST_CS 0xe030    /* FLAT_RING3_CS64 with RPL 0: back to the kernel */
#define IRET_GUEST_SS 0xe02b    /* FLAT_RING3_SS64 */

/* HYPERVISOR_iret with rsp at frame; returns only if the hypervisor let it return. */
static inline void iret_hypercall_on(uint64_t *frame)
{
    __asm__ volatile("mov %%rsp, %%rbx\n\t"
                     "mov %[frame], %%rsp\n\t"
                     "syscall\n\t"
                     "mov %%rbx, %%rsp"
                     :: [frame] "r"(frame), "a"(__HYPERVISOR_iret)
                     : "rbx", "rcx", "r11", "memory");
}

/* A whole frame returning to rip with cs and ss. */
static inline void iret_with(uint64_t rip, uint64_t cs, uint64_t ss)
{
    uint64_t frame[9] __attribute__((aligned(16)));
    uint64_t rsp;

    __asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
    frame[0] = 0;               /* RAX */
    frame[1] = 0;               /* R11 */
    frame[2] = 0;               /* RCX */
    frame[3] = 0;               /* FLAGS */
    frame[4] = rip;
    frame[5] = cs;
    frame[6] = 0x202;           /* RFLAGS: IF */
    frame[7] = rsp - 256;
    frame[8] = ss;
    iret_hypercall_on(frame);
}

#endif
