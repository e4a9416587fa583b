/* Peers of the storage benchmark (storage_faiss.cpp with libfaiss-dev, storage_hnswlib.cpp with
 * libhnswlib-dev): each behind a small C interface so lodedb-storage-bench stays C11 and builds
 * without them. Every function runs on the calling thread (FAISS is set to one OpenMP thread). */
#ifndef LODEDB_STORAGE_PEERS_H
#define LODEDB_STORAGE_PEERS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct storage_peer storage_peer; /* opaque; one built index */

enum storage_faiss_kind {
    STORAGE_FAISS_FLAT = 0, /* IndexFlatIP */
    STORAGE_FAISS_HNSW = 1, /* IndexHNSWFlat, inner product; param = M */
    STORAGE_FAISS_PQFS = 2  /* IndexPQFastScan, inner product, 4-bit codes; param = M */
};

/* Builds (trains on the first min(count, 20000) vectors when needed, then adds all). Returns NULL
 * and fills error when FAISS threw. *train_s gets the training time (0 when none). */
storage_peer *storage_faiss_build(int kind, int dim, int64_t count, const float *base, int param,
                                  int ef_construction, double *train_s, char *error,
                                  size_t error_size);
/* Top-k of one query; ids gets k labels (-1 when fewer). Returns 0, or -1 when FAISS threw. */
int storage_faiss_search(storage_peer *peer, const float *query, int k, int64_t *ids);
/* HNSW only: efSearch. */
void storage_faiss_set_ef(storage_peer *peer, int ef);
/* write_index to path. */
int storage_faiss_save(storage_peer *peer, const char *path, char *error, size_t error_size);
void storage_faiss_free(storage_peer *peer);
const char *storage_faiss_version(void); /* "FAISS x.y.z" */

/* hnswlib HierarchicalNSW over InnerProductSpace (distance 1 - <a, b>). */
storage_peer *storage_hnswlib_build(int dim, int64_t count, const float *base, int m,
                                    int ef_construction, char *error, size_t error_size);
int storage_hnswlib_search(storage_peer *peer, const float *query, int k, int64_t *ids);
void storage_hnswlib_set_ef(storage_peer *peer, int ef);
int storage_hnswlib_save(storage_peer *peer, const char *path, char *error, size_t error_size);
void storage_hnswlib_free(storage_peer *peer);
const char *storage_hnswlib_simd(void); /* the SIMD its distance functions were compiled for */

#ifdef __cplusplus
}
#endif

#endif
