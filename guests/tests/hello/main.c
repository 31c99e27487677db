/*
 * hello: the start-of-day state of a guest: what the domain builder handed over
 * (the environment's side, ENV/start_of_day.c: pv64's start_info, p2m and M2P;
 * pvh64's hvm_start_info, memory map, entry registers and HVM parameters),
 * shared_info, .bss as the loader left it, and the command line.
 */
#include "xtest.h"
#include "hello.h"

/* Each region lies inside the domain's memory (below MEMORY_END), after the image,
 * and apart from the others. */
void check_layout(const struct region *r, unsigned int n, uint64_t memory_end)
{
    for (unsigned int i = 0; i < n; i++) {
        printf("  %-10s [%#lx, %#lx)\n", r[i].name, r[i].start, r[i].end);
        xtest_check(r[i].start >= (uint64_t)_image_end && r[i].end <= memory_end &&
                    r[i].start < r[i].end,
                    "%s [%#lx, %#lx) is not between the image end %#lx and the end of "
                    "memory %#lx", r[i].name, r[i].start, r[i].end, (uint64_t)_image_end,
                    memory_end);
        for (unsigned int j = 0; j < i; j++)
            xtest_check(r[i].end <= r[j].start || r[j].end <= r[i].start,
                        "%s and %s overlap", r[i].name, r[j].name);
    }
}

static void check_shared_info(void)
{
    if (!xtest_vcpu_info)
        return;     /* the runtime already failed the test */
    printf("vcpu_info[0]: upcall_pending %u, upcall_mask %u\n",
           xtest_vcpu_info->evtchn_upcall_pending, xtest_vcpu_info->evtchn_upcall_mask);
    /* HVM guests mask events with RFLAGS.IF, which starts clear (pvh64's entry
     * state check); evtchn_upcall_mask means nothing to them. */
    if (!xtest_applies(XTEST_ENV_PV, "events masked in vcpu_info at start of day (PV only)"))
        return;
    xtest_check(xtest_vcpu_info->evtchn_upcall_mask == 1,
                "events are not masked at start of day (upcall_mask %u)",
                xtest_vcpu_info->evtchn_upcall_mask);
}

static void check_cmdline(void)
{
    const char *got = xtest_cmdline;

    printf("cmd_line \"%.1024s\"\n", got);
    xtest_check(strnlen(got, MAX_GUEST_CMDLINE) < MAX_GUEST_CMDLINE,
                "cmd_line is not NUL-terminated");
    xtest_check(strncmp(got, xtest_manifest.cmdline, MAX_GUEST_CMDLINE) == 0,
                "cmd_line \"%.100s\", expected \"%s\"", got, xtest_manifest.cmdline);
}

void test_main(void)
{
    printf("hello from a %s guest\n", XTEST_ENV_PV ? "PV" : "PVH");
    xtest_check(xtest_bss_dirty == 0, ".bss was not zero at entry (first nonzero word at "
                "%#lx)", xtest_bss_dirty);
    check_start_of_day();
    check_shared_info();
    check_cmdline();
}
