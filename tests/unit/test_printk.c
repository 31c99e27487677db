/*
 * xen/console.c: printk levels and their prefixes, filtering by loglvl=,
 * console=none, truncation of long messages, and the ring of recent
 * output (every level, oldest overwritten, newest kept).
 */
#include <xeno/cmdline.h>
#include <xeno/console.h>
#include <xeno/printk.h>
#include <xeno/vsnprintf.h>
#include "harness.h"
#include "stubs/stub.h"

static char ring_copy[CONSOLE_RING_SIZE + 1];

static void fresh_console(void)
{
    console_set_loglevel(LOG_LEVEL_INFO);
    console_set_sink_enabled(true);
    stub_console_reset();
}

static const char *ring(void)
{
    console_ring_read(ring_copy, sizeof(ring_copy));
    return ring_copy;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t n = test_strlen(s), m = test_strlen(tail);

    return n >= m && test_streq(s + n - m, tail);
}

TEST(default_level_is_info)
{
    fresh_console();
    printk("plain %d\n", 1);
    printk(LOG_INFO "info %d\n", 2);
    printk(LOG_DEBUG "debug %d\n", 3);
    CHECK_STR_EQ(stub_console_output(), "plain 1\ninfo 2\n");
    CHECK(ends_with(ring(), "plain 1\ninfo 2\ndebug 3\n"));
}

TEST(errors_and_warnings_are_prefixed)
{
    fresh_console();
    printk(LOG_ERR "disk on fire\n");
    printk(LOG_WARN "unknown command-line option '%s'\n", "bogus");
    CHECK_STR_EQ(stub_console_output(),
                 "error: disk on fire\n"
                 "warning: unknown command-line option 'bogus'\n");
}

TEST(prefix_on_every_line_of_a_message)
{
    fresh_console();
    printk(LOG_WARN "one\ntwo\n");
    CHECK_STR_EQ(stub_console_output(), "warning: one\nwarning: two\n");
}

TEST(continuation_of_a_line_gets_no_prefix)
{
    fresh_console();
    printk(LOG_WARN "start ");
    printk(LOG_WARN "middle ");
    printk(LOG_WARN "end\n");
    CHECK_STR_EQ(stub_console_output(), "warning: start middle end\n");
}

TEST(always_level_is_never_filtered_nor_prefixed)
{
    fresh_console();
    console_set_loglevel(LOG_LEVEL_ERR);
    printk(LOG_ALWAYS "PANIC on cpu0: %s\n", "page fault");
    printk(LOG_ALWAYS "  [<ffff82d080200d2d>] f+0/0xd\n");
    CHECK_STR_EQ(stub_console_output(),
                 "PANIC on cpu0: page fault\n  [<ffff82d080200d2d>] f+0/0xd\n");
    CHECK(ends_with(ring(), "f+0/0xd\n"));
    console_set_sink_enabled(false);            /* console=none still wins */
    stub_console_reset();
    printk(LOG_ALWAYS "PANIC\n");
    CHECK_STR_EQ(stub_console_output(), "");
    console_set_sink_enabled(true);
}

TEST(loglvl_filters_the_sink_not_the_ring)
{
    fresh_console();
    cmdline_parse("loglvl=warn");
    CHECK_EQ(console_get_loglevel(), LOG_LEVEL_WARN);
    printk(LOG_ERR "e\n");
    printk(LOG_WARN "w\n");
    printk("i\n");
    printk(LOG_DEBUG "d\n");
    CHECK_STR_EQ(stub_console_output(), "error: e\nwarning: w\n");
    CHECK(ends_with(ring(), "error: e\nwarning: w\ni\nd\n"));

    stub_console_reset();
    cmdline_parse("loglvl=err");
    printk(LOG_WARN "w\n");
    printk(LOG_ERR "e\n");
    CHECK_STR_EQ(stub_console_output(), "error: e\n");

    stub_console_reset();
    cmdline_parse("loglvl=debug");
    printk(LOG_DEBUG "d\n");
    CHECK_STR_EQ(stub_console_output(), "d\n");
    cmdline_parse("loglvl=info");
    CHECK_EQ(console_get_loglevel(), LOG_LEVEL_INFO);
}

TEST(bad_loglvl_warns_and_keeps_level)
{
    fresh_console();
    cmdline_parse("loglvl=loud");
    CHECK_EQ(console_get_loglevel(), LOG_LEVEL_INFO);
    CHECK_STR_EQ(stub_console_output(),
                 "warning: bad value 'loud' for command-line option 'loglvl'\n");
}

