/* Small utilities shared by the benchmark programs (lodedb_bench.c, storage_bench.c): a
 * monotonic clock, the thread's CPU clock, the load average printed next to every result, and
 * malloc-or-exit.
 * The including file defines its feature-test macros (_POSIX_C_SOURCE for clock_gettime)
 * before its first include. */
#ifndef LODEDB_BENCH_SUPPORT_H
#define LODEDB_BENCH_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>
#if defined(_WIN32)
#include <windows.h>
#else
#include <time.h>
#endif

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

/* CPU seconds of the calling thread: the one-thread timings use it, so time the thread spends
 * waiting for a CPU that other processes hold does not count (a shared machine); what those
 * processes take of the memory bandwidth or of a shared core still does. Falls back to the
 * monotonic clock where there is no thread clock. */
static inline double thread_cpu_seconds(void) {
#if defined(_WIN32)
    FILETIME created, exited, kernel, user;
    if (GetThreadTimes(GetCurrentThread(), &created, &exited, &kernel, &user)) {
        ULARGE_INTEGER k, u;
        k.LowPart = kernel.dwLowDateTime;
        k.HighPart = kernel.dwHighDateTime;
        u.LowPart = user.dwLowDateTime;
        u.HighPart = user.dwHighDateTime;
        return (double)(k.QuadPart + u.QuadPart) * 1e-7;
    }
    return now_seconds();
#elif defined(CLOCK_THREAD_CPUTIME_ID)
    struct timespec t;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0) {
        return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
    }
    return now_seconds();
#else
    return now_seconds();
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
