/*
 * lodedb-bench: single-threaded search speed and recall of LodeDb's TurboQuant index, next to
 * the single-core read bandwidth of the machine and (when built with libfaiss-dev) FAISS
 * IndexPQFastScan at matched bits and IndexFlatIP on the same vectors and queries.
 *
 *   lodedb-bench [--quick] [--n N] [--queries Q] [--batch B] [--faiss-queries F] [--no-faiss]
 *                [--dims 1536,512] [--bits 2,4]
 *
 * Data: N random unit vectors (Gaussian, normalised) per dimension, queries likewise; recall@10
 * is measured against exact float inner-product search. Everything runs on one thread.
 */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#endif
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#include <windows.h>
#else
#include <time.h>
#endif

#include "lodedb/lodedb.h"
#include "bench_support.h"
#if defined(LODEDB_BENCH_WITH_FAISS)
#include "bench_faiss.h"
#endif

#include "bench_data.h"
#include "bench_options.h"
#include "bench_search.h"
#include "bench_tables.h"

/* ---- LodeDb runs --------------------------------------------------------------------------- */

typedef struct lode_result {
    double add_us;               /* per vector */
    double single_ms;            /* per query, one query per call */
    double batch_ms;             /* per query, `batch` queries per call */
    double recall;               /* recall@10 of the batch results */
    double codes_recall;         /* recall@10 of the scan's own top 10 (no re-rank) */
    double threads_ms[3];        /* batch ms/query with 1, 2 and all CPUs' threads */
    double recall_faiss_queries; /* recall@10 over the queries FAISS's batch uses */
    int single_matches;          /* single-query results identical to the batch's */
    double code_bytes;           /* bytes of codes scanned per query */
    double kernel_single_ms;     /* kernel only, synthetic blocks, no top-k */
    double kernel_batch_ms;
    double cached_single_ns; /* kernel only, 32 blocks in L2, per block and query */
    double cached_batch_ns;
    double scalar_single_ms;
    double dram_gbs; /* read bandwidth of a 256 MiB buffer, measured just before */
    double same_gbs; /* read bandwidth of a buffer the size of the codes, likewise */
} lode_result;

static void check(lodedb_status status, const char *what) {
    if (status != LODEDB_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, lodedb_status_name(status),
                lodedb_last_error_message());
        exit(1);
    }
}

