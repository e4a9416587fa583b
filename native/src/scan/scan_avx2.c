/*
 * AVX2 permute-dot kernel (this file alone is compiled with -mavx2).
 *
 * One step = four groups of all 32 vectors = 64 bytes (scan_kernels.h), taken as two 256-bit
 * halves: the first holds vectors 0..7 (low nibbles) and 16..23 (high nibbles), the second
 * vectors 8..15 and 24..31, each 32-bit word one vector's four group codes. `vpshufb` turns
 * codes into levels (the 16-entry table in both 128-bit lanes); `vpmaddubsw` multiplies them
 * by the query's four weights (broadcast to every word) and adds adjacent pairs into 16 bits.
 * The pairs of two operands (steps s and s + 1 of a 4-bit index, the two terms of a 2-bit
 * step: a round) are added in 16 bits, which the level range allows (scan_kernels.h), and one
 * `vpmaddwd` by ones adds the two pairs of a word into its vector's 32-bit sum: per step and
 * query 6 vector multiplies instead of 8. The level expansion is shared by a tile of two
 * queries here (eight accumulators of the sixteen YMM registers) and by up to eight in the
 * wide tiles of batches (scan_avx2_batch.h). Group tables (accumulate_tables):
 * scan_avx2_tables.h.
 */
#include <immintrin.h>
#include <string.h>

#include "scan/scan_internal.h"

#if defined(__GNUC__)
#define LODEDB_INLINE static inline __attribute__((always_inline))
#if defined(__clang__)
#define LODEDB_NOINLINE static __attribute__((noinline))
#else
/* noipa: no inlining and no interprocedural specialisation, which here also spoils GCC's
 * register allocation of the inner loops. */
#define LODEDB_NOINLINE static __attribute__((noipa))
#endif
#else
#define LODEDB_INLINE static inline
#define LODEDB_NOINLINE static
#endif

#define AVX2_MAX_TILE 2

/* acc + the 32-bit sums of each word of la x wa + lb x wb (levels unsigned, weights signed):
 * the two operands' 16-bit pairs are added before one widening `vpmaddwd`, which the level
 * range allows (scan_kernels.h: each pair <= 16002 in magnitude, two <= 32004). */
LODEDB_INLINE __m256i avx2_dot2(__m256i acc, __m256i la, __m256i wa, __m256i lb, __m256i wb) {
    __m256i pairs = _mm256_add_epi16(_mm256_maddubs_epi16(la, wa), _mm256_maddubs_epi16(lb, wb));
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
}

LODEDB_INLINE __m256i avx2_weight(const int8_t *p) {
    int32_t word;
    memcpy(&word, p, sizeof word);
    return _mm256_set1_epi32(word);
}

/* The codes of quarter h of a step (h = 0: vectors 0..7, 1: 8..15, 2: 16..23, 3: 24..31; the
 * 32-bit word of a vector holds its four group codes). */
LODEDB_INLINE __m256i avx2_quarter(const uint8_t *step, int h, __m256i mask) {
    __m256i codes = _mm256_loadu_si256((const __m256i *)(step + (h & 1) * 32));
    return _mm256_and_si256(h < 2 ? codes : _mm256_srli_epi16(codes, 4), mask);
}

/* One pair round: operand a (the codes at step_a looked up in table_a, weights w_a) and operand b,
 * added into acc[4q + h] for qt queries (query q's weights `stride` bytes further). A pair
 * round is steps s and s + 1 of a 4-bit index, or the two terms of step s of a 2-bit one. Quarter
 * by quarter, so that the levels of both operands and the tile's accumulators fit the sixteen YMM
 * registers. */
LODEDB_INLINE void avx2_pair_round(const uint8_t *step_a, __m256i table_a, const int8_t *w_a,
                                   const uint8_t *step_b, __m256i table_b, const int8_t *w_b,
                                   size_t stride, __m256i mask, __m256i *acc, const int qt) {
#pragma GCC unroll 4
    for (int h = 0; h < 4; h++) {
        __m256i la = _mm256_shuffle_epi8(table_a, avx2_quarter(step_a, h, mask));
        __m256i lb = _mm256_shuffle_epi8(table_b, avx2_quarter(step_b, h, mask));
#pragma GCC unroll 4
        for (int q = 0; q < qt; q++) {
            acc[4 * q + h] = avx2_dot2(acc[4 * q + h], la, avx2_weight(w_a + (size_t)q * stride),
                                       lb, avx2_weight(w_b + (size_t)q * stride));
        }
    }
}

