/* Expected exceptions: probes, the fixup table and how an exception is named. */
#include "runtime.h"

struct exinfo xtest_last_exinfo = { .vector = EXINFO_NONE };

/* Where an exception inside probe() unwinds to: the stack pointer probe_call()
 * recorded; 0 when no probe() is running. */
uint64_t xtest_probe_rsp;

static const char *const names[32] = {
    "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "vector 9", "#TS",
    "#NP", "#SS", "#GP", "#PF", "vector 15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
};

const char *vector_name(int vector)
{
    if (vector >= 0 && vector < 32 && names[vector])
        return names[vector];
    return "vector";    /* the caller prints the number */
}

bool vector_has_error_code(int vector)
{
    switch (vector) {
    case X86_EXC_DF: case X86_EXC_TS: case X86_EXC_NP: case X86_EXC_SS:
    case X86_EXC_GP: case X86_EXC_PF: case X86_EXC_AC: case X86_EXC_CP:
    case 29: case 30:
        return true;
    default:
        return false;
    }
}

const char *exinfo_str(const struct exinfo *ex, char *buf, unsigned long size)
{
    char name[16];

    if (ex->vector == EXINFO_NONE) {
        snprintf(buf, size, "no exception");
        return buf;
    }
    if (ex->vector < 32 && names[ex->vector])
        snprintf(name, sizeof(name), "%s", names[ex->vector]);
    else
        snprintf(name, sizeof(name), "vector %#x", ex->vector);
    if (ex->error_code != EXINFO_NO_ERROR)
        snprintf(buf, size, "%s[%04x]", name, ex->error_code);
    else
        snprintf(buf, size, "%s", name);
    return buf;
}

void expect_exception(const char *what, const struct exinfo *ex, int vector, uint32_t error)
{
    struct exinfo want = { .vector = vector, .error_code = error };
    char g[32], w[32];

    if (ex->vector == vector && ex->error_code == error)
        return;
    xtest_fail("%s: got %s, expected %s", what, exinfo_str(ex, g, sizeof(g)),
               exinfo_str(&want, w, sizeof(w)));
}

void expect_no_exception(const char *what, const struct exinfo *ex)
{
    char g[32];

    if (ex->vector != EXINFO_NONE)
        xtest_fail("%s: got %s at rip %#lx, expected no exception", what,
                   exinfo_str(ex, g, sizeof(g)), ex->rip);
}

const struct extable_entry *extable_find(uint64_t rip)
{
    for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++)
        if (e->fault_rip == rip)
            return e;
    return NULL;
}

struct exinfo probe(void (*fn)(void *), void *arg)
{
    exinfo_clear();
    probe_call(fn, arg, &xtest_probe_rsp);
    xtest_probe_rsp = 0;
    return exinfo_take();
}
