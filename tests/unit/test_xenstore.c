/*
 * tools/dom0/xenstored: the store and wire protocol driven as clients would,
 * through xs_handle, with malloc as the allocator: the tree, Xen's
 * permissions, watches, transactions, quotas, domains and malformed messages.
 * Every allocation is counted and must be freed when the store is destroyed.
 */
#include <stdlib.h>
#include <xeno/errno.h>
#include <xeno/string.h>
#include "harness.h"
#include "proto.h"

static long live_allocs;

static void *t_alloc(void *ctx, size_t n)
{
    (void)ctx;
    live_allocs++;
    return malloc(n);
}

static void t_free(void *ctx, void *p)
{
    (void)ctx;
    live_allocs--;
    free(p);
}

static const struct xs_alloc allocator = { t_alloc, t_free, NULL };
static struct xs_store st;
static uint8_t rbuf[XS_REPLY_MAX];
static struct xsd_sockmsg *rhdr = (struct xsd_sockmsg *)rbuf;
static const char *rbody = (const char *)rbuf + sizeof(struct xsd_sockmsg);

static void setup(void)
{
    live_allocs = 0;
    CHECK_EQ(xs_store_init(&st, &allocator), 0);
}

static void teardown(void)
{
    xs_store_destroy(&st);
    CHECK_EQ(live_allocs, 0);
}

/* Sends a request with a payload of plen bytes; returns the reply's type. */
static uint32_t send_raw(xs_domid_t dom, uint32_t type, uint32_t tx, const void *p,
                         size_t plen)
{
    static uint8_t msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 64];
    struct xsd_sockmsg h = { type, 77, tx, (uint32_t)plen };
    size_t n;

    memcpy(msg, &h, sizeof(h));
    memcpy(msg + sizeof(h), p, plen);
    n = xs_handle(&st, dom, msg, sizeof(h) + plen, rbuf, sizeof(rbuf));
    CHECK_EQ(n, sizeof(h) + rhdr->len);
    CHECK_EQ(rhdr->req_id, 77);
    CHECK_EQ(rhdr->tx_id, tx);
    return rhdr->type;
}

/* Arguments joined by NULs, each terminated: "a", "b" -> "a\0b\0". */
static uint32_t send(xs_domid_t dom, uint32_t type, uint32_t tx, const char *a,
                     const char *b)
{
    char p[XENSTORE_PAYLOAD_MAX + 8];
    size_t n = test_strlen(a) + 1;

    memcpy(p, a, n);
    if (b) {
        memcpy(p + n, b, test_strlen(b) + 1);
        n += test_strlen(b) + 1;
    }
    return send_raw(dom, type, tx, p, n);
}

static uint32_t write_val(xs_domid_t dom, uint32_t tx, const char *path, const char *v)
{
    char p[XENSTORE_PAYLOAD_MAX + 8];
    size_t n = test_strlen(path) + 1, k = test_strlen(v);

    memcpy(p, path, n);
    memcpy(p + n, v, k);                /* values carry no NUL */
    return send_raw(dom, XS_WRITE, tx, p, n + k);
}

#define EXPECT_OK(call) do {                                                  \
    if ((call) == XS_ERROR)                                                   \
        test_fail(__FILE__, __LINE__, "%s: error %s", #call, rbody);          \
} while (0)
#define EXPECT_ERR(call, name) do { CHECK_EQ((call), XS_ERROR);                  \
    CHECK_STR_EQ(rbody, name); } while (0)

/* The reply's payload as a string (READ values have no NUL of their own). */
static const char *body_str(void)
{
    static char s[XENSTORE_PAYLOAD_MAX + 1];

    memcpy(s, rbody, rhdr->len);
    s[rhdr->len] = '\0';
    return s;
}

static void expect_read(xs_domid_t dom, const char *path, const char *want)
{
    EXPECT_OK(send(dom, XS_READ, 0, path, NULL));
    CHECK_STR_EQ(body_str(), want);
}

