/*
 * Where serial input goes (xeno/console_input.h). The focus is the debug
 * keys (0) or a domain id; Ctrl-A three times moves it along the domains
 * that have a console backend, in id order, and back to the keys. Like Xen,
 * the Ctrl-As themselves still reach the domain; only the switch is extra.
 */
#include <asm/time.h>
#include <public/event_channel.h>
#include <xeno/console_input.h>
#include <xeno/control_channels.h>
#include <xeno/domain.h>
#include <xeno/event.h>
#include <xeno/evtchn.h>
#include <xeno/printk.h>
#include <xeno/spinlock.h>

#define KEYS 0                      /* focus: the hypervisor's debug keys */
#define STALE_NS 1000000000UL

static DEFINE_SPINLOCK(input_lock);
static uint16_t focus = KEYS;
static bool chosen;                 /* someone switched: no more automatic focus */
static unsigned int switch_presses;
static struct {
    uint16_t domid;
    char c;
} waiting[CONSOLE_INPUT_BUFFER];
static unsigned int head, count;
static uint64_t full_since_ns;      /* when the buffer last filled up */

static bool takes_input(const struct domain *d)
{
    return d && d->state == DOMAIN_ACTIVE && d->rings.console_port;
}

static void announce(void)
{
    const struct domain *d = focus == KEYS ? NULL : domain_by_id(focus);

    if (d)
        printk("console: input to d%u '%s' (Ctrl-A three times to switch)\n", d->id, d->name);
    else
        printk("console: input to Xeno's debug keys (h for help, Ctrl-A three times to "
               "switch)\n");
}

/* The next domain after the focus that takes input, or the keys. */
static void switch_focus(void)
{
    uint16_t next = KEYS;

    for (const struct domain *d = domain_list; d; d = d->next)
        if (takes_input(d) && d->id > focus && (next == KEYS || d->id < next))
            next = d->id;
    focus = next;
    chosen = true;
    announce();
}

static void tell_backend(const struct domain *d)
{
    struct domain *backend = domain_by_id(d->rings.backend);

    if (backend && backend->state == DOMAIN_ACTIVE && backend->evtchn_ports)
        evtchn_send_virq(&backend->evtchn, 0, VIRQ_CONSOLE);
}

bool console_input_ready(void)
{
    unsigned long flags = spin_lock_irqsave(&input_lock);
    bool ready = focus == KEYS || count < CONSOLE_INPUT_BUFFER;

    /* A backend that leaves the buffer full for a second is not coming: let the
     * bytes go, so that the keys (and Ctrl-A) can still be reached. */
    if (!ready && now_ns() - full_since_ns > STALE_NS) {
        printk("console: %u bytes of input for d%u dropped: its backend is not taking them\n",
               count, focus);
        head = count = 0;
        ready = true;
    }
    spin_unlock_irqrestore(&input_lock, flags);
    return ready;
}

bool console_input_byte(int c)
{
    unsigned long flags = spin_lock_irqsave(&input_lock);
    const struct domain *d;
    bool for_domain;

    switch_presses = c == CONSOLE_INPUT_SWITCH ? switch_presses + 1 : 0;
    if (switch_presses == 3) {
        switch_presses = 0;
        switch_focus();
        spin_unlock_irqrestore(&input_lock, flags);
        return true;
    }
    d = focus == KEYS ? NULL : domain_by_id(focus);
    if (focus != KEYS && !takes_input(d)) {
        printk("console: d%u is gone\n", focus);
        focus = KEYS;
        announce();
    }
    for_domain = focus != KEYS;
    if (for_domain) {
        if (count < CONSOLE_INPUT_BUFFER) {
            unsigned int slot = (head + count++) % CONSOLE_INPUT_BUFFER;
            waiting[slot].domid = focus;
            waiting[slot].c = (char)c;
            if (count == CONSOLE_INPUT_BUFFER)
                full_since_ns = now_ns();
        }
        tell_backend(d);
    }
    spin_unlock_irqrestore(&input_lock, flags);
    return for_domain;
}

size_t console_input_take(uint16_t *domid, char *buf, size_t room)
{
    unsigned long flags = spin_lock_irqsave(&input_lock);
    size_t n = 0;

    if (count)
        *domid = waiting[head].domid;
    while (n < room && count && waiting[head].domid == *domid) {
        buf[n++] = waiting[head].c;
        head = (head + 1) % CONSOLE_INPUT_BUFFER;
        count--;
    }
    spin_unlock_irqrestore(&input_lock, flags);
    return n;
}

void console_input_domain_started(const struct domain *d)
{
    unsigned long flags;

    if (!d->rings.console_port)
        return;
    flags = spin_lock_irqsave(&input_lock);
    if (focus == KEYS && !chosen) {
        focus = d->id;
        announce();
    }
    spin_unlock_irqrestore(&input_lock, flags);
}
