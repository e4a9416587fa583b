/* What the parts of lodedb-storage-bench share: the loaded run (data set, budgets), one built
 * index behind a table of calls, the measured row, and the measuring itself (storage_bench.c).
 * The peers (storage_peers.c) and the data set writer (storage_gen.c) build on it. */
#ifndef LODEDB_STORAGE_BENCH_H
#define LODEDB_STORAGE_BENCH_H

#include <stddef.h>
#include <stdint.h>

#define HNSW_EF_CONSTRUCTION 40

typedef struct run_data {
    uint32_t dim;
    uint64_t n;
    const float *base;
    const float *queries;
    const int32_t *truth;
    uint64_t timed;   /* queries 0..timed-1 are timed */
    uint64_t tune_at; /* queries tune_at.. tune efSearch */
    uint64_t tune_count;
    double budget_s;
    double target_recall; /* HNSW efSearch: the smallest reaching this recall@10 on the tune set */
    const char *work;     /* folder for index files */
} run_data;

/* One built index behind three calls, whichever library holds it. */
typedef struct store {
    void *handle;
    int (*search)(void *handle, const float *query, int64_t *ids);
    void (*set_ef)(void *handle, int ef); /* NULL: no such knob */
    int (*save)(void *handle, const char *path);
    void (*release)(void *handle);
} store;

typedef struct row {
    char name[128];
    double ingest_s, train_s;
    int64_t disk_bytes, heap_bytes, rss_bytes, info_bytes;
    double mean_ms, p50_ms, p95_ms, recall;
    uint64_t timed;
    int ef;
} row;

/* Bytes the C heap has handed out, or -1 where unknown (trims freed memory first). */
int64_t storage_heap_in_use(void);
/* Resident set size of the process, or -1 where unknown. */
int64_t storage_resident_bytes(void);
/* Creates path and its missing parents (errors show up when the files are written). */
void storage_make_folder(const char *path);
/* out = folder/name. */
void storage_join(char *out, size_t size, const char *folder, const char *name);
/* Tunes efSearch (when the store has the knob), writes the index to measure its disk bytes,
 * times single queries within the budget and fills the row. */
void storage_measure(const run_data *d, store *s, row *r);

/* storage_gen.c: writes DIR/base.fvecs, queries.fvecs and truth.ivecs and prints what the set
 * looks like. Returns 0, or 1 when a file could not be written. */
int storage_gen_files(const char *out, uint64_t n, uint64_t queries, uint64_t seed, uint32_t dim);

/* storage_peers.c: build one peer index, measure it into r; -1 when the library failed. */
#if defined(LODEDB_STORAGE_WITH_FAISS)
int storage_run_faiss(const run_data *d, int kind, int param, row *r);
#endif
#if defined(LODEDB_STORAGE_WITH_HNSWLIB)
int storage_run_hnswlib(const run_data *d, int m, row *r);
#endif

#endif
