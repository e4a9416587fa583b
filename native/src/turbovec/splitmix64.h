/*
 * SplitMix64 (Steele, Lea, Flood 2014): the fixed-stream generator behind the rotation.
 * Chosen because it is fully specified by a dozen lines of integer arithmetic, so every
 * platform derives the same permutations and signs from a seed; the golden-bytes test in
 * tests/turbovec pins the stream through the rotation it produces.
 */
#ifndef LODEDB_TURBOVEC_SPLITMIX64_H
#define LODEDB_TURBOVEC_SPLITMIX64_H

#include <stdint.h>

typedef struct lodedb_splitmix64 {
    uint64_t state;
} lodedb_splitmix64;

static inline uint64_t lodedb_splitmix64_next(lodedb_splitmix64 *rng) {
    uint64_t z = (rng->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* A uniform integer in [0, bound) for bound >= 1, by rejection: draws below 2^64 mod bound
 * are redrawn so no value is favoured (a plain modulo would bias small values). */
static inline uint64_t lodedb_splitmix64_below(lodedb_splitmix64 *rng, uint64_t bound) {
    uint64_t threshold = (UINT64_C(0) - bound) % bound;
    for (;;) {
        uint64_t x = lodedb_splitmix64_next(rng);
        if (x >= threshold) {
            return x % bound;
        }
    }
}

#endif
