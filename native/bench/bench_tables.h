/* lodedb-bench's timing of the group-table scan kernels (accumulate_tables) alone, for every
 * kernel variant this build and CPU can run (bench_tables.c). */
#ifndef LODEDB_BENCH_TABLES_H
#define LODEDB_BENCH_TABLES_H

#include <stddef.h>
#include <stdint.h>

/* Prints a markdown section: for each variant and dimension (groups = padded dimension / 4,
 * as the sign sketch scans), accumulate_tables on synthetic blocks of n vectors, one query per
 * call (ms/query, GB/s of codes), and on 32 blocks held in L2 (compute alone), ns per block
 * with one query and per block and query with `chunk` queries per call. */
void bench_print_table_kernels(size_t n, const uint32_t *dims, size_t dim_count, uint32_t chunk);

#endif
