/* Tests of several domains: the peer arguments and bounded waits (peers.h). */
#include "peers.h"
#include "xtest.h"
#include "cmdline.h"

static struct peers parsed;

const struct peers *peers_get(void)
{
    const char *cmdline = xtest_cmdline;
    const char *self = cmdline_arg("peer"), *count = cmdline_arg("peers");
    const char *ids = cmdline_arg("peer_domids");
    unsigned long v;

    if (parsed.count)
        return &parsed;
    if (!self || !count || !ids || !cmdline_number(self, &v) || v >= PEERS_MAX)
        xtest_abort("no peer=K peers=N peer_domids=... on the command line '%s'", cmdline);
    parsed.self = (unsigned int)v;
    if (!cmdline_number(count, &v) || v < 2 || v > PEERS_MAX || parsed.self >= v)
        xtest_abort("bad peers= on the command line '%s'", cmdline);
    parsed.count = (unsigned int)v;
    for (unsigned int i = 0; i < parsed.count; i++) {
        ids = cmdline_number(ids, &v);
        if (!ids || v >= DOMID_FIRST_RESERVED || (i + 1 < parsed.count && *ids++ != ','))
            xtest_abort("bad peer_domids= on the command line '%s'", cmdline);
        parsed.domid[i] = (uint16_t)v;
    }
    return &parsed;
}

bool peer_wait(const char *what, bool (*cond)(void *ctx), void *ctx)
{
    for (unsigned long i = 0; i < PEER_WAIT_TRIES; i++) {
        if (cond(ctx))
            return true;
        hc_sched_op(SCHEDOP_yield, NULL);
    }
    xtest_fail("gave up waiting for the other peer: %s", what);
    return false;
}

struct word_wait {
    const volatile uint64_t *word;
    uint64_t want;
};

static bool word_is(void *ctx)
{
    struct word_wait *w = ctx;

    return *w->word == w->want;
}

bool peer_wait_word(const char *what, const volatile uint64_t *word, uint64_t want)
{
    struct word_wait w = { word, want };

    return peer_wait(what, word_is, &w);
}
