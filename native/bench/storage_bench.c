/*
 * lodedb-storage-bench: the multimodal storage benchmark, native side (docs/benchmarks/storage.md,
 * "Multimodal storage benchmark"). The same precomputed 512-d vectors go into every store;
 * for each: ingest time, on-disk bytes (the index written to a file), resident bytes (heap held
 * by the index; the RSS delta as a cross-check), mean and p95 single-query latency at k = 10 on
 * one thread, recall@10 against the exact top-10.
 *
 *   lodedb-storage-bench gen --out DIR --n N [--queries 600] [--seed S] [--dim 512]
 *   lodedb-storage-bench run --data DIR [--queries 500] [--tune 100] [--budget 5]
 *                            [--target-recall 0.95] [--no-faiss] [--no-hnswlib] [--no-lodedb]
 *
 * gen writes DIR/base.fvecs, DIR/queries.fvecs and DIR/truth.ivecs (storage_dataset.c).
 * run times the first --queries queries of queries.fvecs (or as many as fit in --budget
 * seconds, at least 20) and picks HNSW's efSearch on the last --tune queries, which are never
 * timed: the smallest of 10, 16, 24, ..., 4096 whose recall@10 reaches --target-recall (0.95).
 * Peers: LodeDb's native index (codes only, 4 and 2 bits), and when built with them FAISS
 * (IndexFlatIP, IndexHNSWFlat M = 16 / 32, IndexPQFastScan at our code bytes) and hnswlib.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* mallinfo2, malloc_trim */
#endif
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE) && !defined(_GNU_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#if defined(_WIN32)
#include <direct.h>
#include <windows.h>
#else
#include <time.h>
#include <unistd.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "lodedb/lodedb.h"
#include "storage_bench.h"
#include "storage_dataset.h"
#include "bench_support.h"
#if defined(LODEDB_STORAGE_WITH_FAISS) || defined(LODEDB_STORAGE_WITH_HNSWLIB)
#include "storage_peers.h"
#endif

#define MIN_TIMED 20

/* ---- small utilities ---------------------------------------------------------------------- */

/* Bytes the C heap has handed out (small blocks + mmapped ones), or -1 where unknown. Freed
 * memory is trimmed first so the RSS delta below starts from a settled heap. */
int64_t storage_heap_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    malloc_trim(0);
    struct mallinfo2 m = mallinfo2();
    return (int64_t)(m.uordblks + m.hblkhd);
#else
    return -1;
#endif
}

int64_t storage_resident_bytes(void) {
#if defined(__linux__)
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL) {
        return -1;
    }
    int read = fscanf(f, "%ld %ld", &pages, &resident);
    fclose(f);
    return read == 2 ? (int64_t)resident * (int64_t)sysconf(_SC_PAGESIZE) : -1;
#else
    return -1;
#endif
}

static int64_t file_bytes(const char *path) {
    struct stat s;
    return stat(path, &s) == 0 ? (int64_t)s.st_size : -1;
}

static void make_one_folder(const char *path) {
#if defined(_WIN32)
    _mkdir(path);
#else
    mkdir(path, 0755);
#endif
}

/* Creates path and its missing parents (errors show up when the files are written). */
void storage_make_folder(const char *path) {
    char partial[1024];
    snprintf(partial, sizeof partial, "%s", path);
    for (char *p = partial + 1; *p != '\0'; p++) {
        if (*p == '/' || *p == '\\') {
            char kept = *p;
            *p = '\0';
            make_one_folder(partial);
            *p = kept;
        }
    }
    make_one_folder(partial);
}

void storage_join(char *out, size_t size, const char *folder, const char *name) {
    snprintf(out, size, "%s/%s", folder, name);
}

static int compare_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

