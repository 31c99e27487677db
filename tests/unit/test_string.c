/*
 * xen/lib/string.c and xen/lib/parse.c: the freestanding string functions
 * against slow reference loops for every small length and alignment, and
 * the strict parsers on good and bad input.
 */
#include <limits.h>
#include <xeno/errno.h>
#include <xeno/parse.h>
#include <xeno/string.h>
#include "harness.h"

#define BUF 96

static unsigned char src_buf[BUF], dst_buf[BUF], ref_buf[BUF];

static void fill(unsigned char *b, unsigned char seed)
{
    for (int i = 0; i < BUF; i++)
        b[i] = (unsigned char)(seed + i * 7);
}

TEST(memcpy_all_alignments_and_lengths)
{
    for (size_t so = 0; so < 9; so++)
        for (size_t d = 0; d < 9; d++)
            for (size_t n = 0; n < 40; n++) {
                fill(src_buf, 1);
                fill(dst_buf, 100);
                fill(ref_buf, 100);
                for (size_t i = 0; i < n; i++)
                    ref_buf[d + i] = src_buf[so + i];
                CHECK(memcpy(dst_buf + d, src_buf + so, n) == dst_buf + d);
                CHECK(memcmp(dst_buf, ref_buf, BUF) == 0);
            }
}

TEST(memmove_overlaps_both_ways)
{
    for (size_t from = 0; from < 20; from++)
        for (size_t to = 0; to < 20; to++)
            for (size_t n = 0; n < 40; n++) {
                unsigned char tmp[BUF];

                fill(dst_buf, 3);
                fill(ref_buf, 3);
                for (size_t i = 0; i < n; i++)
                    tmp[i] = ref_buf[from + i];
                for (size_t i = 0; i < n; i++)
                    ref_buf[to + i] = tmp[i];
                CHECK(memmove(dst_buf + to, dst_buf + from, n) == dst_buf + to);
                CHECK(memcmp(dst_buf, ref_buf, BUF) == 0);
            }
}

TEST(memset_all_alignments_and_lengths)
{
    for (size_t d = 0; d < 9; d++)
        for (size_t n = 0; n < 40; n++) {
            fill(dst_buf, 5);
            fill(ref_buf, 5);
            for (size_t i = 0; i < n; i++)
                ref_buf[d + i] = 0xC7;
            CHECK(memset(dst_buf + d, 0x1C7, n) == dst_buf + d);  /* int truncates */
            CHECK(memcmp(dst_buf, ref_buf, BUF) == 0);
        }
}

TEST(memcmp_orders_as_unsigned_bytes)
{
    unsigned char a[] = { 1, 2, 0x80 }, b[] = { 1, 2, 0x7f };

    CHECK(memcmp(a, b, 2) == 0);
    CHECK(memcmp(a, b, 3) > 0);
    CHECK(memcmp(b, a, 3) < 0);
    CHECK(memcmp(a, b, 0) == 0);
}

TEST(strlen_strnlen)
{
    CHECK_EQ(strlen(""), 0);
    CHECK_EQ(strlen("hypervisor"), 10);
    CHECK_EQ(strnlen("hypervisor", 4), 4);
    CHECK_EQ(strnlen("hyp", 10), 3);
    CHECK_EQ(strnlen("hyp", 0), 0);
}

TEST(strcmp_strncmp)
{
    CHECK(strcmp("abc", "abc") == 0);
    CHECK(strcmp("abc", "abd") < 0);
    CHECK(strcmp("abd", "abc") > 0);
    CHECK(strcmp("ab", "abc") < 0);
    CHECK(strcmp("abc", "ab") > 0);
    CHECK(strcmp("\x80", "\x7f") > 0);      /* unsigned char order */
    CHECK(strcmp("", "") == 0);
    CHECK(strncmp("abcX", "abcY", 3) == 0);
    CHECK(strncmp("abcX", "abcY", 4) < 0);
    CHECK(strncmp("ab", "ab\0zz", 5) == 0);
    CHECK(strncmp("a", "b", 0) == 0);
    CHECK(strncmp("no-x", "no-", 3) == 0);
}

TEST(strchr_finds_bytes_and_terminator)
{
    const char *s = "loglvl=debug";

    CHECK(strchr(s, '=') == s + 6);
    CHECK(strchr(s, 'l') == s);
    CHECK(strchr(s, 'z') == NULL);
    CHECK(strchr(s, '\0') == s + 12);
}

