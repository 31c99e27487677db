/*
 * A small xenstore client over this domain's own xenstore ring (start_info's
 * store_mfn and store_evtchn), for the xenstore_ring test. Requests go into
 * req[] and the store event channel is kicked; replies are read from rsp[] as
 * they come. Every wait is bounded by the pvclock, so a server that never
 * answers fails the test instead of hanging it.
 */
#ifndef XENSTORE_RING_CLIENT_H
#define XENSTORE_RING_CLIENT_H
#include <stdbool.h>
#include <stdint.h>
/* The wire numbers are xenstored's own (shared, not copied). */
#include "../../../tools/dom0/xenstored/xs_wire.h"

/* How long a reply may take: Domain 0 shares two emulated CPUs with both peers. */
#define XSC_REPLY_NS (10ULL * 1000 * 1000 * 1000)

struct xsc_msg {
    struct xsd_sockmsg hdr;
    char body[XENSTORE_PAYLOAD_MAX + 1];    /* NUL-terminated for the checks */
};

/* Find and map the ring; aborts the test when start_info names none. */
void xsc_connect(void);
/* Put LEN raw bytes into req[] and kick Domain 0; false (test failed) on timeout. */
bool xsc_send_raw(const void *bytes, uint32_t len);
/* The next message from rsp[] within TIMEOUT_NS; false (nothing failed) if none came. */
bool xsc_read(struct xsc_msg *m, uint64_t timeout_ns);
/* Whether rsp_prod moved past rsp_cons (bytes waiting). */
bool xsc_reply_waiting(void);

/* One request: header of TYPE in transaction TX, PAYLOAD of LEN bytes; the reply
 * into *REPLY (watch events met first are queued for xsc_event). False, the test
 * failed, when no reply came or its req_id is not the request's. */
bool xsc_call(uint32_t type, uint32_t tx, const void *payload, uint32_t len,
              struct xsc_msg *reply);
/* A watch event, queued or within TIMEOUT_NS; false if none came. */
bool xsc_event(struct xsc_msg *ev, uint64_t timeout_ns);
#endif
