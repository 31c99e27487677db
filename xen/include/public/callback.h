/* callback_op (Xen public/callback.h) and the segment-base and physdev calls PV kernels use. */
#ifndef PUBLIC_CALLBACK_H
#define PUBLIC_CALLBACK_H
#include <stdint.h>

#define CALLBACKOP_register 0
#define CALLBACKOP_unregister 1

#define CALLBACKTYPE_event 0
#define CALLBACKTYPE_failsafe 1
#define CALLBACKTYPE_syscall 2
#define CALLBACKTYPE_sysenter_deprecated 3
#define CALLBACKTYPE_nmi 4
#define CALLBACKTYPE_sysenter 5
#define CALLBACKTYPE_syscall32 7

#define CALLBACKF_mask_events (1U << 0)

struct callback_register {
    uint16_t type;
    uint16_t flags;
    uint32_t pad;
    uint64_t address;
};
_Static_assert(sizeof(struct callback_register) == 16, "callback_register layout");

struct callback_unregister {
    uint16_t type;
    uint16_t pad;
};

/* set_segment_base */
#define SEGBASE_FS 0
#define SEGBASE_GS_USER 1
#define SEGBASE_GS_KERNEL 2
#define SEGBASE_GS_USER_SEL 3

/* physdev_op */
#define PHYSDEVOP_set_iopl 6
#define PHYSDEVOP_set_iobitmap 7
struct physdev_set_iopl {
    uint32_t iopl;
};
#endif
