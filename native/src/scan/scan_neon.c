/*
 * NEON scan kernels (aarch64 only, where Advanced SIMD is baseline).
 *
 * One 128-bit load is one group of a block; `tbl` (vqtbl1q_u8) looks up 16 partial scores of
 * the low nibbles (vectors 0..15) and 16 of the high nibbles (vectors 16..31). Results are
 * widened straight into 16-bit lanes with uaddw/uaddw2, and the 16-bit lanes into the 32-bit
 * sums after at most LODEDB_SCAN_U16_STEPS groups, so any LUT and group count is exact.
 * accumulate_many extracts the nibbles once per group for a tile of queries held in registers.
 */
#include <arm_neon.h>

#include "scan/scan_internal.h"

#define NEON_MANY_TILE 4

#if defined(__GNUC__)
#define LODEDB_INLINE static inline __attribute__((always_inline))
#else
#define LODEDB_INLINE static inline
#endif

/* Adds 16 vectors of 16-bit sums (lo: vectors 0..7, hi: 8..15) to out[0..15]. */
LODEDB_INLINE void neon_widen(uint16x8_t lo, uint16x8_t hi, uint32_t *out) {
    vst1q_u32(out, vaddw_u16(vld1q_u32(out), vget_low_u16(lo)));
    vst1q_u32(out + 4, vaddw_high_u16(vld1q_u32(out + 4), lo));
    vst1q_u32(out + 8, vaddw_u16(vld1q_u32(out + 8), vget_low_u16(hi)));
    vst1q_u32(out + 12, vaddw_high_u16(vld1q_u32(out + 12), hi));
}

LODEDB_INLINE void neon_tile(const uint8_t *block, const uint8_t *luts, size_t lut_stride,
                             uint32_t groups, uint32_t *acc, const int qt) {
    const uint8x16_t mask = vdupq_n_u8(0x0f);
    for (int q = 0; q < qt; q++) {
        for (int k = 0; k < LODEDB_BLOCK_SIZE; k++) {
            acc[q * LODEDB_BLOCK_SIZE + k] = 0;
        }
    }
    for (uint32_t start = 0; start < groups; start += LODEDB_SCAN_U16_STEPS) {
        uint32_t end =
            groups - start > LODEDB_SCAN_U16_STEPS ? start + LODEDB_SCAN_U16_STEPS : groups;
        uint16x8_t s0[NEON_MANY_TILE], s1[NEON_MANY_TILE], s2[NEON_MANY_TILE], s3[NEON_MANY_TILE];
        for (int q = 0; q < qt; q++) {
            s0[q] = s1[q] = s2[q] = s3[q] = vdupq_n_u16(0);
        }
        for (uint32_t g = start; g < end; g++) {
            if ((g & 3u) == 0) { /* one prefetch per 64-byte line */
                __builtin_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)g * 16));
            }
            uint8x16_t codes = vld1q_u8(block + (size_t)g * 16);
            uint8x16_t lo = vandq_u8(codes, mask);
            uint8x16_t hi = vshrq_n_u8(codes, 4);
            for (int q = 0; q < qt; q++) {
                uint8x16_t table = vld1q_u8(luts + (size_t)q * lut_stride + (size_t)g * 16);
                uint8x16_t r_lo = vqtbl1q_u8(table, lo);
                uint8x16_t r_hi = vqtbl1q_u8(table, hi);
                s0[q] = vaddw_u8(s0[q], vget_low_u8(r_lo));
                s1[q] = vaddw_high_u8(s1[q], r_lo);
                s2[q] = vaddw_u8(s2[q], vget_low_u8(r_hi));
                s3[q] = vaddw_high_u8(s3[q], r_hi);
            }
        }
        for (int q = 0; q < qt; q++) {
            neon_widen(s0[q], s1[q], acc + q * LODEDB_BLOCK_SIZE);
            neon_widen(s2[q], s3[q], acc + q * LODEDB_BLOCK_SIZE + 16);
        }
    }
}

static void neon_accumulate(const uint8_t *block, const uint8_t *lut, uint32_t groups,
                            uint32_t *acc) {
    neon_tile(block, lut, 0, groups, acc, 1);
}

static void neon_accumulate_many(const uint8_t *block, const uint8_t *luts, uint32_t query_count,
                                 uint32_t groups, uint32_t *acc) {
    const size_t stride = (size_t)groups * 16;
    uint32_t q = 0;
    for (; q + NEON_MANY_TILE <= query_count; q += NEON_MANY_TILE) {
        neon_tile(block, luts + q * stride, stride, groups, acc + (size_t)q * LODEDB_BLOCK_SIZE,
                  NEON_MANY_TILE);
    }
    for (; q + 2 <= query_count; q += 2) {
        neon_tile(block, luts + q * stride, stride, groups, acc + (size_t)q * LODEDB_BLOCK_SIZE, 2);
    }
    for (; q < query_count; q++) {
        neon_tile(block, luts + q * stride, stride, groups, acc + (size_t)q * LODEDB_BLOCK_SIZE, 1);
    }
}

const lodedb_scan_kernels lodedb_scan_kernels_neon = {
    LODEDB_SIMD_NEON, neon_accumulate, neon_accumulate_many};
