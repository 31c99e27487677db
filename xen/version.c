/* xen_version: the version and features a guest builds its view of Xen from. */
#include <asm/guest_access.h>
#include <public/version.h>
#include <public/xen.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/xen_cpuid.h>
#include <xeno/hypercall.h>
#include <xeno/string.h>
#include <xeno/version.h>

/* Features a 64-bit PV guest gets; Linux panics without 5 and 7, and must not
 * see 0 or 2 (it would expect writable page tables or auto-translation). */
#define PV_FEATURES ((1U << XENFEAT_mmu_pt_update_preserve_ad) | \
                     (1U << XENFEAT_gnttab_map_avail_bits))

static long copy_string_out(uint64_t arg, const char *s, size_t size)
{
    char buf[1024] = { 0 };
    strlcpy(buf, s, size);
    return copy_to_guest(arg, buf, size);
}

/* Every command but XENVER_version: out of line, so that one (the null
 * hypercall guests use, e.g. Linux to force an event callback) sets up no
 * stack frame for the others' buffers. */
static __attribute__((noinline)) long xen_version_other(uint64_t cmd, uint64_t arg)
{
    struct domain *d = current_vcpu()->domain;

    switch (cmd) {
    case XENVER_extraversion:
        return copy_string_out(arg, "-xeno" XENO_VERSION, sizeof(xen_extraversion_t));
    case XENVER_capabilities:
        return copy_string_out(arg, "xen-3.0-x86_64", sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return copy_string_out(arg, "xeno " XENO_VERSION, sizeof(xen_changeset_info_t));
    case XENVER_compile_info: {
        struct xen_compile_info ci;
        memset(&ci, 0, sizeof(ci));
        strlcpy(ci.compiler, "gcc", sizeof(ci.compiler));
        strlcpy(ci.compile_by, "xeno", sizeof(ci.compile_by));
        strlcpy(ci.compile_domain, "xeno", sizeof(ci.compile_domain));
        strlcpy(ci.compile_date, __DATE__, sizeof(ci.compile_date));
        return copy_to_guest(arg, &ci, sizeof(ci));
    }
    case XENVER_platform_parameters: {
        struct xen_platform_parameters p = { .virt_start = HYPERVISOR_VIRT_START };
        return copy_to_guest(arg, &p, sizeof(p));
    }
    case XENVER_get_features: {
        struct xen_feature_info fi;
        if (copy_from_guest(&fi, arg, sizeof(fi)))
            return -EFAULT;
        if (fi.submap_idx >= XENFEAT_NR_SUBMAPS)
            return -EINVAL;
        fi.submap = d->type == DOMAIN_PV ? PV_FEATURES : 0;
        return copy_to_guest(arg, &fi, sizeof(fi));
    }
    case XENVER_pagesize:
        return 4096;
    case XENVER_guest_handle: {
        uint8_t handle[16] = { 0 };
        handle[0] = (uint8_t)d->id;
        return copy_to_guest(arg, handle, sizeof(handle));
    }
    case XENVER_commandline:
        if (!d->privileged)
            return -EPERM;
        return copy_string_out(arg, "", sizeof(xen_commandline_t));
    default:
        return -ENOSYS;
    }
}

long do_xen_version(uint64_t cmd, uint64_t arg, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    (void)a3; (void)a4; (void)a5; (void)a6;
    if (cmd == XENVER_version)
        return XENO_XEN_ABI_VERSION;
    return xen_version_other(cmd, arg);
}
