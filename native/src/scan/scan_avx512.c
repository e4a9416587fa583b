/*
 * AVX-512BW scan kernels (this file alone is compiled with -mavx512f -mavx512bw).
 *
 * Same scheme as scan_avx2.c with 512-bit registers: one load covers four groups (one per
 * 128-bit lane), `vpshufb` looks up 64 partial scores at once, and the 16-bit accumulators
 * (a = even + 256 * odd modulo 2^16, b = odd) are widened into the 32-bit sums after at most
 * LODEDB_SCAN_U16_STEPS steps, so any LUT and any group count up to 65536 is exact. With 32
 * registers, accumulate_many keeps a tile of four queries in registers per pass over the codes.
 * Not run on the development machine (no AVX-512 there): parity is tested by
 * tests/scan/test_scan_parity on any AVX-512BW CPU.
 *
 * VBMI (`vpermb`) and VNNI (`vpdpbusd`) are not used: with the nibble-interleaved block layout
 * a lookup is already one in-lane `vpshufb`, and VNNI's 4-byte dot products cannot sum bytes of
 * the same vector, which sit in different registers here.
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

/* Adds the 16 vectors held by (a, b), summed over the four lanes (four groups), to out[0..15]. */
LODEDB_INLINE void avx512_widen(__m512i a, __m512i b, uint32_t *out) {
    __m512i even = _mm512_sub_epi16(a, _mm512_slli_epi16(b, 8));
    __m512i v0 = _mm512_unpacklo_epi16(even, b); /* per lane: vectors 0..7 */
    __m512i v1 = _mm512_unpackhi_epi16(even, b); /* per lane: vectors 8..15 */
    /* Lanes 0+2 and 1+3 first (16 x u32 each), then the two 256-bit halves. */
    __m512i s0 = _mm512_add_epi32(_mm512_cvtepu16_epi32(_mm512_castsi512_si256(v0)),
                                  _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64(v0, 1)));
    __m512i s1 = _mm512_add_epi32(_mm512_cvtepu16_epi32(_mm512_castsi512_si256(v1)),
                                  _mm512_cvtepu16_epi32(_mm512_extracti64x4_epi64(v1, 1)));
    __m256i t0 = _mm256_add_epi32(_mm512_castsi512_si256(s0), _mm512_extracti64x4_epi64(s0, 1));
    __m256i t1 = _mm256_add_epi32(_mm512_castsi512_si256(s1), _mm512_extracti64x4_epi64(s1, 1));
    __m256i *o = (__m256i *)out;
    _mm256_storeu_si256(o, _mm256_add_epi32(_mm256_loadu_si256(o), t0));
    _mm256_storeu_si256(o + 1, _mm256_add_epi32(_mm256_loadu_si256(o + 1), t1));
}

/* Inner loops per tile width with named accumulators, out of line (see scan_avx2.c for why).
 * One step = four groups; out receives four 16-bit accumulators per query. */
#define AVX512_NIBBLES()                                                                   \
    __m512i codes = _mm512_loadu_si512((const void *)(block + (size_t)i * 64));            \
    __m512i lo = _mm512_and_si512(codes, mask);                                            \
    __m512i hi = _mm512_and_si512(_mm512_srli_epi16(codes, 4), mask)

#define AVX512_LOOKUP(q)                                                                   \
    do {                                                                                   \
        __m512i t_ = _mm512_loadu_si512((const void *)(l##q + (size_t)i * 64));            \
        __m512i rl_ = _mm512_shuffle_epi8(t_, lo);                                         \
        __m512i rh_ = _mm512_shuffle_epi8(t_, hi);                                         \
        a##q = _mm512_add_epi16(a##q, rl_);                                                \
        b##q = _mm512_add_epi16(b##q, _mm512_srli_epi16(rl_, 8));                          \
        c##q = _mm512_add_epi16(c##q, rh_);                                                \
        d##q = _mm512_add_epi16(d##q, _mm512_srli_epi16(rh_, 8));                          \
    } while (0)

#define AVX512_DECLARE(q)                                                                  \
    __m512i a##q = _mm512_setzero_si512(), b##q = a##q, c##q = a##q, d##q = a##q

#define AVX512_STORE(q)                                                                    \
    do {                                                                                   \
        out[4 * (q)] = a##q;                                                               \
        out[4 * (q) + 1] = b##q;                                                           \
        out[4 * (q) + 2] = c##q;                                                           \
        out[4 * (q) + 3] = d##q;                                                           \
    } while (0)

LODEDB_NOINLINE void avx512_steps1(const uint8_t *block, const uint8_t *l0, uint32_t start,
                                   uint32_t end, __m512i *out) {
    const __m512i mask = _mm512_set1_epi8(0x0f);
    AVX512_DECLARE(0);
    for (uint32_t i = start; i < end; i++) {
        _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)i * 64), _MM_HINT_T0);
        AVX512_NIBBLES();
        AVX512_LOOKUP(0);
    }
    AVX512_STORE(0);
}

