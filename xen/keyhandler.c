/*
 * Debug keys on the hypervisor console, as hypervisors traditionally offer
 * them: `h` lists them, `d` dumps every domain and vCPU, `p` pauses and `u`
 * unpauses every domain. They are read by polling (no device interrupts yet),
 * from CPU 0's scheduler tick.
 */
#include <asm/serial.h>
#include <xeno/console_input.h>
#include <xeno/domain.h>
#include <xeno/keyhandler.h>
#include <xeno/printk.h>
#include <xeno/vcpu_dump.h>

static const char *const state_names[] = {
    [DOMAIN_BUILDING] = "building", [DOMAIN_ACTIVE] = "active",
    [DOMAIN_SHUTDOWN] = "shut down", [DOMAIN_DEAD] = "dead",
};
static const char *const vcpu_states[] = {
    [VCPU_RUNNABLE] = "runnable", [VCPU_BLOCKED] = "blocked", [VCPU_DOWN] = "down",
};

static void dump_domains(void)
{
    printk("keys: domains and vCPUs\n");
    for (struct domain *d = domain_list; d; d = d->next) {
        if (d->state == DOMAIN_DEAD)
            continue;
        printk("keys: d%u '%s' %s, %lu pages, %lu hypercalls\n", d->id, d->name,
               state_names[d->state], d->tot_pages, (unsigned long)d->stats.hypercalls);
        for (unsigned int i = 0; i < d->nr_vcpus; i++) {
            const struct vcpu *v = d->vcpus[i];
            /* A vCPU on this CPU has its registers in the trap frame; that is
             * the one we interrupted to poll, so what we print is its last switch. */
            printk("keys:   vcpu%u %s%s%s rip=%016lx rsp=%016lx cs=%04lx %s mode\n", v->id,
                   vcpu_states[v->state], v->pause_count ? ", paused" : "",
                   v->on_cpu ? ", running" : "", v->pv.regs.rip, v->pv.regs.rsp,
                   v->pv.regs.cs, v->pv.kernel_mode ? "kernel" : "user");
            printk("keys:     cpu%u%s%s, upcall pending %u mask %u\n", v->processor,
                   v->sched.runnable ? ", wants a CPU" : "",
                   v->sched.running ? ", its CPU's current" : "",
                   v->vcpu_info->evtchn_upcall_pending, v->vcpu_info->evtchn_upcall_mask);
            vcpu_dump(v, "keys: ", v->on_cpu ? "running: registers as of its last switch" : NULL);
        }
    }
}

static void pause_all(bool pause)
{
    for (struct domain *d = domain_list; d; d = d->next) {
        if (d->state != DOMAIN_ACTIVE)
            continue;
        if (pause)
            domain_pause(d);
        else
            domain_unpause(d);
        printk("keys: d%u '%s' %s\n", d->id, d->name, pause ? "paused" : "unpaused");
    }
}

void keyhandler_poll(void)
{
    int c;
    while (console_input_ready() && (c = serial_getc()) >= 0) {
        if (console_input_byte(c))
            continue;           /* a domain's input (xen/console_input.c) */
        switch (c) {
        case 'h':
            printk("keys: h help, d dump domains and vCPUs (registers, stack), p pause all "
                   "domains, u unpause all domains, Ctrl-A three times: input to a domain\n");
            break;
        case 'd':
            dump_domains();
            break;
        case 'p':
            pause_all(true);
            break;
        case 'u':
            pause_all(false);
            break;
        default:
            break;              /* anything else is ignored */
        }
    }
}
