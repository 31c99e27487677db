/*
 * xen/domain_config.c: the shared table of good and bad configs (each
 * message checked whole: file, line and key), the length limits at their
 * boundaries, small error buffers, and random input that must neither
 * crash nor read past the text (each text sits in a heap block of exactly
 * its length, so ASan sees any overread).
 */
#include <stdlib.h>
#include <xeno/domain_config.h>
#include <xeno/errno.h>
#include <xeno/string.h>
#include "harness.h"

struct cfg_case {
    const char *text;
    size_t len;
    const char *error;              /* NULL: the text must parse */
    const char *name, *type;
    unsigned long memory;
    unsigned int vcpus;
    const char *kernel, *ramdisk, *cmdline;
    bool sched;                     /* a SCHED case: only the scheduling keys below */
    unsigned int weight;
    unsigned long warp_us, warp_limit_us, unwarp_us;
    uint64_t cpus;
    bool priv_case;                 /* a PRIV case: only `privileged` */
    bool privileged;
};

#define OK(t, n, ty, m, v, k, r, c) { t, sizeof(t) - 1, NULL, n, ty, m, v, k, r, c, \
                                      false, 0, 0, 0, 0, 0, false, false },
#define BAD(t, e) { t, sizeof(t) - 1, e, NULL, NULL, 0, 0, NULL, NULL, NULL, false, 0, 0, 0, 0, \
                    0, false, false },
#define SCHED(t, w, wp, wl, uw, c) { t, sizeof(t) - 1, NULL, NULL, NULL, 0, 0, NULL, NULL, \
                                     NULL, true, w, wp, wl, uw, c, false, false },
#define PRIV(t, p) { t, sizeof(t) - 1, NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, false, 0, 0, \
                     0, 0, 0, true, p },
static const struct cfg_case cases[] = {
#include "domain_config_cases.h"
};
#undef OK
#undef BAD
#undef SCHED
#undef PRIV

static char err[256];

/* Parse a private copy of exactly len bytes. */
static int parse(const char *text, size_t len, const char *source, struct domain_config *cfg)
{
    char *copy = malloc(len ? len : 1);
    int rc;

    CHECK(copy != NULL);
    memcpy(copy, text, len);
    rc = domain_config_parse(copy, len, source, cfg, err, sizeof(err));
    free(copy);
    return rc;
}

TEST(table_of_good_and_bad_configs)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct cfg_case *c = &cases[i];
        struct domain_config cfg;
        int rc = parse(c->text, c->len, "t.cfg", &cfg);

        if (c->error) {
            CHECK_EQ(rc, -EINVAL);
            CHECK_STR_EQ(err, c->error);
            CHECK_STR_EQ(cfg.name, "");          /* nothing half-filled */
            CHECK_EQ(cfg.memory_mib, 0);
            continue;
        }
        if (rc)
            test_fail(__FILE__, __LINE__, "case %zu refused: %s", i, err);
        CHECK_EQ(rc, 0);
        CHECK_STR_EQ(err, "");
        if (c->priv_case) {
            CHECK_EQ(cfg.privileged, c->privileged);
            continue;
        }
        if (c->sched) {
            CHECK_EQ(cfg.weight, c->weight);
            CHECK_EQ(cfg.warp_us, c->warp_us);
            CHECK_EQ(cfg.warp_limit_us, c->warp_limit_us);
            CHECK_EQ(cfg.unwarp_us, c->unwarp_us);
            CHECK_EQ(cfg.cpus, c->cpus);
            continue;
        }
        CHECK_STR_EQ(cfg.name, c->name);
        CHECK_STR_EQ(domain_type_name(cfg.type), c->type);
        CHECK_EQ(cfg.memory_mib, c->memory);
        CHECK_EQ(cfg.vcpus, c->vcpus);
        CHECK_STR_EQ(cfg.kernel, c->kernel);
        CHECK_STR_EQ(cfg.ramdisk, c->ramdisk);
        CHECK_STR_EQ(cfg.cmdline, c->cmdline);
    }
}

