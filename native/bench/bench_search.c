/* lodedb-bench's measurements beyond single and batch searches: batch calls with several
 * threads, the codes-only ranking, and the scan kernels alone (bench_search.h). */
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
#include "scan/scan_kernels.h"
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
        require(
            lodedb_index_search(index, queries, count, K, NULL, 0, threads, slots, scores, counts),
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
    require(
        lodedb_index_search_candidates(index, queries, count, K, NULL, 0, 1, slots, scores, counts),
        "lodedb_index_search_candidates");
    for (size_t i = 0; i < K * count; i++) {
        found[i] = slots[i] == LODEDB_NO_SLOT ? -1 : (int64_t)slots[i];
    }
    free(slots);
    free(scores);
    free(counts);
}

const char *bench_kernel_name(void) {
    return lodedb_scan_variant_name(lodedb_scan_kernels_active()->variant);
}

/* Kernel-only timing on synthetic blocks of the same size: the scan without top-k. */
void bench_time_kernels(uint32_t groups, uint32_t terms, size_t n, size_t batch, int with_scalar,
                        double *single_ms, double *batch_ms, double *cached_single_ns,
                        double *cached_batch_ns, double *scalar_ms) {
    size_t blocks = (n + LODEDB_BLOCK_SIZE - 1) / LODEDB_BLOCK_SIZE;
    size_t block_bytes = (size_t)groups * 16;
    size_t weight_bytes = (size_t)groups * terms;
    uint8_t *codes = checked_malloc(blocks * block_bytes);
    int8_t *weights = checked_malloc(batch * weight_bytes);
    int32_t *acc = checked_malloc(sizeof(int32_t) * LODEDB_BLOCK_SIZE * batch);
    lodedb_scan_levels levels = {.terms = terms};
    for (size_t i = 0; i < blocks * block_bytes; i++) {
        codes[i] = (uint8_t)next_u64();
    }
    for (size_t i = 0; i < batch * weight_bytes; i++) {
        weights[i] = (int8_t)((int)(next_u64() % 255u) - 127);
    }
    for (int c = 0; c < 32; c++) {
        levels.table[c / 16][c % 16] = (uint8_t)(next_u64() % 128u);
    }
    const lodedb_scan_kernels *k = lodedb_scan_kernels_active();
    uint32_t check_sum = 0;
    /* Single and batched passes alternate, so both see the same load on a shared machine;
     * the best pass of each counts. */
    double best_single = 1e30, best_batch = 1e30;
    for (int pass = 0; pass < 5; pass++) {
        double t = thread_cpu_seconds();
        for (size_t b = 0; b < blocks; b++) {
            k->accumulate(codes + b * block_bytes, &levels, weights, 1, groups, acc);
            check_sum += (uint32_t)acc[b % 32];
        }
        t = thread_cpu_seconds() - t;
        best_single = t < best_single ? t : best_single;
        t = thread_cpu_seconds();
        for (size_t first = 0; first < batch; first += KERNEL_CHUNK) {
            size_t left = batch - first;
            uint32_t chunk = (uint32_t)(left < KERNEL_CHUNK ? left : KERNEL_CHUNK);
            for (size_t b = 0; b < blocks; b++) {
                k->accumulate(codes + b * block_bytes, &levels, weights + first * weight_bytes,
                              chunk, groups, acc);
                check_sum += (uint32_t)acc[b % 32];
            }
        }
        t = thread_cpu_seconds() - t;
        best_batch = t < best_batch ? t : best_batch;
    }
    *single_ms = best_single * 1e3;
    *batch_ms = best_batch * 1e3 / (double)batch;
    /* The same kernels on the first 32 blocks over and over (in L2): their compute speed
     * without memory, ns per block and query. */
    size_t hot = blocks < 32 ? blocks : 32, reps = blocks / hot;
    uint32_t chunk = (uint32_t)(batch < KERNEL_CHUNK ? batch : KERNEL_CHUNK);
    best_single = best_batch = 1e30;
    for (int pass = 0; pass < 5; pass++) {
        double t = thread_cpu_seconds();
        for (size_t r = 0; r < reps; r++) {
            for (size_t b = 0; b < hot; b++) {
                k->accumulate(codes + b * block_bytes, &levels, weights, 1, groups, acc);
                check_sum += (uint32_t)acc[b % 32];
            }
        }
        t = thread_cpu_seconds() - t;
        best_single = t < best_single ? t : best_single;
        t = thread_cpu_seconds();
        for (size_t r = 0; r < reps; r++) {
            for (size_t b = 0; b < hot; b++) {
                k->accumulate(codes + b * block_bytes, &levels, weights, chunk, groups, acc);
                check_sum += (uint32_t)acc[b % 32];
            }
        }
        t = thread_cpu_seconds() - t;
        best_batch = t < best_batch ? t : best_batch;
    }
    *cached_single_ns = best_single * 1e9 / (double)(reps * hot);
    *cached_batch_ns = best_batch * 1e9 / (double)(reps * hot * chunk);
    *scalar_ms = 0.0;
    if (with_scalar && k->level != LODEDB_SIMD_SCALAR) {
        const lodedb_scan_kernels *s = lodedb_scan_kernels_for(LODEDB_SIMD_SCALAR);
        double t = thread_cpu_seconds();
        for (size_t b = 0; b < blocks; b++) {
            s->accumulate(codes + b * block_bytes, &levels, weights, 1, groups, acc);
            check_sum += (uint32_t)acc[b % 32];
        }
        *scalar_ms = (thread_cpu_seconds() - t) * 1e3;
    }
    sink = check_sum;
    free(codes);
    free(weights);
    free(acc);
}