static void run_lodedb(const options *o, uint32_t dim, uint32_t bits, const float *base,
                       const float *queries, size_t query_count, const int64_t *truth,
                       lode_result *r) {
    lodedb_index *index = NULL;
    check(lodedb_index_create(dim, bits, 42, &index), "lodedb_index_create");
    uint64_t first = 0;
    double t = thread_cpu_seconds();
    check(lodedb_index_add(index, base, o->n, &first), "lodedb_index_add");
    r->add_us = (thread_cpu_seconds() - t) * 1e6 / (double)o->n;
    lodedb_index_info info;
    check(lodedb_index_get_info(index, &info), "lodedb_index_get_info");
    r->code_bytes = (double)info.code_bytes_per_row * (double)o->n;

    /* The bandwidth right before the timings (other processes change it during a run). */
    const char *how;
    r->dram_gbs = read_bandwidth((size_t)256 << 20, 3, &how);
    r->same_gbs = read_bandwidth((size_t)r->code_bytes, 5, &how);

    size_t batch = o->batch < query_count ? o->batch : query_count;
    uint64_t *slots = checked_malloc(sizeof(uint64_t) * K * query_count);
    float *scores = checked_malloc(sizeof(float) * K * query_count);
    uint32_t *counts = checked_malloc(sizeof(uint32_t) * query_count);
    uint64_t *single_slots = checked_malloc(sizeof(uint64_t) * K * query_count);

    /* Batch calls and passes of single queries alternate, three of each, so both see the same
     * load on a shared machine; the best of each counts. */
    size_t singles = o->single_queries < query_count ? o->single_queries : query_count;
    double best = 1e30, best_single = 1e30;
    for (int pass = 0; pass < 3; pass++) {
        t = thread_cpu_seconds();
        check(lodedb_index_search(index, queries, batch, K, NULL, 0, 1, slots, scores, counts),
              "lodedb_index_search (batch)");
        t = thread_cpu_seconds() - t;
        best = t < best ? t : best;
        t = thread_cpu_seconds();
        for (size_t q = 0; q < singles; q++) {
            check(lodedb_index_search(index, queries + q * dim, 1, K, NULL, 0, 1,
                                      single_slots + q * K, scores + q * K, counts + q),
                  "lodedb_index_search (single)");
        }
        t = thread_cpu_seconds() - t;
        best_single = t < best_single ? t : best_single;
    }
    r->batch_ms = best * 1e3 / (double)batch;
    r->single_ms = best_single * 1e3 / (double)singles;
    int64_t *found = checked_malloc(sizeof(int64_t) * K * batch);
    for (size_t i = 0; i < K * batch; i++) {
        found[i] = slots[i] == LODEDB_NO_SLOT ? -1 : (int64_t)slots[i];
    }
    r->recall = recall_at_k(truth, found, batch);
    r->recall_faiss_queries =
        recall_at_k(truth, found, o->faiss_batch < batch ? o->faiss_batch : batch);
    bench_codes_only(index, queries, batch, found);
    r->codes_recall = recall_at_k(truth, found, batch);
    /* Thread scaling of the same batch, on the wall clock (1 thread included). */
    uint32_t cpus = bench_cpu_count();
    r->threads_ms[0] = bench_batch_ms(index, queries, batch, 1, 3);
    r->threads_ms[1] = bench_batch_ms(index, queries, batch, 2, 3);
    r->threads_ms[2] = cpus > 2 ? bench_batch_ms(index, queries, batch, cpus, 3) : 0.0;
    size_t compared = singles < batch ? singles : batch;
    r->single_matches = memcmp(single_slots, slots, sizeof(uint64_t) * K * compared) == 0;

    bench_time_kernels(info.padded_dim * bits / 4, bits == 4 ? 1u : 2u, o->n, batch, !o->quick,
                       &r->kernel_single_ms, &r->kernel_batch_ms, &r->cached_single_ns,
                       &r->cached_batch_ns, &r->scalar_single_ms);
    free(found);
    free(slots);
    free(scores);
    free(counts);
    free(single_slots);
    lodedb_index_free(index);
}

/* ---- main ---------------------------------------------------------------------------------- */

typedef struct faiss_row {
    int ran;
    double single_ms, batch_ms, recall, train_s, add_s;
    char error[256];
} faiss_row;

#if defined(LODEDB_BENCH_WITH_FAISS)
static void run_faiss(int kind, uint32_t dim, size_t n, const float *base, const float *queries,
                      size_t single, size_t batch, const int64_t *truth, faiss_row *row) {
    int64_t *labels = checked_malloc(sizeof(int64_t) * K * batch);
    bench_faiss_result res;
    size_t train = n < 20000 ? n : 20000;
    row->ran = bench_faiss_run(kind, (int)dim, (int64_t)n, base, (int64_t)train, base, queries,
                               (int64_t)single, (int64_t)batch, K, labels, &res) == 0;
    snprintf(row->error, sizeof row->error, "%s", res.error);
    row->single_ms = res.single_ms;
    row->batch_ms = res.batch_ms;
    row->train_s = res.train_s;
    row->add_s = res.add_s;
    row->recall = row->ran ? recall_at_k(truth, labels, batch) : 0.0;
    free(labels);
}
#endif

