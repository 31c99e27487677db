/*
 * VCPUOP_initialise for a 64-bit PV vCPU: the whole vcpu_guest_context a
 * guest gives a vCPU before it first runs, checked by the rules of the
 * hypercalls that set each part one at a time on a running vCPU
 * (set_trap_table, set_gdt, NEW_BASEPTR, stack_switch, callback_op,
 * set_debugreg, set_segment_base). Every part is checked before anything is
 * installed, so a refused context changes nothing.
 */
#include <asm/desc.h>
#include <asm/guest_access.h>
#include <asm/page.h>
#include <public/vcpu_context.h>
#include <pv/mm.h>
#include <pv/pv.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/page_ref.h>
#include <xeno/string.h>

/* Descriptor bits (Intel SDM Vol. 3, 3.4.5): present, code/data (not system),
 * code, readable (code) or writable (data), 64-bit code, default size. */
#define DESC_P (1UL << 47)
#define DESC_S (1UL << 44)
#define DESC_CODE (1UL << 43)
#define DESC_RW (1UL << 41)
#define DESC_L (1UL << 53)
#define DESC_DB (1UL << 54)
#define ENTRIES_PER_FRAME (PAGE_SIZE / 8)
#define SEL_TI 4                        /* the selector names the LDT */
#define MXCSR_OFFSET 24                 /* in an FXSAVE image */
#define MXCSR_ALLOWED 0xffbfU           /* no DAZ (not on every CPU), no reserved bits */

enum sel_use { USE_CODE64, USE_STACK, USE_DATA };

/* The descriptor sel names in the new GDT (its validated shadow frames) or
 * among the flat selectors the hypervisor gives every PV guest. */
static bool descriptor_of(const uint64_t *shadows, uint64_t entries, uint16_t sel,
                          uint64_t *desc)
{
    unsigned int idx = sel >> 3;

    if (sel & SEL_TI)
        return false;                   /* no LDTs in Xeno */
    if (idx < entries) {
        *desc = ((const uint64_t *)mfn_to_virt(shadows[idx / ENTRIES_PER_FRAME]))
                    [idx % ENTRIES_PER_FRAME];
        return true;
    }
    switch (sel & ~3) {
    case GUEST_CS64 & ~3:
        *desc = DESC_P | DESC_S | DESC_CODE | DESC_RW | DESC_L;
        return true;
    case GUEST_CS32 & ~3:
        *desc = DESC_P | DESC_S | DESC_CODE | DESC_RW | DESC_DB;
        return true;
    case GUEST_DS & ~3:
        *desc = DESC_P | DESC_S | DESC_RW;
        return true;
    default:
        return false;                   /* beyond the GDT, or the hypervisor's own */
    }
}

/* Can the vCPU start with sel where use says? CS and SS must be what the
 * hypervisor's iretq accepts (RPL 3 by now); data selectors may be null. */
static bool selector_ok(const uint64_t *shadows, uint64_t entries, uint16_t sel,
                        enum sel_use use)
{
    uint64_t d;

    if ((sel & ~3) == 0)
        return use == USE_DATA;
    if (use != USE_DATA && (sel & 3) != 3)
        return false;
    if (!descriptor_of(shadows, entries, sel, &d) || !(d & DESC_P) || !(d & DESC_S))
        return false;
    switch (use) {
    case USE_CODE64:
        return (d & DESC_CODE) && (d & DESC_L) && !(d & DESC_DB);
    case USE_STACK:
        return !(d & DESC_CODE) && (d & DESC_RW);
    default:
        return !(d & DESC_CODE) || (d & DESC_RW);   /* data, or readable code */
    }
}

/* As Xen: a kernel selector with RPL 0-2 means the guest kernel's ring, 3. */
static uint16_t kernel_rpl(uint64_t sel)
{
    return (uint16_t)((sel & 3) ? sel : sel | 3);
}

static bool handler_ok(uint64_t address)
{
    return address == 0 || pv_guest_code_address_ok(address);
}

/* Everything that needs no reference taken. */
static int check_plain_fields(struct vcpu_guest_context *c)
{
    const struct cpu_user_regs *u = &c->user_regs;
    uint32_t mxcsr;

    if (!(c->flags & VGCF_in_kernel))
        return -EINVAL;                 /* a fresh vCPU starts in its kernel */
    if (!pv_guest_code_address_ok(u->rip) || !is_canonical(u->rsp) ||
        !is_canonical(c->kernel_sp))
        return -EINVAL;
    if (!handler_ok(c->event_callback_eip) || !handler_ok(c->failsafe_callback_eip) ||
        !handler_ok(c->syscall_callback_eip))
        return -EINVAL;
    for (unsigned int i = 0; i < 256; i++)
        if (!handler_ok(c->trap_ctxt[i].address))
            return -EINVAL;
    if (!is_canonical(c->fs_base) || !is_canonical(c->gs_base_kernel) ||
        !is_canonical(c->gs_base_user))
        return -EINVAL;
    if (c->ldt_ents != 0)
        return -EINVAL;                 /* MMUEXT_SET_LDT allows none either */
    if ((c->ctrlreg[3] & (PAGE_SIZE - 1)) || (c->ctrlreg[1] & (PAGE_SIZE - 1)) ||
        c->ctrlreg[3] == 0)
        return -EINVAL;
    for (unsigned int r = 0; r < 8; r++)
        if (r != 4 && r != 5 && pv_debugreg_check(r, &c->debugreg[r]))
            return -EINVAL;
    memcpy(&mxcsr, c->fpu_ctxt + MXCSR_OFFSET, sizeof(mxcsr));
    if ((c->flags & VGCF_i387_valid) && (mxcsr & ~MXCSR_ALLOWED))
        return -EINVAL;                 /* fxrstor would fault in the hypervisor */
    return 0;
}

