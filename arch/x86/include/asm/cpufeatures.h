/* Boot CPU identification and virtualization features. */
#ifndef ASM_CPUFEATURES_H
#define ASM_CPUFEATURES_H
#include <stdbool.h>

struct cpu_features {
    char vendor[13];
    char brand[49];
    bool vmx, ept, vpid, unrestricted_guest;
    bool svm, npt;
};

extern struct cpu_features cpu_features;

void cpu_identify(void);        /* prints `cpu: VENDOR BRAND` */
void cpu_features_report(void); /* prints the `vmx:` and `svm:` lines */
#endif