LODEDB_INLINE void avx2_tile(const uint8_t *block, const lodedb_scan_levels *levels,
                             const int8_t *weights, size_t stride, uint32_t steps, int32_t *out,
                             const int qt, const uint32_t terms, const int prefetch) {
    const __m256i mask = _mm256_set1_epi8(0x0f);
    const __m256i table0 =
        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)levels->table[0]));
    const __m256i table1 =
        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)levels->table[1]));
    const __m256i zero_table = _mm256_setzero_si256();
    __m256i acc[4 * AVX2_MAX_TILE];
#pragma GCC unroll 12
    for (int i = 0; i < 4 * qt; i++) {
        acc[i] = _mm256_setzero_si256();
    }
    if (terms == 2) {
        for (uint32_t s = 0; s < steps; s++) {
            const uint8_t *step = block + (size_t)s * 64;
            if (prefetch) {
                _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s * 64), _MM_HINT_T0);
            }
            const int8_t *w = weights + (size_t)s * 8;
            avx2_pair_round(step, table0, w, step, table1, w + 4, stride, mask, acc, qt);
        }
    } else {
        uint32_t s = 0;
        for (; s + 2 <= steps; s += 2) {
            const uint8_t *step = block + (size_t)s * 64;
            if (prefetch) {
                _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s * 64), _MM_HINT_T0);
                _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s * 64 + 64), _MM_HINT_T0);
            }
            const int8_t *w = weights + (size_t)s * 4;
            avx2_pair_round(step, table0, w, step + 64, table0, w + 4, stride, mask, acc, qt);
        }
        if (s < steps) {
            /* An odd last step: operand b looks its codes up in a table of zeros. */
            const uint8_t *step = block + (size_t)s * 64;
            const int8_t *w = weights + (size_t)s * 4;
            avx2_pair_round(step, table0, w, step, zero_table, w, stride, mask, acc, qt);
        }
    }
#pragma GCC unroll 12
    for (int i = 0; i < 4 * qt; i++) {
        _mm256_storeu_si256((__m256i *)(out + (size_t)(i / 4) * LODEDB_BLOCK_SIZE + (i % 4) * 8),
                            acc[i]);
    }
}

#define AVX2_INSTANCE(qt, terms)                                                                   \
    LODEDB_NOINLINE void avx2_tile_##qt##_##terms(                                                 \
        const uint8_t *block, const lodedb_scan_levels *levels, const int8_t *weights,             \
        size_t stride, uint32_t steps, int32_t *acc, int prefetch) {                               \
        if (prefetch) {                                                                            \
            avx2_tile(block, levels, weights, stride, steps, acc, qt, terms, 1);                   \
        } else {                                                                                   \
            avx2_tile(block, levels, weights, stride, steps, acc, qt, terms, 0);                   \
        }                                                                                          \
    }
AVX2_INSTANCE(1, 1)
AVX2_INSTANCE(2, 1)
AVX2_INSTANCE(1, 2)
AVX2_INSTANCE(2, 2)

#include "scan/scan_avx2_batch.h"

/* Wide tiles of eight queries, then four (scan_avx2_batch.h), then narrow tiles of two, one. */
static void avx2_accumulate(const uint8_t *block, const lodedb_scan_levels *levels,
                            const int8_t *weights, uint32_t query_count, uint32_t groups,
                            int32_t *acc) {
    static const lodedb_scan_tile_fn by_terms[2][4] = {
        {avx2_tile_1_1, avx2_tile_2_1, avx2_wide_tile_4_1, avx2_wide_tile_8_1},
        {avx2_tile_1_2, avx2_tile_2_2, avx2_wide_tile_4_2, avx2_wide_tile_8_2}};
    lodedb_scan_by_tiles(by_terms[levels->terms == 2 ? 1 : 0], block, levels, weights, query_count,
                         groups, acc);
}

