/*
 * The console backend: each domU's console ring (public/io/console.h),
 * reached through grant copies of the page it granted Domain 0 in entry
 * GNTTAB_RESERVED_CONSOLE. Output goes to the hypervisor console as that
 * domain's lines (domctl console_write: "(dN) ..."); serial input the
 * hypervisor routed to the domain goes into in[].
 */
#include <public/io/console.h>
#include <public/xeno_domctl.h>
#include <xeno/string.h>
#include "console.h"
#include "events.h"
#include "xtest.h"
#include "dom0.h"

#define IDX_OFF ((uint16_t)__builtin_offsetof(struct xencons_interface, in_cons))
#define IN_PROD_OFF ((uint16_t)__builtin_offsetof(struct xencons_interface, in_prod))
#define OUT_CONS_OFF ((uint16_t)__builtin_offsetof(struct xencons_interface, out_cons))
#define OUT_OFF ((uint16_t)__builtin_offsetof(struct xencons_interface, out))

void cons_conn_init(struct cons_conn *c, uint16_t domid, evtchn_port_t port, uint8_t *mirror)
{
    memset(c, 0, sizeof(*c));
    c->domid = domid;
    c->port = port;
    c->ring = ring_copy_of(domid, GNTTAB_RESERVED_CONSOLE, mirror);
}

void cons_conn_add_input(struct cons_conn *c, const char *buf, unsigned int len)
{
    unsigned int room = sizeof(c->input) - c->input_len;

    if (len > room)
        len = room;             /* typed faster than the domain reads: the rest is lost */
    memcpy(c->input + c->input_len, buf, len);
    c->input_len += len;
}

static void write_out(uint16_t domid, const char *text, uint32_t len)
{
    struct xeno_domctl op = { .cmd = XENO_DOMCTL_console_write,
                              .version = XENO_DOMCTL_VERSION, .domid = domid };
    op.u.console.buf = (uint64_t)text;
    op.u.console.len = len;
    hc_domctl(&op);             /* it fails only when the domain is going */
}

enum { PLAIN, ESCAPE, CSI };

/* Terminal control sequences (a shell's line editing asks for the cursor
 * position, moves it, colours its prompt) mean nothing in the hypervisor's
 * log of lines: drop ESC and what it introduces (CSI up to its final byte). */
static bool shown(struct cons_conn *c, char ch)
{
    switch (c->escape) {
    case ESCAPE:
        c->escape = ch == '[' ? CSI : PLAIN;
        return false;
    case CSI:
        if (ch >= 0x40 && ch <= 0x7e)
            c->escape = PLAIN;
        return false;
    default:
        if (ch == 0x1b) {
            c->escape = ESCAPE;
            return false;
        }
        return true;
    }
}

static uint32_t drain_output(struct cons_conn *c, struct xencons_interface *r)
{
    static char text[XENCONS_OUT_SIZE];
    uint32_t cons = r->out_cons, n = r->out_prod - cons, kept = 0;

    for (uint32_t i = 0; i < n; i++) {
        char ch = r->out[(cons + i) % XENCONS_OUT_SIZE];
        if (shown(c, ch))
            text[kept++] = ch;
    }
    if (kept) {
        write_out(c->domid, text, kept);
        c->partial = text[kept - 1] != '\n';
        c->partial_ns = pvclock_now_ns();
    }
    if (n) {
        r->out_cons = cons + n;
        ring_copy_out(&c->ring, OUT_CONS_OFF, sizeof(uint32_t));
    }
    return n;
}

static uint32_t feed_input(struct cons_conn *c, struct xencons_interface *r)
{
    uint32_t prod = r->in_prod, space = XENCONS_IN_SIZE - (prod - r->in_cons);
    uint32_t n = c->input_len < space ? c->input_len : space;
    uint32_t first = prod % XENCONS_IN_SIZE, tail = XENCONS_IN_SIZE - first;

    if (!n)
        return 0;
    for (uint32_t i = 0; i < n; i++)
        r->in[(prod + i) % XENCONS_IN_SIZE] = c->input[i];
    memmove(c->input, c->input + n, c->input_len - n);
    c->input_len -= n;
    ring_copy_out(&c->ring, (uint16_t)first, (uint16_t)(n < tail ? n : tail));
    if (n > tail)
        ring_copy_out(&c->ring, 0, (uint16_t)(n - tail));
    r->in_prod = prod + n;
    ring_copy_out(&c->ring, IN_PROD_OFF, sizeof(uint32_t));
    return n;
}

void cons_conn_end_partial_line(struct cons_conn *c, uint64_t now)
{
    if (c->partial && now - c->partial_ns >= CONS_PARTIAL_NS) {
        write_out(c->domid, "\n", 1);
        c->partial = false;
    }
}

bool cons_conn_serve(struct cons_conn *c)
{
    struct xencons_interface *r = (void *)c->ring.mirror;
    uint32_t drained, fed;

    if (c->broken)
        return false;
    ring_copy_in(&c->ring, IDX_OFF, 4 * sizeof(uint32_t));
    ring_copy_in(&c->ring, OUT_OFF, XENCONS_OUT_SIZE);
    if (!ring_copy_run(&c->ring))
        return false;
    if (r->out_prod - r->out_cons > XENCONS_OUT_SIZE ||
        r->in_prod - r->in_cons > XENCONS_IN_SIZE) {
        printf("console: d%u has ring indices that cannot be: no longer served\n", c->domid);
        c->broken = true;
        return false;
    }
    drained = drain_output(c, r);
    fed = feed_input(c, r);
    if (!ring_copy_run(&c->ring))
        return false;
    if (drained || fed)
        dom0_notify(c->port);
    return drained || fed;
}
