/*
 * Applies the hypervisor command line to the options that files register
 * with the CMDLINE_PARAM_* macros (see xeno/cmdline.h for the syntax).
 * Input comes from outside the hypervisor: no byte sequence may crash it,
 * and every problem is reported as a warning, after which parsing goes on.
 */
#include <xeno/cmdline.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/parse.h>
#include <xeno/printk.h>
#include <xeno/string.h>

/* Bounds of the xeno_params section, from the linker. */
extern const struct cmdline_param __start_xeno_params[]
    __attribute__((visibility("hidden")));
extern const struct cmdline_param __stop_xeno_params[]
    __attribute__((visibility("hidden")));

static char saved_cmdline[CMDLINE_MAX];

const char *cmdline_get(void)
{
    return saved_cmdline;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
}

static const struct cmdline_param *find_param(const char *name)
{
    for (const struct cmdline_param *p = __start_xeno_params;
         p < __stop_xeno_params; p++) {
        if (!strcmp(p->name, name))
            return p;
    }
    return NULL;
}

static void warn_bad_value(const char *name, const char *value)
{
    printk(LOG_WARN "bad value '%s' for command-line option '%s'\n",
           value, name);
}

static int set_uint(const struct cmdline_param *p, const char *value)
{
    unsigned long v;
    int rc = parse_ulong(value, 0, &v);

    if (rc)
        return rc;
    if (p->size == sizeof(unsigned int)) {
        if ((unsigned int)v != v)
            return -ERANGE;
        *(unsigned int *)p->var = (unsigned int)v;
    } else {
        *(unsigned long *)p->var = v;
    }
    return 0;
}

static int set_str(const struct cmdline_param *p, const char *value)
{
    if (strlen(value) >= p->size)
        return -E2BIG;
    strlcpy(p->var, value, p->size);
    return 0;
}

/* value is NULL for a bare NAME. */
static int apply(const struct cmdline_param *p, const char *value)
{
    int rc;

    switch (p->type) {
    case CMDLINE_BOOL:
        rc = value ? parse_bool(value) : 1;
        if (rc < 0)
            return rc;
        *(bool *)p->var = rc;
        return 0;
    case CMDLINE_UINT:
        return value ? set_uint(p, value) : -EINVAL;
    case CMDLINE_SIZE:
        return value ? parse_size(value, p->var) : -EINVAL;
    case CMDLINE_STR:
        return set_str(p, value ? value : "");
    case CMDLINE_CUSTOM:
        return p->fn(value ? value : "");
    }
    return -EINVAL;
}

/* Handles one NAME, NAME=VALUE or no-NAME word (quotes already removed). */
static void handle_option(char *word)
{
    char *eq = strchr(word, '=');
    const char *value = NULL;
    const struct cmdline_param *p;

    if (eq) {
        *eq = '\0';
        value = eq + 1;
    }

    p = find_param(word);
    if (!p && !strncmp(word, "no-", 3)) {
        const struct cmdline_param *neg = find_param(word + 3);

        if (neg && neg->type == CMDLINE_BOOL) {
            if (value)
                warn_bad_value(word, value);
            else
                *(bool *)neg->var = false;
            return;
        }
    }
    if (!p) {
        printk(LOG_WARN "unknown command-line option '%s'\n", word);
        return;
    }
    if (apply(p, value) < 0)
        warn_bad_value(word, value ? value : "");
}

/*
 * Copies the word at s into word[] without its quotes.  Returns the byte
 * after the word; *too_long and *open_quote report trouble.
 */
static const char *next_word(const char *s, char *word, bool *too_long,
                             bool *open_quote)
{
    size_t len = 0;
    bool quoted = false;

    *too_long = false;
    for (; *s && (quoted || !is_space(*s)); s++) {
        if (*s == '"') {
            quoted = !quoted;
            continue;
        }
        if (len < CMDLINE_TOKEN_MAX - 1)
            word[len++] = *s;
        else
            *too_long = true;
    }
    word[len] = '\0';
    *open_quote = quoted;
    return s;
}

void cmdline_parse(const char *cmdline)
{
    char word[CMDLINE_TOKEN_MAX];

    if (!cmdline)
        cmdline = "";
    if (strlcpy(saved_cmdline, cmdline, sizeof(saved_cmdline)) >=
        sizeof(saved_cmdline))
        printk(LOG_WARN "command line longer than %u bytes; "
               "only its start is kept for display\n", CMDLINE_MAX - 1);

    for (const char *s = cmdline; *s; ) {
        bool too_long, open_quote;

        if (is_space(*s)) {
            s++;
            continue;
        }
        s = next_word(s, word, &too_long, &open_quote);
        if (too_long) {
            printk(LOG_WARN "command-line option '%.32s...' is longer than "
                   "%u bytes; ignored\n", word, CMDLINE_TOKEN_MAX - 1);
            continue;
        }
        if (open_quote)
            printk(LOG_WARN "unterminated quote in command-line option '%s'\n",
                   word);
        handle_option(word);
    }
}
