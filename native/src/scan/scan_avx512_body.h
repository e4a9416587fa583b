/*
 * The AVX-512 permute-dot kernel, included by scan_avx512bw.c (`vpshufb` lookups,
 * `vpmaddubsw` + `vpmaddwd` dot products: any AVX-512BW CPU) and scan_avx512vnni_vbmi.c
 * (`vpermb` lookups, `vpdpbusd` dot products: with LODEDB_AVX512_VBMI and LODEDB_AVX512_VNNI
 * defined): one source, two instruction choices, so both variants run the same loops and both
 * are tested against the scalar reference.
 *
 * One step = one 64-byte load = four groups of all 32 vectors (scan_kernels.h): the low nibbles
 * are vectors 0..15, the high nibbles vectors 16..31, each 32-bit word one vector's four group
 * codes. `vpshufb` turns codes into levels (the 16-entry table repeated in every 128-bit lane,
 * after masking each nibble), or with VBMI `vpermb` on a 64-entry table that repeats the 16
 * levels four times, so the index bits above the nibble do not matter and the two masks go
 * (5 instead of 7 vector operations per step for one query), and one dot product per half adds
 * level x weight for four groups into that vector's 32-bit sum, with the query's four weights
 * broadcast to every word. Steps go in rounds of two operands (steps s and s + 1 of a 4-bit
 * index, the two terms of a 2-bit step), so that without VNNI the two operands' 16-bit pairs are
 * added before one widening `vpmaddwd` (avx512_dot2). The level expansion is shared by a tile of
 * up to 8 queries whose 16 accumulators stay in registers (32 ZMM registers).
 */
#include <immintrin.h>
#include <string.h>

#include "scan/scan_internal.h"

#if defined(__GNUC__)
#define LODEDB_INLINE static inline __attribute__((always_inline))
#if defined(__clang__)
#define LODEDB_NOINLINE static __attribute__((noinline))
#else
#define LODEDB_NOINLINE static __attribute__((noipa))
#endif
#else
#define LODEDB_INLINE static inline
#define LODEDB_NOINLINE static
#endif

#define AVX512_MAX_TILE 8

/* acc + the sums over the four bytes of each word of la x wa and of lb x wb (levels unsigned,
 * weights signed). Without VNNI the two operands' 16-bit pairs are added before one widening
 * `vpmaddwd`, which the level range allows (scan_kernels.h: two pairs <= 32004 in magnitude),
 * so this is the same exact sum. */
LODEDB_INLINE __m512i avx512_dot2(__m512i acc, __m512i la, __m512i wa, __m512i lb, __m512i wb) {
#if defined(LODEDB_AVX512_VNNI)
    return _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(acc, la, wa), lb, wb);
#else
    __m512i pairs = _mm512_add_epi16(_mm512_maddubs_epi16(la, wa), _mm512_maddubs_epi16(lb, wb));
    return _mm512_add_epi32(acc, _mm512_madd_epi16(pairs, _mm512_set1_epi16(1)));
#endif
}

/* Levels of the low nibbles of `codes` (any bits above them: see avx512_tile). */
LODEDB_INLINE __m512i avx512_levels(__m512i table, __m512i codes, __m512i mask) {
#if defined(LODEDB_AVX512_VBMI)
    (void)mask;
    return _mm512_permutexvar_epi8(codes, table);
#else
    return _mm512_shuffle_epi8(table, _mm512_and_si512(codes, mask));
#endif
}

LODEDB_INLINE __m512i avx512_weight(const int8_t *p) {
    int32_t word;
    memcpy(&word, p, sizeof word);
    return _mm512_set1_epi32(word);
}

/* A tile's sums: the `split` accumulator sets ([u * qt + q]) added up per query, lanes 0..15
 * (lo_acc) and 16..31 (hi_acc) stored at acc + q * 32. */
