/*
 * copy_{from,to}_guest for a vCPU in a container (asm/guest_access.h sends
 * them here): each page of the range is translated through the guest's page
 * tables and then its p2m, and only RAM of the domain is ever touched; any
 * hole anywhere in the range is -EFAULT, as an unmapped page is for PV.
 */
#include <asm/guest_access.h>
#include <hvm/container.h>
#include <hvm/domain.h>
#include <hvm/guest_walk.h>
#include <xeno/domain.h>
#include <xeno/lib.h>

static int copy_virt(uint64_t va, void *buf, size_t n, bool to_guest)
{
    struct vcpu *v = current_vcpu();
    uint8_t *p = buf;

    if (!v || !v->hvm)
        return -EFAULT;
    while (n) {
        size_t chunk = min(n, (size_t)(PAGE_SIZE - (va & (PAGE_SIZE - 1))));
        uint64_t gpa;
        int rc = hvm_guest_walk(v->hvm, va, to_guest, &gpa);

        if (!rc)
            rc = to_guest ? hvm_copy_to_gpa(v->hvm->container, gpa, p, chunk)
                          : hvm_copy_from_gpa(v->hvm->container, p, gpa, chunk);
        if (rc)
            return -EFAULT;
        va += chunk;
        p += chunk;
        n -= chunk;
    }
    return 0;
}

int hvm_copy_from_guest_virt(void *dst, uint64_t va, size_t n)
{
    return copy_virt(va, dst, n, false);
}

int hvm_copy_to_guest_virt(uint64_t va, const void *src, size_t n)
{
    return copy_virt(va, (void *)src, n, true);
}
