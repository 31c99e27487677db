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

/* The read-only page every PV guest has: its L4 page table (start_info.pt_base),
 * mapped read-only. The buffer sits at the end, over L4 slots a guest at
 * VIRT_BASE 0 leaves empty. */
static void try_read_only(const char *what, pointer_call call, void *ctx, unsigned long size)
{
    static uint8_t before[PAGE_SIZE];
    uint64_t addr = xtest_start_info->pt_base + PAGE_SIZE - size;
    uint64_t word;
    struct exinfo ex = probe_read64(xtest_start_info->pt_base, &word);

    if (ex.vector != EXINFO_NONE) {
        char g[32];
        xtest_fail("%s: cannot read the L4 at start_info.pt_base %#lx: %s", what,
                   xtest_start_info->pt_base, exinfo_str(&ex, g, sizeof(g)));
        return;
    }
    memcpy(before, (void *)addr, size);
    try_one(what, "a read-only page (the L4 at pt_base)", addr, call, ctx);
    if (memcmp(before, (void *)addr, size) != 0)
        xtest_fail("%s wrote into the read-only L4 page at %#lx", what, addr);
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