static size_t build(char *buf, const char *head, size_t fill, char fill_char, const char *tail)
{
    size_t n = 0;

    for (const char *p = head; *p; p++)
        buf[n++] = *p;
    for (size_t i = 0; i < fill; i++)
        buf[n++] = fill_char;
    for (const char *p = tail; *p; p++)
        buf[n++] = *p;
    return n;
}

TEST(cmdline_and_image_lengths_at_their_limits)
{
    static char buf[4096];
    struct domain_config cfg;
    size_t n;

    n = build(buf, "name='a'\nmemory=1\nkernel='k'\ncmdline='", 1023, 'c', "'\n");
    CHECK_EQ(parse(buf, n, "t.cfg", &cfg), 0);
    CHECK_EQ(strlen(cfg.cmdline), 1023);
    n = build(buf, "name='a'\nmemory=1\nkernel='k'\ncmdline='", 1024, 'c', "'\n");
    CHECK_EQ(parse(buf, n, "t.cfg", &cfg), -EINVAL);
    CHECK_STR_EQ(err, "t.cfg:4: key 'cmdline' is longer than 1023 characters");
    n = build(buf, "name='a'\nmemory=1\nextra='", 1024, 'c', "'\n");
    CHECK_EQ(parse(buf, n, "t.cfg", &cfg), -EINVAL);
    CHECK_STR_EQ(err, "t.cfg:3: key 'extra' is longer than 1023 characters");

    n = build(buf, "name='a'\nmemory=1\nkernel='", 127, 'k', "'");
    CHECK_EQ(parse(buf, n, "t.cfg", &cfg), 0);
    CHECK_EQ(strlen(cfg.kernel), 127);
    n = build(buf, "name='a'\nmemory=1\nkernel='k'\nramdisk='", 128, 'r', "'");
    CHECK_EQ(parse(buf, n, "t.cfg", &cfg), -EINVAL);
    CHECK_STR_EQ(err, "t.cfg:4: key 'ramdisk' must be 1-127 characters of "
                      "A-Z a-z 0-9 _ . + / -");
}

TEST(line_length_limit)
{
    static char buf[4096];
    struct domain_config cfg;
    size_t n;

    /* A comment line of exactly 2048 bytes, even with CRLF, is fine... */
    n = build(buf, "#", 2047, 'x', "\r\nname='a'\nmemory=1\nkernel='k'\n");
    CHECK_EQ(parse(buf, n, "t.cfg", &cfg), 0);
    /* ...and one byte more is not, even as the last line without an end. */
    n = build(buf, "name='a'\n#", 2048, 'x', "");
    CHECK_EQ(parse(buf, n, "t.cfg", &cfg), -EINVAL);
    CHECK_STR_EQ(err, "t.cfg:2: line longer than 2048 bytes");
}

TEST(text_is_bounded_by_len_not_by_nul)
{
    static const char text[] = "name='a'\nmemory=12\nkernel='k'\nvcpus=3";
    struct domain_config cfg;

    /* Cut inside "vcpus=3": the parse sees "vcpus=" only. */
    CHECK_EQ(parse(text, sizeof(text) - 2, "t.cfg", &cfg), -EINVAL);
    CHECK_STR_EQ(err, "t.cfg:4: key 'vcpus' has no value");
    /* Cut inside "memory=12": no kernel line at all. */
    CHECK_EQ(parse(text, 17, "t.cfg", &cfg), -EINVAL);
    CHECK_STR_EQ(err, "t.cfg: missing key 'kernel'");
    CHECK_EQ(parse(text, 29, "t.cfg", &cfg), 0);
    CHECK_EQ(cfg.memory_mib, 12);
    CHECK_EQ(cfg.vcpus, 1);
}

