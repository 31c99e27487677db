/*
 * Included first in every hypervisor file (-include, see SConstruct). The
 * hypervisor is one static image, so every symbol is "hidden": the compiler
 * then reaches functions and data RIP-relatively instead of through a GOT,
 * which the fixed high link address would otherwise need.
 */
#pragma GCC visibility push(hidden)
