/*
 * Domain 0: Xeno's service domain, a PV kernel on the guest runtime
 * (guests/lib). It runs xenstored (xenstored/) for every other domain over
 * its xenstore ring and is their console backend: it drains each console
 * ring into the hypervisor console and feeds serial input back. docs/dom0.md.
 *
 * Rings are reached with grant copies of the frames the builder granted to
 * Domain 0 (xen/control_channels.c), never mapped: a domU that dies leaves
 * Domain 0 nothing that can fault.
 */
#ifndef DOM0_H
#define DOM0_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include "xenstored/store.h"

#define DOM0_MAX_DOMAINS 32

/* ---- heap.c: memory for xenstored */
void *heap_alloc(void *ctx, size_t size);
void heap_free(void *ctx, void *p);
size_t heap_in_use(void);

/* ---- ring_copy.c: grant copies between a domU's ring page and a mirror */
struct ring_copy {
    uint16_t domid;
    grant_ref_t ref;
    uint8_t *mirror;            /* a page of Domain 0's, laid out like the ring page */
    struct gnttab_copy ops[8];
    unsigned int n;
};
/* The copier of domid's grant ref, with mirror as Domain 0's side. */
struct ring_copy ring_copy_of(uint16_t domid, grant_ref_t ref, uint8_t *mirror);
/* Queue a copy of len bytes at off, from the ring page to the mirror or back. */
void ring_copy_in(struct ring_copy *rc, uint16_t off, uint16_t len);
void ring_copy_out(struct ring_copy *rc, uint16_t off, uint16_t len);
/* Run the queued copies in order: true if all were done (false: the domain is
 * going, or broke the grant). */
bool ring_copy_run(struct ring_copy *rc);

/* ---- xs_ring.c: xenstored's transport */
struct xs_conn {
    uint16_t domid;
    evtchn_port_t port;         /* Domain 0's end */
    bool broken;                /* the domain broke the protocol: no longer served */
    uint64_t requests;          /* messages handled */
    struct ring_copy ring;
    uint32_t msg_len;           /* bytes of the request being assembled */
    uint32_t out_head, out_len; /* replies and events waiting for ring space */
    uint8_t *msg, *out;         /* XS_REPLY_MAX and XS_CONN_OUT bytes */
};
#define XS_CONN_OUT (4 * (16 + 4096))
extern struct xs_store dom0_store;
int xs_conn_init(struct xs_conn *c, uint16_t domid, evtchn_port_t port, uint8_t *mirror);
void xs_conn_free(struct xs_conn *c);
/* Serve requests and deliver replies and watch events: true if anything moved. */
bool xs_conn_serve(struct xs_conn *c);
/* xenstore requests of Domain 0's own (caller 0), as the toolstack makes them:
 * 0 or the negative errno of the error reply. */
int xs_local_write(const char *path, const char *value);
int xs_local_perms(const char *path, const char *perms0, const char *perms1);
int xs_local_rm(const char *path);
int xs_local_simple(uint32_t type, const char *const *args, unsigned int nargs);

/* ---- console_backend.c */
struct cons_conn {
    uint16_t domid;
    evtchn_port_t port;
    bool broken;
    struct ring_copy ring;
    char input[256];            /* serial input for it, waiting for ring space */
    unsigned int input_len;
    uint8_t escape;             /* inside a terminal escape sequence (console_backend.c) */
    bool partial;               /* its last output did not end a line */
    uint64_t partial_ns;        /* when that output came */
};
/* Its output ends with a line not ended for this long: end it (a prompt
 * waiting for input must show; the hypervisor prints whole lines). */
#define CONS_PARTIAL_NS 30000000UL
void cons_conn_end_partial_line(struct cons_conn *c, uint64_t now);
void cons_conn_init(struct cons_conn *c, uint16_t domid, evtchn_port_t port, uint8_t *mirror);
bool cons_conn_serve(struct cons_conn *c);
void cons_conn_add_input(struct cons_conn *c, const char *buf, unsigned int len);

/* ---- hypercall helpers (main.c) */
long dom0_evtchn_op(unsigned int cmd, void *arg);
void dom0_notify(evtchn_port_t port);
#endif
