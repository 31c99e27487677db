/*
 * Compiler helpers shared by every file: branch hints, barriers and
 * single-copy access, so no file spells GCC attributes its own way.
 */
#ifndef XENO_COMPILER_H
#define XENO_COMPILER_H

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* Stop the compiler from moving memory accesses across this point. */
#define barrier() __asm__ __volatile__("" ::: "memory")

/*
 * One untorn access the compiler may not merge, repeat or elide; for data
 * another CPU (or an interrupt handler) changes under our feet.
 */
#define READ_ONCE(x)     (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#endif /* XENO_COMPILER_H */
