/* lodedb-bench's search measurements beyond one thread: batch calls with several threads, and
 * the codes-only ranking (bench_search.h). */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime, sysconf */
#endif
#include <stdio.h>
#include <stdlib.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <time.h>
#include <unistd.h>
#endif

#include "bench_data.h"
#include "bench_search.h"
#include "bench_support.h"

uint32_t bench_cpu_count(void) {
#if defined(_WIN32)
    SYSTEM_INFO info;
    GetSystemInfo(&info);
    return info.dwNumberOfProcessors > 0 ? (uint32_t)info.dwNumberOfProcessors : 1u;
#else
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (uint32_t)n : 1u;
#endif
}

static void require(lodedb_status status, const char *what) {
    if (status != LODEDB_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, lodedb_status_name(status),
                lodedb_last_error_message());
        exit(1);
    }
}

double bench_batch_ms(const lodedb_index *index, const float *queries, size_t count,
                      uint32_t threads, int passes) {
    uint64_t *slots = checked_malloc(sizeof(uint64_t) * K * count);
    float *scores = checked_malloc(sizeof(float) * K * count);
    uint32_t *counts = checked_malloc(sizeof(uint32_t) * count);
    double best = 1e30;
    for (int pass = 0; pass < passes; pass++) {
        double t = now_seconds();
        require(lodedb_index_search(index, queries, count, K, NULL, 0, threads, slots, scores,
                                    counts),
                "lodedb_index_search (threads)");
        t = now_seconds() - t;
        best = t < best ? t : best;
    }
    sink = slots[0];
    free(slots);
    free(scores);
    free(counts);
    return best * 1e3 / (double)count;
}

void bench_codes_only(const lodedb_index *index, const float *queries, size_t count,
                      int64_t *found) {
    uint64_t *slots = checked_malloc(sizeof(uint64_t) * K * count);
    float *scores = checked_malloc(sizeof(float) * K * count);
    uint32_t *counts = checked_malloc(sizeof(uint32_t) * count);
    require(lodedb_index_search_candidates(index, queries, count, K, NULL, 0, 1, slots, scores,
                                           counts),
            "lodedb_index_search_candidates");
    for (size_t i = 0; i < K * count; i++) {
        found[i] = slots[i] == LODEDB_NO_SLOT ? -1 : (int64_t)slots[i];
    }
    free(slots);
    free(scores);
    free(counts);
}
