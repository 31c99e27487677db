/*
 * Exceptions taken while a PV guest ran. Most go straight to the guest
 * kernel's handler (set_trap_table); #PF first records CR2 in vcpu_info; #GP
 * and #UD are first offered to the privileged-instruction emulator; software
 * interrupts reach the guest only through the vectors the IDT opens to CPL3
 * (3 and 0x80), others arrive as #GP with the IDT error code, as on hardware.
 */
#include <asm/processor.h>
#include <pv/pv.h>
#include <xeno/domain.h>

#define VEC_DE 0
#define VEC_DB 1
#define VEC_UD 6
#define VEC_GP 13
#define VEC_PF 14
#define PF_USER (1UL << 2)

static bool has_error_code(unsigned int vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 ||
           vector == 21 || vector == 29 || vector == 30;
}

void pv_exception(struct cpu_regs *regs)
{
    struct vcpu *v = current_vcpu();
    unsigned int vector = (unsigned int)regs->vector;
    uint64_t error = regs->error_code;

    switch (vector) {
    case VEC_PF:
        if (pv_ptwr_emulate(v, regs, read_cr2(), error))
            return;
        v->vcpu_info->arch.cr2 = read_cr2();
        /* The guest kernel runs at CPL3 too; tell it which mode it was in. */
        if (v->pv.kernel_mode)
            error &= ~PF_USER;
        break;
    case VEC_GP:
        if (error == 0 && pv_emulate_privileged(v, regs))
            return;
        break;
    case VEC_UD:
        if (pv_emulate_forced_cpuid(v, regs))
            return;
        break;
    case VEC_DB: {
        /* The guest reads DR6 with get_debugreg(6): keep what the hardware said. */
        uint64_t dr6;
        __asm__ volatile("mov %%db6, %0" : "=r"(dr6));
        __asm__ volatile("mov %0, %%db6" :: "r"(0xffff0ff0UL));
        v->pv.debugreg[6] = dr6;
        break;
    }
    default:
        break;
    }
    pv_bounce_trap(v, regs, vector, has_error_code(vector), error);
}
