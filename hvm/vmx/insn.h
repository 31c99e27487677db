/*
 * The VMX instructions as inline functions (Intel SDM Vol. 3C chapter 30).
 * Each reports failure: VMfailInvalid sets CF, VMfailValid sets ZF (30.2), so
 * "setna" (CF or ZF) catches both. Private to hvm/vmx/.
 */
#ifndef HVM_VMX_INSN_H
#define HVM_VMX_INSN_H
#include <stdbool.h>
#include <stdint.h>

static inline bool vmxon(uint64_t maddr)
{
    bool fail;
    __asm__ volatile("vmxon %1; setna %0" : "=qm"(fail) : "m"(maddr) : "cc", "memory");
    return !fail;
}

static inline void vmxoff(void)
{
    __asm__ volatile("vmxoff" ::: "cc", "memory");
}

static inline bool vmclear(uint64_t maddr)
{
    bool fail;
    __asm__ volatile("vmclear %1; setna %0" : "=qm"(fail) : "m"(maddr) : "cc", "memory");
    return !fail;
}

static inline bool vmptrld(uint64_t maddr)
{
    bool fail;
    __asm__ volatile("vmptrld %1; setna %0" : "=qm"(fail) : "m"(maddr) : "cc", "memory");
    return !fail;
}

/* VMREAD r/m64, r64 and VMWRITE r64, r/m64 in Intel's operand order. */
static inline bool vmread_checked(uint64_t field, uint64_t *value)
{
    bool fail;
    __asm__ volatile("vmread %2, %1; setna %0" : "=qm"(fail), "=rm"(*value) : "r"(field)
                     : "cc");
    return !fail;
}

static inline bool vmwrite_checked(uint64_t field, uint64_t value)
{
    bool fail;
    __asm__ volatile("vmwrite %2, %1; setna %0" : "=qm"(fail) : "r"(field), "rm"(value)
                     : "cc", "memory");
    return !fail;
}

/* 128-bit descriptors (30.3: INVEPT, INVVPID). */
struct invept_desc { uint64_t eptp, reserved; };
struct invvpid_desc { uint64_t vpid, linear; };

static inline bool invept(uint64_t type, uint64_t eptp)
{
    struct invept_desc d = { eptp, 0 };
    bool fail;
    __asm__ volatile("invept %1, %2; setna %0" : "=qm"(fail) : "m"(d), "r"(type)
                     : "cc", "memory");
    return !fail;
}

static inline bool invvpid(uint64_t type, uint16_t vpid)
{
    struct invvpid_desc d = { vpid, 0 };
    bool fail;
    __asm__ volatile("invvpid %1, %2; setna %0" : "=qm"(fail) : "m"(d), "r"(type)
                     : "cc", "memory");
    return !fail;
}
#endif
