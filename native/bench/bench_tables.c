/* lodedb-bench: accumulate_tables alone, every variant this build and CPU can run
 * (bench_tables.h). */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#include <stdio.h>
#include <stdlib.h>

#include "bench_data.h"
#include "bench_support.h"
#include "bench_tables.h"
#include "lodedb/lodedb.h"
#include "scan/scan_kernels.h"

typedef struct table_timing {
    double single_ms;        /* n vectors streamed, one query per call, per query */
    double cached_single_ns; /* 32 blocks in L2, one query per call, per block */
    double cached_batch_ns;  /* 32 blocks in L2, `chunk` queries per call, per block and query */
} table_timing;

/* Best of 5 passes of each kind; single and batched passes alternate, as in
 * bench_time_kernels. */
static table_timing time_tables(const lodedb_scan_kernels *k, uint32_t groups, size_t n,
                                uint32_t chunk) {
    size_t blocks = (n + LODEDB_BLOCK_SIZE - 1) / LODEDB_BLOCK_SIZE;
    size_t block_bytes = (size_t)groups * 16, table_bytes = (size_t)groups * 16;
    uint8_t *codes = checked_malloc(blocks * block_bytes);
    uint8_t *tables = checked_malloc(chunk * table_bytes);
    int32_t *acc = checked_malloc(sizeof(int32_t) * LODEDB_BLOCK_SIZE * chunk);
    for (size_t i = 0; i < blocks * block_bytes; i++) {
        codes[i] = (uint8_t)next_u64();
    }
    for (size_t i = 0; i < chunk * table_bytes; i++) {
        tables[i] = (uint8_t)next_u64();
    }
    uint64_t check_sum = 0;
    table_timing r = {1e30, 1e30, 1e30};
    size_t hot = blocks < 32 ? blocks : 32, reps = blocks / hot;
    for (int pass = 0; pass < 5; pass++) {
        double t = thread_cpu_seconds();
        for (size_t b = 0; b < blocks; b++) {
            k->accumulate_tables(codes + b * block_bytes, tables, 1, groups, acc);
            check_sum += (uint32_t)acc[b % 32];
        }
        t = thread_cpu_seconds() - t;
        r.single_ms = t * 1e3 < r.single_ms ? t * 1e3 : r.single_ms;
        t = thread_cpu_seconds();
        for (size_t i = 0; i < reps; i++) {
            for (size_t b = 0; b < hot; b++) {
                k->accumulate_tables(codes + b * block_bytes, tables, 1, groups, acc);
                check_sum += (uint32_t)acc[b % 32];
            }
        }
        t = (thread_cpu_seconds() - t) * 1e9 / (double)(reps * hot);
        r.cached_single_ns = t < r.cached_single_ns ? t : r.cached_single_ns;
        t = thread_cpu_seconds();
        for (size_t i = 0; i < reps; i++) {
            for (size_t b = 0; b < hot; b++) {
                k->accumulate_tables(codes + b * block_bytes, tables, chunk, groups, acc);
                check_sum += (uint32_t)acc[b % 32];
            }
        }
        t = (thread_cpu_seconds() - t) * 1e9 / (double)(reps * hot * chunk);
        r.cached_batch_ns = t < r.cached_batch_ns ? t : r.cached_batch_ns;
    }
    sink = check_sum;
    free(codes);
    free(tables);
    free(acc);
    return r;
}

void bench_print_table_kernels(size_t n, const uint32_t *dims, size_t dim_count, uint32_t chunk) {
    printf("\n## Group-table kernels alone (accumulate_tables: groups = padded d / 4, one 16-entry "
           "table per group; synthetic blocks, no top-k)\n\n");
    printf("| variant | n x d | groups | block bytes | 1 query per call ms/query | scan GB/s "
           "(single) | in L2: ns/block, 1 query | in L2: ns/block/query, %u per call | in L2 "
           "speed-up |\n",
           chunk);
    printf("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (int v = 0; v < LODEDB_SCAN_VARIANT_COUNT; v++) {
        const lodedb_scan_kernels *k = lodedb_scan_variant_kernels((lodedb_scan_variant)v, NULL);
        if (k == NULL) {
            continue;
        }
        for (size_t d = 0; d < dim_count; d++) {
            uint32_t groups = lodedb_padded_dim(dims[d]) / 4;
            table_timing r = time_tables(k, groups, n, chunk);
            double bytes = (double)((n + LODEDB_BLOCK_SIZE - 1) / LODEDB_BLOCK_SIZE) * groups * 16;
            printf("| %s | %zu x %u | %u | %u | %.3f | %.1f | %.0f | %.0f | %.2fx |\n",
                   lodedb_scan_variant_name(k->variant), n, dims[d], groups, groups * 16,
                   r.single_ms, bytes / (r.single_ms * 1e-3) / 1e9, r.cached_single_ns,
                   r.cached_batch_ns, r.cached_single_ns / r.cached_batch_ns);
        }
    }
}
