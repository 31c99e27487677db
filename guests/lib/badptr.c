/* Bad guest pointers for every pointer-taking hypercall (see xtest.h). */
#include "runtime.h"

struct bad_pointer {
    const char *name;
    uint64_t addr;
};

static void try_one(const char *what, const char *name, uint64_t addr, pointer_call call,
                    void *ctx)
{
    char g[32];
    long rc = call(addr, ctx);

    if (rc != -EFAULT)
        xtest_fail("%s with %s %#lx returned %s, expected -14 (EFAULT)", what, name, addr,
                   rc_str(rc, g, sizeof(g)));
}

/* A page the guest maps read-only (xtest_read_only_page: the L4 of a PV guest); the
 * buffer sits at its end. */
static void try_read_only(const char *what, pointer_call call, void *ctx, unsigned long size)
{
    static uint8_t before[PAGE_SIZE];
    uint64_t page = xtest_read_only_page, addr = page + PAGE_SIZE - size;
    uint64_t word;
    struct exinfo ex = probe_read64(page, &word);

    if (ex.vector != EXINFO_NONE) {
        char g[32];
        xtest_fail("%s: cannot read %s at %#lx: %s", what, xtest_read_only_page_name, page,
                   exinfo_str(&ex, g, sizeof(g)));
        return;
    }
    memcpy(before, (void *)addr, size);
    try_one(what, xtest_read_only_page_name, addr, call, ctx);
    if (memcmp(before, (void *)addr, size) != 0)
        xtest_fail("%s wrote into %s at %#lx", what, xtest_read_only_page_name, addr);
}

void expect_efault_for_bad_pointers(const char *what, pointer_call call, void *ctx,
                                    unsigned long size, unsigned int flags)
{
    const struct bad_pointer fixed[] = {
        { "an address in unmapped page 0", BAD_VA_PAGE0 },
        { "a hypervisor address", BAD_VA_HYPERVISOR },
        { "a non-canonical address", BAD_VA_NONCANONICAL },
        { "an unmapped guest page", (uint64_t)xtest_guard_page },
        { "the top of the address space (buffers wrap around)", BAD_VA_TOP },
        { "the end of the canonical lower half", BAD_VA_LOWER_HALF_END },
    };

    for (unsigned int i = 0; i < ARRAY_LEN(fixed); i++)
        try_one(what, fixed[i].name, fixed[i].addr, call, ctx);
    if (size >= 2 && size <= PAGE_SIZE) {
        /* Half in the mapped page below the guard page, half in it. Newlines: should a
         * console write print the mapped half, it prints blank lines. */
        uint64_t addr = (uint64_t)xtest_guard_page - size / 2;
        memset((void *)addr, '\n', size / 2);
        try_one(what, "a buffer running into an unmapped page", addr, call, ctx);
    }
    if ((flags & BADPTR_WRITES) && size <= PAGE_SIZE)
        try_read_only(what, call, ctx, size);
}
