/*
 * xen_version (public/version.h): the version, the strings, the feature bits a
 * 64-bit PV Linux needs (drivers/xen/features.c), unknown sub-ops, and -EFAULT for
 * every bad buffer.
 */
#include "xtest.h"

#define CAPABILITY "xen-3.0-x86_64"

/* STR, SIZE bytes long, holds a NUL. */
static bool terminated(const char *what, const char *str, unsigned long size)
{
    if (strnlen(str, size) < size)
        return true;
    xtest_fail("%s is not NUL-terminated within its %lu bytes", what, size);
    return false;
}

static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);

    for (const char *p = list; *p; ) {
        while (*p == ' ')
            p++;
        if (strncmp(p, word, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
            return true;
        while (*p && *p != ' ')
            p++;
    }
    return false;
}

static void test_version(void)
{
    long v = hc_xen_version(XENVER_version, NULL);

    printf("version %ld.%ld\n", v >> 16, v & 0xffff);
    xtest_check(v > 0, "xen_version(version) returned %ld, expected major << 16 | minor", v);
}

static void test_strings(void)
{
    static char extra[sizeof(xen_extraversion_t)];
    static char caps[sizeof(xen_capabilities_info_t)];
    static struct xen_compile_info info;

    memset(extra, 0xaa, sizeof(extra));
    if (expect_rc("xen_version(extraversion)", hc_xen_version(XENVER_extraversion, extra), 0)
        && terminated("extraversion", extra, sizeof(extra)))
        printf("extraversion \"%s\"\n", extra);

    memset(&info, 0xaa, sizeof(info));
    if (expect_rc("xen_version(compile_info)", hc_xen_version(XENVER_compile_info, &info), 0)
        && terminated("compile_info.compiler", info.compiler, sizeof(info.compiler))
        && terminated("compile_info.compile_by", info.compile_by, sizeof(info.compile_by))
        && terminated("compile_info.compile_domain", info.compile_domain,
                      sizeof(info.compile_domain))
        && terminated("compile_info.compile_date", info.compile_date,
                      sizeof(info.compile_date)))
        printf("compiled by \"%s\" with \"%s\" on \"%s\"\n", info.compile_by, info.compiler,
               info.compile_date);

    memset(caps, 0xaa, sizeof(caps));
    if (expect_rc("xen_version(capabilities)", hc_xen_version(XENVER_capabilities, caps), 0)
        && terminated("capabilities", caps, sizeof(caps))) {
        printf("capabilities \"%s\"\n", caps);
        xtest_check(has_word(caps, CAPABILITY), "capabilities \"%s\" do not list %s", caps,
                    CAPABILITY);
    }
}

static void test_features(void)
{
    struct xen_feature_info fi = { .submap_idx = 0, .submap = 0xdeadbeef };
    static const unsigned int must[] = { XENFEAT_mmu_pt_update_preserve_ad,
                                         XENFEAT_gnttab_map_avail_bits };
    static const unsigned int must_not[] = { XENFEAT_writable_page_tables,
                                             XENFEAT_auto_translated_physmap };

    if (expect_rc("xen_version(get_features, submap 0)",
                  hc_xen_version(XENVER_get_features, &fi), 0)) {
        printf("features submap 0: %#x\n", fi.submap);
        for (unsigned int i = 0; i < ARRAY_LEN(must); i++)
            xtest_check(fi.submap & (1U << must[i]),
                        "get_features: bit %u missing from %#x (64-bit PV Linux needs it)",
                        must[i], fi.submap);
        for (unsigned int i = 0; i < ARRAY_LEN(must_not); i++)
            xtest_check(!(fi.submap & (1U << must_not[i])),
                        "get_features: bit %u set in %#x, wrong for a PV guest", must_not[i],
                        fi.submap);
    }
    fi.submap_idx = XENFEAT_NR_SUBMAPS;
    expect_rc("xen_version(get_features) of a submap past the last",
              hc_xen_version(XENVER_get_features, &fi), -EINVAL);
}

static long version_op(uint64_t ptr, void *ctx)
{
    return hc_xen_version(*(int *)ctx, (void *)ptr);
}

static void test_bad_pointers(void)
{
    static const struct { int op; const char *name; unsigned long size; } ops[] = {
        { XENVER_extraversion, "xen_version(extraversion)", sizeof(xen_extraversion_t) },
        { XENVER_compile_info, "xen_version(compile_info)", sizeof(struct xen_compile_info) },
        { XENVER_capabilities, "xen_version(capabilities)", sizeof(xen_capabilities_info_t) },
        { XENVER_get_features, "xen_version(get_features)", sizeof(struct xen_feature_info) },
    };

    /* get_features reads submap_idx before it writes: on the read-only page (the end
     * of the L4) it reads an empty slot, 0 for a guest at VIRT_BASE 0, so the write
     * is what fails. */
    for (unsigned int i = 0; i < ARRAY_LEN(ops); i++) {
        int op = ops[i].op;
        expect_efault_for_bad_pointers(ops[i].name, version_op, &op, ops[i].size,
                                       BADPTR_WRITES);
    }
}

void test_main(void)
{
    test_version();
    test_strings();
    test_features();
    expect_rc("xen_version(99), an unknown sub-op", hc_xen_version(99, NULL), -ENOSYS);
    test_bad_pointers();
}
