/*
 * A tiny test framework for host unit tests of hypervisor files.
 *
 *   TEST(buddy_splits) { CHECK(x); CHECK_EQ(a, b); EXPECT_PANIC(free_frames(pg, 0)); }
 *
 * Tests register themselves; main() (harness.c) runs them in order, or
 * only those named on its command line, and ends with the line
 * "N passed, M failed", exiting non-zero when M > 0.  Before each test the
 * stubs are reset (stub_reset); after it, interrupts must be enabled again.
 *
 * Test files are compiled with the same function renames as the files
 * under test (see SConscript), so they must not use the C library's
 * string functions themselves; the helpers below stand in.
 */
#ifndef TEST_HARNESS_H
#define TEST_HARNESS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*test_fn)(void);
void test_register(const char *name, test_fn fn);

#define TEST(name)                                                            \
    static void name(void);                                                   \
    __attribute__((constructor)) static void name##_register(void)           \
    {                                                                         \
        test_register(#name, name);                                           \
    }                                                                         \
    static void name(void)

void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define CHECK(cond) do {                                                      \
    if (!(cond))                                                              \
        test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);                    \
} while (0)

#define CHECK_EQ(a, b) do {                                                   \
    unsigned long long _check_a = (unsigned long long)(a);                    \
    unsigned long long _check_b = (unsigned long long)(b);                    \
    if (_check_a != _check_b)                                                 \
        test_fail(__FILE__, __LINE__, "CHECK_EQ(%s, %s): %lld (%#llx) != "    \
                  "%lld (%#llx)", #a, #b, (long long)_check_a, _check_a,      \
                  (long long)_check_b, _check_b);                             \
} while (0)

#define CHECK_STR_EQ(a, b) \
    test_check_str_eq(__FILE__, __LINE__, #a, #b, (a), (b))
#define CHECK_CONTAINS(haystack, needle) \
    test_check_contains(__FILE__, __LINE__, #haystack, (haystack), (needle), true)
#define CHECK_NOT_CONTAINS(haystack, needle) \
    test_check_contains(__FILE__, __LINE__, #haystack, (haystack), (needle), false)

void test_check_str_eq(const char *file, int line, const char *a_text,
                       const char *b_text, const char *a, const char *b);
void test_check_contains(const char *file, int line, const char *hay_text,
                         const char *hay, const char *needle, bool want);

/*
 * Run stmt and require that it panics.  Locals changed inside stmt and
 * read afterwards must be volatile (setjmp rules).
 */
extern jmp_buf test_panic_jmp;
extern volatile bool test_panic_armed;
#define EXPECT_PANIC(stmt) do {                                               \
    test_panic_armed = true;                                                  \
    if (setjmp(test_panic_jmp) == 0) {                                        \
        stmt;                                                                 \
        test_panic_armed = false;                                             \
        test_fail(__FILE__, __LINE__, "expected a panic from %s", #stmt);     \
    } else {                                                                  \
        test_panic_armed = false;                                             \
    }                                                                         \
} while (0)

/* Called by the stub panic(): back to EXPECT_PANIC, or out of the test. */
_Noreturn void test_panic_return(void);

/* Helpers that use the host C library (test files may not). */
bool test_streq(const char *a, const char *b);
bool test_contains(const char *hay, const char *needle);
size_t test_strlen(const char *s);
int host_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Deterministic pseudo-random numbers (xorshift64*), reseeded per test. */
uint64_t test_rand(void);

#endif /* TEST_HARNESS_H */
