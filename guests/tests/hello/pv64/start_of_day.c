/*
 * hello's start of day in pv64 (Xen's "Start-of-day memory layout", public/xen.h):
 * start_info, what the domain builder placed after the image, the p2m list and
 * the read-only M2P table.
 */
#include "xtest.h"
#include "../hello.h"

#define START_INFO_MAGIC "xen-3.0-x86_64"

static uint64_t memory_end(void)
{
    return xtest_start_info->nr_pages * PAGE_SIZE;
}

static void check_start_info(void)
{
    const struct start_info *si = xtest_start_info;
    uint64_t want_pages = (uint64_t)xtest_manifest.memory_mib * 256;

    printf("start_info at %#lx: magic \"%.32s\"\n", (uint64_t)si, si->magic);
    xtest_check(strncmp(si->magic, START_INFO_MAGIC, strlen(START_INFO_MAGIC)) == 0,
                "start_info.magic \"%.32s\" does not start with \"%s\"", si->magic,
                START_INFO_MAGIC);
    printf("nr_pages %lu (%u MiB), shared_info %#lx, flags %#x\n", si->nr_pages,
           xtest_manifest.memory_mib, si->shared_info, si->flags);
    xtest_check(si->nr_pages == want_pages, "nr_pages %lu, expected %lu for %u MiB",
                si->nr_pages, want_pages, xtest_manifest.memory_mib);
    xtest_check(si->shared_info != 0 && PAGE_ALIGNED(si->shared_info),
                "shared_info %#lx is not a nonzero page address", si->shared_info);
    printf("pt_base %#lx, nr_pt_frames %lu, mfn_list %#lx\n", si->pt_base,
           si->nr_pt_frames, si->mfn_list);
    printf("store mfn %#lx evtchn %u, console mfn %#lx evtchn %u\n", si->store_mfn,
           si->store_evtchn, si->console_mfn, si->console_evtchn);
    printf("mod_start %#lx, mod_len %lu, first_p2m_pfn %#lx, nr_p2m_frames %lu\n",
           si->mod_start, si->mod_len, si->first_p2m_pfn, si->nr_p2m_frames);
    xtest_check(si->mod_start == 0 && si->mod_len == 0,
                "mod_start %#lx mod_len %lu with no ramdisk", si->mod_start, si->mod_len);
    xtest_check(PAGE_ALIGNED(si) && PAGE_ALIGNED(si->pt_base) && PAGE_ALIGNED(si->mfn_list),
                "start_info, pt_base and mfn_list must be page-aligned");
    /* 4-level paging needs at least an L4, an L3, an L2 and an L1. */
    xtest_check(si->nr_pt_frames >= 4, "nr_pt_frames %lu, expected 4 or more",
                si->nr_pt_frames);
    xtest_check(PAGE_ALIGNED(xtest_boot_rsp), "entry rsp %#lx is not the top of a page",
                xtest_boot_rsp);

    printf("layout (image [%#lx, %#lx)):\n", (uint64_t)_image_start, (uint64_t)_image_end);
    const struct region r[] = {
        { "start_info", (uint64_t)si, (uint64_t)si + PAGE_SIZE },
        { "p2m", si->mfn_list, si->mfn_list + si->nr_pages * sizeof(uint64_t) },
        { "pagetables", si->pt_base, si->pt_base + si->nr_pt_frames * PAGE_SIZE },
        { "boot stack", xtest_boot_rsp - PAGE_SIZE, xtest_boot_rsp },
    };
    check_layout(r, ARRAY_LEN(r), memory_end());
}

/* The p2m (mfn_list) maps each pfn to a distinct machine frame, and the read-only M2P
 * at MACH2PHYS_VIRT_START maps each back. */
static void check_p2m(void)
{
    const uint64_t *p2m = (const uint64_t *)xtest_start_info->mfn_list;
    uint64_t n = xtest_start_info->nr_pages;
    unsigned int m2p_bad = 0;

    if (xtest_status() == XTEST_FAIL)
        return;     /* mfn_list may not be where it should be */
    for (uint64_t pfn = 0; pfn < n; pfn++) {
        uint64_t mfn = p2m[pfn], back = 0;
        struct exinfo ex;

        for (uint64_t other = 0; other < pfn; other++)
            if (p2m[other] == mfn) {
                xtest_fail("p2m: pfn %#lx and pfn %#lx both map mfn %#lx", other, pfn, mfn);
                return;
            }
        ex = probe_read64(MACH2PHYS_VIRT_START + mfn * sizeof(uint64_t), &back);
        if (ex.vector != EXINFO_NONE) {
            char g[32];
            xtest_fail("M2P entry of mfn %#lx (pfn %#lx) at %#lx: %s", mfn, pfn,
                       MACH2PHYS_VIRT_START + mfn * 8, exinfo_str(&ex, g, sizeof(g)));
            return;
        }
        if (back != pfn && m2p_bad++ < 4)
            xtest_fail("M2P[%#lx] is %#lx, expected pfn %#lx", mfn, back, pfn);
    }
    printf("p2m: %lu distinct frames (pfn 0 -> mfn %#lx), M2P maps each back\n", n, p2m[0]);
}

void check_start_of_day(void)
{
    check_start_info();
    check_p2m();
}
