/*
 * The per-block reductions behind the scan's block bound (search.c, scan_part): an upper bound
 * of a block's largest sum and the range of its scales. Inline: they run once per block and
 * query.
 */
#ifndef LODEDB_SEARCH_BLOCK_BOUND_H
#define LODEDB_SEARCH_BLOCK_BOUND_H

#include <stdint.h>
#include <string.h>

#include "scan/scan_kernels.h"

#if defined(__SSE2__) && !defined(LODEDB_SEARCH_PORTABLE)
#include <emmintrin.h>
#endif

/* Per-block reductions for the bound in scan_part. Two versions (each an exact or upward
 * bound, so the skip is exact with either): SSE2 (baseline on x86-64, where compilers keep a
 * running 32-bit integer maximum scalar or emulate it with compare-and-blend) and portable C
 * (vectorised as is where the ISA has 32-bit integer max, e.g. NEON). LODEDB_SEARCH_PORTABLE
 * forces the portable one, to test it on x86. */
#if defined(__SSE2__) && !defined(LODEDB_SEARCH_PORTABLE)
/* An upper bound of the largest of a block's 32 (signed) sums. The int32 -> float conversion
 * is exact below 2^24 in magnitude and otherwise rounds by at most |f| * 2^-24, which the
 * result adds back (exactly, in double). */
static inline double lodedb_block_max_sum(const int32_t *sums) {
    const __m128i *v = (const __m128i *)sums;
    __m128 a =
        _mm_max_ps(_mm_cvtepi32_ps(_mm_loadu_si128(v)), _mm_cvtepi32_ps(_mm_loadu_si128(v + 1)));
    __m128 b = _mm_max_ps(_mm_cvtepi32_ps(_mm_loadu_si128(v + 2)),
                          _mm_cvtepi32_ps(_mm_loadu_si128(v + 3)));
    __m128 c = _mm_max_ps(_mm_cvtepi32_ps(_mm_loadu_si128(v + 4)),
                          _mm_cvtepi32_ps(_mm_loadu_si128(v + 5)));
    __m128 d = _mm_max_ps(_mm_cvtepi32_ps(_mm_loadu_si128(v + 6)),
                          _mm_cvtepi32_ps(_mm_loadu_si128(v + 7)));
    __m128 m = _mm_max_ps(_mm_max_ps(a, b), _mm_max_ps(c, d));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
    double f = (double)_mm_cvtss_f32(m);
    return f + (f < 0.0 ? -f : f) * 0x1p-24;
}

/* The smallest and largest scale of a block; 0 when some scale is negative, -0.0 or NaN, in
 * which case the block takes the per-lane path without the bound (lodedb_index_add gives
 * scales norm / <u_rot, x_hat> > 0 and removed or unused slots hold +0, but
 * lodedb_index_import_rows accepts any finite scale, negative ones included). Without those,
 * minps / maxps are exact whatever the order. A set sign bit in the OR of all scales (or in
 * an unordered-compare mask) rejects. */
static inline int lodedb_block_scale_range(const float *scales, float *out_min, float *out_max) {
    __m128 lo = _mm_loadu_ps(scales);
    __m128 hi = lo;
    __m128 bad = _mm_or_ps(lo, _mm_cmpunord_ps(lo, lo));
    for (uint32_t j = 4; j < LODEDB_BLOCK_SIZE; j += 4) {
        __m128 x = _mm_loadu_ps(scales + j);
        lo = _mm_min_ps(lo, x);
        hi = _mm_max_ps(hi, x);
        bad = _mm_or_ps(bad, _mm_or_ps(x, _mm_cmpunord_ps(x, x)));
    }
    if (_mm_movemask_ps(bad) != 0) {
        return 0;
    }
    lo = _mm_min_ps(lo, _mm_movehl_ps(lo, lo));
    lo = _mm_min_ss(lo, _mm_shuffle_ps(lo, lo, 1));
    hi = _mm_max_ps(hi, _mm_movehl_ps(hi, hi));
    hi = _mm_max_ss(hi, _mm_shuffle_ps(hi, hi, 1));
    *out_min = _mm_cvtss_f32(lo);
    *out_max = _mm_cvtss_f32(hi);
    return 1;
}
#else
/* As above: the largest sum itself (exact). */
static inline double lodedb_block_max_sum(const int32_t *sums) {
    int32_t top = INT32_MIN;
    for (uint32_t j = 0; j < LODEDB_BLOCK_SIZE; j++) {
        top = sums[j] > top ? sums[j] : top;
    }
    return (double)top;
}

/* As above. For floats with a clear sign bit the bit patterns order like the values, +inf
 * below every NaN, so the range is an integer min / max. */
static inline int lodedb_block_scale_range(const float *scales, float *out_min, float *out_max) {
    int32_t lo = INT32_MAX;
    int32_t hi = INT32_MIN;
    for (uint32_t j = 0; j < LODEDB_BLOCK_SIZE; j++) {
        int32_t b;
        memcpy(&b, &scales[j], sizeof b);
        lo = b < lo ? b : lo;
        hi = b > hi ? b : hi;
    }
    if (lo < 0 || hi > INT32_C(0x7f800000)) {
        return 0;
    }
    memcpy(out_min, &lo, sizeof *out_min);
    memcpy(out_max, &hi, sizeof *out_max);
    return 1;
}
#endif

#endif
