/*
 * VMCALL from a container: the hypercall number in eAX, arguments in the
 * registers of Xen's HVM ABI (64-bit: rdi rsi rdx r10 r8; 32-bit: ebx ecx
 * edx esi edi), the result in eAX. A call from guest user mode gets -EPERM
 * (VMCALL exits whatever the CPL, so the hypervisor must check).
 *
 * For now a stub table of its own: the shared table in xen/hypercall.c
 * reaches guest memory through PV virtual addresses, so HVM guests join it
 * once copy_{from,to}_guest understand guest-physical access (docs/hvm.md).
 */
#include <hvm/container.h>
#include <public/version.h>
#include <public/xen.h>
#include <xeno/errno.h>
#include <xeno/xen_cpuid.h>
#include <xeno/lib.h>

typedef long (*hvm_hypercall_fn)(struct hvm_vcpu *v, const uint64_t args[5]);

static long hvm_xen_version(struct hvm_vcpu *v, const uint64_t args[5])
{
    (void)v;
    return args[0] == XENVER_version ? (long)XENO_XEN_ABI_VERSION : -ENOSYS;
}

static const struct {
    hvm_hypercall_fn fn;
    const char *name;
} hvm_hypercalls[NR_HYPERCALLS] = {
    [__HYPERVISOR_xen_version] = { hvm_xen_version, "xen_version" },
};

enum hvm_action hvm_handle_hypercall(struct hvm_vcpu *v, const struct hvm_exit *e)
{
    static const uint8_t regs64[5] = { HVM_GPR_RDI, HVM_GPR_RSI, HVM_GPR_RDX, 10, HVM_GPR_R8 };
    static const uint8_t regs32[5] = { HVM_GPR_RBX, HVM_GPR_RCX, HVM_GPR_RDX, HVM_GPR_RSI,
                                       HVM_GPR_RDI };
    bool wide = hvm_guest_mode(v) == 64;
    uint64_t nr = wide ? v->regs.gpr[HVM_GPR_RAX] : (uint32_t)v->regs.gpr[HVM_GPR_RAX];
    uint64_t args[5];
    long ret;

    for (unsigned int i = 0; i < 5; i++)
        args[i] = wide ? v->regs.gpr[regs64[i]] : (uint32_t)v->regs.gpr[regs32[i]];
    if (hvm_guest_cpl(v) != 0)
        ret = -EPERM;
    else if (nr >= NR_HYPERCALLS || !hvm_hypercalls[nr].fn)
        ret = -ENOSYS;
    else
        ret = hvm_hypercalls[nr].fn(v, args);
    v->regs.gpr[HVM_GPR_RAX] = wide ? (uint64_t)ret : (uint32_t)ret;
    hvm_skip_insn(v, e);
    return HVM_RESUME;
}
