/*
 * The hypervisor command line.  Any file registers its own options next
 * to the variable they set; cmdline_parse() applies the line GRUB gave us.
 *
 *   static bool opt_noisy;
 *   CMDLINE_PARAM_BOOL("noisy", opt_noisy);        noisy, noisy=off, no-noisy
 *   static unsigned int opt_ticks_ms = 200;
 *   CMDLINE_PARAM_UINT("ticks_ms", opt_ticks_ms);  ticks_ms=500, =0x1f4
 *   static unsigned long opt_mem;
 *   CMDLINE_PARAM_SIZE("mem", opt_mem);            mem=256M (K/M/G/T)
 *   static char opt_exit[8] = "none";
 *   CMDLINE_PARAM_STR("exit", opt_exit);           exit=qemu, exit="a b"
 *   static int parse_crash(const char *value);
 *   CMDLINE_PARAM_CUSTOM("crash", parse_crash);    crash=pf
 *
 * Syntax: whitespace-separated words, each NAME, NAME=VALUE or no-NAME
 * (booleans only).  Double quotes group text containing spaces and are
 * removed.  Unknown names and bad values print a warning and are skipped.
 * A custom handler receives "" for a bare NAME (never NULL) and returns 0
 * or a negative errno (which produces the bad-value warning).
 *
 * Options live in the "xeno_params" section; the hypervisor's linker
 * script must KEEP it and define __start_xeno_params/__stop_xeno_params
 * (GNU ld does this itself for ordinary programs).
 */
#ifndef XENO_CMDLINE_H
#define XENO_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest single option (NAME=VALUE after quote removal), in bytes. */
#define CMDLINE_TOKEN_MAX 256
/* Longest command line cmdline_get() keeps. */
#define CMDLINE_MAX 1024

enum cmdline_param_type {
    CMDLINE_BOOL,
    CMDLINE_UINT,       /* unsigned int or unsigned long, by size */
    CMDLINE_SIZE,       /* unsigned long, bytes */
    CMDLINE_STR,        /* char array, by size */
    CMDLINE_CUSTOM,
};

struct cmdline_param {
    const char *name;
    void *var;
    size_t size;
    int (*fn)(const char *value);
    enum cmdline_param_type type;
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct cmdline_param) % 8 == 0,
               "xeno_params entries must pack as an array");

void cmdline_parse(const char *cmdline);
/* The command line last given to cmdline_parse ("" before), truncated to CMDLINE_MAX - 1. */
const char *cmdline_get(void);

#define CMDLINE_CONCAT2(a, b) a##b
#define CMDLINE_CONCAT(a, b) CMDLINE_CONCAT2(a, b)
#define CMDLINE_ENTRY                                                         \
    static const struct cmdline_param                                         \
    CMDLINE_CONCAT(cmdline_param_, __COUNTER__)                               \
    __attribute__((used, section("xeno_params"), aligned(8)))

#define CMDLINE_PARAM_BOOL(_name, _var)                                       \
    _Static_assert(__builtin_types_compatible_p(__typeof__(_var), bool),      \
                   "CMDLINE_PARAM_BOOL needs a bool");                        \
    CMDLINE_ENTRY = { .name = (_name), .var = &(_var),                        \
                      .size = sizeof(_var), .type = CMDLINE_BOOL }

#define CMDLINE_PARAM_UINT(_name, _var)                                       \
    _Static_assert(__builtin_types_compatible_p(__typeof__(_var),             \
                                                unsigned int) ||              \
                   __builtin_types_compatible_p(__typeof__(_var),             \
                                                unsigned long),               \
                   "CMDLINE_PARAM_UINT needs an unsigned int or long");       \
    CMDLINE_ENTRY = { .name = (_name), .var = &(_var),                        \
                      .size = sizeof(_var), .type = CMDLINE_UINT }

#define CMDLINE_PARAM_SIZE(_name, _var)                                       \
    _Static_assert(__builtin_types_compatible_p(__typeof__(_var),             \
                                                unsigned long),               \
                   "CMDLINE_PARAM_SIZE needs an unsigned long");              \
    CMDLINE_ENTRY = { .name = (_name), .var = &(_var),                        \
                      .size = sizeof(_var), .type = CMDLINE_SIZE }

#define CMDLINE_PARAM_STR(_name, _buf)                                        \
    _Static_assert(__builtin_types_compatible_p(__typeof__((_buf)[0]), char) \
                   && !__builtin_types_compatible_p(__typeof__(_buf),         \
                                                    __typeof__(&(_buf)[0])),  \
                   "CMDLINE_PARAM_STR needs a char array");                   \
    CMDLINE_ENTRY = { .name = (_name), .var = (_buf),                         \
                      .size = sizeof(_buf), .type = CMDLINE_STR }

#define CMDLINE_PARAM_CUSTOM(_name, _fn)                                      \
    CMDLINE_ENTRY = { .name = (_name), .fn = (_fn), .type = CMDLINE_CUSTOM }

#endif /* XENO_CMDLINE_H */
