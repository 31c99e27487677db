/*
 * Domain 0's own xenstore requests (caller 0, the toolstack's rights): whole
 * messages through xs_handle(), exactly as a domain's would go, so watches
 * fire and quotas and checks apply the same way.
 */
#include <xeno/errno.h>
#include <xeno/string.h>
#include "xtest.h"
#include "dom0.h"
#include "xenstored/proto.h"

static uint8_t request[XS_REPLY_MAX], answer[XS_REPLY_MAX];

/* args joined with NULs; with `last_unterminated` the last has none (WRITE's value). */
static int request_of(uint32_t type, const char *const *args, unsigned int nargs,
                      bool last_unterminated)
{
    struct xsd_sockmsg *hdr = (struct xsd_sockmsg *)request;
    const struct xsd_sockmsg *rep = (const struct xsd_sockmsg *)answer;
    size_t len = 0;

    for (unsigned int i = 0; i < nargs; i++) {
        size_t n = strlen(args[i]) + !(last_unterminated && i == nargs - 1);
        if (len + n > XENSTORE_PAYLOAD_MAX)
            return -E2BIG;
        memcpy(request + sizeof(*hdr) + len, args[i], n);
        len += n;
    }
    *hdr = (struct xsd_sockmsg){ .type = type, .req_id = 0, .tx_id = 0, .len = (uint32_t)len };
    xs_handle(&dom0_store, 0, request, sizeof(*hdr) + len, answer, sizeof(answer));
    if (rep->type == XS_ERROR) {
        answer[sizeof(*rep) + (rep->len < XENSTORE_PAYLOAD_MAX ? rep->len : 0)] = '\0';
        return -xs_errno_value((const char *)answer + sizeof(*rep));
    }
    return 0;
}

int xs_local_simple(uint32_t type, const char *const *args, unsigned int nargs)
{
    return request_of(type, args, nargs, false);
}

int xs_local_write(const char *path, const char *value)
{
    const char *args[] = { path, value };
    return request_of(XS_WRITE, args, 2, true);
}

int xs_local_perms(const char *path, const char *perms0, const char *perms1)
{
    const char *args[] = { path, perms0, perms1 };
    return request_of(XS_SET_PERMS, args, perms1 ? 3 : 2, false);
}

int xs_local_rm(const char *path)
{
    const char *args[] = { path };
    return request_of(XS_RM, args, 1, false);
}
