/*
 * xenstore over the ring (manifest: dom0 = 1, peers = 2): Domain 0 (d1) serves
 * both peers' xenstore rings with its xenstored; each peer is its own client
 * (xs_client.c) and checks what it gets: its own keys, the other peer's refused,
 * watches, a transaction, malformed requests.
 *
 * Last, peer 1 breaks the protocol (a header announcing 5000 payload bytes)
 * and must get an error and then silence, while peer 0 keeps being answered:
 * peer 0 watches @releaseDomain, publishes data/ready (readable by peer 1 only
 * after a SET_PERMS) and asks on until peer 1 has ended; peer 1 waits for that
 * node before it breaks. tests/system/test_xenstore_ring.py checks Domain 0's
 * console line about it.
 */
#include "xtest.h"
#include "peers.h"
#include "events.h"
#include "xs_client.h"
#include "cmdline.h"
#include <xeno/string.h>

#define SECOND_NS (1000ULL * 1000 * 1000)

static uint16_t self_id, other_id;
static struct xsc_msg r;
static char greeting[32];

/* A payload of A (with its NUL) and, if B, B (with its NUL when B_NUL). */
static uint32_t build(char *buf, const char *a, const char *b, bool b_nul)
{
    uint32_t n = (uint32_t)strlen(a) + 1;

    memcpy(buf, a, n);
    if (b) {
        uint32_t m = (uint32_t)strlen(b) + (b_nul ? 1 : 0);
        memcpy(buf + n, b, m);
        n += m;
    }
    return n;
}

/* TYPE with arguments A and B (B without its NUL for WRITE's value). */
static bool call(uint32_t type, uint32_t tx, const char *a, const char *b)
{
    static char buf[512];

    return xsc_call(type, tx, buf, build(buf, a, b, type != XS_WRITE), &r);
}

static bool is_error(const char *err)
{
    return r.hdr.type == XS_ERROR && strcmp(r.body, err) == 0;
}

static void expect_ok(const char *what, uint32_t type, uint32_t tx, const char *a, const char *b)
{
    if (!call(type, tx, a, b))
        return;
    if (r.hdr.type != type)
        xtest_fail("%s: reply type %u '%s', expected %u", what, r.hdr.type, r.body, type);
}

static void expect_error(const char *what, uint32_t type, const char *a, const char *b,
                         const char *err)
{
    if (call(type, 0, a, b) && !is_error(err))
        xtest_fail("%s: reply type %u '%s', expected XS_ERROR %s", what, r.hdr.type, r.body,
                   err);
}

static void expect_value(const char *path, uint32_t tx, const char *want)
{
    if (!call(XS_READ, tx, path, NULL))
        return;
    if (r.hdr.type != XS_READ || r.hdr.len != strlen(want) || memcmp(r.body, want, r.hdr.len))
        xtest_fail("READ %s: type %u '%s', expected '%s'", path, r.hdr.type, r.body, want);
}

/* A watch event for PATH with TOKEN within 10 s. */
static void expect_event(const char *what, const char *path, const char *token)
{
    struct xsc_msg ev;
    size_t plen = strlen(path);

    if (!xsc_event(&ev, XSC_REPLY_NS)) {
        xtest_fail("%s: no watch event within 10 s", what);
        return;
    }
    if (strcmp(ev.body, path) || plen + 1 >= ev.hdr.len || strcmp(ev.body + plen + 1, token))
        xtest_fail("%s: event for '%s' (%u bytes), expected '%s' token '%s'", what, ev.body,
                   ev.hdr.len, path, token);
}

static void own_keys(void)
{
    char want[64];

    snprintf(want, sizeof(want), "xenstore_ring-p%u", peers_get()->self);
    expect_value("name", 0, want);
    snprintf(want, sizeof(want), "%u", self_id);
    expect_value("domid", 0, want);
    snprintf(want, sizeof(want), "/local/domain/%u", self_id);
    expect_value(want, 0, "");                  /* its directory, by absolute path */
    snprintf(greeting, sizeof(greeting), "hello from d%u", self_id);
    expect_ok("WRITE data/greeting", XS_WRITE, 0, "data/greeting", greeting);
    expect_value("data/greeting", 0, greeting);
    /* One vCPU: cpu/ holds "0" alone (each name NUL-terminated). */
    if (call(XS_DIRECTORY, 0, "cpu", NULL) &&
        (r.hdr.type != XS_DIRECTORY || r.hdr.len != 2 || memcmp(r.body, "0", 2)))
        xtest_fail("DIRECTORY cpu: type %u, %u bytes '%s', expected \"0\"", r.hdr.type,
                   r.hdr.len, r.body);
}

