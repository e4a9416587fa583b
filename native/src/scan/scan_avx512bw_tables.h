/*
 * accumulate_tables with AVX-512BW alone (no VBMI), included by scan_avx512bw.c after
 * scan_avx512_body.h (LODEDB_INLINE, LODEDB_NOINLINE).
 *
 * `vpshufb` looks up 16 entries per 128-bit lane, one table per lane; but a step's 64 bytes of
 * codes mix four groups in every lane (byte 4i + t: group t of vector i). So the codes are
 * transposed once per step, for every query and both nibbles: `vpshufb` puts each lane in group
 * order (byte 4t + k: group t of vector 4L + k), `vpermd` gathers group t into lane t (byte i:
 * vector i). Now lane t needs the table of group t, and the step's 64 table bytes are exactly
 * that: one `vpshufb` per nibble half looks up all entries.
 * A vector's four entries now sit in four lanes, so they are summed over the steps in place, in
 * 16-bit words of two entries each (even byte: vector 2w, odd byte: vector 2w + 1): `all` adds
 * the words as they are (even + 256 * odd, modulo 2^16), `odd` the odd bytes (word >> 8). Each
 * holds at most 255 * 256 per chunk of 256 steps, so odd is exact and even = all - 256 * odd
 * (modulo 2^16) is too. At a chunk's end the lanes are widened to 32 bits, added up and put in
 * vector order (avx512bw_tables_fold) into the sums in `acc`.
 */
#ifndef LODEDB_SCAN_AVX512BW_TABLES_H
#define LODEDB_SCAN_AVX512BW_TABLES_H

#include <immintrin.h>

#include "scan/scan_internal.h"

#define AVX512BW_TABLES_MAX_TILE 4

/* Steps per chunk: 16-bit sums of one entry (<= 255) a step stay exact for 257. */
#define AVX512BW_TABLES_CHUNK 256u

/* The step's codes with lane t holding group t, byte i vector i (codes of vectors 0..15 in the
 * low nibbles, 16..31 in the high nibbles). */
LODEDB_INLINE __m512i avx512bw_transpose(__m512i codes) {
    /* In each lane, bytes 4k + t to 4t + k (a 4 x 4 byte transpose); then dword 4t + L (lane t,
     * vectors 4L..4L+3) from dword 4L + t. Both patterns are the same. */
    const __m512i group_order =
        _mm512_broadcast_i32x4(_mm_setr_epi8(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
    const __m512i lane_order =
        _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    return _mm512_permutexvar_epi32(lane_order, _mm512_shuffle_epi8(codes, group_order));
}

/* One query's entries of one nibble half into its 16-bit sums: `all` the words as they are
 * (even + 256 * odd, modulo 2^16), `odd` the odd bytes. */
LODEDB_INLINE void avx512bw_add_entries(__m512i *all, __m512i *odd, __m512i entries) {
    *all = _mm512_add_epi16(*all, entries);
    *odd = _mm512_add_epi16(*odd, _mm512_srli_epi16(entries, 8));
}

/* The 16 vectors' 32-bit sums of one chunk's pair sums, in vector order. */
LODEDB_INLINE __m512i avx512bw_tables_fold(__m512i all, __m512i odd) {
    __m512i even = _mm512_sub_epi16(all, _mm512_slli_epi16(odd, 8));
    /* Lanes 0 + 2 and 1 + 3 in 32 bits: [even vectors, groups 0 and 2 | groups 1 and 3]. */
    __m512i e = _mm512_add_epi32(_mm512_cvtepu16_epi32(_mm512_castsi512_si256(even)),
                                 _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64(even, 1)));
    __m512i o = _mm512_add_epi32(_mm512_cvtepu16_epi32(_mm512_castsi512_si256(odd)),
                                 _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64(odd, 1)));
    /* Vector i: word i / 2 of e (i even) or o (i odd), plus the same word 8 dwords on. */
    const __m512i first = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const __m512i second =
        _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    return _mm512_add_epi32(_mm512_permutex2var_epi32(e, first, o),
                            _mm512_permutex2var_epi32(e, second, o));
}

