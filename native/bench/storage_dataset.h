/* The multimodal storage benchmark's data set: a deterministic CLIP-like set of 512-d unit
 * vectors, held-out queries and their exact top-10, written once as .fvecs / .ivecs files that
 * the native storage bench and the .NET harness both read (docs/benchmarks/storage.md describes the
 * generator and the file format). */
#ifndef LODEDB_STORAGE_DATASET_H
#define LODEDB_STORAGE_DATASET_H

#include <stddef.h>
#include <stdint.h>

#define STORAGE_K 10

typedef struct storage_dataset_params {
    uint32_t dim;     /* 512 */
    uint64_t count;   /* stored vectors */
    uint64_t queries; /* held-out queries */
    uint64_t seed;    /* everything follows from it */
} storage_dataset_params;

/* Generates base (count * dim) and queries (queries * dim) as described in storage_dataset.c. */
void storage_generate(const storage_dataset_params *p, float *base, float *queries);

/* Exact top-k by inner product (ties: lower id first), one thread. truth: query_count * k. */
void storage_exact_topk(const float *base, uint64_t count, const float *queries,
                        uint64_t query_count, uint32_t dim, uint32_t k, int32_t *truth);

/* .fvecs: per vector an int32 dimension then dim float32, little-endian. Returns 0 on success. */
int storage_write_fvecs(const char *path, const float *vectors, uint64_t count, uint32_t dim);

/* Reads a whole .fvecs file; *out is malloc'd (free it). Returns 0 on success and prints why not.
 */
int storage_read_fvecs(const char *path, float **out, uint64_t *out_count, uint32_t *out_dim);

/* .ivecs: per row an int32 k then k int32 ids. */
int storage_write_ivecs(const char *path, const int32_t *rows, uint64_t count, uint32_t k);
int storage_read_ivecs(const char *path, int32_t **out, uint64_t *out_count, uint32_t *out_k);

#endif