static void others_keys(void)
{
    char path[64];

    snprintf(path, sizeof(path), "/local/domain/%u/name", other_id);
    expect_error("READ of the other peer's name", XS_READ, path, NULL, "EACCES");
    snprintf(path, sizeof(path), "/local/domain/%u/data/x", other_id);
    expect_error("WRITE into the other peer's data/", XS_WRITE, path, "intruder", "EACCES");
    snprintf(path, sizeof(path), "/local/domain/%u/data", other_id);
    expect_error("DIRECTORY of the other peer's data/", XS_DIRECTORY, path, NULL, "EACCES");
}

static void watches(void)
{
    expect_ok("WRITE data/watched", XS_WRITE, 0, "data/watched", "0");
    expect_ok("WATCH data/watched", XS_WATCH, 0, "data/watched", "tok");
    /* Its first event comes with the registration (before or after the reply). */
    expect_event("WATCH's first event", "data/watched", "tok");
    expect_ok("WRITE data/watched", XS_WRITE, 0, "data/watched", "1");
    expect_event("the event of a WRITE", "data/watched", "tok");
    expect_ok("UNWATCH data/watched", XS_UNWATCH, 0, "data/watched", "tok");
}

static void transaction(void)
{
    unsigned long tx = 0;
    const char *end;

    if (!call(XS_TRANSACTION_START, 0, "", NULL))
        return;
    end = cmdline_number(r.body, &tx);
    if (r.hdr.type != XS_TRANSACTION_START || !end || *end || !tx) {
        xtest_fail("TRANSACTION_START: type %u '%s'", r.hdr.type, r.body);
        return;
    }
    expect_ok("WRITE inside the transaction", XS_WRITE, (uint32_t)tx, "data/tx", "inside");
    expect_value("data/tx", (uint32_t)tx, "inside");
    /* Not visible outside before the commit. */
    expect_error("READ of data/tx outside the open transaction", XS_READ, "data/tx", NULL,
                 "ENOENT");
    expect_ok("TRANSACTION_END T", XS_TRANSACTION_END, (uint32_t)tx, "T", NULL);
    expect_value("data/tx", 0, "inside");
}

static void malformed(void)
{
    static const char no_nul[] = { 'n', 'a', 'm', 'e' };

    if (xsc_call(XS_READ, 0, no_nul, sizeof(no_nul), &r) && !is_error("EINVAL"))
        xtest_fail("READ without the NUL: type %u '%s', expected XS_ERROR EINVAL", r.hdr.type,
                   r.body);
    if (xsc_call(99, 0, "name", 5, &r) && !is_error("EINVAL"))
        xtest_fail("type 99: reply type %u '%s', expected XS_ERROR EINVAL", r.hdr.type, r.body);
    /* The connection still works. */
    expect_value("data/greeting", 0, greeting);
}

/* Peer 0: publish data/ready for peer 1, then keep asking until peer 1 has ended
 * (@releaseDomain): every request must be answered though peer 1 broke its ring. */
