/*
 * xen/cmdline.c: options registered in this file (and console.c's, from
 * another translation unit) set by cmdline_parse: booleans, numbers,
 * sizes, strings, custom handlers, no-NAME, quotes, the exact warning for
 * unknown options, bad values, and hostile input that must not crash.
 */
#include <xeno/cmdline.h>
#include <xeno/console.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/string.h>
#include "harness.h"
#include "stubs/stub.h"

static bool opt_flag;
CMDLINE_PARAM_BOOL("flag", opt_flag);
static bool opt_default_on = true;
CMDLINE_PARAM_BOOL("default_on", opt_default_on);
static unsigned int opt_count;
CMDLINE_PARAM_UINT("count", opt_count);
static unsigned long opt_big;
CMDLINE_PARAM_UINT("big", opt_big);
static unsigned long opt_mem;
CMDLINE_PARAM_SIZE("mem", opt_mem);
static char opt_name[8];
CMDLINE_PARAM_STR("name", opt_name);

static char mode_seen[CMDLINE_TOKEN_MAX];
static unsigned int mode_calls;

static int parse_mode(const char *value)
{
    mode_calls++;
    strlcpy(mode_seen, value, sizeof(mode_seen));
    return strcmp(value, "bad") ? 0 : -EINVAL;
}
CMDLINE_PARAM_CUSTOM("mode", parse_mode);

static void reset(void)
{
    opt_flag = false;
    opt_default_on = true;
    opt_count = 0;
    opt_big = 0;
    opt_mem = 0;
    strlcpy(opt_name, "init", sizeof(opt_name));
    mode_seen[0] = '\0';
    mode_calls = 0;
    console_set_loglevel(LOG_LEVEL_INFO);
    console_set_sink_enabled(true);
    stub_console_reset();
}

static const char *output(void)
{
    return stub_console_output();
}

TEST(booleans)
{
    reset();
    cmdline_parse("flag");
    CHECK(opt_flag);
    cmdline_parse("flag=0");
    CHECK(!opt_flag);
    cmdline_parse("flag=yes");
    CHECK(opt_flag);
    cmdline_parse("no-flag");
    CHECK(!opt_flag);
    cmdline_parse("no-default_on");
    CHECK(!opt_default_on);
    cmdline_parse("default_on=on");
    CHECK(opt_default_on);
    CHECK_STR_EQ(output(), "");
}

TEST(bad_booleans_warn_and_keep_the_value)
{
    reset();
    cmdline_parse("flag=maybe");
    CHECK(!opt_flag);
    CHECK_STR_EQ(output(),
                 "warning: bad value 'maybe' for command-line option 'flag'\n");
    stub_console_reset();
    cmdline_parse("no-default_on=1");
    CHECK(opt_default_on);
    CHECK_STR_EQ(output(),
                 "warning: bad value '1' for command-line option 'no-default_on'\n");
}

TEST(numbers)
{
    reset();
    cmdline_parse("count=42 big=18446744073709551615 mem=256M");
    CHECK_EQ(opt_count, 42);
    CHECK_EQ(opt_big, ~0UL);
    CHECK_EQ(opt_mem, 256UL << 20);
    cmdline_parse("count=0x10 mem=4096");
    CHECK_EQ(opt_count, 16);
    CHECK_EQ(opt_mem, 4096);
    cmdline_parse("count=1 count=2");
    CHECK_EQ(opt_count, 2);                     /* the last one wins */
    CHECK_STR_EQ(output(), "");
}

TEST(bad_numbers_warn_and_keep_the_value)
{
    reset();
    opt_count = 9;
    cmdline_parse("count=4294967296");
    cmdline_parse("count=12abc");
    cmdline_parse("count=");
    cmdline_parse("count");
    cmdline_parse("mem=12Q");
    cmdline_parse("big=18446744073709551616");
    CHECK_EQ(opt_count, 9);
    CHECK_EQ(opt_mem, 0);
    CHECK_EQ(opt_big, 0);
    CHECK_STR_EQ(output(),
        "warning: bad value '4294967296' for command-line option 'count'\n"
        "warning: bad value '12abc' for command-line option 'count'\n"
        "warning: bad value '' for command-line option 'count'\n"
        "warning: bad value '' for command-line option 'count'\n"
        "warning: bad value '12Q' for command-line option 'mem'\n"
        "warning: bad value '18446744073709551616' for command-line option 'big'\n");
}

TEST(strings)
{
    reset();
    cmdline_parse("name=abc");
    CHECK_STR_EQ(opt_name, "abc");
    cmdline_parse("name=\"a b c\"");
    CHECK_STR_EQ(opt_name, "a b c");
    cmdline_parse("name=1234567");             /* exactly fits 8 bytes */
    CHECK_STR_EQ(opt_name, "1234567");
    cmdline_parse("name=");
    CHECK_STR_EQ(opt_name, "");
    cmdline_parse("name=x=y");
    CHECK_STR_EQ(opt_name, "x=y");
    CHECK_STR_EQ(output(), "");
    cmdline_parse("name=12345678");
    CHECK_STR_EQ(opt_name, "x=y");
    CHECK_STR_EQ(output(),
                 "warning: bad value '12345678' for command-line option 'name'\n");
}

TEST(custom_handlers)
{
    reset();
    cmdline_parse("mode=fast");
    CHECK_EQ(mode_calls, 1);
    CHECK_STR_EQ(mode_seen, "fast");
    cmdline_parse("mode");
    CHECK_EQ(mode_calls, 2);
    CHECK_STR_EQ(mode_seen, "");
    CHECK_STR_EQ(output(), "");
    cmdline_parse("mode=bad");
    CHECK_STR_EQ(output(),
                 "warning: bad value 'bad' for command-line option 'mode'\n");
}

