/* hypercall_abi in pv64: the page comes from the HYPERCALL_PAGE note. */
#include "xtest.h"
#include "../hypercall_abi.h"

const char HYPERCALL_PAGE_HOW[] = "the page the HYPERCALL_PAGE note names";

void check_environment(void)
{
    /* A syscall from guest user mode goes to the guest kernel's callback, never to
     * the hypervisor: that is user_mode's business. */
    xtest_applies(false, "a hypercall from guest user mode (pvh64 only; PV's syscall "
                  "there is the guest kernel's, see user_mode)");
}
