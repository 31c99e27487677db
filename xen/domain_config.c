/*
 * Boot domain configs (grammar and keys in xeno/domain_config.h).
 *
 * The text comes from a boot module: it is not NUL-terminated and may be
 * anything, so every scan is bounded by its end, and every message quotes
 * only bytes already known to be printable.  tools/xenolib/domaincfg.py
 * mirrors this file message for message; change them together
 * (tests/unit/domain_config_cases.h is the table both are tested against).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <xeno/domain_config.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>

/* Longest key or token quoted in a message; longer ones end in "...". */
#define QUOTE_MAX 32

enum slot { SLOT_NAME, SLOT_TYPE, SLOT_MEMORY, SLOT_VCPUS, SLOT_KERNEL,
            SLOT_RAMDISK, SLOT_CMDLINE, SLOT_WEIGHT, SLOT_WARP, SLOT_WARP_LIMIT,
            SLOT_UNWARP, SLOT_CPUS, SLOT_PRIVILEGED, NR_SLOTS };
enum want { WANT_NUMBER, WANT_STRING };

static const struct key_def {
    const char *key;
    enum slot slot;
    enum want want;
} key_defs[] = {
    { "name",    SLOT_NAME,    WANT_STRING },
    { "type",    SLOT_TYPE,    WANT_STRING },
    { "memory",  SLOT_MEMORY,  WANT_NUMBER },
    { "vcpus",   SLOT_VCPUS,   WANT_NUMBER },
    { "kernel",  SLOT_KERNEL,  WANT_STRING },
    { "ramdisk", SLOT_RAMDISK, WANT_STRING },
    { "cmdline", SLOT_CMDLINE, WANT_STRING },
    { "extra",   SLOT_CMDLINE, WANT_STRING },   /* xl's older name for cmdline */
    { "weight",        SLOT_WEIGHT,     WANT_NUMBER },
    { "warp_us",       SLOT_WARP,       WANT_NUMBER },
    { "warp_limit_us", SLOT_WARP_LIMIT, WANT_NUMBER },
    { "unwarp_us",     SLOT_UNWARP,     WANT_NUMBER },
    { "cpus",          SLOT_CPUS,       WANT_STRING },
    { "privileged",    SLOT_PRIVILEGED, WANT_NUMBER },
};

struct value {
    enum { VAL_NUMBER, VAL_STRING, VAL_WORD } kind;
    const char *s;          /* the string's bytes, or the token's */
    size_t n;
    unsigned long num;      /* VAL_NUMBER */
    bool too_big;
};

struct parser {
    const char *source;
    unsigned int line;      /* 0: the message is about the whole config */
    char *err;
    size_t err_len;
    unsigned int seen_line[NR_SLOTS];
    const char *seen_key[NR_SLOTS];
};

