/* The seeded rotation and the public lodedb_padded_dim / lodedb_rotate. */
/* Bits reach disk: no fused multiply-add. The build passes -ffp-contract=off (GCC ignores
 * the pragma); clang honours the standard pragma as well, should a build omit the flag. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include "turbovec/rotation.h"

#include <math.h>
#include <stdlib.h>

#include "core/errors.h"
#include "turbovec/splitmix64.h"

LODEDB_API uint32_t lodedb_padded_dim(uint32_t dim) {
    if (dim == 0 || dim > LODEDB_MAX_DIMENSION) {
        return 0;
    }
    return (dim + 7u) & ~7u;
}

lodedb_status lodedb_rotation_init(lodedb_rotation *rotation, uint32_t padded_dim, uint64_t seed) {
    rotation->padded_dim = padded_dim;
    rotation->block = padded_dim & (~padded_dim + 1u); /* lowest set bit */
    rotation->perm = malloc(sizeof(uint32_t) * 2u * padded_dim);
    rotation->sign = malloc(sizeof(double) * 2u * padded_dim);
    if (rotation->perm == NULL || rotation->sign == NULL) {
        lodedb_rotation_destroy(rotation);
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY,
                           "out of memory for the rotation of dimension %u", padded_dim);
    }
    lodedb_splitmix64 rng = {seed};
    for (uint32_t round = 0; round < 2; round++) {
        uint32_t *perm = rotation->perm + (size_t)round * padded_dim;
        double *sign = rotation->sign + (size_t)round * padded_dim;
        for (uint32_t i = 0; i < padded_dim; i++) {
            perm[i] = i;
        }
        for (uint32_t i = padded_dim - 1; i >= 1; i--) {
            uint32_t j = (uint32_t)lodedb_splitmix64_below(&rng, (uint64_t)i + 1u);
            uint32_t t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        uint64_t word = 0;
        for (uint32_t i = 0; i < padded_dim; i++) {
            if (i % 64u == 0) {
                word = lodedb_splitmix64_next(&rng);
            }
            sign[i] = ((word >> (i % 64u)) & 1u) ? -1.0 : 1.0;
        }
    }
    return LODEDB_OK;
}

void lodedb_rotation_destroy(lodedb_rotation *rotation) {
    free(rotation->perm);
    free(rotation->sign);
    rotation->perm = NULL;
    rotation->sign = NULL;
}

size_t lodedb_rotation_memory_bytes(const lodedb_rotation *rotation) {
    return (size_t)rotation->padded_dim * 2u * (sizeof(uint32_t) + sizeof(double));
}

/* The levels of half >= 4 of the WHT below, four butterflies per AVX2 instruction pair: the
 * same IEEE additions and subtractions element by element, so the same bits (x86 with
 * GCC/Clang only, used at the AVX2 and AVX-512 levels; the query rotation is a fixed cost of
 * every search). */
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__)) &&       \
    !defined(_WIN32) /* Win64 GCC cannot align the stack for AVX spills */
#define ROTATION_AVX2 1
#include <immintrin.h>
__attribute__((target("avx2"))) static void butterflies_avx2(double *x, uint32_t n) {
    for (uint32_t half = 4; half < n; half *= 2u) {
        for (uint32_t start = 0; start < n; start += 2u * half) {
            double *lo = x + start;
            double *hi = x + start + half;
            for (uint32_t i = 0; i < half; i += 4u) {
                __m256d a = _mm256_loadu_pd(lo + i);
                __m256d b = _mm256_loadu_pd(hi + i);
                _mm256_storeu_pd(lo + i, _mm256_add_pd(a, b));
                _mm256_storeu_pd(hi + i, _mm256_sub_pd(a, b));
            }
        }
    }
}
#endif

/* Unnormalised in-place fast Walsh-Hadamard transform of n = 2^m >= 8 values.
 * The first two levels (pairs, then pairs of pairs) are fused into one pass over groups of 4;
 * it performs exactly the same additions as the textbook level-by-level loop, in double, so
 * the bits are those of the plain algorithm, only with less loop overhead. */
