/* hvm_op (hypercall 34), the subset PVH guests use (Xen public hvm/hvm_op.h, params.h). */
#ifndef PUBLIC_HVM_HVM_OP_H
#define PUBLIC_HVM_HVM_OP_H
#include <stdint.h>

#define HVMOP_set_param 0
#define HVMOP_get_param 1
#define HVMOP_pagetable_dying 9
#define HVMOP_set_evtchn_upcall_vector 23

struct xen_hvm_param {
    uint16_t domid;             /* DOMID_SELF or the caller's own id */
    uint16_t pad;
    uint32_t index;             /* HVM_PARAM_* */
    uint64_t value;
};
_Static_assert(sizeof(struct xen_hvm_param) == 16, "xen_hvm_param is 16 bytes");

struct xen_hvm_evtchn_upcall_vector {
    uint32_t vcpu;
    uint8_t vector;
};
_Static_assert(sizeof(struct xen_hvm_evtchn_upcall_vector) == 8,
               "xen_hvm_evtchn_upcall_vector is 8 bytes");

/* Parameters (params.h). CALLBACK_IRQ: the event upcall; bits 63:56 say how it
 * is delivered, and type 2 means "as this vector" (bits 7:0). */
#define HVM_PARAM_CALLBACK_IRQ 0
#define HVM_PARAM_STORE_PFN 1
#define HVM_PARAM_STORE_EVTCHN 2
#define HVM_PARAM_CONSOLE_PFN 17
#define HVM_PARAM_CONSOLE_EVTCHN 18
#define HVM_NR_PARAMS 39

#define HVM_PARAM_CALLBACK_TYPE_SHIFT 56
#define HVM_PARAM_CALLBACK_TYPE_VECTOR 2
#endif
