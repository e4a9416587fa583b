/* The optional FAISS part of lodedb-bench (bench_faiss.cpp, built when libfaiss-dev is found). */
#ifndef LODEDB_BENCH_FAISS_H
#define LODEDB_BENCH_FAISS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bench_faiss_result {
    double train_s;   /* training (PQ only) */
    double add_s;     /* adding / encoding the base vectors */
    double single_ms; /* ms per query, one query per call */
    double batch_ms;  /* ms per query, batch_count queries in one call */
    char error[256];  /* non-empty when FAISS threw */
} bench_faiss_result;

/* kind 0: IndexFlatIP. kind 2 or 4: IndexPQFastScan at ~kind bits per dimension (M = d/2 or
 * M = d sub-quantizers of 4 bits), inner product, trained on train (train_count vectors).
 * Runs single-threaded. labels receives batch_count * k ids of the batch search (queries
 * 0..batch_count-1); the single-query timing uses queries 0..single_count-1. */
int bench_faiss_run(int kind, int dim, int64_t count, const float *base, int64_t train_count,
                    const float *train, const float *queries, int64_t single_count,
                    int64_t batch_count, int k, int64_t *labels, bench_faiss_result *out);

/* "FAISS x.y.z" */
const char *bench_faiss_version(void);

#ifdef __cplusplus
}
#endif

#endif