TEST(small_and_missing_error_buffers)
{
    static const char text[] = "bogus = 1\n";
    struct domain_config cfg;
    char small[8];

    CHECK_EQ(domain_config_parse(text, sizeof(text) - 1, "t.cfg", &cfg, small,
                                 sizeof(small)), -EINVAL);
    CHECK_STR_EQ(small, "t.cfg:1");
    CHECK_EQ(domain_config_parse(text, sizeof(text) - 1, "a-much-longer-name.cfg", &cfg,
                                 small, sizeof(small)), -EINVAL);
    CHECK_STR_EQ(small, "a-much-");
    CHECK_EQ(domain_config_parse(text, sizeof(text) - 1, "t.cfg", &cfg, NULL, 0), -EINVAL);
    CHECK_EQ(domain_config_parse(text, sizeof(text) - 1, NULL, &cfg, err, sizeof(err)),
             -EINVAL);
    CHECK_STR_EQ(err, "(config):1: unknown key 'bogus'");
}

static bool only_chars(const char *s, const char *allowed)
{
    for (; *s; s++) {
        bool ok = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                  (*s >= '0' && *s <= '9');

        for (const char *a = allowed; !ok && *a; a++)
            ok = *s == *a;
        if (!ok)
            return false;
    }
    return true;
}

static void check_outcome(int rc, const struct domain_config *cfg)
{
    if (rc == 0) {
        CHECK(strnlen(cfg->name, sizeof(cfg->name)) >= 1);
        CHECK(only_chars(cfg->name, "_.-"));
        CHECK(cfg->type == DOMAIN_PV);
        CHECK(cfg->memory_mib >= 1 && cfg->memory_mib <= DOMAIN_MEMORY_MAX_MIB);
        CHECK(cfg->vcpus >= 1 && cfg->vcpus <= DOMAIN_VCPUS_MAX);
        CHECK(strnlen(cfg->kernel, sizeof(cfg->kernel)) >= 1);
        CHECK(only_chars(cfg->kernel, "_.+/-"));
        CHECK(only_chars(cfg->ramdisk, "_.+/-"));
        CHECK(strnlen(cfg->cmdline, sizeof(cfg->cmdline)) < sizeof(cfg->cmdline));
        CHECK_STR_EQ(err, "");
    } else {
        CHECK_EQ(rc, -EINVAL);
        CHECK(test_contains(err, "fz.cfg"));
        CHECK(!test_contains(err, "\n"));
        CHECK(strlen(err) > 8);
    }
}

/* Bytes a config is made of, plus some that it must not contain. */
static const char alphabet[] = "name=memory vcpus kernel ramdisk cmdline extra type "
                               "'\"#\r\n\t0x123456789abcdefpv_.-/+";

TEST(random_text_never_crashes)
{
    static char buf[512];
    struct domain_config cfg;

    for (int iter = 0; iter < 200000; iter++) {
        size_t len = test_rand() % sizeof(buf);

        for (size_t i = 0; i < len; i++)
            buf[i] = (test_rand() % 8) ? alphabet[test_rand() % (sizeof(alphabet) - 1)]
                                       : (char)test_rand();
        check_outcome(parse(buf, len, "fz.cfg", &cfg), &cfg);
    }
}

TEST(mutated_good_configs_never_crash)
{
    static char buf[600];
    struct domain_config cfg;
    const struct cfg_case *base = &cases[2];     /* the one with every key */

    for (int iter = 0; iter < 200000; iter++) {
        size_t len = base->len;

        memcpy(buf, base->text, len);
        for (int m = 1 + (int)(test_rand() % 4); m > 0; m--) {
            size_t at = test_rand() % len;

            switch (test_rand() % 3) {
            case 0:     /* replace a byte */
                buf[at] = (test_rand() % 2) ? alphabet[test_rand() % (sizeof(alphabet) - 1)]
                                            : (char)test_rand();
                break;
            case 1:     /* cut the text short */
                len = at + 1;
                break;
            default:    /* duplicate a byte */
                if (len < sizeof(buf)) {
                    memmove(buf + at + 1, buf + at, len - at);
                    len++;
                }
                break;
            }
        }
        check_outcome(parse(buf, len, "fz.cfg", &cfg), &cfg);
    }
}
