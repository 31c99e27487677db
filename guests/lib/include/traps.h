/*
 * Exceptions in a test guest: the runtime registers a handler for every vector
 * (set_trap_table) and any exception nobody expected fails the test. Code that
 * should fault runs under a probe, which returns what arrived as a struct exinfo:
 *
 *   - one-instruction probes (probe_rdmsr(), probe_read64(), ...): the instruction
 *     has an entry in the fixup table (.ex_table: faulting RIP -> resume RIP), so
 *     the handler records the exception and resumes after it;
 *   - probe(fn, arg): runs any function; an exception anywhere inside it unwinds
 *     back to probe(), which returns it.
 */
#ifndef GUEST_TRAPS_H
#define GUEST_TRAPS_H

#include <stdbool.h>
#include <stdint.h>

#define X86_EXC_DE 0
#define X86_EXC_DB 1
#define X86_EXC_NMI 2
#define X86_EXC_BP 3
#define X86_EXC_OF 4
#define X86_EXC_BR 5
#define X86_EXC_UD 6
#define X86_EXC_NM 7
#define X86_EXC_DF 8
#define X86_EXC_TS 10
#define X86_EXC_NP 11
#define X86_EXC_SS 12
#define X86_EXC_GP 13
#define X86_EXC_PF 14
#define X86_EXC_MF 16
#define X86_EXC_AC 17
#define X86_EXC_MC 18
#define X86_EXC_XM 19
#define X86_EXC_VE 20
#define X86_EXC_CP 21
#define INT80_VECTOR 0x80

/* Page-fault error code bits. */
#define PFEC_PRESENT (1U << 0)
#define PFEC_WRITE (1U << 1)
#define PFEC_USER (1U << 2)

#define EXINFO_NONE (-1)
#define EXINFO_NO_ERROR 0xffffffffU

/* What a probe saw: the vector (EXINFO_NONE when nothing was raised), the error code
 * (EXINFO_NO_ERROR for vectors without one), CR2 from vcpu_info for #PF, the bounce
 * frame the hypervisor built, and where it built it (the handler's rsp at entry:
 * the interrupted stack in kernel mode, the stack_switch stack from user mode). */
struct exinfo {
    int vector;
    uint32_t error_code;
    uint64_t cr2;
    uint64_t rip, cs, rflags, rsp, ss;
    uint64_t frame;
};

/* The registers the entry stubs save, lowest address first (lib/pv64/entry.S). */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;     /* the bounce frame, as the hypervisor wrote it */
};

struct extable_entry {
    uint64_t fault_rip, resume_rip;
};

/* Appended to an inline asm string: an exception whose RIP is FROM resumes at TO.
 * For faults FROM is the instruction; for traps (int3, int1, int n) it is the
 * instruction after it, where the RIP of a trap points. */
#define EXTABLE(from, to)                                                             \
    ".pushsection .ex_table, \"a\"\n\t.balign 8\n\t.quad " from ", " to "\n\t.popsection\n\t"

extern struct exinfo xtest_last_exinfo;

static inline void exinfo_clear(void)
{
    xtest_last_exinfo.vector = EXINFO_NONE;
    __asm__ volatile("" ::: "memory");
}

static inline struct exinfo exinfo_take(void)
{
    __asm__ volatile("" ::: "memory");
    return xtest_last_exinfo;
}

/* Runs fn(arg); returns the exception that interrupted it, or vector EXINFO_NONE. */
struct exinfo probe(void (*fn)(void *), void *arg);

/* "#GP[0000]", "#PF[0002]", "#UD", "vector 0x80", "no exception" into buf. */
const char *exinfo_str(const struct exinfo *ex, char *buf, unsigned long size);
const char *vector_name(int vector);
bool vector_has_error_code(int vector);

/* Passes if EX is VECTOR with ERROR (EXINFO_NO_ERROR: none expected); else fails
 * the test naming WHAT. */
void expect_exception(const char *what, const struct exinfo *ex, int vector, uint32_t error);
void expect_no_exception(const char *what, const struct exinfo *ex);

/* ---- one-instruction probes ---- */

