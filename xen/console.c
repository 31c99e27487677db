/*
 * The console behind printk: level filtering, the error:/warning: line
 * prefixes, the ring of recent output, and the loglvl=/console= options.
 * The architecture supplies the sink (arch_console_write, the serial line).
 *
 * Output is formatted outside the lock and written under it, so lines
 * from different CPUs never interleave.
 */
#include <stdint.h>
#include <asm/console.h>
#include <xeno/cmdline.h>
#include <xeno/console.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/printk.h>
#include <xeno/spinlock.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>

BUILD_BUG_ON((CONSOLE_RING_SIZE & (CONSOLE_RING_SIZE - 1)) != 0);

static DEFINE_SPINLOCK(console_lock);
static char ring[CONSOLE_RING_SIZE];
static uint64_t ring_written;           /* bytes ever written to the ring */
static unsigned int loglevel = LOG_LEVEL_INFO;
static bool sink_enabled = true;
static bool at_line_start = true;

static const char *const level_names[] = {
    [LOG_LEVEL_ERR] = "err",
    [LOG_LEVEL_WARN] = "warn",
    [LOG_LEVEL_INFO] = "info",
    [LOG_LEVEL_DEBUG] = "debug",
};

void console_set_loglevel(unsigned int level)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);

    loglevel = level > LOG_LEVEL_DEBUG ? LOG_LEVEL_DEBUG : level;
    spin_unlock_irqrestore(&console_lock, flags);
}

unsigned int console_get_loglevel(void)
{
    return READ_ONCE(loglevel);
}

void console_set_sink_enabled(bool enabled)
{
    unsigned long flags = spin_lock_irqsave(&console_lock);

    sink_enabled = enabled;
    spin_unlock_irqrestore(&console_lock, flags);
}

static int parse_loglvl(const char *value)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(level_names); i++) {
        if (!strcmp(value, level_names[i])) {
            console_set_loglevel(i);
            return 0;
        }
    }
    return -EINVAL;
}
CMDLINE_PARAM_CUSTOM("loglvl", parse_loglvl);

static int parse_console(const char *value)
{
    if (!strcmp(value, "com1"))
        console_set_sink_enabled(true);
    else if (!strcmp(value, "none"))
        console_set_sink_enabled(false);
    else
        return -EINVAL;
    return 0;
}
CMDLINE_PARAM_CUSTOM("console", parse_console);

/* Strips a LOG_* marker from the front of fmt and returns its level. */
static int take_level(const char **fmt)
{
    const char *f = *fmt;

    if (f[0] != LOG_SOH[0] || f[1] == '\0')
        return LOG_LEVEL_INFO;
    *fmt = f + 2;
    if (f[1] == LOG_ALWAYS[1])
        return LOG_LEVEL_ALWAYS;
    if (f[1] >= '0' && f[1] <= '0' + LOG_LEVEL_DEBUG)
        return f[1] - '0';
    return LOG_LEVEL_INFO;
}

static const char *level_prefix(int level)
{
    switch (level) {
    case LOG_LEVEL_ERR:  return "error: ";
    case LOG_LEVEL_WARN: return "warning: ";
    default:             return "";
    }
}

/* Called with console_lock held. */
static void emit(const char *s, size_t n, bool to_sink)
{
    for (size_t i = 0; i < n; i++)
        ring[ring_written++ & (CONSOLE_RING_SIZE - 1)] = s[i];
    if (to_sink)
        arch_console_write(s, n);
}

/* Formats into buf; an over-long message is cut and marked with "...". */
static size_t format_message(char *buf, size_t size, const char *fmt,
                             va_list ap)
{
    int n = vsnprintf(buf, size, fmt, ap);
    size_t len = n < 0 ? 0 : (size_t)n;

    if (len >= size) {
        size_t fmt_len = strlen(fmt);
        const char *mark = fmt_len && fmt[fmt_len - 1] == '\n' ? "...\n" : "...";
        size_t mark_len = strlen(mark);

        len = size - 1;
        memcpy(buf + len - mark_len, mark, mark_len);
    }
    return len;
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[PRINTK_MAX];
    int level = take_level(&fmt);
    size_t len = format_message(buf, sizeof(buf), fmt, ap);
    const char *prefix = level_prefix(level);
    size_t prefix_len = strlen(prefix);
    unsigned long flags = spin_lock_irqsave(&console_lock);
    bool to_sink = sink_enabled && level <= (int)loglevel;

    /* Prefix every line that starts inside this message. */
    for (size_t pos = 0; pos < len; ) {
        size_t seg = 0;

        while (pos + seg < len && buf[pos + seg++] != '\n')
            ;
        if (at_line_start && prefix_len)
            emit(prefix, prefix_len, to_sink);
        emit(buf + pos, seg, to_sink);
        at_line_start = buf[pos + seg - 1] == '\n';
        pos += seg;
    }
    spin_unlock_irqrestore(&console_lock, flags);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}

/* Ring bytes held now, and the ring index of the oldest one we want. */
static size_t ring_span(size_t want, size_t *first)
{
    size_t held = ring_written < CONSOLE_RING_SIZE ? (size_t)ring_written
                                                   : CONSOLE_RING_SIZE;
    size_t n = want < held ? want : held;

    *first = (size_t)((ring_written - n) & (CONSOLE_RING_SIZE - 1));
    return n;
}

size_t console_ring_read(char *buf, size_t len)
{
    size_t first, n;
    unsigned long flags;

    if (len == 0)
        return 0;
    flags = spin_lock_irqsave(&console_lock);
    n = ring_span(len - 1, &first);
    for (size_t i = 0; i < n; i++)
        buf[i] = ring[(first + i) & (CONSOLE_RING_SIZE - 1)];
    buf[n] = '\0';
    spin_unlock_irqrestore(&console_lock, flags);
    return n;
}

void console_ring_dump(void)
{
    static const char head[] = "----- console ring, oldest first -----\n";
    static const char tail[] = "----- end of console ring -----\n";
    unsigned long flags = spin_lock_irqsave(&console_lock);
    size_t first, n = ring_span(CONSOLE_RING_SIZE, &first);

    if (sink_enabled) {
        size_t part = min(n, (size_t)CONSOLE_RING_SIZE - first);

        arch_console_write(head, sizeof(head) - 1);
        arch_console_write(ring + first, part);
        arch_console_write(ring, n - part);
        if (n && ring[(first + n - 1) & (CONSOLE_RING_SIZE - 1)] != '\n')
            arch_console_write("\n", 1);
        arch_console_write(tail, sizeof(tail) - 1);
    }
    spin_unlock_irqrestore(&console_lock, flags);
}

void console_force_unlock(void)
{
    spin_force_unlock(&console_lock);
}
