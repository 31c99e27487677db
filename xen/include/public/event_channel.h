/*
 * event_channel_op sub-ops, their argument blocks and the virtual IRQ numbers
 * (Xen public/event_channel.h; the VIRQ numbers live in Xen's public/xen.h).
 * Written from the facts in Xen's headers; every layout is checked below
 * against the x86_64 offsets of Xen's own structures.
 *
 * Ports are 32-bit numbers; the 2-level ABI (the only one Xeno offers:
 * init_control answers -ENOSYS) has 64 * 64 = 4096 of them, one pending and
 * one mask bit each in shared_info, and one selector bit per 64 ports in each
 * vcpu_info.  Port 0 is never handed out.
 */
#ifndef PUBLIC_EVENT_CHANNEL_H
#define PUBLIC_EVENT_CHANNEL_H
#include <stdint.h>

typedef uint32_t evtchn_port_t;

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq 1
#define EVTCHNOP_bind_pirq 2
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_bind_ipi 7
#define EVTCHNOP_bind_vcpu 8
#define EVTCHNOP_unmask 9
#define EVTCHNOP_reset 10
#define EVTCHNOP_init_control 11
#define EVTCHNOP_expand_array 12
#define EVTCHNOP_set_priority 13

/* Ports of the 2-level ABI: one bit per port in 64 words of 64 bits. */
#define EVTCHN_2L_NR_CHANNELS (64 * 64)

/* Virtual IRQs: V = one per vCPU, G = global (bound on vCPU 0 by the domain
 * that handles it), D = one per domain (bound on vCPU 0). */
#define VIRQ_TIMER 0            /* V: the vCPU's timer fired */
#define VIRQ_DEBUG 1            /* V: dump debug information */
#define VIRQ_CONSOLE 2          /* G: bytes arrived on the emergency console */
#define VIRQ_DOM_EXC 3          /* G: some domain had an exceptional event */
#define VIRQ_TBUF 4             /* G: trace buffer records */
#define VIRQ_DEBUGGER 6         /* G: a domain paused for the debugger */
#define VIRQ_XENOPROF 7         /* V: profiling sample */
#define VIRQ_CON_RING 8         /* G: bytes on the console ring */
#define VIRQ_PCPU_STATE 9       /* G: a physical CPU changed state */
#define VIRQ_MEM_EVENT 10       /* G: memory event */
#define VIRQ_ARGO 11            /* D: Argo message */
#define VIRQ_ENOMEM 12          /* G: the hypervisor heap runs low */
#define VIRQ_XENPMU 13          /* V: performance counter interrupt */
#define VIRQ_ARCH_0 16          /* 16..23: architecture-specific, global on x86 */
#define VIRQ_ARCH_7 23
#define NR_VIRQS 24

/* alloc_unbound: a fresh port in dom that remote_dom may bind to. */
struct evtchn_alloc_unbound {
    uint16_t dom;               /* in: DOMID_SELF, or another (privileged only) */
    uint16_t remote_dom;        /* in: who may bind (DOMID_SELF: the caller) */
    evtchn_port_t port;         /* out */
};
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "evtchn_alloc_unbound");
_Static_assert(__builtin_offsetof(struct evtchn_alloc_unbound, port) == 4, "evtchn_alloc_unbound.port");

/* bind_interdomain: connect a fresh local port to <remote_dom, remote_port>,
 * which must be unbound and waiting for the caller. */
struct evtchn_bind_interdomain {
    uint16_t remote_dom;        /* in (DOMID_SELF: loopback) */
    uint16_t pad;
    evtchn_port_t remote_port;  /* in */
    evtchn_port_t local_port;   /* out */
};
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "evtchn_bind_interdomain");
_Static_assert(__builtin_offsetof(struct evtchn_bind_interdomain, remote_port) == 4, "bind_interdomain.remote_port");
_Static_assert(__builtin_offsetof(struct evtchn_bind_interdomain, local_port) == 8, "bind_interdomain.local_port");

struct evtchn_bind_virq {
    uint32_t virq;              /* in: VIRQ_* */
    uint32_t vcpu;              /* in */
    evtchn_port_t port;         /* out */
};
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "evtchn_bind_virq");

#define BIND_PIRQ__WILL_SHARE 1
struct evtchn_bind_pirq {
    uint32_t pirq;
    uint32_t flags;             /* BIND_PIRQ__* */
    evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_bind_pirq) == 12, "evtchn_bind_pirq");

struct evtchn_bind_ipi {
    uint32_t vcpu;              /* in */
    evtchn_port_t port;         /* out */
};
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "evtchn_bind_ipi");

struct evtchn_close {
    evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_close) == 4, "evtchn_close");

struct evtchn_send {
    evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_send) == 4, "evtchn_send");

#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq 3
#define EVTCHNSTAT_virq 4
#define EVTCHNSTAT_ipi 5

struct evtchn_status {
    uint16_t dom;               /* in: DOMID_SELF, or another (privileged only) */
    uint16_t pad;
    evtchn_port_t port;         /* in */
    uint32_t status;            /* out: EVTCHNSTAT_* */
    uint32_t vcpu;              /* out: the vCPU it notifies */
    union {
        struct {
            uint16_t dom;
        } unbound;
        struct {
            uint16_t dom;
            uint16_t pad;
            evtchn_port_t port;
        } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status");
_Static_assert(__builtin_offsetof(struct evtchn_status, port) == 4, "evtchn_status.port");
_Static_assert(__builtin_offsetof(struct evtchn_status, status) == 8, "evtchn_status.status");
_Static_assert(__builtin_offsetof(struct evtchn_status, vcpu) == 12, "evtchn_status.vcpu");
_Static_assert(__builtin_offsetof(struct evtchn_status, u) == 16, "evtchn_status.u");
_Static_assert(__builtin_offsetof(struct evtchn_status, u.interdomain.port) == 20, "evtchn_status.u.interdomain.port");

struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "evtchn_bind_vcpu");

struct evtchn_unmask {
    evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_unmask) == 4, "evtchn_unmask");

struct evtchn_reset {
    uint16_t dom;
};
_Static_assert(sizeof(struct evtchn_reset) == 2, "evtchn_reset");

/* The FIFO ABI's sub-ops: Xeno answers init_control and expand_array with
 * -ENOSYS, so guests stay on the 2-level ABI. */
struct evtchn_init_control {
    uint64_t control_gfn;
    uint32_t offset;
    uint32_t vcpu;
    uint8_t link_bits;
    uint8_t pad[7];
};
_Static_assert(sizeof(struct evtchn_init_control) == 24, "evtchn_init_control");
_Static_assert(__builtin_offsetof(struct evtchn_init_control, link_bits) == 16, "init_control.link_bits");

struct evtchn_expand_array {
    uint64_t array_gfn;
};
_Static_assert(sizeof(struct evtchn_expand_array) == 8, "evtchn_expand_array");

struct evtchn_set_priority {
    evtchn_port_t port;
    uint32_t priority;
};
_Static_assert(sizeof(struct evtchn_set_priority) == 8, "evtchn_set_priority");
#endif
