/*
 * probe() recovery (traps.h): an exception anywhere inside the function a probe
 * runs unwinds back to the probe, whatever the environment.
 */
        .code64
        .text

/*
 * int probe_call(void (*fn)(void *), void *arg, uint64_t *resume_rsp)
 * Calls fn(arg) and returns 0. An exception inside fn makes do_trap() resume at
 * probe_resume with rsp = *resume_rsp, which returns 1 from here.
 */
        .globl probe_call, probe_resume
        .type probe_call, @function
probe_call:
        push    %rbp
        mov     %rsp, %rbp
        push    %rbx
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        sub     $8, %rsp                /* 16-byte aligned at the call below */
        mov     %rsp, (%rdx)
        mov     %rdi, %rax
        mov     %rsi, %rdi
        call    *%rax
        xor     %eax, %eax
        jmp     1f
probe_resume:
        mov     $1, %eax
1:      add     $8, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbx
        pop     %rbp
        ret
        .size probe_call, . - probe_call
