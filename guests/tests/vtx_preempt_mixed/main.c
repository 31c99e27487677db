/* The check is vtx_preempt's; only the rival differs (the manifest). */
#include "../vtx_preempt/main.c"
