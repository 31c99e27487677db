/*
 * hvm_op (hypercall 34) and XENMEM_add_to_physmap, as a PVH domain uses them
 * (Xen public/hvm/hvm_op.h, params.h, memory.h): every parameter can be read by
 * the domain itself; one beyond HVM_NR_PARAMS is -EINVAL; the parameters the
 * builder sets (the xenstore ring's frame) are not the guest's to write (-EPERM,
 * as Xen); HVM_PARAM_CALLBACK_IRQ = 0 turns the upcall off ("not delivered") and
 * a vector turns it on again; shared_info has one frame; an unknown hvm_op is
 * -ENOSYS; every pointer argument is checked (-EFAULT). The runtime's own use of
 * them (the callback vector, shared_info, the grant frames) is checked by
 * event_upcall, hello and grant_table.
 */
#include "xtest.h"
#include "events.h"
#include "pvh.h"

static uint8_t spare_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void params(void)
{
    uint64_t value;
    unsigned int readable = 0;

    for (uint32_t i = 0; i < HVM_NR_PARAMS; i++)
        readable += pvh_get_param(i, &value) == 0;
    xtest_check(readable == HVM_NR_PARAMS, "%u of the %u parameters readable", readable,
                HVM_NR_PARAMS);
    expect_rc("get_param of HVM_NR_PARAMS", pvh_get_param(HVM_NR_PARAMS, &value), -EINVAL);
    expect_rc("get_param of 2^32 - 1", pvh_get_param(~0U, &value), -EINVAL);
    expect_rc("set_param of STORE_PFN (the builder's)", pvh_set_param(HVM_PARAM_STORE_PFN, 5),
              -EPERM);
    pvh_get_param(HVM_PARAM_STORE_PFN, &value);
    xtest_check(value != 5, "set_param of STORE_PFN changed it to %lu", value);
    expect_rc("hvm_op 99", hc_hvm_op(99, &value), -ENOSYS);
}

/* One event made pending by hand (as event_upcall does) and a hypercall: how many
 * upcalls came. */
static uint64_t upcalls_for_one_event(void)
{
    uint64_t before = upcall_count;

    xtest_vcpu_info->evtchn_upcall_pending = 1;
    events_unmask();
    hc_xen_version(XENVER_version, NULL);
    events_mask();
    xtest_vcpu_info->evtchn_upcall_pending = 0;
    return upcall_count - before;
}

static void callback_off_and_on(void)
{
    expect_rc("register the event callback", events_register_upcall(), 0);
    xtest_check(upcalls_for_one_event() == 1, "no upcall with the callback registered");
    expect_rc("set_param CALLBACK_IRQ 0", pvh_set_param(HVM_PARAM_CALLBACK_IRQ, 0), 0);
    xtest_check(upcalls_for_one_event() == 0, "an upcall with CALLBACK_IRQ 0");
    expect_rc("register the event callback again", events_register_upcall(), 0);
    xtest_check(upcalls_for_one_event() == 1, "no upcall after registering again");
}

static long physmap_at(uint64_t ptr, void *ctx)
{
    (void)ctx;
    return hc_memory_op(XENMEM_add_to_physmap, (void *)ptr);
}

static long hvm_op_at(uint64_t ptr, void *ctx)
{
    return hc_hvm_op(*(unsigned int *)ctx, (void *)ptr);
}

static void errors(void)
{
    unsigned int get = HVMOP_get_param, set = HVMOP_set_param;
    unsigned int vector = HVMOP_set_evtchn_upcall_vector;

    expect_rc("add_to_physmap of shared_info frame 1",
              pvh_add_to_physmap(XENMAPSPACE_shared_info, 1, spare_page), -EINVAL);
    /* Not the read-only page: its zeroes name domain 0, refused before any write
     * (hypercall_abi's xeno_test sweep covers writes through read-only pages). */
    expect_efault_for_bad_pointers("get_param's argument", hvm_op_at, &get,
                                   sizeof(struct xen_hvm_param), 0);
    expect_efault_for_bad_pointers("set_param's argument", hvm_op_at, &set,
                                   sizeof(struct xen_hvm_param), 0);
    expect_efault_for_bad_pointers("set_evtchn_upcall_vector's argument", hvm_op_at, &vector,
                                   sizeof(struct xen_hvm_evtchn_upcall_vector), 0);
    expect_efault_for_bad_pointers("add_to_physmap's argument", physmap_at, NULL,
                                   sizeof(struct xen_add_to_physmap), 0);
}

void test_main(void)
{
    params();
    callback_off_and_on();
    errors();
}