/* One round of exact_dot into acc[0] (coordinates 0..3 of the round) and acc[1] (4..7): 4-bit
 * groups g..g+7, or 2-bit groups g..g+3 (two coordinates each); centroids gathered by code. */
LODEDB_INLINE void avx2_round(const uint8_t *bytes, uint32_t shift, uint32_t g, uint32_t bits,
                              const double *q_rot, const double *centroids, __m256d *acc0,
                              __m256d *acc1) {
    __m128i i0, i1;
    const double *q;
    if (bits == 4) {
        uint32_t w0, w1;
        memcpy(&w0, bytes + (size_t)(g / 4u) * 64u, sizeof w0);
        memcpy(&w1, bytes + (size_t)(g / 4u + 1u) * 64u, sizeof w1);
        i0 = _mm_cvtepu8_epi32(_mm_cvtsi32_si128((int)((w0 >> shift) & 0x0f0f0f0fu)));
        i1 = _mm_cvtepu8_epi32(_mm_cvtsi32_si128((int)((w1 >> shift) & 0x0f0f0f0fu)));
        q = q_rot + g;
    } else {
        uint32_t w;
        memcpy(&w, bytes + (size_t)(g / 4u) * 64u, sizeof w);
        w = (w >> shift) & 0x0f0f0f0fu;
        /* Bytes c0 & 3, c0 >> 2, c1 & 3, c1 >> 2, ...: the coordinates in order. */
        __m128i pairs = _mm_unpacklo_epi8(_mm_cvtsi32_si128((int)(w & 0x03030303u)),
                                          _mm_cvtsi32_si128((int)((w >> 2) & 0x03030303u)));
        i0 = _mm_cvtepu8_epi32(pairs);
        i1 = _mm_cvtepu8_epi32(_mm_srli_si128(pairs, 4));
        q = q_rot + 2u * g;
    }
    __m256d c0 = _mm256_i32gather_pd(centroids, i0, 8);
    __m256d c1 = _mm256_i32gather_pd(centroids, i1, 8);
    *acc0 = _mm256_add_pd(*acc0, _mm256_mul_pd(_mm256_loadu_pd(q), c0));
    *acc1 = _mm256_add_pd(*acc1, _mm256_mul_pd(_mm256_loadu_pd(q + 4), c1));
}

/* exact_dot (scan_kernels.h) with four 4-wide accumulators: sums 0..3 and 4..7 (even rounds of
 * 8 coordinates), 8..11 and 12..15 (odd rounds), the loop unrolled by two rounds so they stay
 * in registers. Separate multiply and add: the same roundings as the portable definition. */
static double avx2_exact_dot(const uint8_t *block, uint32_t lane, uint32_t groups, uint32_t bits,
                             const double *q_rot, const double *centroids) {
    const uint8_t *bytes = block + (size_t)(lane & 15u) * 4u;
    const uint32_t shift = lane < 16u ? 0u : 4u;
    const uint32_t round = bits == 4 ? 8u : 4u; /* groups per round of 8 coordinates */
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0;
    uint32_t g = 0;
    for (; g + 2u * round <= groups; g += 2u * round) {
        avx2_round(bytes, shift, g, bits, q_rot, centroids, &a0, &a1);
        avx2_round(bytes, shift, g + round, bits, q_rot, centroids, &a2, &a3);
    }
    if (g < groups) {
        avx2_round(bytes, shift, g, bits, q_rot, centroids, &a0, &a1);
    }
    double part[16];
    _mm256_storeu_pd(part, a0);
    _mm256_storeu_pd(part + 4, a1);
    _mm256_storeu_pd(part + 8, a2);
    _mm256_storeu_pd(part + 12, a3);
    return lodedb_scan_sum_parts(part);
}

#include "scan/scan_avx2_tables.h"

const lodedb_scan_kernels lodedb_scan_kernels_avx2 = {
    LODEDB_SIMD_AVX2, LODEDB_SCAN_AVX2, avx2_accumulate, avx2_exact_dot, avx2_accumulate_tables};
