/*
 * printk: the hypervisor's one way to report.  A message may start with a
 * level marker (LOG_ERR "...", string concatenation as in Linux's
 * KERN_SOH scheme); without one it is LOG_INFO.  Every message is kept
 * in the console ring; only those at or above the importance chosen with
 * loglvl= reach the serial line.  Error and warning lines are printed
 * with an "error: " / "warning: " prefix (docs/boot-contract.md).
 *
 * LOG_ALWAYS is for the lines the contract needs whatever loglvl= says:
 * the panic report and the final XENO-STATUS line.  It is never filtered
 * and carries no prefix, so "PANIC on cpu0: ..." reads exactly so.
 */
#ifndef XENO_PRINTK_H
#define XENO_PRINTK_H

#include <stdarg.h>
#include <xeno/compiler.h>

#define LOG_SOH    "\001"
#define LOG_ALWAYS LOG_SOH "A"
#define LOG_ERR    LOG_SOH "0"
#define LOG_WARN   LOG_SOH "1"
#define LOG_INFO   LOG_SOH "2"
#define LOG_DEBUG  LOG_SOH "3"

/* Numeric levels: smaller is more important. */
enum log_level {
    LOG_LEVEL_ALWAYS = -1,
    LOG_LEVEL_ERR = 0,
    LOG_LEVEL_WARN = 1,
    LOG_LEVEL_INFO = 2,
    LOG_LEVEL_DEBUG = 3,
};

/* Longest message printk formats; longer ones end in "..." */
#define PRINTK_MAX 512

void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void vprintk(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Warn (once per call, every time) when cond is true; evaluates to cond. */
#define WARN_ON(cond) ({                                                      \
    int _warn_on = !!(cond);                                                  \
    if (unlikely(_warn_on))                                                   \
        printk(LOG_WARN "WARN_ON(%s) at %s:%d\n", #cond, __FILE__, __LINE__); \
    _warn_on; })

#endif /* XENO_PRINTK_H */
