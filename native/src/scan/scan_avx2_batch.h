/*
 * The AVX2 kernel's wide tiles (4 or 8 queries), included by scan_avx2.c (LODEDB_INLINE,
 * LODEDB_NOINLINE, avx2_quarter, avx2_weight; this file is compiled with -mavx2).
 *
 * Per step and query the narrow tiles (avx2_tile) broadcast the query's weights and issue the
 * dot products, and they share the level expansion (mask, shift, `vpshufb`: about as many
 * vector operations as one query's dot products) only between the queries whose accumulators
 * fit the sixteen YMM registers: two. Here the block is taken a quarter (8 vectors) at a time,
 * so each query needs one accumulator and up to 8 queries share every expansion; and the
 * weights of a chunk of rounds are broadcast once into a buffer, so the four quarter passes
 * read them as memory operands of `vpmaddubsw` instead of broadcasting them again. The sums are
 * the same integers as avx2_tile's (the pairing of operands into rounds is the same).
 */
#ifndef LODEDB_SCAN_AVX2_BATCH_H
#define LODEDB_SCAN_AVX2_BATCH_H

#include <immintrin.h>

#include "scan/scan_internal.h"

#define AVX2_WIDE_MAX_TILE 8

/* Rounds per chunk: the broadcast weights of 8 queries take 8 * 8 * 2 * 32 = 4 KiB. */
#define AVX2_WIDE_CHUNK 8u

/* qt queries against one block; the rounds are avx2_tile's: steps s, s + 1 (one term; an odd
 * last step pairs with itself under zero weights) or the two terms of step s. out[q * 32 + 8h
 * .. + 7] receives quarter h of query q, and holds the running sums between chunks. */
LODEDB_INLINE void avx2_wide_tile(const uint8_t *block, const lodedb_scan_levels *levels,
                                  const int8_t *weights, size_t stride, uint32_t steps,
                                  int32_t *out, const int qt, const uint32_t terms,
                                  const int prefetch) {
    const __m256i mask = _mm256_set1_epi8(0x0f);
    const __m256i ones = _mm256_set1_epi16(1);
    const __m256i table_a =
        _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)levels->table[0]));
    const __m256i table_b = _mm256_broadcastsi128_si256(
        _mm_loadu_si128((const __m128i *)levels->table[terms == 2 ? 1 : 0]));
    __m256i wide[AVX2_WIDE_MAX_TILE][AVX2_WIDE_CHUNK][2];
    const uint32_t rounds = terms == 2 ? steps : (steps + 1u) / 2u;
    for (uint32_t first = 0; first < rounds; first += AVX2_WIDE_CHUNK) {
        const uint32_t n = rounds - first < AVX2_WIDE_CHUNK ? rounds - first : AVX2_WIDE_CHUNK;
        for (uint32_t r = 0; r < n; r++) {
            /* Operand a's and b's weights: terms 0, 1 of a step, or steps s, s + 1. */
            const uint32_t s = terms == 2 ? first + r : 2u * (first + r);
            const size_t a = (size_t)s * terms * 4u;
            const int pair = terms == 2 || s + 1u < steps;
#pragma GCC unroll 8
            for (int q = 0; q < qt; q++) {
                const int8_t *w = weights + (size_t)q * stride + a;
                wide[q][r][0] = avx2_weight(w);
                wide[q][r][1] = pair ? avx2_weight(w + 4) : _mm256_setzero_si256();
            }
        }
#pragma GCC unroll 1
        for (int h = 0; h < 4; h++) {
            __m256i acc[AVX2_WIDE_MAX_TILE];
#pragma GCC unroll 8
            for (int q = 0; q < qt; q++) {
                acc[q] = first == 0 ? _mm256_setzero_si256()
                                    : _mm256_loadu_si256((const __m256i *)(out + q * 32 + h * 8));
            }
            for (uint32_t r = 0; r < n; r++) {
                const uint32_t s = terms == 2 ? first + r : 2u * (first + r);
                const uint8_t *step_a = block + (size_t)s * 64;
                const uint8_t *step_b = terms == 2 || s + 1u >= steps ? step_a : step_a + 64;
                if (prefetch && h == 0) {
                    _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s * 64), _MM_HINT_T0);
                    _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s * 64 + 64), _MM_HINT_T0);
                }
                __m256i la = _mm256_shuffle_epi8(table_a, avx2_quarter(step_a, h, mask));
                __m256i lb = _mm256_shuffle_epi8(table_b, avx2_quarter(step_b, h, mask));
#pragma GCC unroll 8
                for (int q = 0; q < qt; q++) {
                    __m256i pairs = _mm256_add_epi16(_mm256_maddubs_epi16(la, wide[q][r][0]),
                                                     _mm256_maddubs_epi16(lb, wide[q][r][1]));
                    acc[q] = _mm256_add_epi32(acc[q], _mm256_madd_epi16(pairs, ones));
                }
            }
#pragma GCC unroll 8
            for (int q = 0; q < qt; q++) {
                _mm256_storeu_si256((__m256i *)(out + q * 32 + h * 8), acc[q]);
            }
        }
    }
}

#define AVX2_WIDE_INSTANCE(qt, terms)                                                              \
    LODEDB_NOINLINE void avx2_wide_tile_##qt##_##terms(                                            \
        const uint8_t *block, const lodedb_scan_levels *levels, const int8_t *weights,             \
        size_t stride, uint32_t steps, int32_t *acc, int prefetch) {                               \
        if (prefetch) {                                                                            \
            avx2_wide_tile(block, levels, weights, stride, steps, acc, qt, terms, 1);              \
        } else {                                                                                   \
            avx2_wide_tile(block, levels, weights, stride, steps, acc, qt, terms, 0);              \
        }                                                                                          \
    }
AVX2_WIDE_INSTANCE(4, 1)
AVX2_WIDE_INSTANCE(8, 1)
AVX2_WIDE_INSTANCE(4, 2)
AVX2_WIDE_INSTANCE(8, 2)

#endif
