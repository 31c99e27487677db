/*
 * Guest-virtual to guest-physical, by walking the guest's own page tables as
 * the CPU would (Vol. 3A 4.5, 4-level paging): what hypercall pointers from a
 * container's guest need, since they are guest-virtual as in Xen's PVH ABI.
 * With paging off an address is its own guest-physical address. Legacy
 * 32-bit and PAE paging are not walked (a container guest makes hypercalls
 * from long mode); such an address is a fault like an unmapped one.
 */
#include <asm/processor.h>
#include <hvm/container.h>
#include <hvm/guest_walk.h>
#include <hvm/vendor.h>
#include <xeno/errno.h>

#define CR0_PG (1UL << 31)
#define CR0_WP (1UL << 16)
#define EFER_LMA (1UL << 10)
#define PTE_P (1UL << 0)
#define PTE_RW (1UL << 1)
#define PTE_PS (1UL << 7)
#define PTE_ADDR 0x000ffffffffff000UL

static bool canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

int hvm_guest_walk(struct hvm_vcpu *v, uint64_t va, bool write, uint64_t *gpa)
{
    struct hvm_container *c = v->container;
    uint64_t cr0 = hvm_vendor->get_cr(v, 0), efer = 0, table;

    if (!(cr0 & CR0_PG)) {
        *gpa = hvm_guest_mode(v) == 64 ? va : (uint32_t)va;
        return 0;
    }
    hvm_vendor->get_msr(v, MSR_EFER, &efer);
    if (!(efer & EFER_LMA) || !canonical(va))
        return -EFAULT;
    table = hvm_vendor->get_cr(v, 3) & PTE_ADDR;
    for (unsigned int level = 4; level >= 1; level--) {
        unsigned int shift = 12 + 9 * (level - 1);
        uint64_t e;

        if (hvm_copy_from_gpa(c, &e, table + ((va >> shift) & 511) * 8, sizeof(e)))
            return -EFAULT;     /* a table outside the guest's RAM */
        if (!(e & PTE_P))
            return -EFAULT;
        /* Supervisor writes honour R/W only with CR0.WP, as on the CPU. */
        if (write && !(e & PTE_RW) && (cr0 & CR0_WP))
            return -EFAULT;
        if (e & PTE_PS) {
            if (level != 2 && level != 3)
                return -EFAULT;     /* PS is reserved in an L4 entry */
            uint64_t size = 1UL << shift;
            *gpa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));
            return 0;
        }
        table = e & PTE_ADDR;
    }
    *gpa = table | (va & 0xfff);
    return 0;
}
