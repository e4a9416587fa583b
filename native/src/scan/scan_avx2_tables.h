/*
 * accumulate_tables with AVX2, included by scan_avx2.c (LODEDB_INLINE, LODEDB_NOINLINE; this
 * file is compiled with -mavx2). The AVX-512BW form on 256-bit registers
 * (scan_avx512bw_tables.h): `vpshufb` looks up 16 entries per 128-bit lane, one table per lane,
 * but a step's codes mix four groups in every lane (byte 4i + t: group t of vector i).
 * So the step's codes are transposed once, for every query and both nibbles, into two
 * registers of two lanes: lane t of the first and lane t of the second hold groups t and 2 + t,
 * byte i vector i (`vpshufb` into group order within each lane, `vpermd`, `vpunpck[lh]qdq`).
 * Their tables are the step's table bytes 0..31 and 32..63 as they are: one `vpshufb` each per
 * nibble half.
 * A vector's entries sit in both lanes of both registers, so they are summed over the steps in
 * place, in 16-bit words of two entries (even byte: vector 2w, odd byte: vector 2w + 1): `all`
 * adds the words as they are (even + 256 * odd, modulo 2^16), `odd` the odd bytes (word >> 8).
 * Both registers add into the same sums, at most 2 * 255 a step, so a chunk of 128 steps stays
 * within 16 bits: odd is exact and even = all - 256 * odd (modulo 2^16) is too. At a chunk's end
 * the lanes are widened to 32 bits, added up and put in vector order (avx2_tables_fold) into the
 * sums in `acc`.
 */
#ifndef LODEDB_SCAN_AVX2_TABLES_H
#define LODEDB_SCAN_AVX2_TABLES_H

#include <immintrin.h>

#include "scan/scan_internal.h"

#define AVX2_TABLES_MAX_TILE 2

/* Steps per chunk: 16-bit sums of two entries (<= 510) a step stay exact for 128. */
#define AVX2_TABLES_CHUNK 128u

/* One 16-bit sum pair: one query's entries of one nibble half. */
typedef struct avx2_pair_sums {
    __m256i all; /* the words added as they are: even + 256 * odd (mod 2^16) */
    __m256i odd; /* the odd bytes */
} avx2_pair_sums;

/* The step's codes, transposed: out[0] holds groups 0 | 1 (lane 0 | lane 1), out[1] groups
 * 2 | 3, byte i of a lane vector i (low nibbles vectors 0..15, high nibbles 16..31). */
LODEDB_INLINE void avx2_transpose(const uint8_t *step, __m256i *out) {
    /* In each lane (vectors 4L..4L+3), bytes 4k + t to 4t + k: dword t is group t. */
    const __m256i group_order = _mm256_broadcastsi128_si256(
        _mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
    /* Lanes L, L + 1 (dwords (L, t), (L + 1, t)) to [(L,0) (L+1,0) (L,2) (L+1,2) |
     * (L,1) (L+1,1) (L,3) (L+1,3)], so that the qword unpacks of the two registers below meet
     * lanes 0..3 of one group. */
    const __m256i dword_order = _mm256_setr_epi32(0, 4, 2, 6, 1, 5, 3, 7);
    __m256i a = _mm256_permutevar8x32_epi32(
        _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)step), group_order), dword_order);
    __m256i b = _mm256_permutevar8x32_epi32(
        _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(step + 32)), group_order),
        dword_order);
    out[0] = _mm256_unpacklo_epi64(a, b);
    out[1] = _mm256_unpackhi_epi64(a, b);
}

LODEDB_INLINE void avx2_add_entries(avx2_pair_sums *sums, __m256i entries) {
    sums->all = _mm256_add_epi16(sums->all, entries);
    sums->odd = _mm256_add_epi16(sums->odd, _mm256_srli_epi16(entries, 8));
}

