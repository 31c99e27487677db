/* The hypervisor's version, printed in the banner. */
#ifndef XENO_VERSION_H
#define XENO_VERSION_H
#define XENO_VERSION "0.1.0"
#endif
