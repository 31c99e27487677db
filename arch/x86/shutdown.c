/*
 * The end of a run. Emulators are told through their exit devices so that
 * tools/xeno gets a verdict without waiting for a timeout (see
 * docs/boot-contract.md); real hardware halts.
 */
#include <asm/io.h>
#include <asm/irq.h>
#include <asm/processor.h>
#include <asm/serial.h>
#include <asm/shutdown.h>
#include <asm/smp.h>
#include <xeno/cmdline.h>
#include <xeno/printk.h>
#include <xeno/string.h>

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define BOCHS_SHUTDOWN_PORT 0x8900

static char exit_method[16] = "none";
CMDLINE_PARAM_STR("exit", exit_method);

static const char *const status_names[] = {
    [XENO_PASS] = "pass", [XENO_FAIL] = "fail", [XENO_PANIC] = "panic",
};


_Noreturn void machine_exit(enum xeno_status status, const char *reason)
{
    local_irq_disable();
    if (reason)
        printk(LOG_ALWAYS "XENO-STATUS: %s (%s)\n", status_names[status], reason);
    else
        printk(LOG_ALWAYS "XENO-STATUS: %s\n", status_names[status]);
    serial_drain();

    if (strcmp(exit_method, "qemu") == 0) {
        outb(QEMU_DEBUG_EXIT_PORT, 0x10 + status);
    } else if (strcmp(exit_method, "bochs") == 0) {
        for (const char *s = "Shutdown"; *s; s++)
            outb(BOCHS_SHUTDOWN_PORT, *s);
    }
    smp_stop_others();
    for (;;)
        halt();
}
