/* Debug keys typed on the hypervisor console (xen/keyhandler.c). */
#ifndef XENO_KEYHANDLER_H
#define XENO_KEYHANDLER_H

/* Read and act on any keys waiting; called from CPU 0's scheduler tick. */
void keyhandler_poll(void);
#endif
