/*
 * VMCS field encodings, control bits and exit-information formats
 * (Intel SDM Vol. 3C chapter 24 and appendix B; Vol. 3D appendix A for the
 * capability MSRs). Private to hvm/vmx/.
 */
#ifndef HVM_VMX_VMCS_H
#define HVM_VMX_VMCS_H

/* Capability MSRs (appendix A). */
#define MSR_VMX_BASIC 0x480
#define MSR_VMX_PINBASED_CTLS 0x481
#define MSR_VMX_PROCBASED_CTLS 0x482
#define MSR_VMX_EXIT_CTLS 0x483
#define MSR_VMX_ENTRY_CTLS 0x484
#define MSR_VMX_MISC 0x485
#define MSR_VMX_CR0_FIXED0 0x486
#define MSR_VMX_CR0_FIXED1 0x487
#define MSR_VMX_CR4_FIXED0 0x488
#define MSR_VMX_CR4_FIXED1 0x489
#define MSR_VMX_PROCBASED_CTLS2 0x48b
#define MSR_VMX_EPT_VPID_CAP 0x48c
#define MSR_VMX_TRUE_PINBASED_CTLS 0x48d
#define MSR_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_VMX_TRUE_EXIT_CTLS 0x48f
#define MSR_VMX_TRUE_ENTRY_CTLS 0x490

/* IA32_VMX_BASIC (A.1). */
#define VMX_BASIC_REVISION_MASK 0x7fffffffUL
#define VMX_BASIC_REGION_SIZE(b) (((b) >> 32) & 0x1fff)
#define VMX_BASIC_32BIT_ADDRESSES (1UL << 48)
#define VMX_BASIC_MEMTYPE(b) (((b) >> 50) & 0xf)
#define VMX_BASIC_TRUE_CTLS (1UL << 55)
#define VMX_MEMTYPE_WB 6

/* IA32_VMX_MISC (A.6). */
#define VMX_MISC_TIMER_RATE(m) ((m) & 0x1f)
#define VMX_MISC_SAVES_LMA (1UL << 5)

/* IA32_VMX_EPT_VPID_CAP (A.10). */
#define EPT_CAP_WALK_4 (1UL << 6)
#define EPT_CAP_WB (1UL << 14)
#define EPT_CAP_2M (1UL << 16)
#define EPT_CAP_INVEPT (1UL << 20)
#define EPT_CAP_INVEPT_SINGLE (1UL << 25)
#define EPT_CAP_INVEPT_ALL (1UL << 26)
#define VPID_CAP_INVVPID (1UL << 32)
#define VPID_CAP_INVVPID_SINGLE (1UL << 41)
#define VPID_CAP_INVVPID_ALL (1UL << 42)

/* IA32_FEATURE_CONTROL (Vol. 3C 23.7). */
#define FEATURE_CONTROL_LOCK (1UL << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1UL << 2)

/* Pin-based controls (Table 24-5). */
#define PIN_EXT_INTR_EXITING (1U << 0)
#define PIN_NMI_EXITING (1U << 3)
#define PIN_VIRTUAL_NMIS (1U << 5)
#define PIN_PREEMPT_TIMER (1U << 6)

/* Primary processor-based controls (Table 24-6). */
#define CPU_INTR_WINDOW_EXITING (1U << 2)
#define CPU_HLT_EXITING (1U << 7)
#define CPU_INVLPG_EXITING (1U << 9)
#define CPU_MWAIT_EXITING (1U << 10)
#define CPU_RDPMC_EXITING (1U << 11)
#define CPU_CR3_LOAD_EXITING (1U << 15)
#define CPU_CR3_STORE_EXITING (1U << 16)
#define CPU_CR8_LOAD_EXITING (1U << 19)
#define CPU_CR8_STORE_EXITING (1U << 20)
#define CPU_MOV_DR_EXITING (1U << 23)
#define CPU_UNCOND_IO_EXITING (1U << 24)
#define CPU_USE_MSR_BITMAPS (1U << 28)
#define CPU_MONITOR_EXITING (1U << 29)
#define CPU_SECONDARY_CONTROLS (1U << 31)