LODEDB_INLINE void avx512_store_tile(int32_t *acc, __m512i *lo_acc, __m512i *hi_acc, const int qt,
                                     const int split) {
#pragma GCC unroll 8
    for (int q = 0; q < qt; q++) {
#pragma GCC unroll 4
        for (int u = 1; u < split; u++) {
            lo_acc[q] = _mm512_add_epi32(lo_acc[q], lo_acc[u * qt + q]);
            hi_acc[q] = _mm512_add_epi32(hi_acc[q], hi_acc[u * qt + q]);
        }
        _mm512_storeu_si512((void *)(acc + (size_t)q * LODEDB_BLOCK_SIZE), lo_acc[q]);
        _mm512_storeu_si512((void *)(acc + (size_t)q * LODEDB_BLOCK_SIZE + 16), hi_acc[q]);
    }
}

/* One round for qt queries into lo_acc[q], hi_acc[q]: operand a (the codes of step s_a looked
 * up in table_a, weights at w_a) and operand b. A round is steps s, s + 1 of a 4-bit index, or
 * the two terms of step s of a 2-bit one (avx512_tile). */
LODEDB_INLINE void avx512_round(const uint8_t *block, uint32_t s_a, __m512i table_a,
                                const int8_t *w_a, uint32_t s_b, __m512i table_b, const int8_t *w_b,
                                __m512i mask, size_t stride, __m512i *lo_acc, __m512i *hi_acc,
                                const int qt, const int prefetch) {
    if (prefetch) {
        _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s_a * 64), _MM_HINT_T0);
        if (s_b != s_a) {
            _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s_b * 64), _MM_HINT_T0);
        }
    }
    /* lo / hi: each byte's low nibble is a code (vectors 0..15 / 16..31); the bits above are
     * masked in avx512_levels or ignored by the repeated VBMI table. */
    __m512i a = _mm512_loadu_si512((const void *)(block + (size_t)s_a * 64));
    __m512i b = _mm512_loadu_si512((const void *)(block + (size_t)s_b * 64));
    __m512i la_lo = avx512_levels(table_a, a, mask);
    __m512i la_hi = avx512_levels(table_a, _mm512_srli_epi16(a, 4), mask);
    __m512i lb_lo = avx512_levels(table_b, b, mask);
    __m512i lb_hi = avx512_levels(table_b, _mm512_srli_epi16(b, 4), mask);
#pragma GCC unroll 8
    for (int q = 0; q < qt; q++) {
        __m512i wa = avx512_weight(w_a + (size_t)q * stride);
        __m512i wb = avx512_weight(w_b + (size_t)q * stride);
        lo_acc[q] = avx512_dot2(lo_acc[q], la_lo, wa, lb_lo, wb);
        hi_acc[q] = avx512_dot2(hi_acc[q], la_hi, wa, lb_hi, wb);
    }
}

/* Round r of a tile: the two terms of step r (terms 2), or steps 2r and 2r + 1 (terms 1). */
LODEDB_INLINE void avx512_tile_round(const uint8_t *block, uint32_t r, __m512i table0,
                                     __m512i table1, __m512i mask, const int8_t *weights,
                                     size_t stride, __m512i *lo_acc, __m512i *hi_acc, const int qt,
                                     const uint32_t terms, const int prefetch) {
    const int8_t *w = weights + (size_t)r * 8;
    if (terms == 2) {
        avx512_round(block, r, table0, w, r, table1, w + 4, mask, stride, lo_acc, hi_acc, qt,
                     prefetch);
    } else {
        avx512_round(block, 2u * r, table0, w, 2u * r + 1u, table0, w + 4, mask, stride, lo_acc,
                     hi_acc, qt, prefetch);
    }
}

/* qt queries (weights `stride` bytes apart) and `terms` levels per code, against one block.
 * `vpdpbusd` adds into its accumulator, so one accumulator per half and query would be a
 * latency chain of dot products: small tiles take rounds in groups of `split` (4 for one query,
 * 2 for two) into separate accumulators, added up at the end (integer sums, so the split
 * changes no result). */
