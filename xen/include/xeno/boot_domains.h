/* Boot domains: built from the domain-config modules GRUB loaded. */
#ifndef XENO_BOOT_DOMAINS_H
#define XENO_BOOT_DOMAINS_H

/* Build and start every configured domain; returns how many started. A bad
 * config or image is reported and skipped; the others still boot. */
unsigned int boot_domains_start(void);
/* How many domain-config modules there were. */
unsigned int boot_domain_configs(void);
#endif