/* The next queued event for dom must be (path, token). */
static void expect_event(xs_domid_t dom, const char *path, const char *token)
{
    uint8_t ev[XS_REPLY_MAX];
    size_t n = xs_event_pop(&st, dom, ev, sizeof(ev));
    const struct xsd_sockmsg *h = (const struct xsd_sockmsg *)ev;
    const char *p = (const char *)ev + sizeof(*h);

    CHECK(n > sizeof(*h));
    if (n <= sizeof(*h))
        return;
    CHECK_EQ(h->type, XS_WATCH_EVENT);
    CHECK_EQ(h->req_id, 0);
    CHECK_EQ(n, sizeof(*h) + h->len);
    CHECK_STR_EQ(p, path);
    CHECK_STR_EQ(p + test_strlen(p) + 1, token);
    CHECK_EQ(h->len, test_strlen(p) + test_strlen(token) + 2);
}

static void expect_no_event(xs_domid_t dom)
{
    uint8_t ev[XS_REPLY_MAX];

    CHECK_EQ(xs_event_pop(&st, dom, ev, sizeof(ev)), 0);
}

/* What a toolstack does for a new guest: its home, owned by it, private. */
static void make_home(xs_domid_t dom)
{
    char path[32], perm[8];

    xs_domain_path(dom, path);
    perm[0] = 'n';
    xs_utoa(dom, perm + 1);
    EXPECT_OK(send(0, XS_MKDIR, 0, path, NULL));
    EXPECT_OK(send(0, XS_SET_PERMS, 0, path, perm));
}

TEST(tree_write_read_directory_rm)
{
    setup();
    EXPECT_OK(write_val(0, 0, "/a/b/c", "hello"));
    expect_read(0, "/a/b/c", "hello");
    expect_read(0, "/a/b", "");             /* parents created, empty */
    EXPECT_OK(write_val(0, 0, "/a/d", ""));
    EXPECT_OK(send(0, XS_DIRECTORY, 0, "/a", NULL));
    CHECK_EQ(rhdr->len, 4);
    CHECK(memcmp(rbody, "d\0b\0", 4) == 0 || memcmp(rbody, "b\0d\0", 4) == 0);
    EXPECT_OK(send(0, XS_MKDIR, 0, "/a/b/c", NULL));   /* keeps the value */
    expect_read(0, "/a/b/c", "hello");
    EXPECT_OK(send(0, XS_MKDIR, 0, "/m/n", NULL));
    expect_read(0, "/m/n", "");
    EXPECT_OK(send(0, XS_RM, 0, "/a/b", NULL));         /* recursive */
    EXPECT_ERR(send(0, XS_READ, 0, "/a/b/c", NULL), "ENOENT");
    EXPECT_ERR(send(0, XS_READ, 0, "/a/b", NULL), "ENOENT");
    expect_read(0, "/a/d", "");
    EXPECT_OK(send(0, XS_RM, 0, "/a/zz", NULL));        /* absent, parent there */
    EXPECT_ERR(send(0, XS_RM, 0, "/q/zz", NULL), "ENOENT");
    EXPECT_ERR(send(0, XS_RM, 0, "/", NULL), "EINVAL");
    EXPECT_OK(send_raw(0, XS_WRITE, 0, "/bin\0a\0b", 8));  /* binary values */
    CHECK_EQ(rhdr->len, 3);
    EXPECT_OK(send(0, XS_READ, 0, "/bin", NULL));
    CHECK_EQ(rhdr->len, 3);
    CHECK(memcmp(rbody, "a\0b", 3) == 0);
    teardown();
}

TEST(errno_names_both_ways)
{
    CHECK_STR_EQ(xs_errno_name(-EACCES), "EACCES");
    CHECK_EQ(xs_errno_value("EACCES"), EACCES);
    CHECK_EQ(xs_errno_value("E2BIG"), E2BIG);
    CHECK_EQ(xs_errno_value("ENOTANERRNO"), EIO);   /* what xs_errno_name gives back too */
}

TEST(relative_paths_and_domain_path)
{
    setup();
    make_home(3);
    EXPECT_OK(write_val(3, 0, "device/vif", "1"));
    expect_read(0, "/local/domain/3/device/vif", "1");
    expect_read(3, "device/vif", "1");
    EXPECT_OK(send(3, XS_GET_DOMAIN_PATH, 0, "3", NULL));
    CHECK_STR_EQ(rbody, "/local/domain/3");
    teardown();
}

