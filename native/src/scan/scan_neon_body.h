/*
 * The NEON permute-dot kernel, included by scan_neon.c (`smull` + `sadalp`, any aarch64 CPU)
 * and scan_neon_dotprod.c (`sdot`, Armv8.2 dotprod, with LODEDB_NEON_DOTPROD defined): one
 * source, two instruction choices for the 4-byte dot product, both tested against the scalar
 * reference.
 *
 * One step = four groups of all 32 vectors = four 16-byte loads (scan_kernels.h): load k holds
 * vectors 4k..4k+3 in the low nibbles and 16+4k..19+4k in the high nibbles, each 32-bit word one
 * vector's four group codes. `tbl` turns codes into levels (0..127, so the same bytes as int8),
 * and the dot product adds level x weight of four groups into the vector's 32-bit sum, with the
 * query's four weights repeated in every word. Without dotprod, `smull` gives 16-bit products
 * and `sadalp` adds adjacent pairs into 32-bit half sums, added up once at the end.
 */
#include <arm_neon.h>
#include <string.h>

#include "scan/scan_internal.h"

#if defined(__GNUC__)
#define LODEDB_INLINE static inline __attribute__((always_inline))
#else
#define LODEDB_INLINE static inline
#endif

LODEDB_INLINE int8x16_t neon_weight(const int8_t *p) {
    int32_t word;
    memcpy(&word, p, sizeof word);
    return vreinterpretq_s8_s32(vdupq_n_s32(word));
}

#if defined(LODEDB_NEON_DOTPROD)
#define NEON_MAX_TILE 2
#define NEON_ACCS 8 /* per query: vectors 4k..4k+3 (k = 0..7) */
#else
#define NEON_MAX_TILE 1
#define NEON_ACCS 16 /* per query: half sums, two per four vectors */
#endif

/* levels[k] (k = 0..7: low nibbles of loads 0..3, then high nibbles) against qt queries. */
LODEDB_INLINE void neon_term(const int8x16_t *levels, const int8_t *w, size_t stride,
                             int32x4_t *acc, const int qt) {
    for (int q = 0; q < qt; q++) {
        int8x16_t wq = neon_weight(w + (size_t)q * stride);
        int32x4_t *a = acc + q * NEON_ACCS;
        for (int k = 0; k < 8; k++) {
#if defined(LODEDB_NEON_DOTPROD)
            a[k] = vdotq_s32(a[k], levels[k], wq);
#else
            a[2 * k] = vpadalq_s16(a[2 * k], vmull_s8(vget_low_s8(levels[k]), vget_low_s8(wq)));
            a[2 * k + 1] = vpadalq_s16(a[2 * k + 1], vmull_high_s8(levels[k], wq));
#endif
        }
    }
}

LODEDB_INLINE void neon_tile(const uint8_t *block, const lodedb_scan_levels *levels,
                             const int8_t *weights, size_t stride, uint32_t steps, int32_t *out,
                             const int qt, const uint32_t terms) {
    const uint8x16_t mask = vdupq_n_u8(0x0f);
    const uint8x16_t table0 = vld1q_u8(levels->table[0]);
    const uint8x16_t table1 = vld1q_u8(levels->table[1]);
    int32x4_t acc[NEON_MAX_TILE * NEON_ACCS];
    for (int i = 0; i < qt * NEON_ACCS; i++) {
        acc[i] = vdupq_n_s32(0);
    }
    for (uint32_t s = 0; s < steps; s++) {
        __builtin_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)s * 64));
        uint8x16_t lo[4], hi[4];
        for (int k = 0; k < 4; k++) {
            uint8x16_t codes = vld1q_u8(block + (size_t)s * 64 + (size_t)k * 16);
            lo[k] = vandq_u8(codes, mask);
            hi[k] = vshrq_n_u8(codes, 4);
        }
        const int8_t *w = weights + (size_t)s * terms * 4;
        for (uint32_t t = 0; t < terms; t++) {
            uint8x16_t table = t == 0 ? table0 : table1;
            int8x16_t l[8];
            for (int k = 0; k < 4; k++) {
                l[k] = vreinterpretq_s8_u8(vqtbl1q_u8(table, lo[k]));
                l[4 + k] = vreinterpretq_s8_u8(vqtbl1q_u8(table, hi[k]));
            }
            neon_term(l, w + 4 * t, stride, acc, qt);
        }
    }
    for (int q = 0; q < qt; q++) {
        int32_t *o = out + (size_t)q * LODEDB_BLOCK_SIZE;
        const int32x4_t *a = acc + q * NEON_ACCS;
        for (int k = 0; k < 8; k++) {
#if defined(LODEDB_NEON_DOTPROD)
            vst1q_s32(o + 4 * k, a[k]);
#else
            vst1q_s32(o + 4 * k, vpaddq_s32(a[2 * k], a[2 * k + 1]));
#endif
        }
    }
}

static void neon_accumulate(const uint8_t *block, const lodedb_scan_levels *levels,
                            const int8_t *weights, uint32_t query_count, uint32_t groups,
                            int32_t *acc) {
    const size_t stride = (size_t)groups * levels->terms;
    const uint32_t steps = groups / 4;
    const int two_terms = levels->terms == 2;
    uint32_t q = 0;
#if NEON_MAX_TILE >= 2
    for (; q + 2 <= query_count; q += 2) {
        if (two_terms) {
            neon_tile(block, levels, weights + q * stride, stride, steps,
                      acc + (size_t)q * LODEDB_BLOCK_SIZE, 2, 2);
        } else {
            neon_tile(block, levels, weights + q * stride, stride, steps,
                      acc + (size_t)q * LODEDB_BLOCK_SIZE, 2, 1);
        }
    }
#endif
    for (; q < query_count; q++) {
        if (two_terms) {
            neon_tile(block, levels, weights + q * stride, stride, steps,
                      acc + (size_t)q * LODEDB_BLOCK_SIZE, 1, 2);
        } else {
            neon_tile(block, levels, weights + q * stride, stride, steps,
                      acc + (size_t)q * LODEDB_BLOCK_SIZE, 1, 1);
        }
    }
}
