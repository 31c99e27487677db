/*
 * xen/lib/vsnprintf.c: a table of formats with the exact expected text,
 * truncation and the return value, and a randomized comparison with the
 * host C library for every conversion, flag, width, precision and length
 * modifier both support.
 */
#include <stdint.h>
#include <xeno/vsnprintf.h>
#include "harness.h"

/*
 * The format goes through a volatile pointer: GCC's format checker would
 * otherwise reject the deliberately odd combinations tested here.
 */
#define CHECK_FMT(expect, fmt, ...) do {                                      \
    char _buf[256];                                                           \
    const char *volatile _fmt = (fmt);                                        \
    int _n = snprintf(_buf, sizeof(_buf), _fmt, ##__VA_ARGS__);               \
    CHECK_STR_EQ(_buf, expect);                                               \
    CHECK_EQ(_n, test_strlen(expect));                                        \
} while (0)

TEST(integers)
{
    CHECK_FMT("0", "%d", 0);
    CHECK_FMT("-42", "%d", -42);
    CHECK_FMT("42", "%i", 42);
    CHECK_FMT("4294967295", "%u", 4294967295U);
    CHECK_FMT("-2147483648", "%d", (int)-2147483647 - 1);
    CHECK_FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
    CHECK_FMT("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
    CHECK_FMT("ffffffffffffffff", "%lx", ~0UL);
    CHECK_FMT("DEADBEEF", "%X", 0xdeadbeefU);
    CHECK_FMT("deadbeef", "%x", 0xdeadbeefU);
    CHECK_FMT("777", "%o", 0777U);
    CHECK_FMT("12345678901", "%zu", (size_t)12345678901ULL);
    CHECK_FMT("-5", "%zd", (size_t)-5);
    CHECK_FMT("-7", "%td", (ptrdiff_t)-7);
    CHECK_FMT("-1", "%jd", (intmax_t)-1);
}

TEST(length_modifiers_truncate)
{
    CHECK_FMT("-1", "%hhd", 255);
    CHECK_FMT("255", "%hhu", -1);
    CHECK_FMT("-1", "%hd", 65535);
    CHECK_FMT("ffff", "%hx", -1);
    CHECK_FMT("4294967295", "%u", -1);
}

TEST(width_padding_and_flags)
{
    CHECK_FMT("   42", "%5d", 42);
    CHECK_FMT("42   |", "%-5d|", 42);
    CHECK_FMT("00042", "%05d", 42);
    CHECK_FMT("-0042", "%05d", -42);
    CHECK_FMT("+42", "%+d", 42);
    CHECK_FMT(" 42", "% d", 42);
    CHECK_FMT("+0042", "%+05d", 42);
    CHECK_FMT("42   ", "%-05d", 42);            /* '-' beats '0' */
    CHECK_FMT("  042", "%5.3d", 42);            /* precision beats '0' */
    CHECK_FMT("  042", "%05.3d", 42);
    CHECK_FMT("", "%.0d", 0);
    CHECK_FMT("    ", "%4.0u", 0);
    CHECK_FMT("   42", "%*d", 5, 42);
    CHECK_FMT("42   |", "%*d|", -5, 42);
    CHECK_FMT("00042", "%.*d", 5, 42);
    CHECK_FMT("42", "%.*d", -1, 42);            /* negative precision: none */
    CHECK_FMT("0x00ff", "%#06x", 255);
    CHECK_FMT("0XFF", "%#X", 255);
    CHECK_FMT("0", "%#x", 0);                   /* no prefix for zero */
    CHECK_FMT("017", "%#o", 017);
    CHECK_FMT("0", "%#o", 0);
    CHECK_FMT("0", "%#.0o", 0);
    CHECK_FMT("00017", "%#.5o", 017);
}

TEST(chars_strings_percent)
{
    CHECK_FMT("x", "%c", 'x');
    CHECK_FMT("  x|x  ", "%3c|%-3c", 'x', 'x');
    CHECK_FMT("hello", "%s", "hello");
    const char *volatile null_string = NULL;   /* hidden from the checker */

    CHECK_FMT("(null)", "%s", null_string);
    CHECK_FMT("  abc", "%5s", "abc");
    CHECK_FMT("abc  |", "%-5s|", "abc");
    CHECK_FMT("ab", "%.2s", "abc");
    CHECK_FMT("   ab", "%5.2s", "abc");
    CHECK_FMT("abc", "%.10s", "abc");
    CHECK_FMT("a", "%.*s", 1, "abc");
    CHECK_FMT("100%", "%d%%", 100);
    CHECK_FMT("%", "%%");
}

TEST(precision_reads_no_further_than_needed)
{
    char unterminated[3] = { 'a', 'b', 'c' };   /* ASan checks the bound */

    CHECK_FMT("abc", "%.3s", unterminated);
}

TEST(pointers)
{
    CHECK_FMT("0x0000000000000000", "%p", (void *)0);
    CHECK_FMT("0xffff82d080200000", "%p", (void *)0xffff82d080200000UL);
    CHECK_FMT("0x00000000deadbeef", "%p", (void *)0xdeadbeefUL);
    CHECK_FMT("  0x0000000000001000", "%20p", (void *)0x1000UL);
    CHECK_FMT("0x0000000000001000  |", "%-20p|", (void *)0x1000UL);
}

TEST(unknown_conversions_are_copied)
{
    char buf[64];

    /* Formats in volatile pointers, hidden from GCC's format checker. */
    const char *volatile q = "a%qb";
    const char *volatile n = "%5n";
    const char *volatile end = "x%";
    const char *volatile end2 = "x%-0";
    const char *volatile f = "%f";

    CHECK_EQ(snprintf(buf, sizeof(buf), q), 4);
    CHECK_STR_EQ(buf, "a%qb");
    CHECK_EQ(snprintf(buf, sizeof(buf), n), 3);
    CHECK_STR_EQ(buf, "%5n");
    CHECK_EQ(snprintf(buf, sizeof(buf), end), 2);
    CHECK_STR_EQ(buf, "x%");
    CHECK_EQ(snprintf(buf, sizeof(buf), end2), 4);
    CHECK_STR_EQ(buf, "x%-0");
    CHECK_EQ(snprintf(buf, sizeof(buf), f), 2);
    CHECK_STR_EQ(buf, "%f");
}

TEST(truncation_terminates_and_counts)
{
    char buf[8];

    for (unsigned int i = 0; i < sizeof(buf); i++)
        buf[i] = 'Z';
    CHECK_EQ(snprintf(buf, 6, "%s-%d", "abcd", 1234), 9);
    CHECK_STR_EQ(buf, "abcd-");
    CHECK_EQ(buf[6], 'Z');                      /* nothing past size */
    CHECK_EQ(snprintf(buf, 1, "abc"), 3);
    CHECK_STR_EQ(buf, "");
    buf[0] = 'Q';
    CHECK_EQ(snprintf(buf, 0, "abc"), 3);       /* size 0: writes nothing */
    CHECK_EQ(buf[0], 'Q');
    CHECK_EQ(snprintf(NULL, 0, "%d", 12345), 5);
    CHECK_EQ(snprintf(buf, sizeof(buf), "%s", ""), 0);
    CHECK_STR_EQ(buf, "");
}

TEST(huge_width_is_capped)
{
    char buf[8];
    /* Formats in variables: GCC would reject the constants as overflows. */
    const char *volatile huge = "%99999999999d";
    const char *volatile star = "%*d";

    CHECK_EQ(snprintf(buf, sizeof(buf), huge, 1), 4096);
    CHECK_STR_EQ(buf, "       ");
    CHECK_EQ(snprintf(buf, sizeof(buf), star, -2147483647 - 1, 1), 4096);
    CHECK_STR_EQ(buf, "1      ");
}

/* Random formats, checked against the host C library. */
static const char *const flag_sets[] = { "", "-", "0", "#", "+", " ", "-#",
                                         "0#", "+0", " -", "-0+#" };
static const char *const widths[] = { "", "1", "5", "12", "25" };
static const char *const precisions[] = { "", ".", ".0", ".1", ".4", ".20" };

static void compare_one(const char *fmt, char conv, const char *len,
                        uint64_t value)
{
    char ours[128], host[128];
    int n_ours = 0, n_host = 0;

    if (conv == 'd' || conv == 'i') {
        if (!*len) {
            n_ours = snprintf(ours, sizeof(ours), fmt, (int)value);
            n_host = host_snprintf(host, sizeof(host), fmt, (int)value);
        } else if (len[0] == 'h' && len[1] == 'h') {
            n_ours = snprintf(ours, sizeof(ours), fmt, (signed char)value);
            n_host = host_snprintf(host, sizeof(host), fmt, (signed char)value);
        } else if (len[0] == 'h') {
            n_ours = snprintf(ours, sizeof(ours), fmt, (short)value);
            n_host = host_snprintf(host, sizeof(host), fmt, (short)value);
        } else {
            n_ours = snprintf(ours, sizeof(ours), fmt, (long long)value);
            n_host = host_snprintf(host, sizeof(host), fmt, (long long)value);
        }
    } else if (conv == 's') {
        static const char *const strs[] = { "", "x", "hello", "a longer string" };
        const char *s = strs[value % 4];

        n_ours = snprintf(ours, sizeof(ours), fmt, s);
        n_host = host_snprintf(host, sizeof(host), fmt, s);
    } else if (conv == 'c') {
        n_ours = snprintf(ours, sizeof(ours), fmt, (int)('a' + value % 26));
        n_host = host_snprintf(host, sizeof(host), fmt, (int)('a' + value % 26));
    } else if (!*len) {
        n_ours = snprintf(ours, sizeof(ours), fmt, (unsigned int)value);
        n_host = host_snprintf(host, sizeof(host), fmt, (unsigned int)value);
    } else if (len[0] == 'h' && len[1] == 'h') {
        n_ours = snprintf(ours, sizeof(ours), fmt, (unsigned char)value);
        n_host = host_snprintf(host, sizeof(host), fmt, (unsigned char)value);
    } else if (len[0] == 'h') {
        n_ours = snprintf(ours, sizeof(ours), fmt, (unsigned short)value);
        n_host = host_snprintf(host, sizeof(host), fmt, (unsigned short)value);
    } else {
        n_ours = snprintf(ours, sizeof(ours), fmt, (unsigned long long)value);
        n_host = host_snprintf(host, sizeof(host), fmt, (unsigned long long)value);
    }
    if (n_ours != n_host || !test_streq(ours, host))
        test_fail(__FILE__, __LINE__, "format \"%s\" value %#llx: ours \"%s\" "
                  "(%d), host \"%s\" (%d)", fmt, (unsigned long long)value,
                  ours, n_ours, host, n_host);
}

/* Host printf leaves some combinations undefined or GNU-specific. */
static bool defined_in_c(char conv, const char *flags, const char *prec)
{
    bool hash = false, zero = false;

    for (const char *f = flags; *f; f++) {
        hash |= *f == '#';
        zero |= *f == '0';
    }
    if ((conv == 's' || conv == 'c') && zero)
        return false;
    if (hash && conv != 'x' && conv != 'X' && conv != 'o')
        return false;
    if (conv == 'c' && *prec)
        return false;
    return true;
}

TEST(matches_host_printf)
{
    static const char convs[] = "diuxXosc";
    static const char *const lens[] = { "", "hh", "h", "ll" };
    unsigned int compared = 0;

    for (unsigned int round = 0; round < 20000; round++) {
        uint64_t r = test_rand();
        char conv = convs[r % 8];
        const char *flags = flag_sets[(r >> 3) % 11];
        const char *width = widths[(r >> 7) % 5];
        const char *prec = precisions[(r >> 10) % 6];
        const char *len = (conv == 's' || conv == 'c') ? "" : lens[(r >> 13) % 4];
        uint64_t value = test_rand();
        char fmt[32];

        if (!defined_in_c(conv, flags, prec))
            continue;
        switch (test_rand() % 4) {      /* favour interesting values */
        case 0: value &= 0xff; break;
        case 1: value = (uint64_t)-(int64_t)(value & 0xffff); break;
        case 2: value = 0; break;
        default: break;
        }
        host_snprintf(fmt, sizeof(fmt), "[%%%s%s%s%s%c]", flags, width, prec,
                      len, conv);
        compare_one(fmt, conv, len, value);
        compared++;
    }
    CHECK(compared > 10000);
}
