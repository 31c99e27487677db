/*
 * lbench: Linux user-space microbenchmarks for `tools/xeno bench linux_micro`.
 *
 * The same static binary runs natively, as a Xeno PV domU and as a Xen dom0, from the
 * busybox initramfs of tools/xenolib/linux_bench.py. It times, with
 * clock_gettime(CLOCK_MONOTONIC) around a batch after a warm-up batch:
 *
 *   getpid     syscall(SYS_getpid): a null system call (libc may not cache it)
 *   fork       fork, the child _exits at once, the parent waitpid()s
 *   pagefault  the first write to each page of a fresh anonymous mapping
 *   pipe       one byte to a child and one byte back over two pipes
 *   cpu        a loop of dependent multiply-adds: no system call, no memory
 *
 * The whole set runs RUNS times in one boot; the tools use the last run (the first
 * one pays for warming the emulator's translation caches). Each result is one line:
 *
 *   lbench: run=R name=NAME ns_per_op=N.NN iterations=N
 *
 * then `lbench: done`. Lines are written with one write() each, so when stdout is
 * /dev/kmsg each becomes one kernel log record. Iteration counts can be scaled with
 * argv[1] (a percentage) for quick trials; the benchmark uses the default.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 2
#define PAGE 4096

/* Iterations per timed batch at 100%: each batch takes well under a second natively
 * under QEMU TCG and a few seconds at most under a PV hypervisor there. */
static long n_getpid = 200000;
static long n_fork = 500;
static long n_pages = 16384;        /* 64 MiB touched per batch */
static long n_pipe = 5000;
static long n_cpu = 100000000;

static void say(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (len < 0)
        return;
    if (len > (int)sizeof(line) - 2)
        len = sizeof(line) - 2;
    line[len++] = '\n';
    /* One write per line: one /dev/kmsg record each. */
    if (write(1, line, len) < 0)
        _exit(2);
}

static void die(const char *what)
{
    say("lbench: error %s: %s", what, strerror(errno));
    exit(1);
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static void loop_getpid(long n)
{
    for (long i = 0; i < n; i++)
        syscall(SYS_getpid);
}

static void loop_fork(long n)
{
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0)
            _exit(0);
        int status;
        if (waitpid(pid, &status, 0) != pid)
            die("waitpid");
    }
}

/* N pages of a fresh mapping, each written once. The mmap and munmap are inside the
 * timed region but paid once per N faults, so they hardly count. */
static void loop_pagefault(long n)
{
    size_t len = (size_t)n * PAGE;
    volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == (void *)MAP_FAILED)
        die("mmap");
    /* A 2 MiB transparent huge page would make one fault of 512 pages natively,
     * which a PV guest cannot have: 4 KiB faults on every side. */
    madvise((void *)p, len, MADV_NOHUGEPAGE);
    for (long i = 0; i < n; i++)
        p[i * PAGE] = 1;
    if (munmap((void *)p, len) != 0)
        die("munmap");
}

static void loop_pipe(long n)
{
    int to_child[2], to_parent[2];
    if (pipe(to_child) != 0 || pipe(to_parent) != 0)
        die("pipe");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    char byte = 0;
    if (pid == 0) {
        /* Echo every byte until the parent closes its end (the child's own copy of
         * that end must go first, or the read never sees the end of the pipe). */
        close(to_child[1]);
        close(to_parent[0]);
        while (read(to_child[0], &byte, 1) == 1)
            if (write(to_parent[1], &byte, 1) != 1)
                _exit(1);
        _exit(0);
    }
    for (long i = 0; i < n; i++) {
        if (write(to_child[1], &byte, 1) != 1 || read(to_parent[0], &byte, 1) != 1)
            die("pipe round trip");
    }
    close(to_child[1]);
    int status;
    waitpid(pid, &status, 0);
    close(to_child[0]);
    close(to_parent[0]);
    close(to_parent[1]);
}

static volatile uint64_t cpu_sink;

static void loop_cpu(long n)
{
    /* A dependent chain (each step needs the last), so it cannot be vectorised away. */
    uint64_t x = cpu_sink | 1;
    for (long i = 0; i < n; i++)
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    cpu_sink = x;
}

struct measure {
    const char *name;
    void (*loop)(long);
    long *iterations;
};

static const struct measure measures[] = {
    {"getpid", loop_getpid, &n_getpid},
    {"fork", loop_fork, &n_fork},
    {"pagefault", loop_pagefault, &n_pages},
    {"pipe", loop_pipe, &n_pipe},
    {"cpu", loop_cpu, &n_cpu},
};

int main(int argc, char **argv)
{
    long percent = argc > 1 ? atol(argv[1]) : 100;
    if (percent < 1 || percent > 1000)
        percent = 100;
    for (size_t m = 0; m < sizeof(measures) / sizeof(measures[0]); m++) {
        long n = *measures[m].iterations * percent / 100;
        *measures[m].iterations = n > 0 ? n : 1;
    }
    say("lbench: start runs=%d", RUNS);
    for (int run = 1; run <= RUNS; run++) {
        for (size_t m = 0; m < sizeof(measures) / sizeof(measures[0]); m++) {
            const struct measure *me = &measures[m];
            long n = *me->iterations;
            /* Warm-up: a tenth of the batch, so the code and data it touches are
             * translated and mapped before the clock starts. */
            me->loop(n / 10 > 0 ? n / 10 : 1);
            uint64_t start = now_ns();
            me->loop(n);
            uint64_t elapsed = now_ns() - start;
            double per_op = (double)elapsed / (double)n;
            say("lbench: run=%d name=%s ns_per_op=%.2f iterations=%ld", run, me->name,
                per_op, n);
        }
    }
    say("lbench: done");
    return 0;
}
