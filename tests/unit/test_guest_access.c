/*
 * Which guest addresses the hypervisor accepts (guest_range_ok in
 * arch/x86/include/asm/guest_range.h): every hypercall pointer goes through
 * it before it is touched, so a range reaching into the hypervisor's L4 slots
 * 256-271, a non-canonical address or a wrap-around must be refused.
 */
#include "harness.h"
#include "../../arch/x86/include/asm/guest_range.h"

static const struct {
    uint64_t addr, len;
    bool ok;
} cases[] = {
    { 0x1000, 8, true },                        /* low guest memory */
    { 0, 1, true },                             /* NULL is the guest's (and unmapped) */
    { 0x00007ffffffffff8UL, 8, true },          /* last bytes of the lower half */
    { 0x00007ffffffffff8UL, 9, false },         /* one byte past it: non-canonical */
    { 0x0000800000000000UL, 1, false },         /* first non-canonical address */
    { 0x8000000000000000UL, 8, false },         /* the middle of the hole */
    { 0xffff800000000000UL, 8, false },         /* M2P: the hypervisor's */
    { 0xffff82d080200000UL, 8, false },         /* the hypervisor's image */
    { 0xffff830000000000UL, 8, false },         /* the direct map */
    { 0xffff87fffffffff8UL, 8, false },         /* last bytes of slot 271 */
    { 0xffff87fffffffff8UL, 16, false },        /* straddling the end of the hole */
    { 0xffff880000000000UL, 8, true },          /* first guest byte above the hole */
    { 0xffffffff80000000UL, 4096, true },       /* where PV Linux lives */
    { 0xfffffffffffffff8UL, 8, true },          /* the very top */
    { 0xfffffffffffffff8UL, 9, false },         /* wraps to 0 */
    { 0x1000, 0xfffffffffffff000UL, false },    /* wraps around */
    { 0x1000, 0, true },                        /* empty, in range */
};

TEST(guest_ranges_follow_the_pv_address_split)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bool ok = guest_range_ok(cases[i].addr, cases[i].len);
        if (ok != cases[i].ok)
            test_fail(__FILE__, __LINE__, "guest_range_ok(%#llx, %#llx) = %d, want %d",
                      (unsigned long long)cases[i].addr, (unsigned long long)cases[i].len,
                      ok, cases[i].ok);
    }
}