TEST(perms_domains_keep_to_their_own)
{
    setup();
    make_home(1);
    make_home(2);
    EXPECT_OK(write_val(1, 0, "secret", "s1"));
    EXPECT_OK(send(1, XS_GET_PERMS, 0, "secret", NULL));
    CHECK_EQ(rhdr->len, 3);
    CHECK_STR_EQ(rbody, "n1");                  /* inherited, owned by creator */
    EXPECT_ERR(send(2, XS_READ, 0, "/local/domain/1/secret", NULL), "EACCES");
    EXPECT_ERR(write_val(2, 0, "/local/domain/1/secret", "x"), "EACCES");
    EXPECT_ERR(write_val(2, 0, "/local/domain/1/new", "x"), "EACCES");
    EXPECT_ERR(send(2, XS_RM, 0, "/local/domain/1/secret", NULL), "EACCES");
    EXPECT_ERR(send(2, XS_DIRECTORY, 0, "/local/domain/1", NULL), "EACCES");
    EXPECT_ERR(write_val(2, 0, "/toplevel", "x"), "EACCES");
    expect_read(0, "/local/domain/1/secret", "s1");     /* dom0: anything */
    EXPECT_OK(write_val(0, 0, "/local/domain/1/fromdom0", "z"));
    EXPECT_OK(send(0, XS_GET_PERMS, 0, "/local/domain/1/fromdom0", NULL));
    CHECK_STR_EQ(rbody, "n1");                  /* dom0 creates: parent's owner */
    /* Only the owner sets perms; r2 lets dom2 read but not write. */
    EXPECT_ERR(send(2, XS_SET_PERMS, 0, "/local/domain/1/secret", "b2"), "EACCES");
    EXPECT_OK(send_raw(1, XS_SET_PERMS, 0, "secret\0n1\0r2", 14));
    EXPECT_OK(send(1, XS_GET_PERMS, 0, "secret", NULL));
    CHECK_EQ(rhdr->len, 6);
    CHECK(memcmp(rbody, "n1\0r2\0", 6) == 0);
    expect_read(2, "/local/domain/1/secret", "s1");
    EXPECT_ERR(write_val(2, 0, "/local/domain/1/secret", "x"), "EACCES");
    /* A default of w: anyone writes, nobody else reads. */
    EXPECT_OK(send(1, XS_SET_PERMS, 0, "secret", "w1"));
    EXPECT_OK(write_val(2, 0, "/local/domain/1/secret", "from2"));
    EXPECT_ERR(send(2, XS_READ, 0, "/local/domain/1/secret", NULL), "EACCES");
    expect_read(1, "secret", "from2");
    EXPECT_ERR(send(1, XS_SET_PERMS, 0, "secret", "x1"), "EINVAL");
    EXPECT_ERR(send(1, XS_SET_PERMS, 0, "secret", "r99999"), "EINVAL");
    EXPECT_ERR(send(1, XS_SET_PERMS, 0, "missing", "r1"), "ENOENT");
    teardown();
}

TEST(watches_fire_with_token)
{
    setup();
    make_home(1);
    make_home(2);
    EXPECT_OK(send(1, XS_WATCH, 0, "/local/domain/1", "tokA"));
    expect_event(1, "/local/domain/1", "tokA");         /* once on registration */
    expect_no_event(1);
    EXPECT_OK(write_val(1, 0, "a/b", "v"));
    expect_event(1, "/local/domain/1/a/b", "tokA");
    expect_no_event(1);
    EXPECT_OK(write_val(0, 0, "/elsewhere", "v"));
    expect_no_event(1);
    EXPECT_OK(send(1, XS_WATCH, 0, "a/b", "rel"));      /* relative: relative events */
    expect_event(1, "a/b", "rel");
    EXPECT_OK(send(1, XS_RM, 0, "a", NULL));            /* rm of a parent fires both */
    uint8_t ev[XS_REPLY_MAX];
    CHECK(xs_event_pop(&st, 1, ev, sizeof(ev)) > 0);
    CHECK(xs_event_pop(&st, 1, ev, sizeof(ev)) > 0);
    expect_no_event(1);
    EXPECT_ERR(send(1, XS_WATCH, 0, "/local/domain/1", "tokA"), "EEXIST");
    /* dom2 watching dom1's private keys hears nothing about them. */
    EXPECT_OK(send(2, XS_WATCH, 0, "/local/domain/1", "spy"));
    expect_event(2, "/local/domain/1", "spy");
    EXPECT_OK(write_val(1, 0, "private", "p"));
    expect_event(1, "/local/domain/1/private", "tokA");
    expect_no_event(2);
    EXPECT_OK(send(1, XS_UNWATCH, 0, "/local/domain/1", "tokA"));
    EXPECT_ERR(send(1, XS_UNWATCH, 0, "/local/domain/1", "tokA"), "ENOENT");
    EXPECT_OK(write_val(1, 0, "after", "p"));
    expect_no_event(1);
    teardown();
}

