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

#define XENO_DOMCTL_VERSION 2

#define XENO_DOMCTL_getinfo 1   /* u.info of domain `domid` */
#define XENO_DOMCTL_list 2      /* u.list: infos of live domains with id >= first */
#define XENO_DOMCTL_pause 3     /* pause `domid` (not the caller); pauses nest */
#define XENO_DOMCTL_unpause 4
#define XENO_DOMCTL_destroy 5   /* stop `domid` (not the caller) and destroy it */
/* The console backend (the caller serves `domid`'s rings: info.backend): */
#define XENO_DOMCTL_console_write 6 /* u.console: bytes of `domid`'s console output */
#define XENO_DOMCTL_console_read 7  /* u.console: serial input waiting for a domain */
#define XENO_DOMCTL_setvcpuaffinity 8 /* u.affinity: the CPUs vCPU `vcpu` of `domid` may use */

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
    /* Its xenstore and console rings, when a control domain serves them
     * (docs/dom0.md): its unbound ends of the two event channels (0: none),
     * whose remote end is `backend`, and the two frames, which it grants to
     * `backend` in grant entries 1 (xenstore) and 0 (console). */
    uint32_t store_port;
    uint32_t console_port;
    uint64_t store_mfn;
    uint64_t console_mfn;
    uint16_t backend;
    uint16_t pad2[3];
};
_Static_assert(sizeof(struct xeno_domctl_info) == 136, "xeno_domctl_info layout");
_Static_assert(__builtin_offsetof(struct xeno_domctl_info, store_port) == 104,
               "xeno_domctl_info.store_port");

struct xeno_domctl_list {
    uint64_t infos;             /* guest pointer to max struct xeno_domctl_info */
    uint32_t max;               /* room in infos (at most XENO_DOMCTL_LIST_MAX) */
    uint32_t count;             /* out: how many were written */
    uint16_t first;             /* in: the lowest domain id to report */
    uint16_t pad[3];
};
#define XENO_DOMCTL_LIST_MAX 128

struct xeno_domctl_console {
    uint64_t buf;               /* guest pointer to len bytes */
    uint32_t len;               /* write: bytes (at most 65536); read: room in, bytes out */
    uint16_t domid;             /* read, out: the domain the bytes are for */
    uint16_t pad;
};

struct xeno_domctl_affinity {
    uint32_t vcpu;
    uint32_t pad;               /* 0 */
    uint64_t cpumap;            /* bit n: CPU n; the online ones among them are used */
};
_Static_assert(sizeof(struct xeno_domctl_affinity) == 16, "xeno_domctl_affinity layout");

struct xeno_domctl {
    uint32_t cmd;               /* XENO_DOMCTL_* */
    uint32_t version;           /* XENO_DOMCTL_VERSION */
    uint16_t domid;             /* the domain it names (getinfo, pause, unpause, destroy) */
    uint16_t pad[3];
    union {
        struct xeno_domctl_info info;
        struct xeno_domctl_list list;
        struct xeno_domctl_console console;
        struct xeno_domctl_affinity affinity;
    } u;
};
_Static_assert(sizeof(struct xeno_domctl) == 152, "xeno_domctl layout");
_Static_assert(__builtin_offsetof(struct xeno_domctl, u) == 16, "xeno_domctl.u");

/* The reason a domain destroyed through domctl shows (beyond SHUTDOWN_*). */
#define XENO_SHUTDOWN_destroyed 255
#endif