TEST(strlcpy_truncates_and_reports_length)
{
    char buf[8];

    CHECK_EQ(strlcpy(buf, "short", sizeof(buf)), 5);
    CHECK_STR_EQ(buf, "short");
    CHECK_EQ(strlcpy(buf, "much too long", sizeof(buf)), 13);
    CHECK_STR_EQ(buf, "much to");
    CHECK_EQ(strlcpy(buf, "exactly", sizeof(buf)), 7);
    CHECK_STR_EQ(buf, "exactly");
    buf[0] = 'Z';
    CHECK_EQ(strlcpy(buf, "abc", 0), 3);
    CHECK_EQ(buf[0], 'Z');
    CHECK_EQ(strlcpy(buf, "abc", 1), 3);
    CHECK_STR_EQ(buf, "");
}

TEST(parse_ulong_bases)
{
    unsigned long v = 0;

    CHECK_EQ(parse_ulong("0", 0, &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(parse_ulong("1234", 0, &v), 0);
    CHECK_EQ(v, 1234);
    CHECK_EQ(parse_ulong("0x1f4", 0, &v), 0);
    CHECK_EQ(v, 500);
    CHECK_EQ(parse_ulong("0X1F4", 0, &v), 0);
    CHECK_EQ(v, 500);
    CHECK_EQ(parse_ulong("0755", 0, &v), 0);
    CHECK_EQ(v, 0755);
    CHECK_EQ(parse_ulong("ff", 16, &v), 0);
    CHECK_EQ(v, 255);
    CHECK_EQ(parse_ulong("0xff", 16, &v), 0);
    CHECK_EQ(v, 255);
    CHECK_EQ(parse_ulong("101", 2, &v), 0);
    CHECK_EQ(v, 5);
    CHECK_EQ(parse_ulong("zz", 36, &v), 0);
    CHECK_EQ(v, 35 * 36 + 35);
    CHECK_EQ(parse_ulong("18446744073709551615", 10, &v), 0);
    CHECK_EQ(v, ULONG_MAX);
}

TEST(parse_ulong_rejects_junk_and_overflow)
{
    unsigned long v = 77;
    const char *end;

    CHECK_EQ(parse_ulong("", 0, &v), -EINVAL);
    CHECK_EQ(parse_ulong("12a", 10, &v), -EINVAL);
    CHECK_EQ(parse_ulong(" 12", 10, &v), -EINVAL);
    CHECK_EQ(parse_ulong("-1", 0, &v), -EINVAL);
    CHECK_EQ(parse_ulong("0x", 0, &v), -EINVAL);  /* "0" then junk "x" */
    CHECK_EQ(parse_ulong("089", 0, &v), 0);       /* no octal digits: decimal */
    CHECK_EQ(v, 89);
    CHECK_EQ(parse_ulong("12", 1, &v), -EINVAL);
    CHECK_EQ(parse_ulong("12", 37, &v), -EINVAL);
    v = 77;
    CHECK_EQ(parse_ulong("18446744073709551616", 10, &v), -ERANGE);
    CHECK_EQ(parse_ulong_prefix("99999999999999999999999x", &end, 0, &v),
             -ERANGE);
    CHECK_EQ(v, ULONG_MAX);
    CHECK_EQ(*end, 'x');
    CHECK_EQ(parse_ulong_prefix("42,7", &end, 0, &v), 0);
    CHECK_EQ(v, 42);
    CHECK_EQ(*end, ',');
    CHECK_EQ(parse_ulong_prefix("q", &end, 0, &v), -EINVAL);
    CHECK_EQ(*end, 'q');
    CHECK_EQ(parse_ulong_prefix("0xg", &end, 0, &v), 0);
    CHECK_EQ(v, 0);
    CHECK_EQ(*end, 'x');
}

TEST(parse_size_suffixes)
{
    unsigned long v = 0;

    CHECK_EQ(parse_size("4096", &v), 0);
    CHECK_EQ(v, 4096);
    CHECK_EQ(parse_size("4k", &v), 0);
    CHECK_EQ(v, 4096);
    CHECK_EQ(parse_size("256M", &v), 0);
    CHECK_EQ(v, 256UL << 20);
    CHECK_EQ(parse_size("0x2G", &v), 0);
    CHECK_EQ(v, 2UL << 30);
    CHECK_EQ(parse_size("3t", &v), 0);
    CHECK_EQ(v, 3UL << 40);
    CHECK_EQ(parse_size("1KB", &v), -EINVAL);
    CHECK_EQ(parse_size("1P", &v), -EINVAL);
    CHECK_EQ(parse_size("M", &v), -EINVAL);
    CHECK_EQ(parse_size("17179869184G", &v), -ERANGE);
}

TEST(parse_bool_words)
{
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };

    for (unsigned int i = 0; i < 5; i++) {
        CHECK_EQ(parse_bool(yes[i]), 1);
        CHECK_EQ(parse_bool(no[i]), 0);
    }
    CHECK_EQ(parse_bool(""), -EINVAL);
    CHECK_EQ(parse_bool("YES"), -EINVAL);
    CHECK_EQ(parse_bool("2"), -EINVAL);
    CHECK_EQ(parse_bool("onn"), -EINVAL);
}