TEST(domains_introduce_release)
{
    setup();
    EXPECT_OK(send(0, XS_WATCH, 0, "@introduceDomain", "i"));
    EXPECT_OK(send(0, XS_WATCH, 0, "@releaseDomain", "r"));
    expect_event(0, "@introduceDomain", "i");
    expect_event(0, "@releaseDomain", "r");
    EXPECT_OK(send(0, XS_IS_DOMAIN_INTRODUCED, 0, "5", NULL));
    CHECK_STR_EQ(rbody, "F");
    char intro[] = "5\0" "1234\0" "7";
    EXPECT_ERR(send_raw(5, XS_INTRODUCE, 0, intro, sizeof(intro)), "EACCES");
    EXPECT_OK(send_raw(0, XS_INTRODUCE, 0, intro, sizeof(intro)));
    expect_event(0, "@introduceDomain", "i");
    EXPECT_ERR(send_raw(0, XS_INTRODUCE, 0, intro, sizeof(intro)), "EEXIST");
    EXPECT_OK(send(0, XS_IS_DOMAIN_INTRODUCED, 0, "5", NULL));
    CHECK_STR_EQ(rbody, "T");
    make_home(5);
    EXPECT_OK(send(5, XS_WATCH, 0, "x", "w5"));
    EXPECT_OK(send(5, XS_TRANSACTION_START, 0, "", NULL));
    CHECK_EQ(xs_watch_count(&st, 5), 1);
    CHECK_EQ(xs_txn_count(&st, 5), 1);
    CHECK_EQ(xs_event_count(&st, 5), 1);
    EXPECT_ERR(send(5, XS_RELEASE, 0, "5", NULL), "EACCES");
    EXPECT_OK(send(0, XS_RELEASE, 0, "5", NULL));
    expect_event(0, "@releaseDomain", "r");
    CHECK_EQ(xs_watch_count(&st, 5), 0);
    CHECK_EQ(xs_txn_count(&st, 5), 0);
    CHECK_EQ(xs_event_count(&st, 5), 0);
    EXPECT_ERR(send(0, XS_RELEASE, 0, "5", NULL), "ENOENT");
    EXPECT_ERR(send(0, XS_INTRODUCE, 0, "0", NULL), "EINVAL");
    teardown();
}

static uint32_t tx_start(xs_domid_t dom)
{
    uint64_t id;

    EXPECT_OK(send(dom, XS_TRANSACTION_START, 0, "", NULL));
    CHECK_EQ(xs_parse_uint(rbody, UINT32_MAX, &id), 0);
    CHECK(id != 0);
    return (uint32_t)id;
}

