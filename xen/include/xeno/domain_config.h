/*
 * Boot domain configs: the xl.cfg-style text GRUB hands over as a
 * `domain-config` module (docs/boot-contract.md).  tools/xenolib/domaincfg.py
 * parses the same grammar with the same messages, so `tools/xeno run`
 * refuses a bad config before booting.
 *
 * Grammar, one statement per line (LF or CRLF):
 *   [ws] key [ws] = [ws] value [ws] [# comment]      or blank / comment only
 *   key:   [A-Za-z_][A-Za-z0-9_]*
 *   value: decimal digits, 0x/0X hex digits, "string" or 'string'
 *          (no escapes; no control characters inside)
 *
 * Keys:  name    required, 1-63 of [A-Za-z0-9_.-]
 *        type    "pv" (default) or "pvh" (VT-x); "hvm" recognised but refused for now
 *        memory  required, MiB, 1..65536
 *        vcpus   1..32, default 1
 *        kernel  required, image name: 1-127 of [A-Za-z0-9_.+/-]
 *        ramdisk optional, image name as kernel
 *        cmdline optional, at most 1023 characters (`extra` is a synonym, as in xl)
 *   Scheduling (BVT, xen/include/xeno/sched_bvt.h):
 *        weight         1..65535, default 256: its share of a CPU against others'
 *        warp_us        0..1000000, default 0: how far ahead a woken vCPU may run
 *        warp_limit_us  0..1000000: how long it may stay warped (needed with a warp)
 *        unwarp_us      0..1000000: how long after a warp before the next
 *        cpus           "N", "N-M" or several joined by ',' (0-63): where it may
 *                       run; default anywhere
 *   privileged   0 (default) or 1: the control domain (Domain 0), which alone
 *                may use domctl and receives VIRQ_DOM_EXC
 */
#ifndef XENO_DOMAIN_CONFIG_H
#define XENO_DOMAIN_CONFIG_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#define DOMAIN_CONFIG_LINE_MAX   2048   /* bytes in one line, without its end */
#define DOMAIN_NAME_MAX          63
#define DOMAIN_IMAGE_NAME_MAX    127
#define DOMAIN_CMDLINE_MAX       1023
#define DOMAIN_MEMORY_MAX_MIB    65536
#define DOMAIN_VCPUS_MAX         32
#define DOMAIN_WEIGHT_MAX        65535
#define DOMAIN_WEIGHT_DEFAULT    256
#define DOMAIN_SCHED_US_MAX      1000000
#define DOMAIN_CPU_MAX           63

struct domain_config {
    char name[DOMAIN_NAME_MAX + 1];
    enum domain_type { DOMAIN_PV, DOMAIN_PVH, DOMAIN_HVM } type;
    unsigned long memory_mib;
    unsigned int vcpus;
    char kernel[DOMAIN_IMAGE_NAME_MAX + 1];
    char ramdisk[DOMAIN_IMAGE_NAME_MAX + 1];   /* "" when there is none */
    char cmdline[DOMAIN_CMDLINE_MAX + 1];      /* "" when there is none */
    unsigned int weight;
    unsigned long warp_us, warp_limit_us, unwarp_us;
    uint64_t cpus;                             /* bit n: CPU n; 0: anywhere */
    bool privileged;
};

/*
 * Parse LEN bytes of TEXT (not NUL-terminated; never read past LEN).
 * SOURCE names the config in messages (the module's file name).
 * Returns 0 with *cfg filled, or -EINVAL with *cfg zeroed and ERR (if
 * err_len > 0) holding one line without a newline:
 *   "SOURCE:LINE: message naming the key"   or   "SOURCE: missing key 'kernel'"
 */
int domain_config_parse(const char *text, size_t len, const char *source,
                        struct domain_config *cfg, char *err, size_t err_len);

/* "pv", "pvh" or "hvm". */
const char *domain_type_name(enum domain_type type);

#endif /* XENO_DOMAIN_CONFIG_H */
