/*
 * console_io: a domain's debug console. Output is line-buffered per domain and
 * printed with a "(dN) " prefix so interleaved domains stay readable; bytes
 * that are not printable become '?', so a guest cannot drive the terminal.
 * Domain 0's console backend writes a domU's console ring here too
 * (domctl console_write), so both paths make the same "(dN)" lines.
 */
#include <asm/guest_access.h>
#include <public/xen.h>
#include <xeno/domain.h>
#include <xeno/domain_console.h>
#include <xeno/errno.h>
#include <xeno/hypercall.h>
#include <xeno/printk.h>
#include <xeno/spinlock.h>

#define CHUNK 128
#define MAX_WRITE (64 * 1024)

/* A domain's line fills from its own console_io and from its console
 * backend's domctl console_write, on any CPUs. */
static DEFINE_SPINLOCK(lines_lock);

static void flush_line(struct domain *d)
{
    d->console_line[d->console_len] = '\0';
    printk("(d%u) %s\n", d->id, d->console_line);
    d->console_len = 0;
}

static void console_put(struct domain *d, char c)
{
    if (c == '\n') {
        flush_line(d);
        return;
    }
    if (c == '\r')
        return;
    if ((c < 32 || c > 126) && c != '\t')
        c = '?';
    d->console_line[d->console_len++] = c;
    if (d->console_len == sizeof(d->console_line) - 1)
        flush_line(d);
}

long domain_console_write(struct domain *d, uint64_t buf, uint64_t count)
{
    char chunk[CHUNK];
    unsigned long flags;

    if (count > MAX_WRITE)
        return -EINVAL;
    /* Check the whole buffer first, so a bad one prints nothing. */
    if (!guest_range_ok(buf, count))
        return -EFAULT;
    for (uint64_t done = 0; done < count; done += CHUNK) {
        size_t n = count - done < CHUNK ? count - done : CHUNK;
        if (copy_from_guest(chunk, buf + done, n))
            return -EFAULT;
        flags = spin_lock_irqsave(&lines_lock);
        for (size_t i = 0; i < n; i++)
            console_put(d, chunk[i]);
        spin_unlock_irqrestore(&lines_lock, flags);
    }
    return 0;
}

long do_console_io(uint64_t cmd, uint64_t count, uint64_t buf, uint64_t a4, uint64_t a5, uint64_t a6)
{
    (void)a4; (void)a5; (void)a6;
    switch (cmd) {
    case CONSOLEIO_write:
        return domain_console_write(current_vcpu()->domain, buf, count);
    case CONSOLEIO_read:
        return 0;       /* input goes to the console rings (xen/console_input.c) */
    default:
        return -ENOSYS;
    }
}