LODEDB_INLINE void avx512_tile(const uint8_t *block, const lodedb_scan_levels *levels,
                               const int8_t *weights, size_t stride, uint32_t steps, int32_t *acc,
                               const int qt, const uint32_t terms, const int prefetch) {
    const int split = qt == 1 ? 4 : qt == 2 ? 2 : 1;
    const __m512i mask = _mm512_set1_epi8(0x0f);
    const __m512i zero = _mm512_setzero_si512();
    const __m512i table0 =
        _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)levels->table[0]));
    const __m512i table1 =
        _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)levels->table[1]));
    __m512i lo_acc[AVX512_MAX_TILE], hi_acc[AVX512_MAX_TILE]; /* [u * qt + q] */
#pragma GCC unroll 8
    for (int i = 0; i < qt * split; i++) {
        lo_acc[i] = _mm512_setzero_si512();
        hi_acc[i] = _mm512_setzero_si512();
    }
    const uint32_t rounds = terms == 2 ? steps : steps / 2u;
    uint32_t r = 0;
    for (; r + (uint32_t)split <= rounds; r += (uint32_t)split) {
#pragma GCC unroll 4
        for (int u = 0; u < split; u++) {
            avx512_tile_round(block, r + (uint32_t)u, table0, table1, mask, weights, stride,
                              lo_acc + u * qt, hi_acc + u * qt, qt, terms, prefetch);
        }
    }
    for (; r < rounds; r++) {
        avx512_tile_round(block, r, table0, table1, mask, weights, stride, lo_acc, hi_acc, qt,
                          terms, prefetch);
    }
    if (terms == 1 && steps % 2u != 0) {
        /* The odd last step pairs with itself through a table of zeros. */
        const uint32_t s = steps - 1u;
        const int8_t *w = weights + (size_t)s * 4;
        avx512_round(block, s, table0, w, s, zero, w, mask, stride, lo_acc, hi_acc, qt, prefetch);
    }
    avx512_store_tile(acc, lo_acc, hi_acc, qt, split);
}

/* Out-of-line instances per (tile width, terms), so each keeps its accumulators in registers. */
#define AVX512_INSTANCE(qt, terms)                                                                 \
    LODEDB_NOINLINE void avx512_tile_##qt##_##terms(                                               \
        const uint8_t *block, const lodedb_scan_levels *levels, const int8_t *weights,             \
        size_t stride, uint32_t steps, int32_t *acc, int prefetch) {                               \
        if (prefetch) {                                                                            \
            avx512_tile(block, levels, weights, stride, steps, acc, qt, terms, 1);                 \
        } else {                                                                                   \
            avx512_tile(block, levels, weights, stride, steps, acc, qt, terms, 0);                 \
        }                                                                                          \
    }
AVX512_INSTANCE(1, 1)
AVX512_INSTANCE(2, 1)
AVX512_INSTANCE(4, 1)
AVX512_INSTANCE(8, 1)
AVX512_INSTANCE(1, 2)
AVX512_INSTANCE(2, 2)
AVX512_INSTANCE(4, 2)
AVX512_INSTANCE(8, 2)

/* Tiles of eight queries, then four, two, one. */
static void avx512_accumulate(const uint8_t *block, const lodedb_scan_levels *levels,
                              const int8_t *weights, uint32_t query_count, uint32_t groups,
                              int32_t *acc) {
    static const lodedb_scan_tile_fn by_terms[2][4] = {
        {avx512_tile_1_1, avx512_tile_2_1, avx512_tile_4_1, avx512_tile_8_1},
        {avx512_tile_1_2, avx512_tile_2_2, avx512_tile_4_2, avx512_tile_8_2}};
    lodedb_scan_by_tiles(by_terms[levels->terms == 2 ? 1 : 0], block, levels, weights, query_count,
                         groups, acc);
}

