/*
 * accumulate_tables with AVX-512 VBMI + VNNI, included by scan_avx512vnni_vbmi.c after
 * scan_avx512_body.h (LODEDB_INLINE, LODEDB_NOINLINE, avx512_store_tile).
 *
 * One step = one 64-byte load of codes = four groups of all 32 vectors (scan_kernels.h), and
 * per query the step's 64 table bytes, the tables of its four groups. The group of byte b is
 * b % 4 and its table starts at table byte 16 * (b % 4), so index = nibble | 16 * (b % 4)
 * (one `vpternlogd`: mask and OR with a constant) looks up every code's entry with one `vpermb`
 * over the 64 table bytes, per nibble half. `vpdpbusd` against ones adds each 32-bit word's four
 * entries, one vector's four groups, into that vector's 32-bit sum (at most 255 * 16384: exact).
 * The indexes are shared by a tile of up to 8 queries, as in avx512_tile; small tiles take steps
 * in rounds of `split` into separate accumulators (the `vpdpbusd` latency chain).
 */
#ifndef LODEDB_SCAN_AVX512VBMI_TABLES_H
#define LODEDB_SCAN_AVX512VBMI_TABLES_H

#include <immintrin.h>

#include "scan/scan_internal.h"

#define VBMI_TABLES_MAX_TILE 8

/* vpternlogd truth table of (a & b) | c. */
#define VBMI_A_AND_B_OR_C 0xEA

/* One step for qt queries (tables `stride` bytes apart) into lo_acc[q], hi_acc[q]. */
LODEDB_INLINE void vbmi_tables_step(const uint8_t *block, const uint8_t *tables, size_t stride,
                                    uint32_t s, __m512i nibble, __m512i offsets, __m512i ones,
                                    __m512i *lo_acc, __m512i *hi_acc, const int qt,
                                    const int prefetch) {
    if (prefetch) {
        _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s * 64), _MM_HINT_T0);
    }
    __m512i codes = _mm512_loadu_si512((const void *)(block + (size_t)s * 64));
    __m512i lo = _mm512_ternarylogic_epi32(codes, nibble, offsets, VBMI_A_AND_B_OR_C);
    __m512i hi =
        _mm512_ternarylogic_epi32(_mm512_srli_epi16(codes, 4), nibble, offsets, VBMI_A_AND_B_OR_C);
    const uint8_t *t = tables + (size_t)s * 64;
#pragma GCC unroll 8
    for (int q = 0; q < qt; q++) {
        __m512i table = _mm512_loadu_si512((const void *)(t + (size_t)q * stride));
        lo_acc[q] = _mm512_dpbusd_epi32(lo_acc[q], _mm512_permutexvar_epi8(lo, table), ones);
        hi_acc[q] = _mm512_dpbusd_epi32(hi_acc[q], _mm512_permutexvar_epi8(hi, table), ones);
    }
}

LODEDB_INLINE void vbmi_tables_tile(const uint8_t *block, const uint8_t *tables, size_t stride,
                                    uint32_t steps, int32_t *acc, const int qt,
                                    const int prefetch) {
    const int split = qt == 1 ? 4 : qt == 2 ? 2 : 1;
    const __m512i nibble = _mm512_set1_epi8(0x0f);
    const __m512i offsets = _mm512_set1_epi32(0x30201000); /* 16 * (b % 4) */
    const __m512i ones = _mm512_set1_epi8(1);
    __m512i lo_acc[VBMI_TABLES_MAX_TILE], hi_acc[VBMI_TABLES_MAX_TILE]; /* [u * qt + q] */
#pragma GCC unroll 8
    for (int i = 0; i < qt * split; i++) {
        lo_acc[i] = _mm512_setzero_si512();
        hi_acc[i] = _mm512_setzero_si512();
    }
    uint32_t s = 0;
    for (; s + (uint32_t)split <= steps; s += (uint32_t)split) {
#pragma GCC unroll 4
        for (int u = 0; u < split; u++) {
            vbmi_tables_step(block, tables, stride, s + (uint32_t)u, nibble, offsets, ones,
                             lo_acc + u * qt, hi_acc + u * qt, qt, prefetch && u == 0);
        }
    }
    for (; s < steps; s++) {
        vbmi_tables_step(block, tables, stride, s, nibble, offsets, ones, lo_acc, hi_acc, qt,
                         prefetch);
    }
    avx512_store_tile(acc, lo_acc, hi_acc, qt, split);
}

/* Out-of-line instances per tile width, so each keeps its accumulators in registers. */
#define VBMI_TABLES_INSTANCE(qt)                                                                   \
    LODEDB_NOINLINE void vbmi_tables_tile_##qt(const uint8_t *block, const uint8_t *tables,        \
                                               size_t stride, uint32_t steps, int32_t *acc,        \
                                               int prefetch) {                                     \
        if (prefetch) {                                                                            \
            vbmi_tables_tile(block, tables, stride, steps, acc, qt, 1);                            \
        } else {                                                                                   \
            vbmi_tables_tile(block, tables, stride, steps, acc, qt, 0);                            \
        }                                                                                          \
    }
VBMI_TABLES_INSTANCE(1)
VBMI_TABLES_INSTANCE(2)
VBMI_TABLES_INSTANCE(4)
VBMI_TABLES_INSTANCE(8)

/* Tiles of eight queries, then four, two, one. */
static void vbmi_accumulate_tables(const uint8_t *block, const uint8_t *tables,
                                   uint32_t query_count, uint32_t groups, int32_t *acc) {
    static const lodedb_scan_tables_tile_fn tiles[4] = {vbmi_tables_tile_1, vbmi_tables_tile_2,
                                                        vbmi_tables_tile_4, vbmi_tables_tile_8};
    lodedb_scan_tables_by_tiles(tiles, 4u, block, tables, query_count, groups, acc);
}

#endif
