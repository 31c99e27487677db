/*
 * Ticket spinlocks: CPUs get the lock in the order they asked for it, so
 * no CPU starves.  The _irqsave forms also keep interrupts off while the
 * lock is held, for locks an interrupt handler may take.
 *
 * Debug builds remember the holder and panic on a recursive acquisition
 * or on an unlock by a CPU that does not hold the lock, instead of hanging.
 */
#ifndef XENO_SPINLOCK_H
#define XENO_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <asm/irq.h>
#include <asm/processor.h>
#include <asm/smp.h>
#include <xeno/lib.h>

typedef struct spinlock {
    union {
        uint32_t word;
        struct {
            uint16_t head;  /* ticket now being served */
            uint16_t tail;  /* next ticket to hand out */
        };
    };
    uint16_t holder;        /* debug: holding CPU + 1, 0 when free */
    uint16_t pad;
} spinlock_t;

#define SPIN_LOCK_UNLOCKED { .word = 0, .holder = 0, .pad = 0 }
#define DEFINE_SPINLOCK(name) spinlock_t name = SPIN_LOCK_UNLOCKED

static inline void spin_lock_init(spinlock_t *l)
{
    __atomic_store_n(&l->word, 0, __ATOMIC_RELAXED);
    l->holder = 0;
}

static inline void spin_debug_acquired(spinlock_t *l)
{
    if (XENO_DEBUG)
        __atomic_store_n(&l->holder, (uint16_t)(smp_processor_id() + 1),
                         __ATOMIC_RELAXED);
}

static inline void spin_lock(spinlock_t *l)
{
    if (XENO_DEBUG &&
        __atomic_load_n(&l->holder, __ATOMIC_RELAXED) == smp_processor_id() + 1)
        panic("recursive spin_lock of %p on cpu%u", (void *)l,
              smp_processor_id());

    uint16_t ticket = __atomic_fetch_add(&l->tail, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&l->head, __ATOMIC_ACQUIRE) != ticket)
        cpu_relax();
    spin_debug_acquired(l);
}

/* Take the lock only if nobody holds or waits for it. */
static inline bool spin_trylock(spinlock_t *l)
{
    spinlock_t old, new;

    old.word = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
    if (old.head != old.tail)
        return false;
    new.word = old.word;
    new.tail = (uint16_t)(old.tail + 1);
    if (!__atomic_compare_exchange_n(&l->word, &old.word, new.word, false,
                                     __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return false;
    spin_debug_acquired(l);
    return true;
}

static inline void spin_unlock(spinlock_t *l)
{
    if (XENO_DEBUG) {
        if (__atomic_load_n(&l->holder, __ATOMIC_RELAXED) !=
            smp_processor_id() + 1)
            panic("spin_unlock of %p not held by cpu%u", (void *)l,
                  smp_processor_id());
        __atomic_store_n(&l->holder, 0, __ATOMIC_RELAXED);
    }
    /* Only the holder writes head, so a plain increment is enough. */
    uint16_t next = (uint16_t)(__atomic_load_n(&l->head, __ATOMIC_RELAXED) + 1);
    __atomic_store_n(&l->head, next, __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
    spinlock_t snap;

    snap.word = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
    return snap.head != snap.tail;
}

/* Returns the interrupt state to hand back to spin_unlock_irqrestore. */
static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
    unsigned long flags = local_irq_save();

    spin_lock(l);
    return flags;
}

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
    spin_unlock(l);
    local_irq_restore(flags);
}

/*
 * For the panic path only: make the lock free whoever holds it, so the
 * dying CPU can still print.  CPUs queued on the lock keep waiting.
 */
static inline void spin_force_unlock(spinlock_t *l)
{
    uint16_t tail = __atomic_load_n(&l->tail, __ATOMIC_RELAXED);

    __atomic_store_n(&l->holder, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&l->head, tail, __ATOMIC_RELEASE);
}

#endif /* XENO_SPINLOCK_H */
