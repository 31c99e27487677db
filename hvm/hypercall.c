/*
 * VMCALL from a container: the hypercall number in eAX, arguments in the
 * registers of Xen's HVM ABI (64-bit: rdi rsi rdx r10 r8; 32-bit: ebx ecx
 * edx esi edi), the result in eAX. A call from guest user mode gets -EPERM
 * (VMCALL exits whatever the CPL, so the hypervisor must check).
 *
 * A domain's vCPU goes through the one table PV uses (xen/hypercall.c), with
 * its policy for HVM callers; pointers are guest-virtual (hvm/guest_access.c).
 * A call that asks to be continued (-ERESTART) is not stepped over: the
 * guest executes the same VMCALL again with the arguments the handler left.
 * The self-test's container, which has no domain, keeps a table of its own
 * with xen_version only.
 */
#include <hvm/container.h>
#include <hvm/domain.h>
#include <public/version.h>
#include <public/xen.h>
#include <xeno/domain.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/xen_cpuid.h>
#include <xeno/lib.h>

static const uint8_t regs64[5] = { HVM_GPR_RDI, HVM_GPR_RSI, HVM_GPR_RDX, 10, HVM_GPR_R8 };
static const uint8_t regs32[5] = { HVM_GPR_RBX, HVM_GPR_RCX, HVM_GPR_RDX, HVM_GPR_RSI,
                                   HVM_GPR_RDI };

static long selftest_hypercall(uint64_t nr, const uint64_t args[5])
{
    if (nr == __HYPERVISOR_xen_version && args[0] == XENVER_version)
        return (long)XENO_XEN_ABI_VERSION;
    return -ENOSYS;
}

void hvm_hypercall_continue(const uint64_t args[6])
{
    struct vcpu *v = current_vcpu();
    struct hvm_vcpu *hv = v->hvm;
    bool wide = hvm_guest_mode(hv) == 64;

    for (unsigned int i = 0; i < 5; i++)
        hv->regs.gpr[wide ? regs64[i] : regs32[i]] = wide ? args[i] : (uint32_t)args[i];
}

enum hvm_action hvm_handle_hypercall(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    bool wide = hvm_guest_mode(v) == 64;
    uint64_t nr = wide ? v->regs.gpr[HVM_GPR_RAX] : (uint32_t)v->regs.gpr[HVM_GPR_RAX];
    uint64_t args[6] = { 0 };
    long ret;

    for (unsigned int i = 0; i < 5; i++)
        args[i] = wide ? v->regs.gpr[regs64[i]] : (uint32_t)v->regs.gpr[regs32[i]];
    if (hvm_guest_cpl(v) != 0)
        ret = -EPERM;
    else if (v->owner)
        ret = hypercall_dispatch(v->owner, nr, args, false);
    else
        ret = selftest_hypercall(nr, args);
    if (ret == -ERESTART)
        return HVM_RESUME;      /* the same VMCALL again, with the continued arguments */
    v->regs.gpr[HVM_GPR_RAX] = wide ? (uint64_t)ret : (uint32_t)ret;
    hvm_skip_insn(v, e);
    return HVM_RESUME;
}
