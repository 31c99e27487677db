/* The test status, the verdict line and the end of a test guest (see xtest.h). */
#include "runtime.h"

#define REASON_MAX 200
/* The verdict must stay one console line: the hypervisor splits a domain's lines
 * longer than its buffer (159 characters in Xeno, 199 in Xen). */
#define VERDICT_REASON_MAX 128

static enum xtest_status status = XTEST_PASS;
static char first_reason[REASON_MAX];   /* of the worst status so far */
static bool finishing;

static void record(enum xtest_status s, const char *fmt, va_list ap)
{
    char reason[REASON_MAX];

    vsnprintf(reason, sizeof(reason), fmt, ap);
    for (char *p = reason; *p; p++)     /* the verdict is one line */
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    printf("%s: %s\n", s == XTEST_FAIL ? "FAIL" : "SKIP", reason);
    if (s > status) {
        status = s;
        strlcpy(first_reason, reason, sizeof(first_reason));
    }
}

void xtest_fail(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    record(XTEST_FAIL, fmt, ap);
    va_end(ap);
}

void xtest_skip(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    record(XTEST_SKIP, fmt, ap);
    va_end(ap);
}

void xtest_abort(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    record(XTEST_FAIL, fmt, ap);
    va_end(ap);
    xtest_finish();
}

enum xtest_status xtest_status(void)
{
    return status;
}

void xtest_finish(void)
{
    unsigned int reason;
    long rc;

    if (finishing)      /* a fault while finishing: no second verdict */
        xtest_crash_hard();
    finishing = true;
    switch (status) {
    case XTEST_PASS:
        printf("verdict: PASS\n");
        reason = xtest_manifest.shutdown_reason;
        break;
    case XTEST_SKIP:
        printf("verdict: SKIP: %.*s\n", VERDICT_REASON_MAX, first_reason);
        reason = SHUTDOWN_poweroff;
        break;
    default:
        printf("verdict: FAIL: %.*s\n", VERDICT_REASON_MAX, first_reason);
        reason = SHUTDOWN_crash;
        break;
    }
    rc = hc_shutdown(reason);
    /* Still running: this line, after the verdict, makes the harness fail the test. */
    printf("SCHEDOP_shutdown(reason %u) returned %ld\n", reason, rc);
    xtest_crash_hard();
}

void xtest_expect_crash(const char *what, void (*crash)(void))
{
    if (status != XTEST_PASS || xtest_manifest.shutdown_reason != SHUTDOWN_crash) {
        if (status == XTEST_PASS)
            xtest_fail("xtest_expect_crash() in a test whose manifest does not say "
                       "expect_shutdown = \"crash\"");
        xtest_finish();
    }
    /* The verdict comes first: once the domain is crashed, it prints nothing more. */
    printf("expecting the hypervisor to crash this domain: %s\n", what);
    finishing = true;
    printf("verdict: PASS\n");
    crash();
    /* Still running: a later FAIL verdict is the last line, so the harness fails it. */
    xtest_fail("%s did not crash the domain", what);
    finishing = false;
    xtest_finish();
}

static const char *const errno_names[] = {
    [EPERM] = "EPERM", [ENOENT] = "ENOENT", [ESRCH] = "ESRCH", [EINTR] = "EINTR",
    [EIO] = "EIO", [ENXIO] = "ENXIO", [E2BIG] = "E2BIG", [ENOEXEC] = "ENOEXEC",
    [EBADF] = "EBADF", [EAGAIN] = "EAGAIN", [ENOMEM] = "ENOMEM", [EACCES] = "EACCES",
    [EFAULT] = "EFAULT", [EBUSY] = "EBUSY", [EEXIST] = "EEXIST", [ENODEV] = "ENODEV",
    [EINVAL] = "EINVAL", [ENOSPC] = "ENOSPC", [ERANGE] = "ERANGE", [ENOSYS] = "ENOSYS",
    [ENOTEMPTY] = "ENOTEMPTY", [EOVERFLOW] = "EOVERFLOW", [EOPNOTSUPP] = "EOPNOTSUPP",
    [ETIMEDOUT] = "ETIMEDOUT",
};

const char *rc_str(long rc, char *buf, unsigned long size)
{
    if (rc < 0 && -rc < (long)ARRAY_LEN(errno_names) && errno_names[-rc])
        snprintf(buf, size, "%ld (%s)", rc, errno_names[-rc]);
    else
        snprintf(buf, size, "%ld", rc);
    return buf;
}

bool expect_rc(const char *what, long got, long want)
{
    char g[32], w[32];

    if (got == want)
        return true;
    xtest_fail("%s returned %s, expected %s", what, rc_str(got, g, sizeof(g)),
               rc_str(want, w, sizeof(w)));
    return false;
}

bool xtest_applies(bool here, const char *what)
{
    if (!here)
        printf("not checked in %s: %s\n", xtest_manifest.environment, what);
    return here;
}