/* Secondary processor-based controls (Table 24-7). */
#define CPU2_ENABLE_EPT (1U << 1)
#define CPU2_ENABLE_RDTSCP (1U << 3)
#define CPU2_ENABLE_VPID (1U << 5)
#define CPU2_WBINVD_EXITING (1U << 6)
#define CPU2_UNRESTRICTED_GUEST (1U << 7)
#define CPU2_ENABLE_INVPCID (1U << 12)
#define CPU2_ENABLE_XSAVES (1U << 20)

/* VM-exit controls (Table 24-10). */
#define EXIT_SAVE_DEBUG_CONTROLS (1U << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE (1U << 9)
#define EXIT_ACK_INTR_ON_EXIT (1U << 15)
#define EXIT_SAVE_PAT (1U << 18)
#define EXIT_LOAD_PAT (1U << 19)
#define EXIT_SAVE_EFER (1U << 20)
#define EXIT_LOAD_EFER (1U << 21)

/* VM-entry controls (Table 24-12). */
#define ENTRY_LOAD_DEBUG_CONTROLS (1U << 2)
#define ENTRY_IA32E_MODE_GUEST (1U << 9)
#define ENTRY_LOAD_PAT (1U << 14)
#define ENTRY_LOAD_EFER (1U << 15)

/* 16-bit fields (B.1). */
#define VMCS_VPID 0x0000
#define VMCS_GUEST_ES_SEL 0x0800    /* ES, CS, SS, DS, FS, GS, LDTR, TR: +2 each */
#define VMCS_HOST_ES_SEL 0x0c00
#define VMCS_HOST_CS_SEL 0x0c02
#define VMCS_HOST_SS_SEL 0x0c04
#define VMCS_HOST_DS_SEL 0x0c06
#define VMCS_HOST_FS_SEL 0x0c08
#define VMCS_HOST_GS_SEL 0x0c0a
#define VMCS_HOST_TR_SEL 0x0c0c

/* 64-bit fields (B.2). */
#define VMCS_MSR_BITMAP 0x2004
#define VMCS_EPT_POINTER 0x201a
#define VMCS_GUEST_PHYS_ADDR 0x2400
#define VMCS_LINK_POINTER 0x2800
#define VMCS_GUEST_DEBUGCTL 0x2802
#define VMCS_GUEST_PAT 0x2804
#define VMCS_GUEST_EFER 0x2806
#define VMCS_HOST_PAT 0x2c00
#define VMCS_HOST_EFER 0x2c02

/* 32-bit fields (B.3). */
#define VMCS_PIN_CONTROLS 0x4000
#define VMCS_CPU_CONTROLS 0x4002
#define VMCS_EXCEPTION_BITMAP 0x4004
#define VMCS_CR3_TARGET_COUNT 0x400a
#define VMCS_EXIT_CONTROLS 0x400c
#define VMCS_EXIT_MSR_STORE_COUNT 0x400e
#define VMCS_EXIT_MSR_LOAD_COUNT 0x4010
#define VMCS_ENTRY_CONTROLS 0x4012
#define VMCS_ENTRY_MSR_LOAD_COUNT 0x4014
#define VMCS_ENTRY_INTR_INFO 0x4016
#define VMCS_ENTRY_EXCEPTION_ERROR 0x4018
#define VMCS_ENTRY_INSN_LEN 0x401a
#define VMCS_CPU_CONTROLS2 0x401e
#define VMCS_VM_INSN_ERROR 0x4400
#define VMCS_EXIT_REASON 0x4402
#define VMCS_EXIT_INTR_INFO 0x4404
#define VMCS_EXIT_INTR_ERROR 0x4406
#define VMCS_IDT_VECTORING_INFO 0x4408
#define VMCS_IDT_VECTORING_ERROR 0x440a
#define VMCS_EXIT_INSN_LEN 0x440c
#define VMCS_GUEST_ES_LIMIT 0x4800  /* ES ... TR: +2 each */
#define VMCS_GUEST_GDTR_LIMIT 0x4810
#define VMCS_GUEST_IDTR_LIMIT 0x4812
#define VMCS_GUEST_ES_AR 0x4814     /* ES ... TR: +2 each */
#define VMCS_GUEST_INTERRUPTIBILITY 0x4824
#define VMCS_GUEST_ACTIVITY 0x4826
#define VMCS_GUEST_SYSENTER_CS 0x482a
#define VMCS_PREEMPT_TIMER 0x482e
#define VMCS_HOST_SYSENTER_CS 0x4c00