static double recall_of(const int32_t *truth, const int64_t *found, uint64_t count) {
    uint64_t hits = 0;
    for (uint64_t q = 0; q < count; q++) {
        for (int i = 0; i < STORAGE_K; i++) {
            for (int j = 0; j < STORAGE_K; j++) {
                if (found[q * STORAGE_K + (uint64_t)i] == truth[q * STORAGE_K + (uint64_t)j]) {
                    hits++;
                    break;
                }
            }
        }
    }
    return count == 0 ? 0.0 : (double)hits / (double)(count * STORAGE_K);
}

/* ---- measuring ---------------------------------------------------------------------------- */

static double tune_recall(const run_data *d, store *s) {
    int64_t *found = checked_malloc(sizeof(int64_t) * d->tune_count * STORAGE_K);
    for (uint64_t q = 0; q < d->tune_count; q++) {
        s->search(s->handle, d->queries + (d->tune_at + q) * d->dim, found + q * STORAGE_K);
    }
    double recall = recall_of(d->truth + d->tune_at * STORAGE_K, found, d->tune_count);
    free(found);
    return recall;
}

/* Times single queries, writes disk bytes, fills the row. */
void storage_measure(const run_data *d, store *s, row *r) {
    r->ef = 0;
    if (s->set_ef != NULL) {
        static const int efs[] = {10,  16,  24,  32,  48,   64,   96,   128,  192,
                                  256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096};
        for (size_t i = 0; i < sizeof efs / sizeof efs[0]; i++) {
            r->ef = efs[i];
            s->set_ef(s->handle, r->ef);
            if (tune_recall(d, s) >= d->target_recall) {
                break;
            }
        }
    }

    char path[1024];
    storage_join(path, sizeof path, d->work, "index.bin");
    r->disk_bytes = s->save(s->handle, path) == 0 ? file_bytes(path) : -1;
    remove(path);

    int64_t *found = checked_malloc(sizeof(int64_t) * d->timed * STORAGE_K);
    double *ms = checked_malloc(sizeof(double) * d->timed);
    for (uint64_t q = 0; q < 5 && q < d->timed; q++) { /* warm-up, untimed */
        s->search(s->handle, d->queries + q * d->dim, found);
    }
    double started = now_seconds();
    uint64_t done = 0;
    for (; done < d->timed; done++) {
        if (done >= MIN_TIMED && now_seconds() - started > d->budget_s) {
            break;
        }
        double t0 = now_seconds();
        if (s->search(s->handle, d->queries + done * d->dim, found + done * STORAGE_K) != 0) {
            fprintf(stderr, "%s: search failed\n", r->name);
            exit(1);
        }
        ms[done] = (now_seconds() - t0) * 1e3;
    }
    double sum = 0.0;
    for (uint64_t q = 0; q < done; q++) {
        sum += ms[q];
    }
    r->timed = done;
    r->mean_ms = sum / (double)done;
    qsort(ms, done, sizeof(double), compare_double);
    r->p50_ms = ms[(done - 1) / 2];
    r->p95_ms = ms[(size_t)ceil(0.95 * (double)done) - 1];
    r->recall = recall_of(d->truth, found, done);
    free(ms);
    free(found);
}

/* LodeDb's native index: codes only, searched on one thread. */
static int lodedb_search(void *handle, const float *query, int64_t *ids) {
    uint64_t slots[STORAGE_K];
    float scores[STORAGE_K];
    uint32_t count = 0;
    if (lodedb_index_search(handle, query, 1, STORAGE_K, NULL, 0, 1, slots, scores, &count) !=
        LODEDB_OK) {
        return -1;
    }
    for (uint32_t i = 0; i < STORAGE_K; i++) {
        ids[i] = i < count ? (int64_t)slots[i] : -1;
    }
    return 0;
}

static int lodedb_save(void *handle, const char *path) {
    return lodedb_index_save(handle, path, 0) == LODEDB_OK ? 0 : -1;
}

static void lodedb_release(void *handle) { lodedb_index_free(handle); }

