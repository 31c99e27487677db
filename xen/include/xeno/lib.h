/*
 * Small helpers every hypervisor file needs: sizes and alignment,
 * compile-time and run-time assertions, and the panic() entry point that
 * the architecture implements.
 */
#ifndef XENO_LIB_H
#define XENO_LIB_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <xeno/compiler.h>

#ifndef XENO_DEBUG
#error "XENO_DEBUG must be defined to 0 or 1 by the build"
#endif

/* Evaluates to 0, or fails to compile when cond is true (usable in expressions). */
#define BUILD_BUG_ON_ZERO(cond) (sizeof(char[1 - 2 * !!(cond)]) - 1)
#define BUILD_BUG_ON(cond) _Static_assert(!(cond), "BUILD_BUG_ON(" #cond ")")

/* Number of elements; refuses to compile for a pointer. */
#define ARRAY_SIZE(a)                                                         \
    (sizeof(a) / sizeof((a)[0]) +                                             \
     BUILD_BUG_ON_ZERO(__builtin_types_compatible_p(__typeof__(a),            \
                                                    __typeof__(&(a)[0]))))

/* min/max evaluate each argument once and insist on one type. */
#define min(a, b) ({                                                          \
    __typeof__(a) _min_a = (a);                                               \
    __typeof__(b) _min_b = (b);                                               \
    (void)(&_min_a == &_min_b);                                               \
    _min_a < _min_b ? _min_a : _min_b; })
#define max(a, b) ({                                                          \
    __typeof__(a) _max_a = (a);                                               \
    __typeof__(b) _max_b = (b);                                               \
    (void)(&_max_a == &_max_b);                                               \
    _max_a > _max_b ? _max_a : _max_b; })
#define min_t(type, a, b) min((type)(a), (type)(b))
#define max_t(type, a, b) max((type)(a), (type)(b))

/* Alignment helpers; a must be a power of two. */
#define ALIGN_UP(x, a)   (((x) + ((__typeof__(x))(a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define MIB (1024UL * 1024)

#define container_of(ptr, type, member)                                       \
    ((type *)((char *)(ptr) - offsetof(type, member)))

/*
 * Stop the machine with a report.  Implemented by the architecture (the
 * unit-test harness provides a host version that returns to the test).
 */
_Noreturn void panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), cold));

/* Always checked: a broken invariant that must never be ignored. */
#define BUG() panic("BUG at %s:%d", __FILE__, __LINE__)
#define BUG_ON(cond) do {                                                     \
    if (unlikely(cond))                                                       \
        panic("BUG at %s:%d: %s", __FILE__, __LINE__, #cond);                 \
} while (0)

/*
 * Checked in debug builds only.  The expression is still compiled in
 * release builds (so it cannot rot) but never evaluated.
 */
#define ASSERT(p) do {                                                        \
    if (XENO_DEBUG && unlikely(!(p)))                                         \
        panic("Assertion '%s' failed at %s:%d", #p, __FILE__, __LINE__);     \
} while (0)
#define ASSERT_UNREACHABLE() ASSERT(!"unreachable")

#endif /* XENO_LIB_H */
