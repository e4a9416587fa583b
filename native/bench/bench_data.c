/* The data side of lodedb-bench: seeded random unit vectors, the CPU's name, single-core read
 * bandwidth, exact float top-k (the ground truth) and recall@K. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <time.h>
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BENCH_X86 1
#endif

#include "lodedb/lodedb.h"
#include "bench_data.h"
#include "bench_support.h"

/* ---- small utilities ---------------------------------------------------------------------- */

static uint64_t rng = 0x5eed5eed12345678ULL;

uint64_t next_u64(void) { /* SplitMix64 */
    uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double next_unit(void) { /* in (0, 1) */
    return ((double)(next_u64() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* count random unit vectors (normalised Gaussians). */
void random_unit_vectors(float *out, size_t count, uint32_t dim) {
    for (size_t i = 0; i < count; i++) {
        float *v = out + i * dim;
        double norm = 0.0;
        for (uint32_t j = 0; j < dim; j += 2) {
            double r = sqrt(-2.0 * log(next_unit())), t = 6.283185307179586 * next_unit();
            v[j] = (float)(r * cos(t));
            if (j + 1 < dim) {
                v[j + 1] = (float)(r * sin(t));
            }
        }
        for (uint32_t j = 0; j < dim; j++) {
            norm += (double)v[j] * v[j];
        }
        float inv = (float)(1.0 / sqrt(norm));
        for (uint32_t j = 0; j < dim; j++) {
            v[j] *= inv;
        }
    }
}

void cpu_model(char *out, size_t size) {
    snprintf(out, size, "unknown CPU");
#if defined(__linux__)
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL) {
        return;
    }
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "model name", 10) == 0 || strncmp(line, "Model", 5) == 0) {
            char *colon = strchr(line, ':');
            if (colon != NULL) {
                colon += 2;
                colon[strcspn(colon, "\n")] = '\0';
                snprintf(out, size, "%s", colon);
                break;
            }
        }
    }
    fclose(f);
#endif
}

/* ---- single-core read bandwidth ----------------------------------------------------------- */

#if defined(BENCH_X86) && defined(__GNUC__)
__attribute__((target("avx2"))) static uint64_t sum_avx2(const uint8_t *p, size_t bytes) {
    __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
    for (size_t i = 0; i + 128 <= bytes; i += 128) {
        s0 = _mm256_add_epi64(s0, _mm256_load_si256((const __m256i *)(p + i)));
        s1 = _mm256_add_epi64(s1, _mm256_load_si256((const __m256i *)(p + i + 32)));
        s2 = _mm256_add_epi64(s2, _mm256_load_si256((const __m256i *)(p + i + 64)));
        s3 = _mm256_add_epi64(s3, _mm256_load_si256((const __m256i *)(p + i + 96)));
    }
    __m256i s = _mm256_add_epi64(_mm256_add_epi64(s0, s1), _mm256_add_epi64(s2, s3));
    return (uint64_t)_mm256_extract_epi64(s, 0) + (uint64_t)_mm256_extract_epi64(s, 3);
}
#endif

static uint64_t sum_plain(const uint8_t *p, size_t bytes) {
    const uint64_t *w = (const uint64_t *)(const void *)p;
    uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (size_t i = 0; i + 4 <= bytes / 8; i += 4) {
        s0 += w[i];
        s1 += w[i + 1];
        s2 += w[i + 2];
        s3 += w[i + 3];
    }
    return s0 + s1 + s2 + s3;
}

volatile uint64_t sink;

/* Best of `passes` sums of a buffer of `bytes` (rounded down to 128), in GB/s (1e9 bytes). */
double read_bandwidth(size_t bytes, int passes, const char **how) {
    bytes &= ~(size_t)127;
    uint8_t *raw = checked_malloc(bytes + 64);
    uint8_t *p = raw + (64 - ((uintptr_t)raw & 63)) % 64;
    memset(p, 1, bytes);
    int avx2 = lodedb_simd_supported(LODEDB_SIMD_AVX2);
    *how = avx2 ? "AVX2 loads" : "64-bit loads";
    double best = 1e30;
    for (int pass = 0; pass < passes; pass++) {
        double t = thread_cpu_seconds();
#if defined(BENCH_X86) && defined(__GNUC__)
        sink = avx2 ? sum_avx2(p, bytes) : sum_plain(p, bytes);
#else
        sink = sum_plain(p, bytes);
#endif
        t = thread_cpu_seconds() - t;
        best = t < best ? t : best;
    }
    free(raw);
    return (double)bytes / best / 1e9;
}

/* ---- exact float search (ground truth) ---------------------------------------------------- */

static void topk_insert(float *scores, int64_t *ids, float score, int64_t id) {
    if (score <= scores[K - 1]) {
        return;
    }
    int i = K - 1;
    while (i > 0 && scores[i - 1] < score) {
        scores[i] = scores[i - 1];
        ids[i] = ids[i - 1];
        i--;
    }
    scores[i] = score;
    ids[i] = id;
}

static float dot_plain(const float *a, const float *b, uint32_t dim) {
    float part[8] = {0};
    uint32_t j = 0;
    for (; j + 8 <= dim; j += 8) {
        for (int l = 0; l < 8; l++) {
            part[l] += a[j + (uint32_t)l] * b[j + (uint32_t)l];
        }
    }
    float s = 0.0f;
    for (; j < dim; j++) {
        s += a[j] * b[j];
    }
    for (int l = 0; l < 8; l++) {
        s += part[l];
    }
    return s;
}

#if defined(BENCH_X86) && defined(__GNUC__)
__attribute__((target("avx2,fma"))) static float dot_avx2(const float *a, const float *b,
                                                          uint32_t dim) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    uint32_t j = 0;
    for (; j + 32 <= dim; j += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 8), _mm256_loadu_ps(b + j + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 16), _mm256_loadu_ps(b + j + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 24), _mm256_loadu_ps(b + j + 24), s3);
    }
    __m256 s = _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3));
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
    float total = 0.0f;
    for (int l = 0; l < 8; l++) {
        total += lanes[l];
    }
    for (; j < dim; j++) {
        total += a[j] * b[j];
    }
    return total;
}
#endif

void exact_topk(const float *base, size_t count, const float *queries, size_t query_count,
                uint32_t dim, int64_t *out_ids) {
    float *scores = checked_malloc(sizeof(float) * K * query_count);
    for (size_t i = 0; i < K * query_count; i++) {
        scores[i] = -INFINITY;
        out_ids[i] = -1;
    }
    const size_t tile = 64; /* base vectors per tile, reused by every query from cache */
    float (*dot)(const float *, const float *, uint32_t) = dot_plain;
#if defined(BENCH_X86) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        dot = dot_avx2;
    }
#endif
    for (size_t start = 0; start < count; start += tile) {
        size_t end = start + tile < count ? start + tile : count;
        for (size_t q = 0; q < query_count; q++) {
            const float *query = queries + q * dim;
            for (size_t i = start; i < end; i++) {
                topk_insert(scores + q * K, out_ids + q * K, dot(base + i * dim, query, dim),
                            (int64_t)i);
            }
        }
    }
    free(scores);
}

double recall_at_k(const int64_t *truth, const int64_t *found, size_t query_count) {
    size_t hits = 0;
    for (size_t q = 0; q < query_count; q++) {
        for (int i = 0; i < K; i++) {
            for (int j = 0; j < K; j++) {
                if (found[q * K + (size_t)j] == truth[q * K + (size_t)i]) {
                    hits++;
                    break;
                }
            }
        }
    }
    return (double)hits / (double)(query_count * K);
}
