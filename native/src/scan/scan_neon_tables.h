/*
 * accumulate_tables with NEON, included by scan_neon.c and scan_neon_dotprod.c after
 * scan_neon_body.h (LODEDB_INLINE; LODEDB_NEON_DOTPROD in the dotprod variant).
 *
 * One step = four 16-byte loads of codes (load k: vectors 4k..4k+3 in the low nibbles,
 * 16+4k..19+4k in the high nibbles, byte b of a load is group 4s + b % 4) and, per query, the
 * step's 64 table bytes in four registers. Each code OR'ed with 16 * (b % 4) indexes those
 * 64 bytes with one `tbl`, giving the entry of its own group; the four entries of a word (one
 * vector's four groups) are added into the vector's sum: with dotprod `udot` against ones
 * (32-bit sums, at most 255 * 16384: exact), tiles of two queries sharing the indexes; without,
 * `uadalp` into 16-bit pair sums (at most 2 * 255 a step, so exact for 128 steps), widened
 * into the 32-bit sums by `uadalp` every 128 steps, one query at a time.
 */
#ifndef LODEDB_SCAN_NEON_TABLES_H
#define LODEDB_SCAN_NEON_TABLES_H

#include <arm_neon.h>

#include "scan/scan_internal.h"

/* Steps whose 16-bit pair sums of entries (<= 2 * 255 a step) stay within 65535. */
#define NEON_PAIR_STEPS 128u

/* The group of byte b of a load is b % 4, and its table starts at byte 16 * (b % 4) of the
 * step's 64: an index is code | 16 * (b % 4). */
typedef struct neon_table_offsets {
    uint8x16_t position; /* b % 4 */
    uint8x16_t offset;   /* 16 * (b % 4) */
} neon_table_offsets;

LODEDB_INLINE neon_table_offsets neon_make_table_offsets(void) {
    neon_table_offsets o;
    o.position = vreinterpretq_u8_u32(vdupq_n_u32(0x03020100u));
    o.offset = vreinterpretq_u8_u32(vdupq_n_u32(0x30201000u));
    return o;
}

/* Table indexes of one load's low (*lo) and high (*hi) nibbles; the shift-left-insert of the
 * position, last, overwrites the codes in place (3 instructions, no register copies). */
LODEDB_INLINE void neon_table_indexes(uint8x16_t codes, neon_table_offsets o, uint8x16_t *lo,
                                      uint8x16_t *hi) {
    *hi = vorrq_u8(vshrq_n_u8(codes, 4), o.offset);
    *lo = vsliq_n_u8(codes, o.position, 4);
}

#if defined(LODEDB_NEON_DOTPROD)
/* Entries of one query's step tables t for load k's indexes, summed by words into a[k] (low
 * nibbles: vectors 4k..4k+3) and a[4 + k] (high nibbles: vectors 16+4k..19+4k). */
LODEDB_INLINE void neon_tables_add(uint32x4_t *a, uint8x16x4_t t, uint8x16_t lo, uint8x16_t hi,
                                   uint8x16_t ones, int k) {
    a[k] = vdotq_u32(a[k], vqtbl4q_u8(t, lo), ones);
    a[4 + k] = vdotq_u32(a[4 + k], vqtbl4q_u8(t, hi), ones);
}

/* qt (1 or 2) queries of group tables (stride bytes apart) against one block. */
LODEDB_INLINE void neon_tables_tile(const uint8_t *block, const uint8_t *tables, size_t stride,
                                    uint32_t steps, int32_t *out, const int qt) {
    const uint8x16_t ones = vdupq_n_u8(1);
    const neon_table_offsets offsets = neon_make_table_offsets();
    uint32x4_t acc[16];
    for (int i = 0; i < 16; i++) {
        acc[i] = vdupq_n_u32(0);
    }
    for (uint32_t s = 0; s < steps; s++) {
        __builtin_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s * 64));
        const uint8_t *step = block + (size_t)s * 64;
        /* Two named tables rather than an array, which GCC keeps in memory. */
        uint8x16x4_t t0 = vld1q_u8_x4(tables + (size_t)s * 64);
        uint8x16x4_t t1 = qt == 2 ? vld1q_u8_x4(tables + stride + (size_t)s * 64) : t0;
        /* Load by load, so that few indexes are live beside two queries' tables and 16 sums. */
        for (int k = 0; k < 4; k++) {
            uint8x16_t lo, hi;
            neon_table_indexes(vld1q_u8(step + (size_t)k * 16), offsets, &lo, &hi);
            neon_tables_add(acc, t0, lo, hi, ones, k);
            if (qt == 2) {
                neon_tables_add(acc + 8, t1, lo, hi, ones, k);
            }
        }
    }
    for (int q = 0; q < qt; q++) {
        int32_t *o = out + (size_t)q * LODEDB_BLOCK_SIZE;
        for (int k = 0; k < 8; k++) {
            vst1q_s32(o + 4 * k, vreinterpretq_s32_u32(acc[q * 8 + k]));
        }
    }
}
#else
/* One query: 16-bit pair sums, widened every NEON_PAIR_STEPS steps. */
LODEDB_INLINE void neon_tables_tile(const uint8_t *block, const uint8_t *tables, size_t stride,
                                    uint32_t steps, int32_t *out, const int qt) {
    (void)stride;
    (void)qt;
    const neon_table_offsets offsets = neon_make_table_offsets();
    uint32x4_t acc[8];
    for (int k = 0; k < 8; k++) {
        acc[k] = vdupq_n_u32(0);
    }
    for (uint32_t first = 0; first < steps; first += NEON_PAIR_STEPS) {
        uint32_t end = steps - first < NEON_PAIR_STEPS ? steps : first + NEON_PAIR_STEPS;
        uint16x8_t pairs[8];
        for (int k = 0; k < 8; k++) {
            pairs[k] = vdupq_n_u16(0);
        }
        for (uint32_t s = first; s < end; s++) {
            __builtin_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s * 64));
            uint8x16x4_t t = vld1q_u8_x4(tables + (size_t)s * 64);
            for (int k = 0; k < 4; k++) {
                uint8x16_t lo, hi;
                neon_table_indexes(vld1q_u8(block + (size_t)s * 64 + (size_t)k * 16), offsets, &lo,
                                   &hi);
                pairs[k] = vpadalq_u8(pairs[k], vqtbl4q_u8(t, lo));
                pairs[4 + k] = vpadalq_u8(pairs[4 + k], vqtbl4q_u8(t, hi));
            }
        }
        for (int k = 0; k < 8; k++) {
            acc[k] = vpadalq_u16(acc[k], pairs[k]);
        }
    }
    for (int k = 0; k < 8; k++) {
        vst1q_s32(out + 4 * k, vreinterpretq_s32_u32(acc[k]));
    }
}
#endif

static void neon_accumulate_tables(const uint8_t *block, const uint8_t *tables,
                                   uint32_t query_count, uint32_t groups, int32_t *acc) {
    const size_t stride = (size_t)groups * 16;
    const uint32_t steps = groups / 4;
    uint32_t q = 0;
#if defined(LODEDB_NEON_DOTPROD)
    for (; q + 2 <= query_count; q += 2) {
        neon_tables_tile(block, tables + q * stride, stride, steps,
                         acc + (size_t)q * LODEDB_BLOCK_SIZE, 2);
    }
#endif
    for (; q < query_count; q++) {
        neon_tables_tile(block, tables + q * stride, stride, steps,
                         acc + (size_t)q * LODEDB_BLOCK_SIZE, 1);
    }
}

#endif
