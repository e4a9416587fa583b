/* The peers of lodedb-storage-bench behind the bench's store table: FAISS (IndexFlatIP,
 * IndexHNSWFlat, IndexPQFastScan) and hnswlib, each compiled in only when CMake found it
 * (storage_faiss.cpp, storage_hnswlib.cpp hold the C++ side). */
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif
#include "bench_support.h"
#include "storage_bench.h"
#include "storage_dataset.h"
#if defined(LODEDB_STORAGE_WITH_FAISS) || defined(LODEDB_STORAGE_WITH_HNSWLIB)
#include "storage_peers.h"
#endif

#if defined(LODEDB_STORAGE_WITH_FAISS)
static int faiss_search(void *handle, const float *query, int64_t *ids) {
    return storage_faiss_search(handle, query, STORAGE_K, ids);
}
static void faiss_set_ef(void *handle, int ef) { storage_faiss_set_ef(handle, ef); }
static int faiss_save(void *handle, const char *path) {
    char error[256];
    int status = storage_faiss_save(handle, path, error, sizeof error);
    if (status != 0) {
        fprintf(stderr, "FAISS write_index: %s\n", error);
    }
    return status;
}
static void faiss_release(void *handle) { storage_faiss_free(handle); }

int storage_run_faiss(const run_data *d, int kind, int param, row *r) {
    if (kind == STORAGE_FAISS_FLAT) {
        snprintf(r->name, sizeof r->name, "FAISS IndexFlatIP (float32, exact; SSE2 build)");
    } else if (kind == STORAGE_FAISS_HNSW) {
        snprintf(r->name, sizeof r->name, "FAISS IndexHNSWFlat M=%d efC=%d (SSE2 build)", param,
                 HNSW_EF_CONSTRUCTION);
    } else {
        snprintf(r->name, sizeof r->name,
                 "FAISS IndexPQFastScan M=%d x 4-bit (%d B/vector; SSE2 build)", param, param / 2);
    }
    char error[256] = "";
    int64_t heap0 = storage_heap_in_use(), rss0 = storage_resident_bytes();
    double t0 = now_seconds();
    storage_peer *peer =
        storage_faiss_build(kind, (int)d->dim, (int64_t)d->n, d->base, param, HNSW_EF_CONSTRUCTION,
                            &r->train_s, error, sizeof error);
    if (peer == NULL) {
        fprintf(stderr, "%s: %s\n", r->name, error);
        return -1;
    }
    r->ingest_s = now_seconds() - t0;
    r->heap_bytes = heap0 < 0 ? -1 : storage_heap_in_use() - heap0;
    r->rss_bytes = rss0 < 0 ? -1 : storage_resident_bytes() - rss0;
    r->info_bytes = -1;
    store s = {peer, faiss_search, kind == STORAGE_FAISS_HNSW ? faiss_set_ef : NULL, faiss_save,
               faiss_release};
    storage_measure(d, &s, r);
    s.release(s.handle);
    return 0;
}
#endif

#if defined(LODEDB_STORAGE_WITH_HNSWLIB)
static int hnswlib_search(void *handle, const float *query, int64_t *ids) {
    return storage_hnswlib_search(handle, query, STORAGE_K, ids);
}
static void hnswlib_set_ef(void *handle, int ef) { storage_hnswlib_set_ef(handle, ef); }
static int hnswlib_save(void *handle, const char *path) {
    char error[256];
    int status = storage_hnswlib_save(handle, path, error, sizeof error);
    if (status != 0) {
        fprintf(stderr, "hnswlib saveIndex: %s\n", error);
    }
    return status;
}
static void hnswlib_release(void *handle) { storage_hnswlib_free(handle); }

int storage_run_hnswlib(const run_data *d, int m, row *r) {
    snprintf(r->name, sizeof r->name, "hnswlib HNSW M=%d efC=%d (%s)", m, HNSW_EF_CONSTRUCTION,
             storage_hnswlib_simd());
    char error[256] = "";
    int64_t heap0 = storage_heap_in_use(), rss0 = storage_resident_bytes();
    double t0 = now_seconds();
    storage_peer *peer = storage_hnswlib_build((int)d->dim, (int64_t)d->n, d->base, m,
                                               HNSW_EF_CONSTRUCTION, error, sizeof error);
    if (peer == NULL) {
        fprintf(stderr, "%s: %s\n", r->name, error);
        return -1;
    }
    r->ingest_s = now_seconds() - t0;
    r->train_s = 0.0;
    r->heap_bytes = heap0 < 0 ? -1 : storage_heap_in_use() - heap0;
    r->rss_bytes = rss0 < 0 ? -1 : storage_resident_bytes() - rss0;
    r->info_bytes = -1;
    store s = {peer, hnswlib_search, hnswlib_set_ef, hnswlib_save, hnswlib_release};
    storage_measure(d, &s, r);
    s.release(s.handle);
    return 0;
}
#endif
