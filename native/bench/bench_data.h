/* The data side of lodedb-bench (bench_data.c). */
#ifndef LODEDB_BENCH_DATA_H
#define LODEDB_BENCH_DATA_H

#include <stddef.h>
#include <stdint.h>

#define K 10

extern volatile uint64_t sink; /* keeps timed results alive */

uint64_t next_u64(void); /* SplitMix64, one stream for the whole run */
double next_unit(void);  /* in (0, 1) */
/* count random unit vectors (normalised Gaussians). */
void random_unit_vectors(float *out, size_t count, uint32_t dim);
void cpu_model(char *out, size_t size);
/* Best of `passes` sums of a buffer of `bytes` (rounded down to 128), in GB/s (1e9 bytes). */
double read_bandwidth(size_t bytes, int passes, const char **how);
/* The exact top-K ids (inner product) of each query. */
void exact_topk(const float *base, size_t count, const float *queries, size_t query_count,
                uint32_t dim, int64_t *out_ids);
double recall_at_k(const int64_t *truth, const int64_t *found, size_t query_count);

#endif