TEST(console_none_silences_the_sink)
{
    fresh_console();
    cmdline_parse("console=none");
    printk(LOG_ERR "unseen\n");
    CHECK_STR_EQ(stub_console_output(), "");
    CHECK(ends_with(ring(), "error: unseen\n"));
    cmdline_parse("console=com1");
    printk("seen\n");
    CHECK_STR_EQ(stub_console_output(), "seen\n");
    cmdline_parse("console=ttyS9");
    CHECK_CONTAINS(stub_console_output(),
                   "warning: bad value 'ttyS9' for command-line option 'console'\n");
}

TEST(unknown_level_marker_is_stripped)
{
    fresh_console();
    printk("\001" "9" "odd\n");
    printk("\001");     /* a lone marker byte is printed as is */
    printk("\n");
    CHECK_STR_EQ(stub_console_output(), "odd\n\001\n");
}

TEST(long_messages_are_cut_with_a_mark)
{
    char big[PRINTK_MAX * 2];
    const char *out;
    size_t n;

    for (unsigned int i = 0; i < sizeof(big) - 1; i++)
        big[i] = (char)('a' + i % 26);
    big[sizeof(big) - 1] = '\0';
    fresh_console();
    printk("%s\n", big);
    out = stub_console_output();
    n = test_strlen(out);
    CHECK_EQ(n, PRINTK_MAX - 1);
    CHECK(ends_with(out, "...\n"));
    stub_console_reset();
    printk("%s", big);
    /* The first PRINTK_MAX - 4 bytes survive, then the mark. */
    big[PRINTK_MAX - 4] = '\0';
    CHECK(test_contains(stub_console_output(), big));
    CHECK_EQ(test_strlen(stub_console_output()), PRINTK_MAX - 1);
    CHECK(ends_with(stub_console_output(), "..."));
    printk("\n");
}

TEST(ring_keeps_the_newest_output)
{
    static char expect[2000 * 10 + 1];
    size_t len = 0, n;

    fresh_console();
    for (unsigned int i = 0; i < 2000; i++) {
        printk("line %04u\n", i);
        len += (size_t)snprintf(expect + len, sizeof(expect) - len,
                                "line %04u\n", i);
    }
    n = console_ring_read(ring_copy, sizeof(ring_copy));
    CHECK_EQ(n, CONSOLE_RING_SIZE);
    CHECK_STR_EQ(ring_copy, expect + len - CONSOLE_RING_SIZE);
}

TEST(ring_read_into_a_small_buffer_gets_the_newest_bytes)
{
    char small[8];

    fresh_console();
    printk("0123456789\n");
    CHECK_EQ(console_ring_read(small, sizeof(small)), 7);
    CHECK_STR_EQ(small, "456789\n");
    CHECK_EQ(console_ring_read(small, 1), 0);
    CHECK_STR_EQ(small, "");
    CHECK_EQ(console_ring_read(small, 0), 0);
}

TEST(ring_dump_replays_filtered_messages)
{
    fresh_console();
    printk(LOG_DEBUG "a quiet detail\n");
    CHECK_NOT_CONTAINS(stub_console_output(), "quiet detail");
    console_ring_dump();
    CHECK_CONTAINS(stub_console_output(), "console ring");
    CHECK_CONTAINS(stub_console_output(), "a quiet detail\n");
    CHECK(ends_with(stub_console_output(), "end of console ring -----\n"));
}

TEST(ring_dump_respects_console_none)
{
    fresh_console();
    console_set_sink_enabled(false);
    console_ring_dump();
    CHECK_STR_EQ(stub_console_output(), "");
    console_set_sink_enabled(true);
}

TEST(force_unlock_leaves_a_working_console)
{
    fresh_console();
    console_force_unlock();
    printk("after\n");
    console_force_unlock();
    printk("again\n");
    CHECK_STR_EQ(stub_console_output(), "after\nagain\n");
}

TEST(warn_on_reports_and_returns_the_condition)
{
    int x = 3;

    fresh_console();
    CHECK(!WARN_ON(x == 4));
    CHECK_STR_EQ(stub_console_output(), "");
    CHECK(WARN_ON(x == 3));
    CHECK_CONTAINS(stub_console_output(), "warning: WARN_ON(x == 3) at ");
}