/* Adds (or, for the first chunk, stores) one chunk's sums of 16 vectors into out[0..15]. */
LODEDB_INLINE void avx2_tables_flush(int32_t *out, avx2_pair_sums sums, int first) {
    __m256i even16 = _mm256_sub_epi16(sums.all, _mm256_slli_epi16(sums.odd, 8));
    /* Both lanes added in 32 bits: word w of even = vector 2w, of odd = vector 2w + 1. */
    __m256i even = _mm256_add_epi32(_mm256_cvtepu16_epi32(_mm256_castsi256_si128(even16)),
                                    _mm256_cvtepu16_epi32(_mm256_extracti128_si256(even16, 1)));
    __m256i odd = _mm256_add_epi32(_mm256_cvtepu16_epi32(_mm256_castsi256_si128(sums.odd)),
                                   _mm256_cvtepu16_epi32(_mm256_extracti128_si256(sums.odd, 1)));
    /* Interleaved: vectors 0..3 | 8..11 and 4..7 | 12..15; then lanes regrouped. */
    __m256i v0 = _mm256_unpacklo_epi32(even, odd);
    __m256i v1 = _mm256_unpackhi_epi32(even, odd);
    __m256i low = _mm256_permute2x128_si256(v0, v1, 0x20);
    __m256i high = _mm256_permute2x128_si256(v0, v1, 0x31);
    if (!first) {
        low = _mm256_add_epi32(low, _mm256_loadu_si256((const __m256i *)out));
        high = _mm256_add_epi32(high, _mm256_loadu_si256((const __m256i *)(out + 8)));
    }
    _mm256_storeu_si256((__m256i *)out, low);
    _mm256_storeu_si256((__m256i *)(out + 8), high);
}

LODEDB_INLINE void avx2_tables_tile(const uint8_t *block, const uint8_t *tables, size_t stride,
                                    uint32_t steps, int32_t *acc, const int qt,
                                    const int prefetch) {
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    for (uint32_t first = 0; first < steps; first += AVX2_TABLES_CHUNK) {
        uint32_t end = steps - first < AVX2_TABLES_CHUNK ? steps : first + AVX2_TABLES_CHUNK;
        avx2_pair_sums lo[AVX2_TABLES_MAX_TILE], hi[AVX2_TABLES_MAX_TILE];
#pragma GCC unroll 2
        for (int q = 0; q < qt; q++) {
            lo[q].all = lo[q].odd = hi[q].all = hi[q].odd = _mm256_setzero_si256();
        }
        for (uint32_t s = first; s < end; s++) {
            if (prefetch) {
                _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s * 64), _MM_HINT_T0);
            }
            __m256i codes[2];
            avx2_transpose(block + (size_t)s * 64, codes);
            /* Half h: groups 2h, 2h + 1, against table bytes 32h..32h+31. */
#pragma GCC unroll 2
            for (int h = 0; h < 2; h++) {
                __m256i lo_codes = _mm256_and_si256(codes[h], nibble);
                __m256i hi_codes = _mm256_and_si256(_mm256_srli_epi16(codes[h], 4), nibble);
                const uint8_t *t = tables + (size_t)s * 64 + (size_t)h * 32;
#pragma GCC unroll 2
                for (int q = 0; q < qt; q++) {
                    __m256i table = _mm256_loadu_si256((const __m256i *)(t + (size_t)q * stride));
                    avx2_add_entries(&lo[q], _mm256_shuffle_epi8(table, lo_codes));
                    avx2_add_entries(&hi[q], _mm256_shuffle_epi8(table, hi_codes));
                }
            }
        }
#pragma GCC unroll 2
        for (int q = 0; q < qt; q++) {
            int32_t *out = acc + (size_t)q * LODEDB_BLOCK_SIZE;
            avx2_tables_flush(out, lo[q], first == 0);
            avx2_tables_flush(out + 16, hi[q], first == 0);
        }
    }
}

#define AVX2_TABLES_INSTANCE(qt)                                                                   \
    LODEDB_NOINLINE void avx2_tables_tile_##qt(const uint8_t *block, const uint8_t *tables,        \
                                               size_t stride, uint32_t steps, int32_t *acc,        \
                                               int prefetch) {                                     \
        if (prefetch) {                                                                            \
            avx2_tables_tile(block, tables, stride, steps, acc, qt, 1);                            \
        } else {                                                                                   \
            avx2_tables_tile(block, tables, stride, steps, acc, qt, 0);                            \
        }                                                                                          \
    }
AVX2_TABLES_INSTANCE(1)
AVX2_TABLES_INSTANCE(2)

/* Tiles of two queries, then one. */
static void avx2_accumulate_tables(const uint8_t *block, const uint8_t *tables,
                                   uint32_t query_count, uint32_t groups, int32_t *acc) {
    static const lodedb_scan_tables_tile_fn tiles[2] = {avx2_tables_tile_1, avx2_tables_tile_2};
    lodedb_scan_tables_by_tiles(tiles, 2u, block, tables, query_count, groups, acc);
}

#endif
