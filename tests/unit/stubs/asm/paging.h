/*
 * Host stand-in for asm/paging.h: the real header, which is only entry bits,
 * the hypervisor's L4 slots and declarations (the functions are not linked).
 */
#include "../../../../arch/x86/include/asm/paging.h"