LODEDB_NOINLINE void avx512_steps2(const uint8_t *block, const uint8_t *l0, const uint8_t *l1,
                                   uint32_t start, uint32_t end, __m512i *out) {
    const __m512i mask = _mm512_set1_epi8(0x0f);
    AVX512_DECLARE(0);
    AVX512_DECLARE(1);
    for (uint32_t i = start; i < end; i++) {
        AVX512_NIBBLES();
        AVX512_LOOKUP(0);
        AVX512_LOOKUP(1);
    }
    AVX512_STORE(0);
    AVX512_STORE(1);
}

LODEDB_NOINLINE void avx512_steps4(const uint8_t *block, const uint8_t *l0, const uint8_t *l1,
                                   const uint8_t *l2, const uint8_t *l3, uint32_t start,
                                   uint32_t end, __m512i *out) {
    const __m512i mask = _mm512_set1_epi8(0x0f);
    AVX512_DECLARE(0);
    AVX512_DECLARE(1);
    AVX512_DECLARE(2);
    AVX512_DECLARE(3);
    for (uint32_t i = start; i < end; i++) {
        AVX512_NIBBLES();
        AVX512_LOOKUP(0);
        AVX512_LOOKUP(1);
        AVX512_LOOKUP(2);
        AVX512_LOOKUP(3);
    }
    AVX512_STORE(0);
    AVX512_STORE(1);
    AVX512_STORE(2);
    AVX512_STORE(3);
}

/* qt (1, 2 or 4) queries, LUTs lut_stride bytes apart, against one block. */
static void avx512_tile(const uint8_t *block, const uint8_t *luts, size_t lut_stride,
                        uint32_t groups, uint32_t *acc, int qt) {
    const uint32_t steps = groups / 4;
    memset(acc, 0, sizeof(uint32_t) * LODEDB_BLOCK_SIZE * (size_t)qt);
    for (uint32_t start = 0; start < steps; start += LODEDB_SCAN_U16_STEPS) {
        uint32_t end =
            steps - start > LODEDB_SCAN_U16_STEPS ? start + LODEDB_SCAN_U16_STEPS : steps;
        __m512i u[16];
        if (qt == 1) {
            avx512_steps1(block, luts, start, end, u);
        } else if (qt == 2) {
            avx512_steps2(block, luts, luts + lut_stride, start, end, u);
        } else {
            avx512_steps4(block, luts, luts + lut_stride, luts + 2 * lut_stride,
                          luts + 3 * lut_stride, start, end, u);
        }
        for (int q = 0; q < qt; q++) {
            avx512_widen(u[4 * q], u[4 * q + 1], acc + q * LODEDB_BLOCK_SIZE);
            avx512_widen(u[4 * q + 2], u[4 * q + 3], acc + q * LODEDB_BLOCK_SIZE + 16);
        }
    }
}

static void avx512_accumulate(const uint8_t *block, const uint8_t *lut, uint32_t groups,
                              uint32_t *acc) {
    avx512_tile(block, lut, 0, groups, acc, 1);
}

/* Tiles of four queries (16 of the 32 ZMM registers hold their accumulators), then two, then
 * one. */
static void avx512_accumulate_many(const uint8_t *block, const uint8_t *luts,
                                   uint32_t query_count, uint32_t groups, uint32_t *acc) {
    const size_t stride = (size_t)groups * 16;
    uint32_t q = 0;
    while (q < query_count) {
        uint32_t left = query_count - q;
        int qt = left >= 4 ? 4 : left >= 2 ? 2 : 1;
        avx512_tile(block, luts + q * stride, stride, groups, acc + (size_t)q * LODEDB_BLOCK_SIZE,
                    qt);
        q += (uint32_t)qt;
    }
}

const lodedb_scan_kernels lodedb_scan_kernels_avx512 = {
    LODEDB_SIMD_AVX512, avx512_accumulate, avx512_accumulate_many};
