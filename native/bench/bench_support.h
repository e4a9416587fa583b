/* Small utilities shared by the benchmark programs (lodedb_bench.c, storage_bench.c): a
 * monotonic clock, the load average printed next to every result, and malloc-or-exit.
 * Include after the feature-test macros and <stdio.h>/<stdlib.h> (and <windows.h> or
 * <time.h>) of the including file. */
#ifndef LODEDB_BENCH_SUPPORT_H
#define LODEDB_BENCH_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>

/* Seconds on a monotonic clock. */
static inline double now_seconds(void) {
#if defined(_WIN32)
    LARGE_INTEGER frequency, counter;
    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&counter);
    return (double)counter.QuadPart / (double)frequency.QuadPart;
#else
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
#endif
}

/* The 1-minute load average (other processes skew timings on a small machine), or -1. */
static inline double load_average(void) {
    double load = -1.0;
#if defined(__linux__)
    FILE *f = fopen("/proc/loadavg", "r");
    if (f != NULL) {
        if (fscanf(f, "%lf", &load) != 1) {
            load = -1.0;
        }
        fclose(f);
    }
#endif
    return load;
}

/* malloc that ends the program with a message when memory runs out. */
static inline void *checked_malloc(size_t bytes) {
    void *p = malloc(bytes);
    if (p == NULL) {
        fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
        exit(2);
    }
    return p;
}

#endif