/* One round of exact_dot: the products of 8 coordinates (4-bit: groups g..g+7; 2-bit: groups
 * g..g+3, two coordinates each), centroids looked up by code with a permute. */
LODEDB_INLINE __m512d avx512_round_4bit(const uint8_t *bytes, uint32_t shift, uint32_t g,
                                        const double *q_rot, __m512d c_lo, __m512d c_hi) {
    uint32_t w0, w1;
    memcpy(&w0, bytes + (size_t)(g / 4u) * 64u, sizeof w0);
    memcpy(&w1, bytes + (size_t)(g / 4u + 1u) * 64u, sizeof w1);
    uint64_t w = ((((uint64_t)w1 << 32) | w0) >> shift) & UINT64_C(0x0f0f0f0f0f0f0f0f);
    __m512i idx = _mm512_cvtepu8_epi64(_mm_cvtsi64_si128((long long)w));
    __m512d c = _mm512_permutex2var_pd(c_lo, idx, c_hi);
    return _mm512_mul_pd(_mm512_loadu_pd(q_rot + g), c);
}

LODEDB_INLINE __m512d avx512_round_2bit(const uint8_t *bytes, uint32_t shift, uint32_t g,
                                        const double *q_rot, __m512d c4) {
    uint32_t w;
    memcpy(&w, bytes + (size_t)(g / 4u) * 64u, sizeof w);
    w = (w >> shift) & 0x0f0f0f0fu;
    /* Bytes c0 & 3, c0 >> 2, c1 & 3, c1 >> 2, ...: the coordinates in order. */
    __m128i pairs = _mm_unpacklo_epi8(_mm_cvtsi32_si128((int)(w & 0x03030303u)),
                                      _mm_cvtsi32_si128((int)((w >> 2) & 0x03030303u)));
    __m512d c = _mm512_permutexvar_pd(_mm512_cvtepu8_epi64(pairs), c4);
    return _mm512_mul_pd(_mm512_loadu_pd(q_rot + 2u * g), c);
}

/* exact_dot (scan_kernels.h): two 8-wide accumulators hold the 16 running sums, even and odd
 * rounds of 8 coordinates (two add chains, in registers: the loop is unrolled by two rounds).
 * Separate multiply and add: the same roundings as the portable definition. */
static double avx512_exact_dot(const uint8_t *block, uint32_t lane, uint32_t groups, uint32_t bits,
                               const double *q_rot, const double *centroids) {
    const uint8_t *bytes = block + (size_t)(lane & 15u) * 4u;
    const uint32_t shift = lane < 16u ? 0u : 4u;
    const __m512d c_lo = _mm512_loadu_pd(centroids);
    const __m512d c_hi = _mm512_loadu_pd(centroids + 8);
    __m512d even = _mm512_setzero_pd(), odd = _mm512_setzero_pd();
    uint32_t g = 0;
    if (bits == 4) {
        for (; g + 16u <= groups; g += 16u) {
            even = _mm512_add_pd(even, avx512_round_4bit(bytes, shift, g, q_rot, c_lo, c_hi));
            odd = _mm512_add_pd(odd, avx512_round_4bit(bytes, shift, g + 8u, q_rot, c_lo, c_hi));
        }
        if (g < groups) {
            even = _mm512_add_pd(even, avx512_round_4bit(bytes, shift, g, q_rot, c_lo, c_hi));
        }
    } else {
        for (; g + 8u <= groups; g += 8u) {
            even = _mm512_add_pd(even, avx512_round_2bit(bytes, shift, g, q_rot, c_lo));
            odd = _mm512_add_pd(odd, avx512_round_2bit(bytes, shift, g + 4u, q_rot, c_lo));
        }
        if (g < groups) {
            even = _mm512_add_pd(even, avx512_round_2bit(bytes, shift, g, q_rot, c_lo));
        }
    }
    double part[16];
    _mm512_storeu_pd(part, even);
    _mm512_storeu_pd(part + 8, odd);
    return lodedb_scan_sum_parts(part);
}