static int __attribute__((format(printf, 2, 3))) fail(struct parser *ps, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (!ps->err_len)
        return -EINVAL;
    if (ps->line)
        n = snprintf(ps->err, ps->err_len, "%s:%u: ", ps->source, ps->line);
    else
        n = snprintf(ps->err, ps->err_len, "%s: ", ps->source);
    if (n >= 0 && (size_t)n < ps->err_len) {
        va_start(ap, fmt);
        vsnprintf(ps->err + n, ps->err_len - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

/* printf arguments for "%.*s%s": at most QUOTE_MAX bytes, then "..." if cut. */
#define QUOTED(s, n) (int)((n) > QUOTE_MAX ? QUOTE_MAX : (n)), (s), \
                     ((n) > QUOTE_MAX ? "..." : "")

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_key_char(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_';
}

/* Printable ASCII but not space: what an unquoted token is made of. */
static bool is_token_char(char c)
{
    return c > ' ' && c < 0x7f && c != '#';
}

static bool is_control(char c)
{
    return (unsigned char)c < ' ' || c == 0x7f;
}

static unsigned int hex_value(char c)
{
    if (is_digit(c))
        return (unsigned int)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned int)(c - 'a') + 10;
    if (c >= 'A' && c <= 'F')
        return (unsigned int)(c - 'A') + 10;
    return 16;
}

static bool span_equals(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(s, word, n) == 0;
}

/* An unquoted token is a number (decimal, or 0x/0X hex) or else a bad word. */
static void classify_token(struct value *v)
{
    unsigned int base = 10, d;
    size_t i = 0;

    v->kind = VAL_WORD;
    v->num = 0;
    v->too_big = false;
    if (v->n == 0)
        return;
    if (v->n > 2 && v->s[0] == '0' && (v->s[1] == 'x' || v->s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    for (; i < v->n; i++) {
        d = hex_value(v->s[i]);
        if (d >= base)
            return;
        if (v->num > (~0UL - d) / base)
            v->too_big = true;
        else
            v->num = v->num * base + d;
    }
    v->kind = VAL_NUMBER;
}

static bool all_chars_in(const char *s, size_t n, const char *extra)
{
    for (size_t i = 0; i < n; i++)
        if (!is_alpha(s[i]) && !is_digit(s[i]) && (!s[i] || !strchr(extra, s[i])))
            return false;
    return true;
}

static void copy_string(char *dst, const struct value *v)
{
    memcpy(dst, v->s, v->n);
    dst[v->n] = '\0';
}

/* A CPU list: "N", "N-M" or several joined by ',' (CPUs 0-63), as a mask. */
static bool parse_cpu_list(const char *s, size_t n, uint64_t *mask)
{
    size_t i = 0;

    *mask = 0;
    for (;;) {
        unsigned long first = 0, last;
        size_t start = i;

        while (i < n && is_digit(s[i]) && first <= DOMAIN_CPU_MAX)
            first = first * 10 + (unsigned long)(s[i++] - '0');
        if (i == start || first > DOMAIN_CPU_MAX)
            return false;
        last = first;
        if (i < n && s[i] == '-') {
            start = ++i;
            last = 0;
            while (i < n && is_digit(s[i]) && last <= DOMAIN_CPU_MAX)
                last = last * 10 + (unsigned long)(s[i++] - '0');
            if (i == start || last > DOMAIN_CPU_MAX || last < first)
                return false;
        }
        for (unsigned long cpu = first; cpu <= last; cpu++)
            *mask |= 1ULL << cpu;
        if (i == n)
            return true;
        if (s[i++] != ',')
            return false;
    }
}

/* A time in microseconds for a scheduling key. */
static int apply_us(struct parser *ps, const char *key, const struct value *v,
                    unsigned long *out)
{
    if (v->too_big || v->num > DOMAIN_SCHED_US_MAX)
        return fail(ps, "key '%s' must be 0-%d (microseconds)", key, DOMAIN_SCHED_US_MAX);
    *out = v->num;
    return 0;
}

static int apply(struct parser *ps, const struct key_def *def, const struct value *v,
                 struct domain_config *cfg)
{
    const char *key = def->key;

    if (def->want == WANT_STRING && v->kind != VAL_STRING)
        return fail(ps, "key '%s' needs a quoted string", key);
    if (def->want == WANT_NUMBER && v->kind != VAL_NUMBER)
        return fail(ps, "key '%s' needs a number (decimal or 0x hex)", key);

    switch (def->slot) {
    case SLOT_NAME:
        if (v->n < 1 || v->n > DOMAIN_NAME_MAX || !all_chars_in(v->s, v->n, "_.-"))
            return fail(ps, "key 'name' must be 1-%d characters of A-Z a-z 0-9 _ . -",
                        DOMAIN_NAME_MAX);
        copy_string(cfg->name, v);
        return 0;
    case SLOT_TYPE:
        if (span_equals(v->s, v->n, "pv")) {
            cfg->type = DOMAIN_PV;
            return 0;
        }
        if (span_equals(v->s, v->n, "pvh")) {
            cfg->type = DOMAIN_PVH;
            return 0;
        }
        if (span_equals(v->s, v->n, "hvm"))
            return fail(ps, "type '%.*s' is not supported yet", (int)v->n, v->s);
        return fail(ps, "key 'type': unknown type '%.*s%s' (expected 'pv' or 'pvh')",
                    QUOTED(v->s, v->n));
    case SLOT_MEMORY:
        if (v->too_big || v->num < 1 || v->num > DOMAIN_MEMORY_MAX_MIB)
            return fail(ps, "key 'memory' must be 1-%d (MiB)", DOMAIN_MEMORY_MAX_MIB);
        cfg->memory_mib = v->num;
        return 0;
    case SLOT_VCPUS:
        if (v->too_big || v->num < 1 || v->num > DOMAIN_VCPUS_MAX)
            return fail(ps, "key 'vcpus' must be 1-%d", DOMAIN_VCPUS_MAX);
        cfg->vcpus = (unsigned int)v->num;
        return 0;
    case SLOT_KERNEL:
    case SLOT_RAMDISK:
        /*
         * Image names travel on a GRUB module2 line and are matched against
         * it, so they keep to characters GRUB passes through unquoted.
         */
        if (v->n < 1 || v->n > DOMAIN_IMAGE_NAME_MAX || !all_chars_in(v->s, v->n, "_.+/-"))
            return fail(ps, "key '%s' must be 1-%d characters of A-Z a-z 0-9 _ . + / -",
                        key, DOMAIN_IMAGE_NAME_MAX);
        copy_string(def->slot == SLOT_KERNEL ? cfg->kernel : cfg->ramdisk, v);
        return 0;
    case SLOT_CMDLINE:
        if (v->n > DOMAIN_CMDLINE_MAX)
            return fail(ps, "key '%s' is longer than %d characters", key,
                        DOMAIN_CMDLINE_MAX);
        copy_string(cfg->cmdline, v);
        return 0;
    case SLOT_WEIGHT:
        if (v->too_big || v->num < 1 || v->num > DOMAIN_WEIGHT_MAX)
            return fail(ps, "key 'weight' must be 1-%d", DOMAIN_WEIGHT_MAX);
        cfg->weight = (unsigned int)v->num;
        return 0;
    case SLOT_WARP:
        return apply_us(ps, key, v, &cfg->warp_us);
    case SLOT_WARP_LIMIT:
        return apply_us(ps, key, v, &cfg->warp_limit_us);
    case SLOT_UNWARP:
        return apply_us(ps, key, v, &cfg->unwarp_us);
    case SLOT_PRIVILEGED:
        if (v->too_big || v->num > 1)
            return fail(ps, "key 'privileged' must be 0 or 1");
        cfg->privileged = v->num == 1;
        return 0;
    case SLOT_CPUS:
        if (!parse_cpu_list(v->s, v->n, &cfg->cpus))
            return fail(ps, "key 'cpus' must list CPUs 0-%d as \"N\", \"N-M\" or several "
                        "joined by ','", DOMAIN_CPU_MAX);
        return 0;
    case NR_SLOTS:
        break;
    }
    ASSERT_UNREACHABLE();
    return -EINVAL;
}

static const struct key_def *find_key(const char *s, size_t n)
{
    for (size_t i = 0; i < ARRAY_SIZE(key_defs); i++)
        if (span_equals(s, n, key_defs[i].key))
            return &key_defs[i];
    return NULL;
}

/* One line [p, end) without its line end. */
static int parse_line(struct parser *ps, const char *p, const char *end,
                      struct domain_config *cfg)
{
    const struct key_def *def;
    const char *key;
    size_t key_n;
    struct value v = { .kind = VAL_WORD };

    while (p < end && is_space(*p))
        p++;
    if (p == end || *p == '#')
        return 0;
    if (!is_alpha(*p) && *p != '_')
        return fail(ps, "expected 'key = value'");
    key = p;
    while (p < end && is_key_char(*p))
        p++;
    key_n = (size_t)(p - key);
    while (p < end && is_space(*p))
        p++;
    if (p == end || *p != '=')
        return fail(ps, "expected '=' after '%.*s%s'", QUOTED(key, key_n));
    p++;

    def = find_key(key, key_n);
    if (!def)
        return fail(ps, "unknown key '%.*s%s'", QUOTED(key, key_n));
    if (ps->seen_line[def->slot]) {
        if (strcmp(ps->seen_key[def->slot], def->key))
            return fail(ps, "duplicate key '%s' (same as '%s' on line %u)", def->key,
                        ps->seen_key[def->slot], ps->seen_line[def->slot]);
        return fail(ps, "duplicate key '%s' (first set on line %u)", def->key,
                    ps->seen_line[def->slot]);
    }
    ps->seen_line[def->slot] = ps->line;
    ps->seen_key[def->slot] = def->key;

    while (p < end && is_space(*p))
        p++;
    if (p == end || *p == '#')
        return fail(ps, "key '%s' has no value", def->key);
    if (*p == '"' || *p == '\'') {
        char quote = *p++;

        v.kind = VAL_STRING;
        v.s = p;
        while (p < end && *p != quote) {
            if (is_control(*p))
                return fail(ps, "key '%s': control character in string", def->key);
            p++;
        }
        if (p == end)
            return fail(ps, "key '%s': unterminated string", def->key);
        v.n = (size_t)(p - v.s);
        p++;
    } else {
        v.s = p;
        while (p < end && is_token_char(*p))
            p++;
        v.n = (size_t)(p - v.s);
        classify_token(&v);
    }
    while (p < end && is_space(*p))
        p++;
    if (p < end && *p != '#')
        return fail(ps, "key '%s': unexpected text after the value", def->key);
    return apply(ps, def, &v, cfg);
}

static int parse_all(struct parser *ps, const char *text, size_t len,
                     struct domain_config *cfg)
{
    static const struct { enum slot slot; const char *key; } required[] = {
        { SLOT_NAME, "name" }, { SLOT_MEMORY, "memory" }, { SLOT_KERNEL, "kernel" },
    };
    const char *p = text, *end = text + len;
    int rc;

    while (p < end) {
        const char *eol = p, *line_end;

        ps->line++;
        while (eol < end && *eol != '\n')
            eol++;
        line_end = eol;
        if (line_end > p && line_end[-1] == '\r')
            line_end--;
        if ((size_t)(line_end - p) > DOMAIN_CONFIG_LINE_MAX)
            return fail(ps, "line longer than %d bytes", DOMAIN_CONFIG_LINE_MAX);
        for (const char *q = p; q < line_end; q++)
            if (*q == '\0')
                return fail(ps, "NUL byte in line");
        rc = parse_line(ps, p, line_end, cfg);
        if (rc)
            return rc;
        p = eol < end ? eol + 1 : end;
    }

    ps->line = 0;
    for (size_t i = 0; i < ARRAY_SIZE(required); i++)
        if (!ps->seen_line[required[i].slot])
            return fail(ps, "missing key '%s'", required[i].key);
    /* An unlimited warp would keep a domain that never blocks ahead for ever. */
    if (cfg->warp_us && !cfg->warp_limit_us)
        return fail(ps, "key 'warp_us' needs 'warp_limit_us' above 0");
    return 0;
}

int domain_config_parse(const char *text, size_t len, const char *source,
                        struct domain_config *cfg, char *err, size_t err_len)
{
    struct parser ps = {
        .source = source ? source : "(config)",
        .err = err,
        .err_len = err ? err_len : 0,
    };
    int rc;

    memset(cfg, 0, sizeof(*cfg));
    cfg->type = DOMAIN_PV;
    cfg->vcpus = 1;
    cfg->weight = DOMAIN_WEIGHT_DEFAULT;
    if (ps.err_len)
        ps.err[0] = '\0';
    rc = parse_all(&ps, text, len, cfg);
    if (rc)
        memset(cfg, 0, sizeof(*cfg));
    return rc;
}

const char *domain_type_name(enum domain_type type)
{
    switch (type) {
    case DOMAIN_PV:  return "pv";
    case DOMAIN_PVH: return "pvh";
    case DOMAIN_HVM: return "hvm";
    }
    return "?";
}
