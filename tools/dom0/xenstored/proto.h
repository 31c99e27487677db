/*
 * The xenstore wire protocol on top of the store: xs_handle takes one whole
 * request message (header and payload, as the transport framed it) from a
 * domain and writes exactly one reply message; watch events it causes are
 * queued in the store for xs_event_pop.  Anything malformed gets an XS_ERROR
 * reply naming the errno ("EINVAL", ...); nothing a client sends can make it
 * read or write out of bounds.
 */
#ifndef XENO_XS_PROTO_H
#define XENO_XS_PROTO_H

#include <stddef.h>
#include "store.h"

/* Room a reply may need: the header and the largest payload. */
#define XS_REPLY_MAX (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)

/* Most arguments any request has (SET_PERMS: the path and its entries). */
#define XS_MAX_ARGS 16

/*
 * Handles msg (len bytes) from caller; writes the reply into reply, which
 * holds reply_size >= XS_REPLY_MAX bytes, and returns its length (0 only when
 * reply_size is too small).
 */
size_t xs_handle(struct xs_store *s, xs_domid_t caller, const void *msg, size_t len,
                 void *reply, size_t reply_size);

/* "EINVAL" for -EINVAL and so on: the names of Xen's xsd_errors table. */
const char *xs_errno_name(int err);
/* The errno an error reply's name stands for (EIO for a name not in the table). */
int xs_errno_value(const char *name);

#endif /* XENO_XS_PROTO_H */