/* Adds (or, for the first chunk, stores) one chunk's sums into 16 sums at out. */
LODEDB_INLINE void avx512bw_tables_flush(int32_t *out, __m512i all, __m512i odd, int first) {
    __m512i chunk = avx512bw_tables_fold(all, odd);
    if (!first) {
        chunk = _mm512_add_epi32(chunk, _mm512_loadu_si512((const void *)out));
    }
    _mm512_storeu_si512((void *)out, chunk);
}

LODEDB_INLINE void avx512bw_tables_tile(const uint8_t *block, const uint8_t *tables, size_t stride,
                                        uint32_t steps, int32_t *acc, const int qt,
                                        const int prefetch) {
    const __m512i nibble = _mm512_set1_epi8(0x0f);
    for (uint32_t first = 0; first < steps; first += AVX512BW_TABLES_CHUNK) {
        uint32_t end =
            steps - first < AVX512BW_TABLES_CHUNK ? steps : first + AVX512BW_TABLES_CHUNK;
        /* 16-bit sums of query q's low (lo_*) and high (hi_*) nibble entries. */
        __m512i lo_all[AVX512BW_TABLES_MAX_TILE], lo_odd[AVX512BW_TABLES_MAX_TILE];
        __m512i hi_all[AVX512BW_TABLES_MAX_TILE], hi_odd[AVX512BW_TABLES_MAX_TILE];
#pragma GCC unroll 4
        for (int q = 0; q < qt; q++) {
            lo_all[q] = lo_odd[q] = hi_all[q] = hi_odd[q] = _mm512_setzero_si512();
        }
        for (uint32_t s = first; s < end; s++) {
            if (prefetch) {
                _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s * 64), _MM_HINT_T0);
            }
            __m512i codes =
                avx512bw_transpose(_mm512_loadu_si512((const void *)(block + (size_t)s * 64)));
            __m512i lo_codes = _mm512_and_si512(codes, nibble);
            __m512i hi_codes = _mm512_and_si512(_mm512_srli_epi16(codes, 4), nibble);
            const uint8_t *t = tables + (size_t)s * 64;
#pragma GCC unroll 4
            for (int q = 0; q < qt; q++) {
                __m512i table = _mm512_loadu_si512((const void *)(t + (size_t)q * stride));
                avx512bw_add_entries(&lo_all[q], &lo_odd[q], _mm512_shuffle_epi8(table, lo_codes));
                avx512bw_add_entries(&hi_all[q], &hi_odd[q], _mm512_shuffle_epi8(table, hi_codes));
            }
        }
#pragma GCC unroll 4
        for (int q = 0; q < qt; q++) {
            int32_t *out = acc + (size_t)q * LODEDB_BLOCK_SIZE;
            avx512bw_tables_flush(out, lo_all[q], lo_odd[q], first == 0);
            avx512bw_tables_flush(out + 16, hi_all[q], hi_odd[q], first == 0);
        }
    }
}

#define AVX512BW_TABLES_INSTANCE(qt)                                                               \
    LODEDB_NOINLINE void avx512bw_tables_tile_##qt(const uint8_t *block, const uint8_t *tables,    \
                                                   size_t stride, uint32_t steps, int32_t *acc,    \
                                                   int prefetch) {                                 \
        if (prefetch) {                                                                            \
            avx512bw_tables_tile(block, tables, stride, steps, acc, qt, 1);                        \
        } else {                                                                                   \
            avx512bw_tables_tile(block, tables, stride, steps, acc, qt, 0);                        \
        }                                                                                          \
    }
AVX512BW_TABLES_INSTANCE(1)
AVX512BW_TABLES_INSTANCE(2)
AVX512BW_TABLES_INSTANCE(4)

/* Tiles of four queries, then two, one. */
static void avx512bw_accumulate_tables(const uint8_t *block, const uint8_t *tables,
                                       uint32_t query_count, uint32_t groups, int32_t *acc) {
    static const lodedb_scan_tables_tile_fn tiles[3] = {
        avx512bw_tables_tile_1, avx512bw_tables_tile_2, avx512bw_tables_tile_4};
    lodedb_scan_tables_by_tiles(tiles, 3u, block, tables, query_count, groups, acc);
}

#endif
