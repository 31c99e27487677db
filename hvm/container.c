/*
 * Containers: creation with their vCPUs, guest-physical memory (RAM slots
 * from the buddy allocator, or a domain's frames through its p2m, which the
 * vendor maps into EPT/NPT), MMIO and port handlers, and destruction that
 * returns every frame it allocated.
 */
#include <asm/m2p.h>
#include <hvm/container.h>
#include <hvm/vendor.h>
#include <xeno/buddy.h>
#include <xeno/errno.h>
#include <xeno/lib.h>
#include <xeno/mm.h>
#include <xeno/string.h>
#include <xeno/xmalloc.h>

static unsigned int next_container_id = 1;

struct hvm_container *hvm_container_create(const char *name, unsigned int nr_vcpus, void *owner)
{
    struct hvm_container *c;

    if (nr_vcpus == 0 || nr_vcpus > HVM_MAX_VCPUS || !hvm_vendor)
        return NULL;
    c = xzalloc(struct hvm_container);
    if (!c)
        return NULL;
    c->id = next_container_id++;
    c->owner = owner;
    strlcpy(c->name, name, sizeof(c->name));
    if (hvm_vendor->container_init(c)) {
        xfree(c);
        return NULL;
    }
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        struct hvm_vcpu *v = xzalloc(struct hvm_vcpu);
        if (!v) {
            hvm_container_destroy(c);
            return NULL;
        }
        v->id = i;
        v->container = c;
        v->pending_irq = -1;
        v->state = HVM_VCPU_RUNNABLE;
        c->vcpus[c->nr_vcpus++] = v;
        if (hvm_vendor->vcpu_init(v)) {
            hvm_container_destroy(c);
            return NULL;
        }
    }
    return c;
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return a < b + blen && b < a + alen;
}

static bool gpa_range_free(const struct hvm_container *c, uint64_t gpa, uint64_t size)
{
    for (unsigned int i = 0; i < c->nr_ram; i++)
        if (overlaps(gpa, size, c->ram[i].gpa, c->ram[i].size))
            return false;
    for (unsigned int i = 0; i < c->nr_mmio; i++)
        if (overlaps(gpa, size, c->mmio[i].gpa, c->mmio[i].size))
            return false;
    return true;
}

int hvm_container_add_ram(struct hvm_container *c, uint64_t gpa, unsigned int order)
{
    uint64_t size = PAGE_SIZE << order;
    struct hvm_ram *r;
    struct page_info *pg;

    if (c->nr_ram == HVM_MAX_RAM || !IS_ALIGNED(gpa, size) || !gpa_range_free(c, gpa, size))
        return -EINVAL;
    pg = alloc_frames(order);
    if (!pg)
        return -ENOMEM;
    memset(page_to_virt(pg), 0, size);
    r = &c->ram[c->nr_ram];
    *r = (struct hvm_ram){ .gpa = gpa, .size = size, .pg = pg, .order = order };
    if (hvm_vendor->map_ram(c, gpa, (uint64_t)page_to_mfn(pg) << PAGE_SHIFT, size)) {
        free_frames(pg, order);
        return -ENOMEM;
    }
    c->nr_ram++;
    return 0;
}

int hvm_container_add_mmio(struct hvm_container *c, uint64_t gpa, uint64_t size,
                           const struct hvm_mmio_ops *ops)
{
    if (c->nr_mmio == HVM_MAX_MMIO || size == 0 || !gpa_range_free(c, gpa, size))
        return -EINVAL;
    c->mmio[c->nr_mmio++] = (struct hvm_mmio){ .gpa = gpa, .size = size, .ops = ops };
    return 0;
}

int hvm_container_add_ports(struct hvm_container *c, uint16_t first, uint16_t count,
                            const struct hvm_port_ops *ops)
{
    if (c->nr_ports == HVM_MAX_PORTS || count == 0 || (uint32_t)first + count > 0x10000)
        return -EINVAL;
    for (unsigned int i = 0; i < c->nr_ports; i++)
        if (overlaps(first, count, c->ports[i].first, c->ports[i].count))
            return -EINVAL;
    c->ports[c->nr_ports++] = (struct hvm_ports){ .first = first, .count = count, .ops = ops };
    return 0;
}