TEST(unknown_options_warn_exactly)
{
    reset();
    cmdline_parse("bogus flag");
    CHECK(opt_flag);                            /* parsing went on */
    CHECK_STR_EQ(output(), "warning: unknown command-line option 'bogus'\n");
    stub_console_reset();
    cmdline_parse("bogus=1 fla flagx no-count no-bogus =5 no-");
    CHECK_STR_EQ(output(),
                 "warning: unknown command-line option 'bogus'\n"
                 "warning: unknown command-line option 'fla'\n"
                 "warning: unknown command-line option 'flagx'\n"
                 "warning: unknown command-line option 'no-count'\n"
                 "warning: unknown command-line option 'no-bogus'\n"
                 "warning: unknown command-line option ''\n"
                 "warning: unknown command-line option 'no-'\n");
}

TEST(options_of_other_files_are_found)
{
    reset();
    cmdline_parse("loglvl=debug");
    CHECK_EQ(console_get_loglevel(), LOG_LEVEL_DEBUG);
    cmdline_parse("loglvl=info");
    CHECK_STR_EQ(output(), "");
}

TEST(whitespace_and_quotes)
{
    reset();
    cmdline_parse("  \tflag\n count=3\r\v\fname=\"x  y\"   ");
    CHECK(opt_flag);
    CHECK_EQ(opt_count, 3);
    CHECK_STR_EQ(opt_name, "x  y");
    cmdline_parse("\"no-flag\" \"count=4\" na\"me\"=q");
    CHECK(!opt_flag);
    CHECK_EQ(opt_count, 4);
    CHECK_STR_EQ(opt_name, "q");
    CHECK_STR_EQ(output(), "");
}

TEST(unterminated_quote_warns_and_takes_the_rest)
{
    reset();
    cmdline_parse("count=7 name=\"ab");
    CHECK_EQ(opt_count, 7);
    CHECK_STR_EQ(opt_name, "ab");
    CHECK_STR_EQ(output(),
                 "warning: unterminated quote in command-line option 'name=ab'\n");
}

TEST(cmdline_get_keeps_a_copy)
{
    char line[CMDLINE_MAX + 100];

    reset();
    cmdline_parse("flag count=5");
    CHECK_STR_EQ(cmdline_get(), "flag count=5");
    cmdline_parse(NULL);
    CHECK_STR_EQ(cmdline_get(), "");

    /* Too long to keep: the start is kept, every option still applies. */
    memset(line, ' ', sizeof(line));
    memcpy(line + CMDLINE_MAX + 50, "count=6", 7);
    line[sizeof(line) - 1] = '\0';
    cmdline_parse(line);
    CHECK_EQ(opt_count, 6);
    CHECK_EQ(test_strlen(cmdline_get()), CMDLINE_MAX - 1);
    CHECK_CONTAINS(output(), "warning: command line longer than");
}

TEST(over_long_option_is_skipped)
{
    static char line[20000];

    reset();
    memset(line, 'x', 10000);
    memcpy(line + 10000, " count=5", 9);
    cmdline_parse(line);
    CHECK_EQ(opt_count, 5);
    CHECK_CONTAINS(output(), "warning: command-line option 'xxxxxxxxxxxxxxxx");
    CHECK_CONTAINS(output(), "...' is longer than 255 bytes; ignored\n");

    /* The longest allowed option still works. */
    reset();
    memset(line, 0, sizeof(line));
    memcpy(line, "mode=", 5);
    memset(line + 5, 'm', CMDLINE_TOKEN_MAX - 1 - 5);
    cmdline_parse(line);
    CHECK_EQ(mode_calls, 1);
    CHECK_EQ(test_strlen(mode_seen), CMDLINE_TOKEN_MAX - 1 - 5);
    CHECK_STR_EQ(output(), "");
    line[CMDLINE_TOKEN_MAX - 1] = 'm';          /* one byte more: refused */
    cmdline_parse(line);
    CHECK_EQ(mode_calls, 1);
    CHECK_CONTAINS(output(), "is longer than 255 bytes; ignored");
}

TEST(degenerate_inputs)
{
    static const char *const inputs[] = {
        "", " ", "\t\n", "\"", "\"\"", "\"\"\"", "=", "==", "===x", "no-",
        "no-=", "\"=\"", "flag=\"", "name=\"\"", "\"\" \"\"", "\x01\x02\xff",
        "count=-1", "count=0x", "mem=M", "name=\"a\"\"b\"",
    };

    reset();
    for (unsigned int i = 0; i < ARRAY_SIZE(inputs); i++)
        cmdline_parse(inputs[i]);
    CHECK_EQ(opt_count, 0);
    CHECK_STR_EQ(opt_name, "ab");
    CHECK_EQ(stub_irqs_disabled, 0);
}

TEST(random_garbage_never_crashes)
{
    static const char alphabet[] = "abcflgmodenu=-\" \t\"no-\x80\xfe" "0123456789xM";
    char line[400];

    reset();
    for (unsigned int round = 0; round < 3000; round++) {
        size_t len = test_rand() % (sizeof(line) - 1);

        for (size_t i = 0; i < len; i++)
            line[i] = alphabet[test_rand() % (sizeof(alphabet) - 1)];
        line[len] = '\0';
        cmdline_parse(line);
        stub_console_reset();
    }
    CHECK(test_strlen(opt_name) < sizeof(opt_name));
    CHECK(test_strlen(mode_seen) < sizeof(mode_seen));
}
