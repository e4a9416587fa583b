/* lodedb-bench's command line (bench_options.c). */
#ifndef LODEDB_BENCH_OPTIONS_H
#define LODEDB_BENCH_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

typedef struct options {
    int quick;
    int faiss;
    size_t n;
    size_t single_queries;
    size_t batch;
    size_t faiss_single;
    size_t faiss_batch;
    uint32_t dims[4];
    size_t dim_count;
    uint32_t bits[2];
    size_t bit_count;
    size_t small_n; /* the small-index pass (d = 512), 0 = none */
} options;

/* Fills o from argv (defaults for what is not given). Returns 0, 1 after --help (usage
 * printed), or -1 on a bad option (usage printed). */
int parse_options(int argc, char **argv, options *o);

#endif
