/*
 * The header-only pieces of the core: xeno/lib.h helpers, xeno/list.h,
 * xeno/bitops.h and the ticket spinlock of xeno/spinlock.h (including its
 * debug checks and the interrupt flag it saves and restores).
 */
#include <xeno/bitops.h>
#include <xeno/lib.h>
#include <xeno/list.h>
#include <xeno/spinlock.h>
#include "harness.h"
#include "stubs/stub.h"

TEST(lib_helpers)
{
    int arr[7];
    struct outer { int a; long b; char c; } o;

    CHECK_EQ(ARRAY_SIZE(arr), 7);
    CHECK_EQ(min(3, 9), 3);
    CHECK_EQ(max(3UL, 9UL), 9);
    CHECK_EQ(min_t(long, -1, 5U), -1);
    CHECK_EQ(ALIGN_UP(0x1001UL, 0x1000), 0x2000);
    CHECK_EQ(ALIGN_UP(0x1000UL, 0x1000), 0x1000);
    CHECK_EQ(ALIGN_DOWN(0x1fffUL, 0x1000), 0x1000);
    CHECK(IS_ALIGNED(0x3000UL, 0x1000));
    CHECK(!IS_ALIGNED(0x3008UL, 0x1000));
    CHECK_EQ(DIV_ROUND_UP(10, 4), 3);
    CHECK(container_of(&o.c, struct outer, c) == &o);
    BUILD_BUG_ON(sizeof(o) < sizeof(int));
}

TEST(asserts_and_bugs_panic_with_location)
{
    int x = 1;

    BUG_ON(x == 2);
    ASSERT(x == 1);
    EXPECT_PANIC(BUG_ON(x == 1));
    CHECK(test_contains(stub_panic_message, "test_lib.c"));
    CHECK(test_contains(stub_panic_message, "x == 1"));
    if (XENO_DEBUG) {
        EXPECT_PANIC(ASSERT(x == 3));
        CHECK(test_contains(stub_panic_message, "Assertion 'x == 3' failed"));
    }
    EXPECT_PANIC(BUG());
}

TEST(bitops)
{
    unsigned long w = 0;

    CHECK(is_power_of_2(1));
    CHECK(is_power_of_2(1UL << 63));
    CHECK(!is_power_of_2(0));
    CHECK(!is_power_of_2(12));
    CHECK_EQ(lowest_bit(0x50), 4);
    CHECK_EQ(highest_bit(0x50), 6);
    CHECK_EQ(highest_bit(~0UL), 63);
    CHECK_EQ(order_base_2(1), 0);
    CHECK_EQ(order_base_2(2), 1);
    CHECK_EQ(order_base_2(3), 2);
    CHECK_EQ(order_base_2(4096), 12);
    CHECK_EQ(order_base_2(4097), 13);
    set_bit_atomic(3, &w);
    set_bit_atomic(63, &w);
    CHECK_EQ(w, (1UL << 63) | 8);
    CHECK(test_and_set_bit_atomic(3, &w));
    CHECK(!test_and_set_bit_atomic(4, &w));
    clear_bit_atomic(63, &w);
    CHECK_EQ(w, 0x18);
}

struct item {
    int value;
    struct list_head node;
};

TEST(lists)
{
    LIST_HEAD(head);
    struct item items[5], *it, *tmp;
    int sum = 0, order[5], n = 0;

    CHECK(list_empty(&head));
    CHECK(list_first_entry_or_null(&head, struct item, node) == NULL);
    for (int i = 0; i < 5; i++) {
        items[i].value = i;
        if (i % 2)
            list_add(&items[i].node, &head);        /* 3 1 ... */
        else
            list_add_tail(&items[i].node, &head);   /* ... 0 2 4 */
    }
    list_for_each_entry(it, &head, node)
        order[n++] = it->value;
    CHECK_EQ(n, 5);
    CHECK_EQ(order[0], 3);
    CHECK_EQ(order[1], 1);
    CHECK_EQ(order[2], 0);
    CHECK_EQ(order[3], 2);
    CHECK_EQ(order[4], 4);
    CHECK(list_first_entry(&head, struct item, node) == &items[3]);
    CHECK(list_is_first(&items[3].node, &head));

    list_for_each_entry_safe(it, tmp, &head, node) {
        if (it->value % 2 == 0)
            list_del(&it->node);
    }
    CHECK(items[0].node.next == NULL);
    list_for_each_entry(it, &head, node)
        sum += it->value;
    CHECK_EQ(sum, 4);
    list_del_init(&items[1].node);
    CHECK(list_empty(&items[1].node));
    list_del_init(&items[1].node);              /* safe twice */
    list_del(&items[3].node);
    CHECK(list_empty(&head));
}

TEST(spinlock_basics)
{
    DEFINE_SPINLOCK(lock);
    unsigned long flags;

    CHECK(!spin_is_locked(&lock));
    spin_lock(&lock);
    CHECK(spin_is_locked(&lock));
    CHECK(!spin_trylock(&lock));
    spin_unlock(&lock);
    CHECK(!spin_is_locked(&lock));
    CHECK(spin_trylock(&lock));
    spin_unlock(&lock);

    /* Tickets wrap around 16 bits. */
    for (unsigned int i = 0; i < 70000; i++) {
        spin_lock(&lock);
        spin_unlock(&lock);
    }
    CHECK(!spin_is_locked(&lock));

    flags = spin_lock_irqsave(&lock);
    CHECK_EQ(flags, 0);
    CHECK_EQ(stub_irqs_disabled, 1);
    spin_unlock_irqrestore(&lock, flags);
    CHECK_EQ(stub_irqs_disabled, 0);

    stub_irqs_disabled = 1;                     /* nested: stays disabled */
    flags = spin_lock_irqsave(&lock);
    spin_unlock_irqrestore(&lock, flags);
    CHECK_EQ(stub_irqs_disabled, 1);
    stub_irqs_disabled = 0;
}

TEST(spinlock_debug_checks)
{
    DEFINE_SPINLOCK(lock);

    if (!XENO_DEBUG)
        return;
    spin_lock(&lock);
    EXPECT_PANIC(spin_lock(&lock));             /* recursion, not a hang */
    CHECK(test_contains(stub_panic_message, "recursive"));
    stub_cpu = 1;
    EXPECT_PANIC(spin_unlock(&lock));           /* not ours */
    stub_cpu = 0;
    spin_unlock(&lock);
    EXPECT_PANIC(spin_unlock(&lock));           /* not held */
}

TEST(spinlock_force_unlock)
{
    DEFINE_SPINLOCK(lock);

    spin_lock(&lock);
    stub_cpu = 2;                               /* a CPU that is panicking */
    spin_force_unlock(&lock);
    CHECK(!spin_is_locked(&lock));
    spin_lock(&lock);
    spin_unlock(&lock);
    stub_cpu = 0;
}
