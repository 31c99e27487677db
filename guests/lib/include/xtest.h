/*
 * The test API of a self-checking guest (Xen Test Framework style).
 *
 * A test is guests/tests/NAME/: a manifest (environments, memory, ...) and C that
 * defines test_main(). The runtime sets up the guest (exception handlers,
 * shared_info, page 0 unmapped), calls test_main(), then prints exactly one
 * verdict line as the domain's last console line and shuts down:
 *
 *   verdict: PASS               shutdown with the manifest's reason (poweroff)
 *   verdict: SKIP: <reason>     shutdown poweroff
 *   verdict: FAIL: <reason>     shutdown crash; <reason> is the first failure
 *
 * The status only gets worse (PASS < SKIP < FAIL); xtest_fail() records a reason
 * and carries on, so one run reports every failed check. An exception no probe
 * expected is a failure that ends the test at once.
 */
#ifndef GUEST_XTEST_H
#define GUEST_XTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <public/xen.h>
#include <xeno/errno.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>

#include "console.h"
#include "hypercall.h"
#include "traps.h"

#define PAGE_SIZE 4096UL
#define PAGE_ALIGNED(x) (((uint64_t)(x) & (PAGE_SIZE - 1)) == 0)
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The manifest, as guests/SConscript generated it for this build. */
struct xtest_manifest {
    const char *name;
    const char *environment;        /* "pv64", "pvh64" */
    unsigned int memory_mib;
    unsigned int vcpus;
    const char *cmdline;
    unsigned int shutdown_reason;   /* SHUTDOWN_* a passing test shuts down with */
};
extern const struct xtest_manifest xtest_manifest;

/* Defined by each test. */
void test_main(void);

enum xtest_status { XTEST_PASS, XTEST_SKIP, XTEST_FAIL };

void xtest_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void xtest_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void xtest_abort(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void xtest_finish(void);
/* For a test that passes when the hypervisor crashes its domain (manifest:
 * expect_shutdown = "crash"): unless the test has failed already, prints
 * `verdict: PASS` and calls CRASH, which must make the hypervisor crash the domain.
 * Should CRASH return, a FAIL line and verdict follow, which fails the test. */
_Noreturn void xtest_expect_crash(const char *what, void (*crash)(void));
enum xtest_status xtest_status(void);

/* Fails, naming the source line, when COND is false. */
#define xtest_check(cond, fmt, ...)                                                   \
    do {                                                                              \
        if (!(cond))                                                                  \
            xtest_fail("%s:%d: " fmt, __FILE__, __LINE__, ##__VA_ARGS__);             \
    } while (0)

/* A hypercall result: fails with "WHAT returned -14 (EFAULT), expected 0" unless
 * GOT == WANT. Returns whether it matched. */
bool expect_rc(const char *what, long got, long want);
/* "-14 (EFAULT)" */
const char *rc_str(long rc, char *buf, unsigned long size);

/* ---- the domain the test runs in ---- */

/* pv64: start_info (rsi at entry); NULL in other environments. */
extern struct start_info *xtest_start_info;
/* The domain's command line (pv64: start_info's cmd_line; pvh64: hvm_start_info's). */
extern const char *xtest_cmdline;
/* pv64: page-table updates the runtime made before test_main (benchmarks account
 * for them). */
extern unsigned long xtest_setup_pt_updates;
extern uint64_t xtest_boot_rsp;                 /* rsp at entry */
extern uint64_t xtest_bss_dirty;                /* first nonzero .bss byte at entry, or 0 */
/* shared_info mapped by the runtime; NULL when that failed. */
extern struct shared_info *xtest_shared_info;
/* vCPU 0's vcpu_info: in shared_info, or where register_vcpu_info moved it (a test
 * that moves it updates this). NULL when shared_info is not mapped. */
extern struct vcpu_info *xtest_vcpu_info;

/* virt_to_mfn(va), the frame number the hypervisor takes for an image address
 * (machine frame in pv64, guest frame in pvh64), is the environment's: xtest_env.h. */

/* The image as linked (lib/image.lds). */
extern char _image_start[], _image_end[], __bss_start[], __bss_end[];

/* A page of the image the runtime unmapped, and the mapped page just below it. */
extern uint8_t xtest_guard_page[PAGE_SIZE];
extern uint8_t xtest_below_guard_page[PAGE_SIZE];
/* A page mapped read-only (pv64: the L4 page table; pvh64: a page of the image the
 * runtime maps read-only), and what it is, for messages. */
extern uint64_t xtest_read_only_page;
extern const char *xtest_read_only_page_name;

/* ---- checks that apply in some environments only ---- */

/* Whether a check runs in this environment: HERE is the condition (e.g.
 * XTEST_ENV_PV, xtest_env.h). When it is false this prints "not checked in ENV:
 * WHAT" and returns false, so every check a test leaves out shows in its console
 * (and is not counted as passed: it did not run). */
bool xtest_applies(bool here, const char *what);

/* ---- bad guest pointers ---- */

#define BAD_VA_PAGE0 0x1UL                          /* page 0, unmapped */
#define BAD_VA_HYPERVISOR 0xffff830000000000UL      /* the hypervisor's direct map */
#define BAD_VA_NONCANONICAL 0x8000000000000000UL
#define BAD_VA_TOP 0xfffffffffffffff8UL             /* a buffer here wraps around */
#define BAD_VA_LOWER_HALF_END 0x00007ffffffffff8UL  /* a buffer here runs non-canonical */

/* The pointer argument of one hypercall: call(ptr, ctx) makes it with PTR. */
typedef long (*pointer_call)(uint64_t ptr, void *ctx);
#define BADPTR_WRITES (1U << 0)     /* the hypercall writes through it: try a read-only page */

/* Makes CALL with every kind of bad pointer to SIZE bytes (page 0, the hypervisor,
 * non-canonical, an unmapped guest page, a buffer running into one, one wrapping
 * around the address space; a read-only page with BADPTR_WRITES) and fails the test
 * unless each returns -EFAULT (and a read-only page stays unchanged). */
void expect_efault_for_bad_pointers(const char *what, pointer_call call, void *ctx,
                                    unsigned long size, unsigned int flags);

#endif /* GUEST_XTEST_H */