/* Natural-width fields (B.4). */
#define VMCS_CR0_MASK 0x6000
#define VMCS_CR4_MASK 0x6002
#define VMCS_CR0_SHADOW 0x6004
#define VMCS_CR4_SHADOW 0x6006
#define VMCS_EXIT_QUALIFICATION 0x6400
#define VMCS_GUEST_LINEAR_ADDR 0x640a
#define VMCS_GUEST_CR0 0x6800
#define VMCS_GUEST_CR3 0x6802
#define VMCS_GUEST_CR4 0x6804
#define VMCS_GUEST_ES_BASE 0x6806   /* ES ... TR: +2 each */
#define VMCS_GUEST_GDTR_BASE 0x6816
#define VMCS_GUEST_IDTR_BASE 0x6818
#define VMCS_GUEST_DR7 0x681a
#define VMCS_GUEST_RSP 0x681c
#define VMCS_GUEST_RIP 0x681e
#define VMCS_GUEST_RFLAGS 0x6820
#define VMCS_GUEST_PENDING_DBG 0x6822
#define VMCS_GUEST_SYSENTER_ESP 0x6824
#define VMCS_GUEST_SYSENTER_EIP 0x6826
#define VMCS_HOST_CR0 0x6c00
#define VMCS_HOST_CR3 0x6c02
#define VMCS_HOST_CR4 0x6c04
#define VMCS_HOST_FS_BASE 0x6c06
#define VMCS_HOST_GS_BASE 0x6c08
#define VMCS_HOST_TR_BASE 0x6c0a
#define VMCS_HOST_GDTR_BASE 0x6c0c
#define VMCS_HOST_IDTR_BASE 0x6c0e
#define VMCS_HOST_SYSENTER_ESP 0x6c10
#define VMCS_HOST_SYSENTER_EIP 0x6c12
#define VMCS_HOST_RSP 0x6c14
#define VMCS_HOST_RIP 0x6c16

/* Guest segment registers in VMCS order (the encodings step by 2). */
enum vmx_seg { VMX_ES, VMX_CS, VMX_SS, VMX_DS, VMX_FS, VMX_GS, VMX_LDTR, VMX_TR };

/* Segment access rights (24.4.1): the descriptor's bits 8-15 and 20-23, plus unusable. */
#define AR_TYPE(ar) ((ar) & 0xf)
#define AR_S (1U << 4)
#define AR_DPL(ar) (((ar) >> 5) & 3)
#define AR_P (1U << 7)
#define AR_L (1U << 13)
#define AR_DB (1U << 14)
#define AR_G (1U << 15)
#define AR_UNUSABLE (1U << 16)

/* Interruptibility state (Table 24-3). */
#define INTR_BLOCK_STI (1U << 0)
#define INTR_BLOCK_MOV_SS (1U << 1)

/* Interruption-information fields (Tables 24-13, 24-15, 24-16). */
#define INTR_INFO_VECTOR(i) ((i) & 0xff)
#define INTR_INFO_TYPE(i) (((i) >> 8) & 7)
#define INTR_INFO_ERROR_VALID (1U << 11)
#define INTR_INFO_NMI_UNBLOCKED (1U << 12)
#define INTR_INFO_VALID (1U << 31)
#define INTR_TYPE_EXT_INTR 0
#define INTR_TYPE_NMI 2
#define INTR_TYPE_HW_EXCEPTION 3
#define INTR_TYPE_SW_INTR 4
#define INTR_TYPE_PRIV_SW_EXCEPTION 5
#define INTR_TYPE_SW_EXCEPTION 6