static inline struct exinfo probe_read64(uint64_t addr, uint64_t *val)
{
    uint64_t v = 0;
    exinfo_clear();
    __asm__ volatile("1: movq (%[a]), %[v]\n2:\n\t" EXTABLE("1b", "2b")
                     : [v] "+r"(v) : [a] "r"(addr) : "memory");
    if (val)
        *val = v;
    return exinfo_take();
}

static inline struct exinfo probe_write64(uint64_t addr, uint64_t val)
{
    exinfo_clear();
    __asm__ volatile("1: movq %[v], (%[a])\n2:\n\t" EXTABLE("1b", "2b")
                     :: [v] "r"(val), [a] "r"(addr) : "memory");
    return exinfo_take();
}

static inline struct exinfo probe_rdmsr(uint32_t msr, uint64_t *val)
{
    uint32_t lo = 0, hi = 0;
    exinfo_clear();
    __asm__ volatile("1: rdmsr\n2:\n\t" EXTABLE("1b", "2b")
                     : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
    if (val)
        *val = ((uint64_t)hi << 32) | lo;
    return exinfo_take();
}

static inline struct exinfo probe_wrmsr(uint32_t msr, uint64_t val)
{
    exinfo_clear();
    __asm__ volatile("1: wrmsr\n2:\n\t" EXTABLE("1b", "2b")
                     :: "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)) : "memory");
    return exinfo_take();
}

static inline struct exinfo probe_inb(uint16_t port, uint8_t *val)
{
    uint8_t v = 0;
    exinfo_clear();
    __asm__ volatile("1: inb %w[p], %b[v]\n2:\n\t" EXTABLE("1b", "2b")
                     : [v] "+a"(v) : [p] "Nd"(port) : "memory");
    if (val)
        *val = v;
    return exinfo_take();
}

static inline struct exinfo probe_outb(uint16_t port, uint8_t val)
{
    exinfo_clear();
    __asm__ volatile("1: outb %b[v], %w[p]\n2:\n\t" EXTABLE("1b", "2b")
                     :: [v] "a"(val), [p] "Nd"(port) : "memory");
    return exinfo_take();
}

struct cpuid_result {
    uint32_t eax, ebx, ecx, edx;
};

/* CPUID with the forced-emulation prefix (ud2; .ascii "xen"; cpuid): the
 * hypervisor's CPUID policy, Xen leaves included. */
static inline struct exinfo probe_cpuid_forced(uint32_t leaf, uint32_t subleaf,
                                               struct cpuid_result *r)
{
    uint32_t a = leaf, b = 0, c = subleaf, d = 0;
    exinfo_clear();
    __asm__ volatile("1: ud2a; .ascii \"xen\"; cpuid\n2:\n\t" EXTABLE("1b", "2b")
                     : "+a"(a), "+b"(b), "+c"(c), "+d"(d) :: "memory");
    *r = (struct cpuid_result){ a, b, c, d };
    return exinfo_take();
}

/* A no-operand instruction under a probe. FROM is where the exception's RIP points:
 * "1b" the instruction (faults), "2b" the instruction after it (traps). */
#define DEFINE_INSN_PROBE(name, insn, from)                                            \
    static inline struct exinfo probe_##name(void)                                     \
    {                                                                                  \
        exinfo_clear();                                                                \
        __asm__ volatile("1: " insn "\n2:\n\t" EXTABLE(from, "2b") ::: "memory");      \
        return exinfo_take();                                                          \
    }

DEFINE_INSN_PROBE(ud2, "ud2a", "1b")
DEFINE_INSN_PROBE(int3, "int3", "2b")
DEFINE_INSN_PROBE(into, ".byte 0xce", "1b")         /* invalid in 64-bit mode: #UD */
DEFINE_INSN_PROBE(int80, "int $0x80", "2b")
DEFINE_INSN_PROBE(int81, "int $0x81", "1b")         /* no DPL for it: #GP */
DEFINE_INSN_PROBE(hlt, "hlt", "1b")
DEFINE_INSN_PROBE(invd, "invd", "1b")
DEFINE_INSN_PROBE(wbinvd, "wbinvd", "1b")
DEFINE_INSN_PROBE(fnop, "fnop", "1b")

#endif /* GUEST_TRAPS_H */
