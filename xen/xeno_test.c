/* xeno_test: echoes all six argument registers into the guest buffer named by
 * the first, so guest tests can check the whole hypercall ABI. */
#include <asm/guest_access.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>

long do_xeno_test(uint64_t buf, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6)
{
    uint64_t args[6] = { buf, a2, a3, a4, a5, a6 };
    if (copy_to_guest(buf, args, sizeof(args)))
        return -EFAULT;
    return 6;
}
