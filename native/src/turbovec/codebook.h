/*
 * Lloyd-Max codebooks for the coordinates of a rotated unit vector.
 *
 * After a random rotation, one coordinate x of a unit vector in R^n has the density
 * f(x) proportional to (1 - x^2)^((n - 3) / 2) on [-1, 1]. The codebook of an index of
 * dimension dim is fitted for n = lodedb_padded_dim(dim), not dim: the zero padding is
 * rotated together with the vector, so the rotated vector is a unit vector of R^padded_dim
 * and its coordinates follow the marginal of that dimension.
 */
#ifndef LODEDB_TURBOVEC_CODEBOOK_H
#define LODEDB_TURBOVEC_CODEBOOK_H

#include <stdint.h>

#include "lodedb/lodedb.h"

#define LODEDB_MAX_CENTROIDS 16

/* 1 when bits is a supported bit width (LODEDB_SUPPORTED_BITS_MASK, the one list of them). */
static inline int lodedb_bits_supported(uint32_t bits) {
    return bits < 32u && ((LODEDB_SUPPORTED_BITS_MASK >> bits) & 1u) != 0;
}

typedef struct lodedb_codebook_table {
    uint32_t bits;
    uint32_t count;                             /* 1 << bits */
    float centroids[LODEDB_MAX_CENTROIDS];      /* ascending, symmetric */
    float boundaries[LODEDB_MAX_CENTROIDS - 1]; /* float midpoints of the centroids */
    uint64_t fingerprint;
} lodedb_codebook_table;

/* Fills table for the index dimension dim (1..LODEDB_MAX_DIMENSION) and bits (2 or 4).
 * Reports errors through lodedb_fail. */
lodedb_status lodedb_codebook_table_build(uint32_t dim, uint32_t bits,
                                          lodedb_codebook_table *table);

/* Lloyd-Max centroids in double for the marginal of R^n (n >= 1), count = 4 or 16. */
void lodedb_lloyd_max(uint32_t n, uint32_t count, double *centroids);

/* Index of the nearest centroid of x: the number of boundaries below x (ties go to the
 * lower centroid), found by binary search over the ascending boundaries. */
static inline uint32_t lodedb_codebook_quantize(const lodedb_codebook_table *table, double x) {
    const float *b = table->boundaries;
    uint32_t code;
    if (table->count == 16) {
        code = x > (double)b[7] ? 8u : 0u;
        code += x > (double)b[code + 3u] ? 4u : 0u;
        code += x > (double)b[code + 1u] ? 2u : 0u;
        code += x > (double)b[code] ? 1u : 0u;
    } else {
        code = x > (double)b[1] ? 2u : 0u;
        code += x > (double)b[code] ? 1u : 0u;
    }
    return code;
}

#endif