TEST(transactions_commit_conflict_abort)
{
    setup();
    make_home(1);
    EXPECT_OK(send(1, XS_WATCH, 0, "k", "w"));
    EXPECT_OK(send(1, XS_WATCH, 0, "n", "w"));
    expect_event(1, "k", "w");
    expect_event(1, "n", "w");
    EXPECT_OK(write_val(1, 0, "k", "old"));
    expect_event(1, "k", "w");
    uint32_t tx = tx_start(1);
    EXPECT_OK(write_val(1, tx, "k", "new"));
    EXPECT_OK(write_val(1, tx, "n/m", "made"));
    expect_no_event(1);                         /* not before commit */
    expect_read(1, "k", "old");                 /* outside: unchanged */
    EXPECT_OK(send(1, XS_READ, tx, "k", NULL));
    CHECK_STR_EQ(body_str(), "new");
    EXPECT_OK(send(1, XS_TRANSACTION_END, tx, "T", NULL));
    expect_read(1, "k", "new");
    expect_read(1, "n/m", "made");
    expect_event(1, "k", "w");
    expect_event(1, "n/m", "w");
    /* Conflict: what the transaction read changed meanwhile. */
    tx = tx_start(1);
    EXPECT_OK(send(1, XS_READ, tx, "k", NULL));
    EXPECT_OK(write_val(1, tx, "other", "t"));
    EXPECT_OK(write_val(0, 0, "/local/domain/1/k", "racer"));
    EXPECT_ERR(send(1, XS_TRANSACTION_END, tx, "T", NULL), "EAGAIN");
    EXPECT_ERR(send(1, XS_READ, 0, "other", NULL), "ENOENT");
    EXPECT_ERR(send(1, XS_TRANSACTION_END, tx, "T", NULL), "ENOENT");  /* gone */
    /* Conflict on a node that appeared meanwhile. */
    tx = tx_start(1);
    EXPECT_ERR(send(1, XS_READ, tx, "late", NULL), "ENOENT");
    EXPECT_OK(write_val(1, 0, "late", "1"));
    EXPECT_ERR(send(1, XS_TRANSACTION_END, tx, "T", NULL), "EAGAIN");
    /* Unrelated changes do not conflict. */
    tx = tx_start(1);
    EXPECT_OK(write_val(1, tx, "k", "mine"));
    EXPECT_OK(write_val(0, 0, "/unrelated", "x"));
    EXPECT_OK(send(1, XS_TRANSACTION_END, tx, "T", NULL));
    expect_read(1, "k", "mine");
    /* Abort discards; rm inside a transaction. */
    tx = tx_start(1);
    EXPECT_OK(send(1, XS_RM, tx, "k", NULL));
    EXPECT_OK(send(1, XS_TRANSACTION_END, tx, "F", NULL));
    expect_read(1, "k", "mine");
    tx = tx_start(1);
    EXPECT_OK(send(1, XS_RM, tx, "k", NULL));
    EXPECT_OK(send(1, XS_TRANSACTION_END, tx, "T", NULL));
    EXPECT_ERR(send(1, XS_READ, 0, "k", NULL), "ENOENT");
    /* Another domain cannot use the transaction; bad END arguments. */
    tx = tx_start(1);
    EXPECT_ERR(send(2, XS_READ, tx, "/local", NULL), "ENOENT");
    EXPECT_ERR(send(1, XS_TRANSACTION_END, tx, "X", NULL), "EINVAL");
    EXPECT_ERR(send(1, XS_TRANSACTION_START, tx, "", NULL), "EINVAL");
    EXPECT_ERR(send(1, XS_READ, tx + 1000, "k", NULL), "ENOENT");
    teardown();
}

TEST(quotas)
{
    char big[3000];

    setup();
    make_home(1);
    memset(big, 'v', sizeof(big) - 1);
    big[st.quota.value_max] = '\0';
    EXPECT_OK(write_val(1, 0, "fits", big));
    big[st.quota.value_max] = 'v';
    big[st.quota.value_max + 1] = '\0';
    EXPECT_ERR(write_val(1, 0, "toobig", big), "ENOSPC");
    EXPECT_OK(write_val(0, 0, "/local/domain/1/dom0big", big));    /* dom0 unlimited */
    st.quota.nodes = 5;                 /* home + fits + dom0big are dom1's */
    EXPECT_OK(write_val(1, 0, "n1", ""));
    EXPECT_OK(write_val(1, 0, "n2", ""));
    EXPECT_ERR(write_val(1, 0, "n3", ""), "ENOSPC");
    EXPECT_ERR(send(1, XS_MKDIR, 0, "n3", NULL), "ENOSPC");
    EXPECT_OK(send(1, XS_RM, 0, "n2", NULL));
    EXPECT_OK(write_val(1, 0, "n3", ""));
    st.quota.watches = 2;
    EXPECT_OK(send(1, XS_WATCH, 0, "n1", "a"));
    EXPECT_OK(send(1, XS_WATCH, 0, "n1", "b"));
    EXPECT_ERR(send(1, XS_WATCH, 0, "n1", "c"), "E2BIG");
    st.quota.transactions = 1;
    tx_start(1);
    EXPECT_ERR(send(1, XS_TRANSACTION_START, 0, "", NULL), "ENOSPC");
    st.quota.events = 3;                /* a reader that never reads */
    for (int i = 0; i < 10; i++)
        EXPECT_OK(write_val(1, 0, "n1", "x"));
    CHECK_EQ(xs_event_count(&st, 1), 3);
    EXPECT_ERR(send_raw(1, XS_SET_PERMS, 0, "n1\0n1\0r2\0r3\0r4\0r5\0r6", 21), "ENOSPC");
    teardown();
}

