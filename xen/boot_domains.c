/*
 * Boot domains come from GRUB modules (docs/boot-contract.md): one
 * "domain-config NAME" module per xl.cfg-style config, and one "image VALUE"
 * module per kernel or ramdisk a config names. A domain that cannot be built
 * is reported by config name, destroyed completely, and the rest still boot.
 */
#include <asm/multiboot2.h>
#include <asm/page.h>
#include <pv/build.h>
#include <hvm/domain.h>
#include <xeno/boot_domains.h>
#include <xeno/domain.h>
#include <xeno/domain_config.h>
#include <xeno/errno.h>
#include <xeno/printk.h>
#include <xeno/sched.h>
#include <asm/smp.h>
#include <xeno/string.h>
#include <xeno/vsnprintf.h>
#include <xeno/xmalloc.h>

#define CONFIG_TAG "domain-config "
#define IMAGE_TAG "image "

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const struct boot_module *find_image(const char *value)
{
    for (unsigned int i = 0; i < boot_info.nr_mods; i++) {
        const struct boot_module *m = &boot_info.mods[i];
        if (has_prefix(m->cmdline, IMAGE_TAG) && strcmp(m->cmdline + strlen(IMAGE_TAG), value) == 0)
            return m;
    }
    return NULL;
}

unsigned int boot_domain_configs(void)
{
    unsigned int n = 0;
    for (unsigned int i = 0; i < boot_info.nr_mods; i++)
        n += has_prefix(boot_info.mods[i].cmdline, CONFIG_TAG);
    return n;
}

static struct domain *build_one(const struct boot_module *m, const char *source)
{
    struct domain_config *cfg = xzalloc(struct domain_config);
    char err[256] = "";
    const struct boot_module *kernel, *ramdisk = NULL;
    struct domain *d = NULL;
    int rc = -ENOMEM;

    if (!cfg) {
        printk(LOG_ERR "domain: %s: out of memory\n", source);
        return false;
    }
    rc = domain_config_parse(maddr_to_virt(m->start), m->end - m->start, source, cfg,
                             err, sizeof(err));
    if (rc)
        goto fail_msg;
    rc = -ENOENT;
    kernel = find_image(cfg->kernel);
    if (!kernel) {
        snprintf(err, sizeof(err), "%s: kernel '%s' was not loaded as a boot module", source,
                 cfg->kernel);
        goto fail_msg;
    }
    if (cfg->ramdisk[0] && !(ramdisk = find_image(cfg->ramdisk))) {
        snprintf(err, sizeof(err), "%s: ramdisk '%s' was not loaded as a boot module", source,
                 cfg->ramdisk);
        goto fail_msg;
    }
    /* Refused before anything is built when the CPUs cannot run it. */
    if (cfg->type == DOMAIN_PVH) {
        char why[160];
        if (hvm_domain_supported(why, sizeof(why))) {
            snprintf(err, sizeof(err), "%s: %s", source, why);
            goto fail_msg;
        }
    }
    if (!sched_domain_affinity(cfg->cpus)) {
        snprintf(err, sizeof(err), "%s: key 'cpus' names no online CPU (%u online)", source,
                 nr_cpus_online);
        goto fail_msg;
    }
    d = domain_create(cfg);
    if (!d) {
        snprintf(err, sizeof(err), "%s: out of memory for the domain", source);
        goto fail_msg;
    }
    char why[200] = "";
    rc = (cfg->type == DOMAIN_PVH ? pvh_build_domain : pv_build_domain)(
        d, cfg, maddr_to_virt(kernel->start), kernel->end - kernel->start,
        ramdisk ? maddr_to_virt(ramdisk->start) : NULL,
        ramdisk ? ramdisk->end - ramdisk->start : 0, why, sizeof(why));
    if (rc) {
        snprintf(err, sizeof(err), "%s: kernel '%s': %s", source, cfg->kernel, why);
        goto fail_msg;
    }
    printk("domain: d%u '%s' created (%s, %lu MiB, %u vCPU%s) from %s\n", d->id, d->name,
           domain_type_name(cfg->type), cfg->memory_mib, cfg->vcpus, cfg->vcpus == 1 ? "" : "s",
           source);
    domain_report_xen_memory(d);
    xfree(cfg);
    return d;

fail_msg:
    printk("domain: %s\n", err);
    if (d)
        domain_destroy(d);     /* nothing half-built stays behind */
    xfree(cfg);
    return NULL;
}

unsigned int boot_domains_start(void)
{
    static struct domain *built[MB2_MAX_MODULES];
    unsigned int n = 0;

    for (unsigned int i = 0; i < boot_info.nr_mods; i++) {
        const struct boot_module *m = &boot_info.mods[i];
        if (has_prefix(m->cmdline, CONFIG_TAG) &&
            (built[n] = build_one(m, m->cmdline + strlen(CONFIG_TAG))) != NULL)
            n++;
    }
    /* All at once when all are built: this CPU does not serve the guests'
     * timers while it builds, so a domain started early would wait for them. */
    for (unsigned int i = 0; i < n; i++)
        domain_start(built[i]);
    return n;
}