static bool selectors_ok(const struct vcpu_guest_context *c, const uint64_t *shadows)
{
    const struct cpu_user_regs *u = &c->user_regs;
    uint64_t n = c->gdt_ents;

    return selector_ok(shadows, n, u->cs, USE_CODE64) &&
           selector_ok(shadows, n, u->ss, USE_STACK) &&
           selector_ok(shadows, n, (uint16_t)c->kernel_ss, USE_STACK) &&
           selector_ok(shadows, n, u->ds, USE_DATA) && selector_ok(shadows, n, u->es, USE_DATA) &&
           selector_ok(shadows, n, u->fs, USE_DATA) && selector_ok(shadows, n, u->gs, USE_DATA);
}

/* The page-table bases, as NEW_BASEPTR and NEW_USER_BASEPTR take them: an L4
 * the domain owns, validated (pinnable) or already in use, held typed. */
static int take_baseptrs(struct vcpu *v, uint64_t kernel_l4, uint64_t user_l4)
{
    unsigned long lock = pv_mm_lock();
    int rc = pv_set_baseptr(v, kernel_l4, 0);

    if (!rc && user_l4) {
        rc = pv_set_baseptr(v, user_l4, 1);
        if (rc) {
            put_page_and_type(mfn_to_page(kernel_l4));
            v->pv.kernel_l4_mfn = 0;
        }
    }
    pv_mm_unlock(lock);
    return rc ? -EINVAL : 0;
}

static void install_registers(struct pv_vcpu *pv, const struct cpu_user_regs *u)
{
    struct cpu_regs *r = &pv->regs;

    memset(r, 0, sizeof(*r));
    r->r15 = u->r15; r->r14 = u->r14; r->r13 = u->r13; r->r12 = u->r12;
    r->rbp = u->rbp; r->rbx = u->rbx; r->r11 = u->r11; r->r10 = u->r10;
    r->r9 = u->r9; r->r8 = u->r8; r->rax = u->rax; r->rcx = u->rcx;
    r->rdx = u->rdx; r->rsi = u->rsi; r->rdi = u->rdi;
    r->rip = u->rip;
    r->cs = u->cs;
    r->rflags = pv_guest_rflags(u->rflags);
    r->rsp = u->rsp;
    r->ss = u->ss;
    pv->ds = u->ds;
    pv->es = u->es;
    pv->fs = u->fs;
    pv->gs = u->gs;
    pv->iopl = (unsigned int)(u->rflags >> 12) & 3;     /* as Xen: the IOPL asked is virtual */
}

static void install(struct vcpu *v, const struct vcpu_guest_context *c, const uint64_t *shadows)
{
    struct pv_vcpu *pv = &v->pv;

    install_registers(pv, &c->user_regs);
    pv->kernel_mode = true;
    pv->kernel_ss = c->kernel_ss;
    pv->kernel_sp = c->kernel_sp;
    for (unsigned int i = 0; i < 256; i++)
        pv->traps[i] = (struct pv_trap){ .address = c->trap_ctxt[i].address,
                                         .flags = c->trap_ctxt[i].flags };
    memset(pv->callbacks, 0, sizeof(pv->callbacks));
    pv->callbacks[PV_CB_EVENT].address = c->event_callback_eip;
    pv->callbacks[PV_CB_FAILSAFE] = (struct pv_callback){ c->failsafe_callback_eip,
        (c->flags & VGCF_failsafe_disables_events) != 0 };
    pv->callbacks[PV_CB_SYSCALL] = (struct pv_callback){ c->syscall_callback_eip,
        (c->flags & VGCF_syscall_disables_events) != 0 };
    pv->fs_base = c->fs_base;
    pv->gs_base_kernel = c->gs_base_kernel;
    pv->gs_base_user = c->gs_base_user;
    pv_gdt_install(v, c->gdt_frames, shadows, c->gdt_ents);
    for (unsigned int r = 0; r < 8; r++)
        if (r != 4 && r != 5)
            pv->debugreg[r] = c->debugreg[r];
    pv->cr4 = pv_initial_cr4();
    pv->fpu_ts = false;
    pv->fpu_saved = (c->flags & VGCF_i387_valid) != 0;
    if (pv->fpu_saved)
        memcpy(pv->fpu_state, c->fpu_ctxt, sizeof(pv->fpu_state));
}

int pv_vcpu_initialise(struct vcpu *v, struct vcpu_guest_context *c)
{
    uint64_t shadows[GDT_GUEST_PAGES] = { 0 };
    int rc;

    /* Only ever a vCPU that has not run: its state is nowhere but here. */
    if (v->on_cpu)
        return -EBUSY;
    if (c->kernel_ss > 0xffff)
        return -EINVAL;
    c->user_regs.cs = kernel_rpl(c->user_regs.cs);
    c->user_regs.ss = kernel_rpl(c->user_regs.ss);
    c->kernel_ss = kernel_rpl(c->kernel_ss);
    rc = check_plain_fields(c);
    if (rc)
        return rc;
    rc = pv_gdt_shadow(v->domain, c->gdt_frames, c->gdt_ents, shadows);
    if (rc)
        return rc;
    if (!selectors_ok(c, shadows)) {
        rc = -EINVAL;
    } else {
        rc = take_baseptrs(v, xen_cr3_to_pfn(c->ctrlreg[3]), xen_cr3_to_pfn(c->ctrlreg[1]));
    }
    if (rc) {
        pv_gdt_free_shadows(shadows, c->gdt_ents);
        return rc;
    }
    install(v, c, shadows);
    return 0;
}