void hvm_container_destroy(struct hvm_container *c)
{
    for (unsigned int i = 0; i < c->nr_vcpus; i++) {
        hvm_vendor->vcpu_destroy(c->vcpus[i]);
        xfree(c->vcpus[i]);
    }
    /* The vendor drops its translations before the frames go back. */
    hvm_vendor->container_destroy(c);
    for (unsigned int i = 0; i < c->nr_ram; i++)
        free_frames(c->ram[i].pg, c->ram[i].order);
    xfree(c);
}

static const struct hvm_ram *ram_find(const struct hvm_container *c, uint64_t gpa)
{
    for (unsigned int i = 0; i < c->nr_ram; i++)
        if (gpa - c->ram[i].gpa < c->ram[i].size)
            return &c->ram[i];
    return NULL;
}

int hvm_gpa_to_maddr(const struct hvm_container *c, uint64_t gpa, uint64_t *maddr)
{
    const struct hvm_ram *r;

    if (c->p2m) {
        uint64_t gfn = gpa >> PAGE_SHIFT;
        if (gfn >= c->nr_pfns || !c->p2m[gfn])
            return -EFAULT;
        *maddr = (c->p2m[gfn] << PAGE_SHIFT) | (gpa & (PAGE_SIZE - 1));
        return 0;
    }
    r = ram_find(c, gpa);
    if (!r)
        return -EFAULT;
    *maddr = ((uint64_t)page_to_mfn(r->pg) << PAGE_SHIFT) + (gpa - r->gpa);
    return 0;
}

bool hvm_gpa_is_ram(const struct hvm_container *c, uint64_t gpa)
{
    uint64_t maddr;
    return hvm_gpa_to_maddr(c, gpa, &maddr) == 0;
}

int hvm_container_map_page(struct hvm_container *c, uint64_t gpa, uint64_t maddr)
{
    uint64_t gfn = gpa >> PAGE_SHIFT;

    if (!c->p2m || gfn >= c->nr_pfns || !IS_ALIGNED(maddr, PAGE_SIZE))
        return -EINVAL;
    /* The M2P follows: the frame put here is now named by gfn (setup_table
     * and control_channels read it back), the one it replaces by none. */
    if (c->p2m[gfn] && c->p2m[gfn] != maddr >> PAGE_SHIFT)
        m2p_set(c->p2m[gfn], M2P_INVALID);
    c->p2m[gfn] = maddr >> PAGE_SHIFT;
    m2p_set(c->p2m[gfn], gfn);
    return hvm_vendor->map_page(c, gfn << PAGE_SHIFT, maddr);
}

const struct hvm_mmio *hvm_mmio_find(const struct hvm_container *c, uint64_t gpa)
{
    for (unsigned int i = 0; i < c->nr_mmio; i++)
        if (gpa - c->mmio[i].gpa < c->mmio[i].size)
            return &c->mmio[i];
    return NULL;
}

const struct hvm_ports *hvm_ports_find(const struct hvm_container *c, uint16_t port)
{
    for (unsigned int i = 0; i < c->nr_ports; i++)
        if ((uint16_t)(port - c->ports[i].first) < c->ports[i].count)
            return &c->ports[i];
    return NULL;
}

/* Copy between hypervisor memory and guest RAM, page by page (RAM slots are
 * contiguous, but a domain's frames need not be). */
static int copy_gpa(struct hvm_container *c, uint64_t gpa, void *buf, uint64_t len, bool to_guest)
{
    uint8_t *p = buf;

    while (len) {
        uint64_t maddr, chunk = min(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
        uint8_t *mem;

        if (hvm_gpa_to_maddr(c, gpa, &maddr))
            return -EFAULT;
        mem = maddr_to_virt(maddr);
        if (to_guest)
            memcpy(mem, p, chunk);
        else
            memcpy(p, mem, chunk);
        gpa += chunk;
        p += chunk;
        len -= chunk;
    }
    return 0;
}

int hvm_copy_to_gpa(struct hvm_container *c, uint64_t gpa, const void *src, uint64_t len)
{
    return copy_gpa(c, gpa, (void *)src, len, true);
}

int hvm_copy_from_gpa(struct hvm_container *c, void *dst, uint64_t gpa, uint64_t len)
{
    return copy_gpa(c, gpa, dst, len, false);
}
