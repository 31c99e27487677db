/*
 * The spin of vtx_spin_event (main.c). Nothing in the loop makes a VM exit: no
 * hypercall, I/O, CPUID, HLT, MSR or control-register access, not even PAUSE.
 * So only the host can take the CPU from it (an external interrupt or the
 * VMX-preemption timer), and only an injected upcall can change *flag.
 * spin_loop and spin_loop_end bound the loop's instructions: the test checks
 * that the upcall's frame returns into them, i.e. that the event was delivered
 * into the running loop.
 */
        .code64
        .text

/* uint64_t spin_while_equal(const volatile uint64_t *flag, uint64_t old,
 *                           uint64_t budget)
 * Counts iterations while *flag == old, at most budget (>= 1) of them; returns
 * the count. */
        .globl spin_while_equal, spin_loop, spin_loop_end
        .type spin_while_equal, @function
spin_while_equal:
        xor     %eax, %eax
spin_loop:
        cmp     %rsi, (%rdi)
        jne     spin_loop_end
        inc     %rax
        cmp     %rdx, %rax
        jb      spin_loop
spin_loop_end:
        ret
        .size spin_while_equal, . - spin_while_equal
