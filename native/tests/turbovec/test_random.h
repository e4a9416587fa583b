/* Deterministic random data for the turbovec and search tests (SplitMix64 + Box-Muller). */
#ifndef LODEDB_TEST_RANDOM_H
#define LODEDB_TEST_RANDOM_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

typedef struct test_rng {
    uint64_t state;
    double spare;
    int has_spare;
} test_rng;

static inline test_rng test_rng_make(uint64_t seed) {
    test_rng rng = {seed, 0.0, 0};
    return rng;
}

static inline uint64_t test_rng_next(test_rng *rng) {
    uint64_t z = (rng->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in (0, 1). */
static inline double test_rng_uniform(test_rng *rng) {
    return ((double)(test_rng_next(rng) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Box-Muller, both outputs used: the second is kept for the next call. */
static inline double test_rng_gaussian(test_rng *rng) {
    if (rng->has_spare) {
        rng->has_spare = 0;
        return rng->spare;
    }
    double u = test_rng_uniform(rng);
    double v = test_rng_uniform(rng);
    double r = sqrt(-2.0 * log(u));
    rng->spare = r * sin(6.283185307179586 * v);
    rng->has_spare = 1;
    return r * cos(6.283185307179586 * v);
}

/* count unit vectors of dimension dim with Gaussian directions. */
static inline void test_unit_vectors(test_rng *rng, float *out, uint64_t count, uint32_t dim) {
    for (uint64_t i = 0; i < count; i++) {
        float *v = out + i * dim;
        double sum = 0.0;
        for (uint32_t j = 0; j < dim; j++) {
            double g = test_rng_gaussian(rng);
            v[j] = (float)g;
            sum += g * g;
        }
        double inv = 1.0 / sqrt(sum);
        for (uint32_t j = 0; j < dim; j++) {
            v[j] = (float)(v[j] * inv);
        }
    }
}

/* FNV-1a 64 over bytes, for golden values. */
static inline uint64_t test_fnv1a(const void *data, size_t length) {
    const unsigned char *p = data;
    uint64_t hash = UINT64_C(0xCBF29CE484222325);
    for (size_t i = 0; i < length; i++) {
        hash ^= p[i];
        hash *= UINT64_C(0x100000001B3);
    }
    return hash;
}

#endif