int main(int argc, char **argv) {
    options o;
    int parsed = parse_options(argc, argv, &o);
    if (parsed != 0) {
        return parsed > 0 ? 0 : 2;
    }
    double started = now_seconds();
    char cpu[256];
    cpu_model(cpu, sizeof cpu);
    const char *bw_how = "";
    double bandwidth = read_bandwidth((size_t)256 << 20, 5, &bw_how);
    printf("# lodedb-bench\n\n");
    printf("- command: `");
    for (int i = 0; i < argc; i++) {
        printf("%s%s", i ? " " : "", argv[i]);
    }
    printf("`\n- CPU: %s; one thread everywhere; load average at start %.2f\n", cpu,
           load_average());
    printf("- LodeDb %s, SIMD level %s (scan kernel %s)\n", lodedb_version(),
           lodedb_simd_name(lodedb_simd_level()), bench_kernel_name());
    printf("- single-core read bandwidth: %.1f GB/s at the start (best of 5 sums of a 256 MiB "
           "buffer, %s); measured again before each configuration (table), with a buffer of the "
           "codes' size too (it may fit the cache, as repeated scans of the codes do); bandwidth "
           "limit = code bytes / the 256 MiB figure\n",
           bandwidth, bw_how);
    printf("- data: %zu random unit vectors per dimension (normalised Gaussians), queries "
           "likewise; "
           "k = %d; recall@10 against exact float inner-product search\n",
           o.n, K);
    printf("- LodeDb: lodedb_index_search, threads = 1; single = one query per call, best of 3 "
           "passes over %zu queries; batch = %zu queries per call, best of 3 calls (the two "
           "alternate)\n",
           o.single_queries, o.batch);
    printf("- clocks: one-thread timings (LodeDb, kernels, bandwidth, exact search) are the "
           "benchmark thread's CPU time, so time spent waiting for a CPU held by other processes "
           "does not count (their use of memory bandwidth or of a shared core still does); the "
           "threads table and FAISS use the wall clock\n");
#if defined(LODEDB_BENCH_WITH_FAISS)
    if (o.faiss) {
        printf("- %s (Debian libfaiss-dev), omp_set_num_threads(1): single = %zu queries one per "
               "call, batch = %zu queries in one call (recall@10 over these), one run each (fewer "
               "queries: FAISS is slow here); PQ trained on the first 20000 vectors, 10 k-means "
               "iterations\n",
               bench_faiss_version(), o.faiss_single, o.faiss_batch);
    }
#else
    if (o.faiss) {
        printf("- FAISS: not built in (libfaiss-dev or a C++ compiler missing at configure "
               "time)\n");
        o.faiss = 0;
    }
#endif
    fflush(stdout);

    size_t query_count = o.batch > o.single_queries ? o.batch : o.single_queries;
    lode_result results[4][2];
    faiss_row faiss_pq[4][2], faiss_flat[4];
    memset(faiss_pq, 0, sizeof faiss_pq);
    memset(faiss_flat, 0, sizeof faiss_flat);
    double truth_ms[4];

    for (size_t d = 0; d < o.dim_count; d++) {
        uint32_t dim = o.dims[d];
        float *base = checked_malloc(sizeof(float) * o.n * dim);
        float *queries = checked_malloc(sizeof(float) * query_count * dim);
        random_unit_vectors(base, o.n, dim);
        random_unit_vectors(queries, query_count, dim);
        size_t truth_count = o.batch < query_count ? o.batch : query_count;
        int64_t *truth = checked_malloc(sizeof(int64_t) * K * truth_count);
        double t = thread_cpu_seconds();
        exact_topk(base, o.n, queries, truth_count, dim, truth);
        truth_ms[d] = (thread_cpu_seconds() - t) * 1e3 / (double)truth_count;
        for (size_t b = 0; b < o.bit_count; b++) {
            fprintf(stderr, "[%5.1fs] LodeDb d=%u bits=%u\n", now_seconds() - started, dim,
                    o.bits[b]);
            run_lodedb(&o, dim, o.bits[b], base, queries, query_count, truth, &results[d][b]);
#if defined(LODEDB_BENCH_WITH_FAISS)
            if (o.faiss) {
                fprintf(stderr, "[%5.1fs] FAISS PQFastScan d=%u bits=%u\n", now_seconds() - started,
                        dim, o.bits[b]);
                run_faiss((int)o.bits[b], dim, o.n, base, queries, o.faiss_single, o.faiss_batch,
                          truth, &faiss_pq[d][b]);
            }
#endif
        }
#if defined(LODEDB_BENCH_WITH_FAISS)
        if (o.faiss) {
            fprintf(stderr, "[%5.1fs] FAISS IndexFlatIP d=%u\n", now_seconds() - started, dim);
            run_faiss(0, dim, o.n, base, queries, o.faiss_single, o.faiss_batch, truth,
                      &faiss_flat[d]);
        }
#endif
        free(base);
        free(queries);
        free(truth);
    }

    /* The small index: per-query fixed costs (rotation, weights, re-rank) dominate here. */
    lode_result small[2];
    double small_truth_us = 0.0;
    options so = o;
    so.n = o.small_n;
    so.single_queries = o.single_queries > 200 ? o.single_queries : 200;
    size_t small_queries = so.batch > so.single_queries ? so.batch : so.single_queries;
    if (so.n >= 64) {
        float *base = checked_malloc(sizeof(float) * so.n * 512);
        float *queries = checked_malloc(sizeof(float) * small_queries * 512);
        random_unit_vectors(base, so.n, 512);
        random_unit_vectors(queries, small_queries, 512);
        size_t truth_count = so.batch < small_queries ? so.batch : small_queries;
        int64_t *truth = checked_malloc(sizeof(int64_t) * K * truth_count);
        double t = thread_cpu_seconds();
        exact_topk(base, so.n, queries, truth_count, 512, truth);
        small_truth_us = (thread_cpu_seconds() - t) * 1e6 / (double)truth_count;
        for (size_t b = 0; b < o.bit_count; b++) {
            fprintf(stderr, "[%5.1fs] LodeDb small n=%zu d=512 bits=%u\n", now_seconds() - started,
                    so.n, o.bits[b]);
            run_lodedb(&so, 512, o.bits[b], base, queries, small_queries, truth, &small[b]);
        }
        free(base);
        free(queries);
        free(truth);
    }

    printf("\n## LodeDb (lodedb_index_search, 1 thread)\n\n");
    printf("| n x d | bits | single ms/query | batch-%zu ms/query | batch speed-up | vectors/s "
           "(single) | scan GB/s (single) | read GB/s: 256 MiB / codes' size | bandwidth limit "
           "ms | of limit | recall@10 | codes-only recall@10 | add us/vector |\n",
           o.batch);
    printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
           "| ---: |\n");
    for (size_t d = 0; d < o.dim_count; d++) {
        for (size_t b = 0; b < o.bit_count; b++) {
            const lode_result *r = &results[d][b];
            double limit_ms = r->code_bytes / (r->dram_gbs * 1e9) * 1e3;
            printf("| %zu x %u | %u | %.3f | %.3f | %.2fx | %.1fM | %.1f | %.1f / %.1f | %.3f | "
                   "%.2fx | %.3f%s | %.3f | %.1f |\n",
                   o.n, o.dims[d], o.bits[b], r->single_ms, r->batch_ms, r->single_ms / r->batch_ms,
                   (double)o.n / r->single_ms * 1e3 / 1e6,
                   r->code_bytes / (r->single_ms * 1e-3) / 1e9, r->dram_gbs, r->same_gbs, limit_ms,
                   r->single_ms / limit_ms, r->recall,
                   r->single_matches ? "" : " (single != batch!)", r->codes_recall, r->add_us);
        }
    }
    uint32_t cpus = bench_cpu_count();
    printf("\n## Threads (lodedb_index_search, batch-%zu, ms/query, wall clock; %u CPUs online)"
           "\n\n",
           o.batch, cpus);
    printf("| n x d | bits | 1 thread | 2 threads | all (%u) threads | speed-up, 2 | speed-up, all "
           "(%u) |\n",
           cpus, cpus);
    printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (size_t d = 0; d < o.dim_count; d++) {
        for (size_t b = 0; b < o.bit_count; b++) {
            const double *m = results[d][b].threads_ms;
            char all[32] = "-", all_speed[32] = "-";
            if (m[2] > 0.0) {
                snprintf(all, sizeof all, "%.3f", m[2]);
                snprintf(all_speed, sizeof all_speed, "%.2fx", m[0] / m[2]);
            }
            printf("| %zu x %u | %u | %.3f | %.3f | %s | %.2fx | %s |\n", o.n, o.dims[d], o.bits[b],
                   m[0], m[1], all, m[0] / m[1], all_speed);
        }
    }
    if (so.n >= 64) {
        printf("\n## Small index (%zu x 512, 1 thread; single = best of 3 passes over %zu "
               "queries)\n\n",
               so.n, so.single_queries);
        printf("| n x d | bits | single us/query | batch-%zu us/query | recall@10 | codes-only "
               "recall@10 | exact float scan us/query (this bench's loop) |\n",
               so.batch);
        printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (size_t b = 0; b < o.bit_count; b++) {
            const lode_result *r = &small[b];
            printf("| %zu x 512 | %u | %.1f | %.1f | %.3f%s | %.3f | %.1f |\n", so.n, o.bits[b],
                   r->single_ms * 1e3, r->batch_ms * 1e3, r->recall,
                   r->single_matches ? "" : " (single != batch!)", r->codes_recall, small_truth_us);
        }
    }
    printf("\n## Scan kernels alone (%s; synthetic blocks of the same size, no top-k)\n\n",
           bench_kernel_name());
    printf("| n x d | bits | 1 query per call ms/query | batched ms/query (%zu queries, %d per "
           "call) | speed-up | scan GB/s (single) | in L2: ns/block, 1 query | in L2: "
           "ns/block/query, batched | in L2 speed-up | scalar, 1 query ms/query |\n",
           o.batch, KERNEL_CHUNK);
    printf("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (size_t d = 0; d < o.dim_count; d++) {
        for (size_t b = 0; b < o.bit_count; b++) {
            const lode_result *r = &results[d][b];
            char scalar[32] = "not run";
            if (r->scalar_single_ms > 0) {
                snprintf(scalar, sizeof scalar, "%.2f", r->scalar_single_ms);
            }
            printf("| %zu x %u | %u | %.3f | %.3f | %.2fx | %.1f | %.0f | %.0f | %.2fx | %s |\n",
                   o.n, o.dims[d], o.bits[b], r->kernel_single_ms, r->kernel_batch_ms,
                   r->kernel_single_ms / r->kernel_batch_ms,
                   r->code_bytes / (r->kernel_single_ms * 1e-3) / 1e9, r->cached_single_ns,
                   r->cached_batch_ns, r->cached_single_ns / r->cached_batch_ns, scalar);
        }
    }
    fprintf(stderr, "[%5.1fs] group-table kernels alone\n", now_seconds() - started);
    bench_print_table_kernels(o.n, o.dims, o.dim_count, KERNEL_CHUNK);
    if (o.faiss) {
        printf("\n## FAISS (1 thread; single = %zu queries, batch = %zu queries in one call)\n\n",
               o.faiss_single, o.faiss_batch);
        printf("| n x d | index | single ms/query | batch ms/query | recall@10 | LodeDb recall@10, "
               "same queries | train s | add s | LodeDb single speed-up | LodeDb batch speed-up "
               "|\n");
        printf("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (size_t d = 0; d < o.dim_count; d++) {
            for (size_t b = 0; b < o.bit_count; b++) {
                const faiss_row *f = &faiss_pq[d][b];
                if (!f->ran) {
                    printf("| %zu x %u | PQFastScan %u-bit | failed: %s | | | | | | | |\n", o.n,
                           o.dims[d], o.bits[b], f->error);
                    continue;
                }
                printf("| %zu x %u | PQFastScan M=%u nbits=4 (%u bits/dim) | %.3f | %.3f | %.3f | "
                       "%.3f | %.1f | %.1f | %.1fx | %.1fx |\n",
                       o.n, o.dims[d], o.bits[b] == 2 ? o.dims[d] / 2 : o.dims[d], o.bits[b],
                       f->single_ms, f->batch_ms, f->recall, results[d][b].recall_faiss_queries,
                       f->train_s, f->add_s, f->single_ms / results[d][b].single_ms,
                       f->batch_ms / results[d][b].batch_ms);
            }
            const faiss_row *f = &faiss_flat[d];
            if (f->ran) {
                printf("| %zu x %u | IndexFlatIP (float32) | %.3f | %.3f | %.3f | | - | %.1f | | "
                       "|\n",
                       o.n, o.dims[d], f->single_ms, f->batch_ms, f->recall, f->add_s);
            }
        }
    }
    printf("\nExact float search used for the ground truth (this bench's own loop): ");
    for (size_t d = 0; d < o.dim_count; d++) {
        printf("%s%.1f ms/query at d=%u", d ? ", " : "", truth_ms[d], o.dims[d]);
    }
    printf(".\nTotal run time: %.0f s; load average at the end %.2f.\n", now_seconds() - started,
           load_average());
    return 0;
}
