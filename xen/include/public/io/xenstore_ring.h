/*
 * The xenstore ring page (Xen's public io/xs_wire.h layout; start_info's
 * store mfn and evtchn for a PV domU): requests from the domain in req[],
 * replies and watch events from xenstored in rsp[], each a byte stream of
 * messages (header, payload). Indices run free, modulo XENSTORE_RING_BYTES.
 */
#ifndef PUBLIC_IO_XENSTORE_RING_H
#define PUBLIC_IO_XENSTORE_RING_H
#include <stdint.h>

#define XENSTORE_RING_BYTES 1024

struct xenstore_domain_interface {
    char req[XENSTORE_RING_BYTES];
    char rsp[XENSTORE_RING_BYTES];
    uint32_t req_cons, req_prod;
    uint32_t rsp_cons, rsp_prod;
    uint32_t server_features;
    uint32_t connection;        /* 0: connected */
    uint32_t error;
};
_Static_assert(__builtin_offsetof(struct xenstore_domain_interface, req_cons) == 2048,
               "xenstore req_cons");
_Static_assert(__builtin_offsetof(struct xenstore_domain_interface, rsp_prod) == 2060,
               "xenstore rsp_prod");
_Static_assert(__builtin_offsetof(struct xenstore_domain_interface, connection) == 2068,
               "xenstore connection");
#endif