static int run_lodedb(const run_data *d, uint32_t bits, row *r) {
    snprintf(r->name, sizeof r->name, "LodeDb native index %u-bit (codes only)", bits);
    int64_t heap0 = storage_heap_in_use(), rss0 = storage_resident_bytes();
    double t0 = now_seconds();
    lodedb_index *index = NULL;
    uint64_t first = 0;
    /* The database's default seed ("LODE_DB1"), so the codes match the .NET rows. */
    if (lodedb_index_create(d->dim, bits, 0x4C4F44455F444231ULL, &index) != LODEDB_OK ||
        lodedb_index_add(index, d->base, d->n, &first) != LODEDB_OK) {
        fprintf(stderr, "LodeDb: %s\n", lodedb_last_error_message());
        lodedb_index_free(index);
        return -1;
    }
    r->ingest_s = now_seconds() - t0;
    r->train_s = 0.0;
    r->heap_bytes = heap0 < 0 ? -1 : storage_heap_in_use() - heap0;
    r->rss_bytes = rss0 < 0 ? -1 : storage_resident_bytes() - rss0;
    lodedb_index_info info;
    lodedb_index_get_info(index, &info);
    r->info_bytes = (int64_t)info.memory_bytes;
    store s = {index, lodedb_search, NULL, lodedb_save, lodedb_release};
    storage_measure(d, &s, r);
    s.release(s.handle);
    return 0;
}

static void print_mb(int64_t bytes) {
    if (bytes < 0) {
        printf(" n/a |");
    } else {
        printf(" %.2f |", (double)bytes / 1e6);
    }
}

static void print_row(const row *r, uint64_t n) {
    printf("| %s |", r->name);
    if (r->train_s > 0.0) {
        printf(" %.2f (train %.2f) |", r->ingest_s, r->train_s);
    } else {
        printf(" %.2f |", r->ingest_s);
    }
    print_mb(r->disk_bytes);
    printf(" %.0f |", r->disk_bytes < 0 ? 0.0 : (double)r->disk_bytes / (double)n);
    print_mb(r->info_bytes >= 0 ? r->info_bytes : r->heap_bytes);
    print_mb(r->rss_bytes);
    printf(" %.3f | %.3f | %.3f | %.3f | %llu |", r->mean_ms, r->p50_ms, r->p95_ms, r->recall,
           (unsigned long long)r->timed);
    if (r->ef > 0) {
        printf(" %d |\n", r->ef);
    } else {
        printf(" - |\n");
    }
    fflush(stdout);
}

typedef struct run_options {
    const char *data;
    uint64_t queries, tune;
    double budget, target_recall;
    int faiss, hnswlib, lodedb;
} run_options;

