/* lodedb-bench's measurements beyond single and batch searches (bench_search.c). */
#ifndef LODEDB_BENCH_SEARCH_H
#define LODEDB_BENCH_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "lodedb/lodedb.h"

/* Online CPUs (at least 1). */
uint32_t bench_cpu_count(void);

/* Best of `passes` calls searching `count` queries at once (k = K) with `threads` threads, in
 * ms per query. */
double bench_batch_ms(const lodedb_index *index, const float *queries, size_t count,
                      uint32_t threads, int passes);

/* Codes-only top-K of each query: lodedb_index_search_candidates with count = K, the scan's
 * own ranking without the re-rank; ids -1 past the end. */
void bench_codes_only(const lodedb_index *index, const float *queries, size_t count,
                      int64_t *found);

/* The scan kernel variant the active SIMD level runs, e.g. "avx512vnni-vbmi". */
const char *bench_kernel_name(void);

/* Queries per kernel call in the kernel timing, as in the search (src/search/search.c): a
 * block's codes stay in L1/L2 while they are reused for each. */
#ifndef KERNEL_CHUNK
#define KERNEL_CHUNK 16
#endif

/* The active scan kernel alone on synthetic blocks of n vectors (no top-k): one query per call
 * and `batch` queries in calls of KERNEL_CHUNK, 5 alternating passes each, best pass, in ms
 * per query; the same on 32 blocks held in L2 (compute alone), in ns per block and query; and
 * the scalar kernel, one query, once (0 unless with_scalar). */
void bench_time_kernels(uint32_t groups, uint32_t terms, size_t n, size_t batch, int with_scalar,
                        double *single_ms, double *batch_ms, double *cached_single_ns,
                        double *cached_batch_ns, double *scalar_ms);

#endif