/* Basic exit reasons (appendix C). */
#define EXIT_REASON_EXCEPTION_NMI 0
#define EXIT_REASON_EXT_INTR 1
#define EXIT_REASON_TRIPLE_FAULT 2
#define EXIT_REASON_INIT 3
#define EXIT_REASON_SIPI 4
#define EXIT_REASON_INTR_WINDOW 7
#define EXIT_REASON_NMI_WINDOW 8
#define EXIT_REASON_TASK_SWITCH 9
#define EXIT_REASON_CPUID 10
#define EXIT_REASON_GETSEC 11
#define EXIT_REASON_HLT 12
#define EXIT_REASON_INVD 13
#define EXIT_REASON_INVLPG 14
#define EXIT_REASON_RDPMC 15
#define EXIT_REASON_RDTSC 16
#define EXIT_REASON_RSM 17
#define EXIT_REASON_VMCALL 18
#define EXIT_REASON_VMCLEAR 19      /* 19-27: the VMX instructions */
#define EXIT_REASON_VMXON 27
#define EXIT_REASON_CR_ACCESS 28
#define EXIT_REASON_DR_ACCESS 29
#define EXIT_REASON_IO 30
#define EXIT_REASON_RDMSR 31
#define EXIT_REASON_WRMSR 32
#define EXIT_REASON_BAD_GUEST_STATE 33
#define EXIT_REASON_MSR_LOADING 34
#define EXIT_REASON_MWAIT 36
#define EXIT_REASON_MTF 37
#define EXIT_REASON_MONITOR 39
#define EXIT_REASON_PAUSE 40
#define EXIT_REASON_MACHINE_CHECK 41
#define EXIT_REASON_EPT_VIOLATION 48
#define EXIT_REASON_EPT_MISCONFIG 49
#define EXIT_REASON_INVEPT 50
#define EXIT_REASON_RDTSCP 51
#define EXIT_REASON_PREEMPT_TIMER 52
#define EXIT_REASON_INVVPID 53
#define EXIT_REASON_WBINVD 54
#define EXIT_REASON_XSETBV 55
#define EXIT_REASON_INVPCID 58
#define EXIT_REASON_VMFUNC 59
#define EXIT_REASON_MAX 70
#define EXIT_REASON_ENTRY_FAILED (1U << 31)

/* Exit qualifications (27.2.1). */
#define IOQ_SIZE(q) (((q) & 7) + 1)
#define IOQ_IN (1UL << 3)
#define IOQ_STRING (1UL << 4)
#define IOQ_REP (1UL << 5)
#define IOQ_PORT(q) (((q) >> 16) & 0xffff)
#define CRQ_CR(q) ((q) & 0xf)
#define CRQ_TYPE(q) (((q) >> 4) & 3)
#define CRQ_GPR(q) (((q) >> 8) & 0xf)
#define CRQ_LMSW_DATA(q) (((q) >> 16) & 0xffff)
#define EPTQ_READ (1UL << 0)
#define EPTQ_WRITE (1UL << 1)
#define EPTQ_FETCH (1UL << 2)
#define EPTQ_GLA_VALID (1UL << 7)

/* EPT entries and pointer (28.2.2, 24.6.11). */
#define EPT_R (1UL << 0)
#define EPT_W (1UL << 1)
#define EPT_X (1UL << 2)
#define EPT_RWX (EPT_R | EPT_W | EPT_X)
#define EPT_MT_WB (6UL << 3)
#define EPT_LARGE (1UL << 7)
#define EPTP_WB 6UL
#define EPTP_WALK_4 (3UL << 3)

/* INVEPT / INVVPID types (30.3). */
#define INVEPT_SINGLE 1
#define INVEPT_ALL 2
#define INVVPID_SINGLE 1
#define INVVPID_ALL 2
#endif