static void survivor(void)
{
    char perm_self[16], perm_other[16], buf[64];
    struct xsc_msg ev;
    unsigned long answered = 0;
    uint64_t deadline;

    expect_ok("WATCH @releaseDomain", XS_WATCH, 0, "@releaseDomain", "rel");
    expect_event("@releaseDomain's first event", "@releaseDomain", "rel");
    expect_ok("WRITE data/ready", XS_WRITE, 0, "data/ready", "1");
    /* Owner: this domain, nobody else by default, peer 1 may read. */
    snprintf(perm_self, sizeof(perm_self), "n%u", self_id);
    snprintf(perm_other, sizeof(perm_other), "r%u", other_id);
    uint32_t n = build(buf, "data/ready", perm_self, true);
    memcpy(buf + n, perm_other, strlen(perm_other) + 1);
    n += (uint32_t)strlen(perm_other) + 1;
    if (xsc_call(XS_SET_PERMS, 0, buf, n, &r) && r.hdr.type != XS_SET_PERMS)
        xtest_fail("SET_PERMS data/ready: type %u '%s'", r.hdr.type, r.body);
    deadline = pvclock_now_ns() + 120 * SECOND_NS;
    for (;;) {
        expect_value("data/greeting", 0, greeting);
        answered++;
        if (xtest_status() == XTEST_FAIL)
            return;
        if (xsc_event(&ev, SECOND_NS / 20))
            break;
        if (pvclock_now_ns() > deadline) {
            xtest_fail("peer 1 (d%u) did not end within 120 s (no @releaseDomain)", other_id);
            return;
        }
    }
    if (strcmp(ev.body, "@releaseDomain"))
        xtest_fail("an event for '%s', expected @releaseDomain", ev.body);
    /* And after it, too. */
    expect_value("data/greeting", 0, greeting);
    expect_value("name", 0, "xenstore_ring-p0");
    printf("answered %lu requests while d%u broke its ring and ended\n", answered, other_id);
}

static bool ready(void)
{
    char path[64];

    snprintf(path, sizeof(path), "/local/domain/%u/data/ready", other_id);
    if (!call(XS_READ, 0, path, NULL))
        return false;
    if (r.hdr.type == XS_READ && strcmp(r.body, "1") == 0)
        return true;
    /* Until peer 0 wrote it and let peer 1 read it. */
    if (!is_error("ENOENT") && !is_error("EACCES"))
        xtest_fail("READ %s: type %u '%s'", path, r.hdr.type, r.body);
    return false;
}

/* Peer 1: once peer 0 is ready, a header announcing 5000 bytes: an XS_ERROR
 * EINVAL, then no answer ever again. */
static void breaker(void)
{
    struct xsd_sockmsg big = { .type = XS_READ, .req_id = 0xb16, .len = 5000 };
    struct xsd_sockmsg later = { .type = XS_READ, .req_id = 0x1a7e, .len = 5 };
    uint64_t deadline = pvclock_now_ns() + 120 * SECOND_NS;

    while (!ready()) {
        if (xtest_status() == XTEST_FAIL)
            return;
        if (pvclock_now_ns() > deadline) {
            xtest_fail("peer 0 (d%u) never published data/ready (120 s)", other_id);
            return;
        }
        hc_sched_op(SCHEDOP_yield, NULL);
    }
    if (!xsc_send_raw(&big, sizeof(big)))
        return;
    if (!xsc_read(&r, XSC_REPLY_NS)) {
        xtest_fail("no reply to the header of 5000 bytes within 10 s");
        return;
    }
    if (r.hdr.req_id != big.req_id || !is_error("EINVAL"))
        xtest_fail("the header of 5000 bytes: reply type %u req_id %#x '%s', expected "
                   "XS_ERROR EINVAL", r.hdr.type, r.hdr.req_id, r.body);
    /* No longer served: the next request stays in req[] unanswered. */
    if (!xsc_send_raw(&later, sizeof(later)) || !xsc_send_raw("name", 5))
        return;
    if (xsc_read(&r, 3 * SECOND_NS))
        xtest_fail("a reply (type %u '%s') after the message longer than 4096 bytes",
                   r.hdr.type, r.body);
}

void test_main(void)
{
    const struct peers *p = peers_get();

    self_id = p->domid[p->self];
    other_id = p->domid[1 - p->self];
    printf("peer %u: d%u, the other is d%u; Domain 0 serves our xenstore ring\n", p->self,
           self_id, other_id);
    xsc_connect();
    own_keys();
    others_keys();
    watches();
    transaction();
    malformed();
    if (xtest_status() == XTEST_FAIL)
        return;
    if (p->self == 0)
        survivor();
    else
        breaker();
}