static void walsh_hadamard(double *x, uint32_t n) {
    for (uint32_t i = 0; i < n; i += 4u) {
        double s0 = x[i] + x[i + 1];
        double d0 = x[i] - x[i + 1];
        double s1 = x[i + 2] + x[i + 3];
        double d1 = x[i + 2] - x[i + 3];
        x[i] = s0 + s1;
        x[i + 1] = d0 + d1;
        x[i + 2] = s0 - s1;
        x[i + 3] = d0 - d1;
    }
#if defined(ROTATION_AVX2)
    lodedb_simd level = lodedb_simd_level(); /* LODEDB_SIMD=scalar tests the loop below */
    if (level == LODEDB_SIMD_AVX2 || level == LODEDB_SIMD_AVX512) {
        butterflies_avx2(x, n);
        return;
    }
#endif
    for (uint32_t half = 4; half < n; half *= 2u) {
        for (uint32_t start = 0; start < n; start += 2u * half) {
            double *lo = x + start;
            double *hi = x + start + half;
            for (uint32_t i = 0; i < half; i++) {
                double a = lo[i];
                double b = hi[i];
                lo[i] = a + b;
                hi[i] = a - b;
            }
        }
    }
}

/* One round: out[i] = sign[i] * in[perm[i]], then the WHT of every block of out. */
static void rotation_round(const lodedb_rotation *rotation, uint32_t round, const double *in,
                           double *out) {
    uint32_t n = rotation->padded_dim;
    const uint32_t *perm = rotation->perm + (size_t)round * n;
    const double *sign = rotation->sign + (size_t)round * n;
    for (uint32_t i = 0; i < n; i++) {
        out[i] = sign[i] * in[perm[i]];
    }
    for (uint32_t start = 0; start < n; start += rotation->block) {
        walsh_hadamard(out + start, rotation->block);
    }
}

void lodedb_rotation_apply(const lodedb_rotation *rotation, double *data, double *scratch) {
    rotation_round(rotation, 0, data, scratch);
    rotation_round(rotation, 1, scratch, data);
    /* Two normalised rounds multiply by (1/sqrt(B))^2 = 1/B: a power of two, so exact. */
    double inverse_block = 1.0 / (double)rotation->block;
    for (uint32_t i = 0; i < rotation->padded_dim; i++) {
        data[i] *= inverse_block;
    }
}

LODEDB_API lodedb_status lodedb_rotate(uint32_t dim, uint64_t seed, const float *input,
                                       float *output, size_t output_length) {
    lodedb_clear_error();
    uint32_t padded = lodedb_padded_dim(dim);
    if (padded == 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "dimension %u is outside 1..%u", dim,
                           (unsigned)LODEDB_MAX_DIMENSION);
    }
    if (input == NULL || output == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "input and output must not be NULL");
    }
    if (output_length < padded) {
        return lodedb_fail(LODEDB_ERR_BUFFER_TOO_SMALL,
                           "output holds %llu floats; the rotation of dimension %u needs %u",
                           (unsigned long long)output_length, dim, padded);
    }
    for (uint32_t i = 0; i < dim; i++) {
        if (!isfinite(input[i])) {
            return lodedb_fail(LODEDB_ERR_INVALID_VECTOR, "input coordinate %u is %s", i,
                               isnan(input[i]) ? "NaN" : "infinite");
        }
    }
    double *work = malloc(sizeof(double) * 2u * padded);
    lodedb_rotation rotation;
    lodedb_status status = lodedb_rotation_init(&rotation, padded, seed);
    if (work == NULL || status != LODEDB_OK) {
        free(work);
        if (status == LODEDB_OK) {
            lodedb_rotation_destroy(&rotation);
        }
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY,
                           "out of memory rotating a vector of dimension %u", dim);
    }
    for (uint32_t i = 0; i < padded; i++) {
        work[i] = i < dim ? (double)input[i] : 0.0;
    }
    lodedb_rotation_apply(&rotation, work, work + padded);
    for (uint32_t i = 0; i < padded; i++) {
        output[i] = (float)work[i];
    }
    lodedb_rotation_destroy(&rotation);
    free(work);
    return LODEDB_OK;
}
