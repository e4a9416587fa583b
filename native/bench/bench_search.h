/* lodedb-bench's search measurements beyond one thread (bench_search.c). */
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

#endif
