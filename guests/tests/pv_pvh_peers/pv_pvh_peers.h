/*
 * pv_pvh_peers: one PV domain (peer 0, pv64/mapper.c) and one PVH domain (peer 1,
 * pvh64/granter.c) in one boot (manifest: peer_environments = "pv64 pvh64").
 * The PVH side is the granter because a PVH domain cannot map grants yet; the
 * PV side maps. They share this page layout and the event helpers of main.c.
 */
#ifndef PV_PVH_PEERS_H
#define PV_PVH_PEERS_H
#include "peers.h"
#include "xtest.h"
#include <public/event_channel.h>

#define SHARED_REF 8                    /* the granter's ref for its shared page */
#define MAGIC 0x7076687368617265UL      /* "pvhshare": the page is ready */

/* The granted page: control words, then the granter's pattern, then the mapper's
 * answer, written half through its mapping and half by grant copy. */
struct shared {
    volatile uint64_t magic;            /* set before the grant's flags */
    volatile uint64_t port;             /* the granter's unbound port for the mapper */
    volatile uint64_t a_step, b_step;   /* each side's progress, for the other to check */
};
#define PATTERN_OFF 256
#define PATTERN_END 2048
#define ANSWER_OFF 2048                 /* .. ANSWER_COPY_OFF through the mapping */
#define ANSWER_COPY_OFF 3072            /* .. PAGE_SIZE by GNTTABOP_copy */
static inline uint8_t pattern_byte(unsigned int i)
{
    return (uint8_t)(i * 7 + 3);
}
static inline uint8_t answer_byte(unsigned int i)
{
    return (uint8_t)(i ^ 0xa5);
}

/* The peer index this environment's image must be, and its part (ENV/ *.c). */
extern const unsigned int side_peer;
void side_run(const struct peers *peers);

long evtchn_op(unsigned int cmd, void *arg);
struct evtchn_status port_status(evtchn_port_t port);
/* Polls (bounded, yielding: peer_wait) until PORT's pending bit is set in our
 * shared_info, and clears it; false, and the test fails naming WHAT, if not. */
bool wait_port(evtchn_port_t port, const char *what);
void send_port(evtchn_port_t port);
#endif
