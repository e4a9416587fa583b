/*
 * The seeded rotation of TurboQuant (see shared design note turboquant.md): two rounds of
 * {permutation of all padded_dim coordinates, +-1 sign flips, Walsh-Hadamard transform on
 * each contiguous block of B coordinates}, B = the largest power of two dividing padded_dim.
 *
 * Stream (SplitMix64 seeded with the index seed), per round r = 0, 1:
 *   permutation: perm = identity; for i = n-1 down to 1: j = below(i + 1); swap(perm[i], perm[j])
 *   signs: for i = 0..n-1: every 64 coordinates draw a word w; coordinate i is negated when
 *          bit (i % 64) of w is set.
 * Round application: y[i] = sign[i] * x[perm[i]], then the unnormalised WHT of every block.
 *
 * Bit-exactness: the path runs in double, scalar, in a fixed order; the permutation, signs
 * and WHT butterflies (a + b, a - b) are exactly rounded IEEE operations, and the two
 * normalisations 1/sqrt(B) are folded into one multiply by 1/B at the end, a power of two
 * and therefore exact. No libm call is on this path.
 */
#ifndef LODEDB_TURBOVEC_ROTATION_H
#define LODEDB_TURBOVEC_ROTATION_H

#include <stddef.h>
#include <stdint.h>

#include "lodedb/lodedb.h"

typedef struct lodedb_rotation {
    uint32_t padded_dim;
    uint32_t block; /* WHT block length B */
    uint32_t *perm; /* 2 * padded_dim entries: round 0 then round 1 */
    double *sign;   /* 2 * padded_dim entries of +1.0 / -1.0 */
} lodedb_rotation;

/* Derives the rotation of (padded_dim, seed). padded_dim must be a positive multiple of 8.
 * Reports LODEDB_ERR_OUT_OF_MEMORY through lodedb_fail. */
lodedb_status lodedb_rotation_init(lodedb_rotation *rotation, uint32_t padded_dim, uint64_t seed);

void lodedb_rotation_destroy(lodedb_rotation *rotation);

/* Heap bytes held by the rotation tables. */
size_t lodedb_rotation_memory_bytes(const lodedb_rotation *rotation);

/* data (padded_dim doubles) is rotated in place; scratch holds padded_dim doubles. */
void lodedb_rotation_apply(const lodedb_rotation *rotation, double *data, double *scratch);

#endif
