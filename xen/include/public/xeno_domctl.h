/*
 * Domain control: Xeno's own interface (not Xen's domctl), for the
 * privileged domain (a config with `privileged = 1`, Domain 0) only; any
 * other caller gets -EPERM. Hypercall 36 (Xen's domctl number), one
 * operation per call:
 *
 *   long domctl(struct xeno_domctl *op)
 *
 * op->version must be XENO_DOMCTL_VERSION. See docs/abi.md.
 */
#ifndef PUBLIC_XENO_DOMCTL_H
#define PUBLIC_XENO_DOMCTL_H
#include <stdint.h>

#define XENO_DOMCTL_VERSION 1

#define XENO_DOMCTL_getinfo 1   /* u.info of domain `domid` */
#define XENO_DOMCTL_list 2      /* u.list: infos of live domains with id >= first */
#define XENO_DOMCTL_pause 3     /* pause `domid` (not the caller); pauses nest */
#define XENO_DOMCTL_unpause 4
#define XENO_DOMCTL_destroy 5   /* stop `domid` (not the caller) and destroy it */

/* What a domain is doing (xeno_domctl_info.state). */
#define XENO_DOMSTATE_building 0
#define XENO_DOMSTATE_active 1
#define XENO_DOMSTATE_shutdown 2   /* stopped, being destroyed */

#define XENO_DOMINFO_privileged (1U << 0)
#define XENO_DOMINFO_paused (1U << 1)   /* paused by domctl (or the debug keys) */

struct xeno_domctl_info {
    uint16_t domid;
    uint8_t state;              /* XENO_DOMSTATE_* */
    uint8_t shutdown_reason;    /* SHUTDOWN_* once shut down; 255 destroyed by domctl */
    uint32_t flags;             /* XENO_DOMINFO_* */
    uint32_t nr_vcpus;
    uint32_t pad;
    uint64_t tot_pages;         /* frames it holds now */
    uint64_t max_pages;
    uint64_t cpu_time_ns;       /* CPU time its vCPUs have had */
    char name[64];              /* NUL-terminated */
};
_Static_assert(sizeof(struct xeno_domctl_info) == 104, "xeno_domctl_info layout");

struct xeno_domctl_list {
    uint64_t infos;             /* guest pointer to max struct xeno_domctl_info */
    uint32_t max;               /* room in infos (at most XENO_DOMCTL_LIST_MAX) */
    uint32_t count;             /* out: how many were written */
    uint16_t first;             /* in: the lowest domain id to report */
    uint16_t pad[3];
};
#define XENO_DOMCTL_LIST_MAX 128

struct xeno_domctl {
    uint32_t cmd;               /* XENO_DOMCTL_* */
    uint32_t version;           /* XENO_DOMCTL_VERSION */
    uint16_t domid;             /* the domain it names (getinfo, pause, unpause, destroy) */
    uint16_t pad[3];
    union {
        struct xeno_domctl_info info;
        struct xeno_domctl_list list;
    } u;
};
_Static_assert(sizeof(struct xeno_domctl) == 120, "xeno_domctl layout");
_Static_assert(__builtin_offsetof(struct xeno_domctl, u) == 16, "xeno_domctl.u");

/* The reason a domain destroyed through domctl shows (beyond SHUTDOWN_*). */
#define XENO_SHUTDOWN_destroyed 255
#endif
