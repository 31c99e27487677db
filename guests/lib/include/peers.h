/*
 * Tests of several domains (a manifest's `peers = N`): which peer this domain
 * is, the others' domain ids, and waiting for them.
 *
 * The harness boots N domains of one image and appends `peer=K peers=N
 * peer_domids=D0,D1,...` to each one's command line (tools/xenolib/guesttests.py).
 * Peers share nothing at first: they find each other through grants and then
 * synchronise by polling shared memory, yielding the CPU between polls, never
 * for longer than a bounded number of tries.
 */
#ifndef GUEST_PEERS_H
#define GUEST_PEERS_H
#include <stdbool.h>
#include <stdint.h>

#define PEERS_MAX 8

struct peers {
    unsigned int self;              /* this domain's index K */
    unsigned int count;             /* N */
    uint16_t domid[PEERS_MAX];      /* domain id of each peer */
};

/* Parse start_info's command line; aborts the test when it names no peers. */
const struct peers *peers_get(void);

/* Polls allowed before a wait gives up: generous (each yields the CPU, and
 * the other peer may be far behind under TCG), but finite. */
#define PEER_WAIT_TRIES 2000000UL

/* Yield until cond(ctx) holds; false (and the test fails, naming what) after
 * PEER_WAIT_TRIES polls. */
bool peer_wait(const char *what, bool (*cond)(void *ctx), void *ctx);
/* Yield until *word == want (a word in memory another peer writes). */
bool peer_wait_word(const char *what, const volatile uint64_t *word, uint64_t want);
#endif
