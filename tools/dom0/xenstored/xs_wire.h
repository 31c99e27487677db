/*
 * The xenstore wire protocol: message types, header and limits.  The numbers
 * are those of Xen's public io/xs_wire.h (Linux's xenbus sends them), written
 * out here for Xeno's own xenstored.
 */
#ifndef XENO_XS_WIRE_H
#define XENO_XS_WIRE_H

#include <stdint.h>

enum xsd_sockmsg_type {
    XS_CONTROL = 0,             /* XS_DEBUG in older headers */
    XS_DIRECTORY = 1,
    XS_READ = 2,
    XS_GET_PERMS = 3,
    XS_WATCH = 4,
    XS_UNWATCH = 5,
    XS_TRANSACTION_START = 6,
    XS_TRANSACTION_END = 7,
    XS_INTRODUCE = 8,
    XS_RELEASE = 9,
    XS_GET_DOMAIN_PATH = 10,
    XS_WRITE = 11,
    XS_MKDIR = 12,
    XS_RM = 13,
    XS_SET_PERMS = 14,
    XS_WATCH_EVENT = 15,
    XS_ERROR = 16,
    XS_IS_DOMAIN_INTRODUCED = 17,
    XS_RESUME = 18,
    XS_SET_TARGET = 19,
    XS_RESTRICT = 20,
    XS_RESET_WATCHES = 21,
    XS_DIRECTORY_PART = 22,
    XS_TYPE_COUNT,
    XS_INVALID = 0xffff,
};

struct xsd_sockmsg {
    uint32_t type;      /* enum xsd_sockmsg_type */
    uint32_t req_id;    /* echoed in the reply */
    uint32_t tx_id;     /* transaction, 0 for none */
    uint32_t len;       /* payload bytes after the header */
};
_Static_assert(sizeof(struct xsd_sockmsg) == 16, "xsd_sockmsg is 16 bytes on the wire");

/* A longer payload in either direction breaks every client: never send one. */
#define XENSTORE_PAYLOAD_MAX   4096
#define XENSTORE_ABS_PATH_MAX  3072
#define XENSTORE_REL_PATH_MAX  2048
#define XENSTORE_RING_SIZE     1024

#endif /* XENO_XS_WIRE_H */
