/* lodedb-storage-bench gen: generates the data set (storage_dataset.c), computes the exact
 * top-10 of every query and writes the three files the native bench and the .NET harness read. */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include "bench_support.h"
#include "storage_bench.h"
#include "storage_dataset.h"

static double dot_double(const float *a, const float *b, uint32_t dim) {
    double s = 0.0;
    for (uint32_t j = 0; j < dim; j++) {
        s += (double)a[j] * b[j];
    }
    return s;
}

int storage_gen_files(const char *out, uint64_t n, uint64_t queries, uint64_t seed, uint32_t dim) {
    storage_dataset_params p = {dim, n, queries, seed};
    float *base = checked_malloc(sizeof(float) * n * dim);
    float *query = checked_malloc(sizeof(float) * queries * dim);
    int32_t *truth = checked_malloc(sizeof(int32_t) * queries * STORAGE_K);
    double start = now_seconds();
    storage_generate(&p, base, query);
    double generated = now_seconds();
    storage_exact_topk(base, n, query, queries, dim, STORAGE_K, truth);
    double truthed = now_seconds();

    storage_make_folder(out);
    char path[1024];
    storage_join(path, sizeof path, out, "base.fvecs");
    int status = storage_write_fvecs(path, base, n, dim);
    storage_join(path, sizeof path, out, "queries.fvecs");
    status |= storage_write_fvecs(path, query, queries, dim);
    storage_join(path, sizeof path, out, "truth.ivecs");
    status |= storage_write_ivecs(path, truth, queries, STORAGE_K);
    if (status != 0) {
        return 1;
    }

    /* What the set looks like: cosines of random pairs, of each query to its 1st / 10th. */
    double pairs = 0.0, first = 0.0, tenth = 0.0;
    uint64_t pair_count = 2000;
    for (uint64_t i = 0; i < pair_count; i++) {
        uint64_t a = (i * 7919u + 13u) % n, b = (i * 104729u + 7u) % n;
        pairs += dot_double(base + a * dim, base + (b == a ? (b + 1) % n : b) * dim, dim);
    }
    for (uint64_t q = 0; q < queries; q++) {
        first += dot_double(query + q * dim, base + (uint64_t)truth[q * STORAGE_K] * dim, dim);
        tenth += dot_double(query + q * dim,
                            base + (uint64_t)truth[q * STORAGE_K + STORAGE_K - 1] * dim, dim);
    }
    printf("wrote %s: %llu x %u base vectors, %llu queries, exact top-%d (seed %llu)\n", out,
           (unsigned long long)n, dim, (unsigned long long)queries, STORAGE_K,
           (unsigned long long)seed);
    printf("mean cosine: random pairs %.3f, query to its 1st neighbour %.3f, to its 10th %.3f\n",
           pairs / (double)pair_count, first / (double)queries, tenth / (double)queries);
    printf("generation %.1f s, exact top-%d %.1f s\n", generated - start, STORAGE_K,
           truthed - generated);
    free(truth);
    free(query);
    free(base);
    return 0;
}
