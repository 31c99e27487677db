/*
 * The unit-test runner behind harness.h.  Built against the host C
 * library, without the renames applied to the files under test.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "stubs/stub.h"

#define MAX_TESTS 256

static struct {
    const char *name;
    test_fn fn;
} tests[MAX_TESTS];
static unsigned int nr_tests;

static jmp_buf abort_jmp;           /* leaves the running test */
static unsigned int current_failures;
static const char *current_name;
static uint64_t rand_state;

jmp_buf test_panic_jmp;
volatile bool test_panic_armed;

void test_register(const char *name, test_fn fn)
{
    if (nr_tests == MAX_TESTS) {
        fprintf(stderr, "too many tests (raise MAX_TESTS)\n");
        exit(2);
    }
    tests[nr_tests].name = name;
    tests[nr_tests].fn = fn;
    nr_tests++;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    printf("  %s:%d: ", file, line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    current_failures++;
}

_Noreturn void test_panic_return(void)
{
    if (test_panic_armed)
        longjmp(test_panic_jmp, 1);
    printf("  unexpected panic in %s: %s\n", current_name, stub_panic_message);
    current_failures++;
    longjmp(abort_jmp, 1);
}

void test_check_str_eq(const char *file, int line, const char *a_text,
                       const char *b_text, const char *a, const char *b)
{
    if (a && b && !strcmp(a, b))
        return;
    test_fail(file, line, "CHECK_STR_EQ(%s, %s): \"%s\" != \"%s\"", a_text,
              b_text, a ? a : "(null)", b ? b : "(null)");
}

void test_check_contains(const char *file, int line, const char *hay_text,
                         const char *hay, const char *needle, bool want)
{
    if ((strstr(hay, needle) != NULL) == want)
        return;
    test_fail(file, line, "%s %s \"%s\"; it is:\n----\n%s\n----", hay_text,
              want ? "lacks" : "contains", needle, hay);
}

bool test_streq(const char *a, const char *b)
{
    return !strcmp(a, b);
}

bool test_contains(const char *hay, const char *needle)
{
    return strstr(hay, needle) != NULL;
}

size_t test_strlen(const char *s)
{
    return strlen(s);
}

int host_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

uint64_t test_rand(void)
{
    rand_state ^= rand_state >> 12;
    rand_state ^= rand_state << 25;
    rand_state ^= rand_state >> 27;
    return rand_state * 0x2545F4914F6CDD1DULL;
}

static bool selected(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], name))
            return true;
    }
    return false;
}

/* Runs one test; true when it passed. */
static bool run_test(unsigned int i)
{
    current_name = tests[i].name;
    current_failures = 0;
    rand_state = 0x9E3779B97F4A7C15ULL;
    test_panic_armed = false;
    stub_reset();
    if (setjmp(abort_jmp) == 0) {
        tests[i].fn();
        if (stub_irqs_disabled) {
            printf("  %s left interrupts disabled\n", current_name);
            current_failures++;
        }
    }
    printf("%s %s\n", current_failures ? "FAIL" : "PASS", current_name);
    return current_failures == 0;
}

int main(int argc, char **argv)
{
    unsigned int passed = 0, failed = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (unsigned int i = 0; i < nr_tests; i++) {
        if (!selected(tests[i].name, argc, argv))
            continue;
        if (run_test(i))
            passed++;
        else
            failed++;
    }
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