static int run(const run_options *o) {
    char path[1024];
    float *base = NULL, *queries = NULL;
    int32_t *truth = NULL;
    uint64_t n = 0, q = 0, tq = 0;
    uint32_t dim = 0, qdim = 0, k = 0;
    storage_join(path, sizeof path, o->data, "base.fvecs");
    if (storage_read_fvecs(path, &base, &n, &dim) != 0) {
        return 1;
    }
    storage_join(path, sizeof path, o->data, "queries.fvecs");
    if (storage_read_fvecs(path, &queries, &q, &qdim) != 0) {
        return 1;
    }
    storage_join(path, sizeof path, o->data, "truth.ivecs");
    if (storage_read_ivecs(path, &truth, &tq, &k) != 0) {
        return 1;
    }
    if (qdim != dim || tq != q || k != STORAGE_K) {
        fprintf(stderr,
                "%s: queries (%u-d, %llu) and truth (%llu x %u) do not match the base (%u-d)\n",
                o->data, qdim, (unsigned long long)q, (unsigned long long)tq, k, dim);
        return 1;
    }
    if (o->tune >= q) {
        fprintf(stderr, "--tune %llu leaves no query to time (%llu queries)\n",
                (unsigned long long)o->tune, (unsigned long long)q);
        return 1;
    }
    char work[1024];
    storage_join(work, sizeof work, o->data, "work");
    storage_make_folder(work);

    run_data d = {dim,         n,       base,      queries,          truth, o->queries,
                  q - o->tune, o->tune, o->budget, o->target_recall, work};
    if (d.timed > d.tune_at) {
        d.timed = d.tune_at;
    }

    printf("lodedb-storage-bench run --data %s --queries %llu --tune %llu --budget %g "
           "--target-recall %g\n",
           o->data, (unsigned long long)o->queries, (unsigned long long)o->tune, o->budget,
           o->target_recall);
    printf("- data: %llu x %u base vectors, %llu queries (timed: the first %llu; HNSW efSearch "
           "tuned on the last %llu), k = %d\n",
           (unsigned long long)n, dim, (unsigned long long)q, (unsigned long long)d.timed,
           (unsigned long long)d.tune_count, STORAGE_K);
    printf("- LodeDb %s, SIMD %s; load average at start %.2f\n", lodedb_version(),
           lodedb_simd_name(lodedb_simd_level()), load_average());
#if defined(LODEDB_STORAGE_WITH_FAISS)
    /* Debian's libfaiss is a generic x86-64 build: its code uses xmm registers only (no AVX2 or
     * AVX-512 kernels; checked with objdump), so its rows are not FAISS's best on this CPU. */
    printf("- %s (1 OpenMP thread; Debian's generic SSE2-only build: no AVX2/AVX-512 kernels)\n",
           storage_faiss_version());
#endif
#if defined(LODEDB_STORAGE_WITH_HNSWLIB)
    printf("- hnswlib (header-only, distance functions compiled for %s)\n", storage_hnswlib_simd());
#endif
    printf("\n| store | ingest s | on disk MB | disk B/vector | resident MB | RSS delta MB | "
           "mean ms | p50 ms | p95 ms | recall@10 | queries | efSearch |\n");
    printf(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    fflush(stdout);

    double started = now_seconds();
    row r;
    int failures = 0;
#define EMIT(call)                                                                                 \
    do {                                                                                           \
        memset(&r, 0, sizeof r);                                                                   \
        if ((call) == 0) {                                                                         \
            print_row(&r, n);                                                                      \
        } else {                                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)
    if (o->lodedb) {
        EMIT(run_lodedb(&d, 4, &r));
        EMIT(run_lodedb(&d, 2, &r));
    }
#if defined(LODEDB_STORAGE_WITH_FAISS)
    if (o->faiss) {
        EMIT(storage_run_faiss(&d, STORAGE_FAISS_FLAT, 0, &r));
        EMIT(storage_run_faiss(&d, STORAGE_FAISS_HNSW, 16, &r));
        EMIT(storage_run_faiss(&d, STORAGE_FAISS_HNSW, 32, &r));
        /* M sub-quantizers of 4 bits = M / 2 bytes: d (4 bits/dim, our 4-bit codes' bytes) and
         * d / 2 (our 2-bit codes' bytes). */
        EMIT(storage_run_faiss(&d, STORAGE_FAISS_PQFS, (int)dim, &r));
        EMIT(storage_run_faiss(&d, STORAGE_FAISS_PQFS, (int)dim / 2, &r));
    }
#else
    if (o->faiss) {
        printf("(FAISS peers not built: no libfaiss-dev at configure time)\n");
    }
#endif
#if defined(LODEDB_STORAGE_WITH_HNSWLIB)
    if (o->hnswlib) {
        EMIT(storage_run_hnswlib(&d, 16, &r));
    }
#else
    if (o->hnswlib) {
        printf("(hnswlib peer not built: no libhnswlib-dev at configure time)\n");
    }
#endif
#undef EMIT
    printf("\nresident = heap bytes the index holds (LodeDb: lodedb_index_info.memory_bytes; "
           "peers: glibc heap in use after the build minus before); RSS delta = resident set "
           "after minus before the build (a cross-check; freed pages of earlier runs may be "
           "reused). Total %.0f s; load average at the end %.2f\n",
           now_seconds() - started, load_average());
    remove(work);
    free(truth);
    free(queries);
    free(base);
    return failures == 0 ? 0 : 1;
}

/* ---- options ------------------------------------------------------------------------------ */

static void usage(void) {
    printf(
        "usage: lodedb-storage-bench gen --out DIR --n N [--queries 600] [--seed S] [--dim 512]\n"
        "       lodedb-storage-bench run --data DIR [--queries 500] [--tune 100] [--budget 5]\n"
        "                                [--target-recall 0.95] [--no-faiss] [--no-hnswlib] "
        "[--no-lodedb]\n"
        "  gen        writes DIR/base.fvecs, DIR/queries.fvecs, DIR/truth.ivecs (exact top-10)\n"
        "  --queries  gen: held-out queries; run: queries timed per store (first of the file)\n"
        "  --tune     run: last queries of the file used to pick HNSW efSearch (never timed)\n"
        "  --budget   run: seconds of timed queries per store at most (at least 20 queries)\n"
        "  --target-recall  run: HNSW efSearch = the smallest (10..4096) reaching this "
        "recall@10\n");
}

static int parse_u64(const char *text, uint64_t *out) {
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end != '\0') {
        fprintf(stderr, "not a number: %s\n", text);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2 || (strcmp(argv[1], "gen") != 0 && strcmp(argv[1], "run") != 0)) {
        usage();
        return argc >= 2 && strcmp(argv[1], "--help") == 0 ? 0 : 2;
    }
    int gen = strcmp(argv[1], "gen") == 0;
    const char *folder = NULL;
    uint64_t n = 0, queries = gen ? 600 : 500, seed = 20261125, dim = 512, tune = 100;
    double budget = 5.0, target_recall = 0.95;
    int faiss = 1, hnswlib = 1, lodedb = 1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        int bad = 0;
        if ((strcmp(a, "--out") == 0 || strcmp(a, "--data") == 0) && v) {
            folder = v;
            i++;
        } else if (strcmp(a, "--n") == 0 && v) {
            bad = parse_u64(v, &n);
            i++;
        } else if (strcmp(a, "--queries") == 0 && v) {
            bad = parse_u64(v, &queries);
            i++;
        } else if (strcmp(a, "--seed") == 0 && v) {
            bad = parse_u64(v, &seed);
            i++;
        } else if (strcmp(a, "--dim") == 0 && v) {
            bad = parse_u64(v, &dim);
            i++;
        } else if (strcmp(a, "--tune") == 0 && v) {
            bad = parse_u64(v, &tune);
            i++;
        } else if (strcmp(a, "--budget") == 0 && v) {
            budget = atof(v);
            i++;
        } else if (strcmp(a, "--target-recall") == 0 && v) {
            target_recall = atof(v);
            bad = !(target_recall > 0.0 && target_recall <= 1.0);
            i++;
        } else if (strcmp(a, "--no-faiss") == 0) {
            faiss = 0;
        } else if (strcmp(a, "--no-hnswlib") == 0) {
            hnswlib = 0;
        } else if (strcmp(a, "--no-lodedb") == 0) {
            lodedb = 0;
        } else {
            fprintf(stderr, "unknown or incomplete option: %s\n", a);
            bad = 1;
        }
        if (bad) {
            usage();
            return 2;
        }
    }
    if (folder == NULL) {
        fprintf(stderr, "%s needs %s DIR\n", argv[1], gen ? "--out" : "--data");
        return 2;
    }
    if (gen) {
        if (n < STORAGE_K || queries == 0 || dim == 0 || dim > 65536 || n > INT32_MAX) {
            fprintf(stderr,
                    "gen needs --n of at least %d (and below 2^31), --queries > 0 and "
                    "--dim in 1..65536\n",
                    STORAGE_K);
            return 2;
        }
        return storage_gen_files(folder, n, queries, seed, (uint32_t)dim);
    }
    if (queries == 0 || budget <= 0.0) {
        fprintf(stderr, "--queries and --budget must be positive\n");
        return 2;
    }
    run_options o = {folder, queries, tune, budget, target_recall, faiss, hnswlib, lodedb};
    return run(&o);
}