TEST(malformed_messages_get_errors)
{
    struct xsd_sockmsg h = { XS_READ, 5, 0, 10 };
    uint8_t msg[64];
    char path[XENSTORE_ABS_PATH_MAX + 16];

    setup();
    /* Shorter than a header, and a length that disagrees with the message. */
    CHECK_EQ(xs_handle(&st, 1, "abc", 3, rbuf, sizeof(rbuf)), 16 + 7);
    CHECK_EQ(rhdr->type, XS_ERROR);
    CHECK_STR_EQ(rbody, "EINVAL");
    memcpy(msg, &h, sizeof(h));
    memcpy(msg + sizeof(h), "/a\0", 3);
    CHECK_EQ(xs_handle(&st, 1, msg, sizeof(h) + 3, rbuf, sizeof(rbuf)), 16 + 7);
    CHECK_EQ(rhdr->req_id, 5);
    CHECK_STR_EQ(rbody, "EINVAL");
    h.len = XENSTORE_PAYLOAD_MAX + 1;
    memcpy(msg, &h, sizeof(h));
    CHECK_EQ(xs_handle(&st, 1, msg, sizeof(h), rbuf, sizeof(rbuf)), 16 + 7);
    CHECK_STR_EQ(rbody, "EINVAL");
    CHECK_EQ(xs_handle(&st, 1, msg, sizeof(h), rbuf, 100), 0);  /* no room */
    EXPECT_ERR(send(0, 99, 0, "/", NULL), "EINVAL");            /* unknown type */
    EXPECT_ERR(send(0, XS_WATCH_EVENT, 0, "/", "t"), "EINVAL"); /* a reply type */
    EXPECT_ERR(send(0, XS_ERROR, 0, "/", NULL), "EINVAL");
    EXPECT_ERR(send(0, XS_DIRECTORY_PART, 0, "/", "0"), "ENOSYS");
    EXPECT_ERR(send_raw(0, XS_READ, 0, "/a", 2), "EINVAL");    /* no NUL */
    EXPECT_ERR(send_raw(0, XS_READ, 0, "", 0), "EINVAL");      /* no args */
    EXPECT_ERR(send_raw(0, XS_WRITE, 0, "/a", 2), "EINVAL");   /* no NUL after path */
    EXPECT_ERR(send(0, XS_READ, 0, "/a", "extra"), "EINVAL");
    EXPECT_ERR(send_raw(0, XS_SET_PERMS, 0, "/\0b0\0b0\0b0\0b0\0b0\0b0\0b0\0b0\0b0\0"
                        "b0\0b0\0b0\0b0\0b0\0b0\0b0", 51), "EINVAL");  /* 17 args */
    EXPECT_ERR(send(0, XS_WATCH, 0, "/a", NULL), "EINVAL");     /* no token */
    const char *bad[] = { "", "//", "/a/", "/a//b", "/a b", "/a\x01", "/\xff",
                          "/a/./b", "@x", "a/", NULL };
    for (int i = 0; bad[i]; i++) {
        EXPECT_ERR(send(1, XS_READ, 0, bad[i], NULL), "EINVAL");
        EXPECT_ERR(write_val(0, 0, bad[i], "v"), "EINVAL");
    }
    /* Path lengths at their limits: 3072 absolute, 2048 relative. */
    memset(path, 'a', sizeof(path));
    path[0] = '/';
    path[XENSTORE_ABS_PATH_MAX] = '\0';
    EXPECT_OK(write_val(0, 0, path, "v"));
    path[XENSTORE_ABS_PATH_MAX] = 'a';
    path[XENSTORE_ABS_PATH_MAX + 1] = '\0';
    EXPECT_ERR(write_val(0, 0, path, "v"), "EINVAL");
    make_home(1);
    path[XENSTORE_REL_PATH_MAX + 2] = '\0';       /* path + 1: 2049 bytes */
    EXPECT_ERR(write_val(1, 0, path + 1, "v"), "EINVAL");
    path[XENSTORE_REL_PATH_MAX + 1] = '\0';
    EXPECT_OK(write_val(1, 0, path + 1, "v"));
    teardown();
}
