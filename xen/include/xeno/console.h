/*
 * Console control: where printk output goes and how much of it, plus the
 * ring of recent messages that the panic path can replay.
 *
 * Command line: loglvl=err|warn|info|debug (default info) and
 * console=com1|none (none silences the serial sink; the ring still fills).
 */
#ifndef XENO_CONSOLE_H
#define XENO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* Size of the ring of recent output, in bytes. */
#define CONSOLE_RING_SIZE 16384

/* Messages at this level or more important go to the sink (0 = err .. 3 = debug). */
void console_set_loglevel(unsigned int level);
unsigned int console_get_loglevel(void);

/* Turn the serial sink on (console=com1) or off (console=none). */
void console_set_sink_enabled(bool enabled);

/*
 * Copy the most recent ring contents, oldest byte first, into buf as a
 * NUL-terminated string of at most len - 1 bytes.  Returns the bytes copied.
 */
size_t console_ring_read(char *buf, size_t len);

/* Write the whole ring to the sink (framed by marker lines) for a post-mortem. */
void console_ring_dump(void);

/*
 * Panic path only: release the console lock whoever holds it, so a CPU
 * that died inside printk does not silence the report.
 */
void console_force_unlock(void);

#endif /* XENO_CONSOLE_H */
