/*
 * The vendor choice and per-CPU VMX/SVM operation. Only VT-x exists today;
 * AMD-V (hvm/svm/) will be a second ops table picked here.
 */
#include <asm/cpufeatures.h>
#include <hvm/hvm.h>
#include <hvm/vendor.h>
#include <xeno/errno.h>
#include <xeno/vsnprintf.h>

const struct hvm_vendor_ops *hvm_vendor;
unsigned long hvm_crash_count;

bool hvm_available(void)
{
    /* Containers boot in 32-bit protected mode with paging off: that needs
     * unrestricted guest, which needs EPT. */
    if (cpu_features.vmx && cpu_features.ept && cpu_features.unrestricted_guest)
        hvm_vendor = &vmx_vendor_ops;
    return hvm_vendor != NULL;
}

int hvm_cpu_up(char *why, size_t len)
{
    if (!hvm_available()) {
        snprintf(why, len, "no usable VT-x on this CPU");
        return -ENODEV;
    }
    return hvm_vendor->cpu_up(why, len);
}

int hvm_all_cpus_up(char *why, size_t len)
{
    if (!hvm_available()) {
        snprintf(why, len, "no usable VT-x on this CPU");
        return -ENODEV;
    }
    return hvm_vendor->all_cpus_up(why, len);
}

void hvm_cpu_down(void)
{
    if (hvm_vendor)
        hvm_vendor->cpu_down();
}
