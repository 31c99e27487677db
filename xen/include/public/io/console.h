/*
 * A PV console ring page (Xen's public io/console.h layout; start_info's
 * console mfn and evtchn for a PV domU). The domain writes out[] and
 * advances out_prod; its console backend reads and advances out_cons. The
 * backend fills in[] and advances in_prod. Indices run free: an index into
 * the array is the index modulo its size.
 */
#ifndef PUBLIC_IO_CONSOLE_H
#define PUBLIC_IO_CONSOLE_H
#include <stdint.h>

#define XENCONS_IN_SIZE 1024
#define XENCONS_OUT_SIZE 2048

struct xencons_interface {
    char in[XENCONS_IN_SIZE];
    char out[XENCONS_OUT_SIZE];
    uint32_t in_cons, in_prod;
    uint32_t out_cons, out_prod;
};
_Static_assert(__builtin_offsetof(struct xencons_interface, out) == 1024, "xencons out");
_Static_assert(__builtin_offsetof(struct xencons_interface, in_cons) == 3072, "xencons in_cons");
_Static_assert(__builtin_offsetof(struct xencons_interface, out_prod) == 3084, "xencons out_prod");
#endif
