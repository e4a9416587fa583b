/*
 * AVX2 scan kernels (this file alone is compiled with -mavx2).
 *
 * One 256-bit load covers two groups of a block: lane 0 holds group g, lane 1 group g+1, each
 * 16 bytes with vector j's code in the low nibble and vector j+16's in the high nibble. The
 * LUTs of the same two groups are one 256-bit load too, so `vpshufb` looks up 32 partial scores
 * per instruction (vectors 0..15 from the low nibbles, 16..31 from the high nibbles).
 *
 * Accumulation (FAISS fast-scan style): a byte result r is added to `a` viewed as 16-bit lanes
 * (a = even + 256 * odd, modulo 2^16) and r >> 8 is added to `b` (b = odd, exact). After at
 * most LODEDB_SCAN_U16_STEPS steps even = a - (b << 8) is exact, and both halves are widened
 * into 32-bit sums. So any LUT (all 255 included) and any group count up to 65536 is exact.
 *
 * accumulate_many: the nibbles of a block are extracted once (per chunk of steps) and fed to
 * the LUTs of tiles of queries whose accumulators are held in registers together.
 *
 * Cost per step (32 vectors x 2 groups), from llvm-mca on znver3 and matching measurements:
 * accumulate 11 vector operations (3 nibble, 2 shuffle, 6 accumulate), ~2.8 cycles; in
 * accumulate_many 8 per query (2 shuffles + 6), ~2.0 cycles. Both bound by the four vector
 * pipes, so on a 2.5-3 GHz Zen 3 a single query scans ~25-30 GB/s of codes, about the
 * single-core memory bandwidth, and a batch gains ~1.4x in compute beyond the saved reads.
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

/* Adds the 16 vectors held by (a, b), summed over both lanes, to out[0..15] (vectors 0..15 of
 * the half). a = even + 256 * odd (mod 2^16) and b = odd per 16-bit lane, both lanes holding the
 * same vectors for two different groups. */
LODEDB_INLINE void avx2_widen(__m256i a, __m256i b, uint32_t *out) {
    __m256i even = _mm256_sub_epi16(a, _mm256_slli_epi16(b, 8));
    __m256i v0 = _mm256_unpacklo_epi16(even, b); /* per lane: vectors 0..7 */
    __m256i v1 = _mm256_unpackhi_epi16(even, b); /* per lane: vectors 8..15 */
    __m256i s0 = _mm256_add_epi32(_mm256_cvtepu16_epi32(_mm256_castsi256_si128(v0)),
                                  _mm256_cvtepu16_epi32(_mm256_extracti128_si256(v0, 1)));
    __m256i s1 = _mm256_add_epi32(_mm256_cvtepu16_epi32(_mm256_castsi256_si128(v1)),
                                  _mm256_cvtepu16_epi32(_mm256_extracti128_si256(v1, 1)));
    __m256i *o = (__m256i *)out;
    _mm256_storeu_si256(o, _mm256_add_epi32(_mm256_loadu_si256(o), s0));
    _mm256_storeu_si256(o + 1, _mm256_add_epi32(_mm256_loadu_si256(o + 1), s1));
}

/*
 * The inner loops, one function per tile width. They are written out with named accumulators
 * (macros) rather than arrays: GCC keeps named variables in registers but copies or spills
 * arrays of __m256i here (about a third slower, per llvm-mca on znver3), and they stay out of
 * line (one call per 256 steps) because inlined into the widening loop they spill again. Each
 * runs steps [start, end) (one step = two groups) and leaves four 16-bit accumulators per query
 * in out.
 */
#define AVX2_LOOKUP(q)                                                                     \
    do {                                                                                   \
        __m256i t_ = _mm256_loadu_si256((const __m256i *)(l##q + (size_t)i * 32));         \
        __m256i rl_ = _mm256_shuffle_epi8(t_, lo);                                         \
        __m256i rh_ = _mm256_shuffle_epi8(t_, hi);                                         \
        a##q = _mm256_add_epi16(a##q, rl_);                                                \
        b##q = _mm256_add_epi16(b##q, _mm256_srli_epi16(rl_, 8));                          \
        c##q = _mm256_add_epi16(c##q, rh_);                                                \
        d##q = _mm256_add_epi16(d##q, _mm256_srli_epi16(rh_, 8));                          \
    } while (0)

#define AVX2_DECLARE(q)                                                                    \
    __m256i a##q = _mm256_setzero_si256(), b##q = a##q, c##q = a##q, d##q = a##q

#define AVX2_STORE(q)                                                                      \
    do {                                                                                   \
        out[4 * (q)] = a##q;                                                               \
        out[4 * (q) + 1] = b##q;                                                           \
        out[4 * (q) + 2] = c##q;                                                           \
        out[4 * (q) + 3] = d##q;                                                           \
    } while (0)

/* One query: the nibbles are extracted from the codes in the loop. */
LODEDB_NOINLINE void avx2_steps1(const uint8_t *block, const uint8_t *l0, uint32_t start,
                                 uint32_t end, __m256i *out) {
    const __m256i mask = _mm256_set1_epi8(0x0f);
    AVX2_DECLARE(0);
    for (uint32_t i = start; i < end; i++) {
        _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)i * 32), _MM_HINT_T0);
        __m256i codes = _mm256_loadu_si256((const __m256i *)(block + (size_t)i * 32));
        __m256i lo = _mm256_and_si256(codes, mask);
        __m256i hi = _mm256_and_si256(_mm256_srli_epi16(codes, 4), mask);
        AVX2_LOOKUP(0);
    }
    AVX2_STORE(0);
}

/* Several queries: the nibbles of the steps were extracted once into nib (64 bytes per step:
 * low nibbles, then high nibbles), so a step costs each query only its own lookups (8 vector
 * operations instead of 11). The nibbles are shuffle operands straight from L1 (no registers
 * held for them, which lets three queries' accumulators fit). nib and the l* start at the
 * chunk's first step. */
#define AVX2_NIB_LOOKUP(q)                                                                 \
    do {                                                                                   \
        __m256i t_ = _mm256_loadu_si256((const __m256i *)(l##q + (size_t)i * 32));         \
        __m256i rl_ = _mm256_shuffle_epi8(t_, _mm256_loadu_si256(lo));                      \
        __m256i rh_ = _mm256_shuffle_epi8(t_, _mm256_loadu_si256(hi));                      \
        a##q = _mm256_add_epi16(a##q, rl_);                                                \
        b##q = _mm256_add_epi16(b##q, _mm256_srli_epi16(rl_, 8));                          \
        c##q = _mm256_add_epi16(c##q, rh_);                                                \
        d##q = _mm256_add_epi16(d##q, _mm256_srli_epi16(rh_, 8));                          \
    } while (0)

#define AVX2_NIBBLES()                                                                     \
    const __m256i *lo = (const __m256i *)(nib + (size_t)i * 64);                           \
    const __m256i *hi = lo + 1

LODEDB_NOINLINE void avx2_nib_steps1(const uint8_t *nib, const uint8_t *l0, uint32_t steps,
                                     __m256i *out) {
    AVX2_DECLARE(0);
    for (uint32_t i = 0; i < steps; i++) {
        AVX2_NIBBLES();
        AVX2_NIB_LOOKUP(0);
    }
    AVX2_STORE(0);
}

LODEDB_NOINLINE void avx2_nib_steps2(const uint8_t *nib, const uint8_t *l0, const uint8_t *l1,
                                     uint32_t steps, __m256i *out) {
    AVX2_DECLARE(0);
    AVX2_DECLARE(1);
    for (uint32_t i = 0; i < steps; i++) {
        AVX2_NIBBLES();
        AVX2_NIB_LOOKUP(0);
        AVX2_NIB_LOOKUP(1);
    }
    AVX2_STORE(0);
    AVX2_STORE(1);
}

LODEDB_NOINLINE void avx2_nib_steps3(const uint8_t *nib, const uint8_t *l0, const uint8_t *l1,
                                     const uint8_t *l2, uint32_t steps, __m256i *out) {
    AVX2_DECLARE(0);
    AVX2_DECLARE(1);
    AVX2_DECLARE(2);
    for (uint32_t i = 0; i < steps; i++) {
        AVX2_NIBBLES();
        AVX2_NIB_LOOKUP(0);
        AVX2_NIB_LOOKUP(1);
        AVX2_NIB_LOOKUP(2);
    }
    AVX2_STORE(0);
    AVX2_STORE(1);
    AVX2_STORE(2);
}

static void avx2_accumulate(const uint8_t *block, const uint8_t *lut, uint32_t groups,
                            uint32_t *acc) {
    const uint32_t steps = groups / 2;
    memset(acc, 0, sizeof(uint32_t) * LODEDB_BLOCK_SIZE);
    for (uint32_t start = 0; start < steps; start += LODEDB_SCAN_U16_STEPS) {
        uint32_t end =
            steps - start > LODEDB_SCAN_U16_STEPS ? start + LODEDB_SCAN_U16_STEPS : steps;
        __m256i u[4];
        avx2_steps1(block, lut, start, end, u);
        avx2_widen(u[0], u[1], acc);
        avx2_widen(u[2], u[3], acc + 16);
    }
}

/*
 * Per chunk of at most LODEDB_SCAN_U16_STEPS steps: the nibbles are extracted once into a 16 KiB
 * stack buffer (L1-resident), then tiles of three queries (the most whose accumulators fit the
 * 16 YMM registers; a remainder of four goes 2 + 2) run over it and widen into acc.
 */
static void avx2_accumulate_many(const uint8_t *block, const uint8_t *luts, uint32_t query_count,
                                 uint32_t groups, uint32_t *acc) {
    if (query_count == 1) {
        avx2_accumulate(block, luts, groups, acc);
        return;
    }
    const size_t stride = (size_t)groups * 16;
    const uint32_t steps = groups / 2;
    const __m256i mask = _mm256_set1_epi8(0x0f);
    /* Unaligned loads and stores only: GCC cannot align the Win64 stack beyond 16 bytes. */
    _Alignas(32) uint8_t nib[LODEDB_SCAN_U16_STEPS * 64];
    memset(acc, 0, sizeof(uint32_t) * LODEDB_BLOCK_SIZE * query_count);
    for (uint32_t start = 0; start < steps; start += LODEDB_SCAN_U16_STEPS) {
        uint32_t count =
            steps - start > LODEDB_SCAN_U16_STEPS ? LODEDB_SCAN_U16_STEPS : steps - start;
        for (uint32_t i = 0; i < count; i++) {
            _mm_prefetch(LODEDB_SCAN_AHEAD(block, (size_t)(start + i) * 32), _MM_HINT_T0);
            __m256i codes = _mm256_loadu_si256((const __m256i *)(block + (size_t)(start + i) * 32));
            _mm256_storeu_si256((__m256i *)(nib + (size_t)i * 64), _mm256_and_si256(codes, mask));
            _mm256_storeu_si256((__m256i *)(nib + (size_t)i * 64 + 32),
                               _mm256_and_si256(_mm256_srli_epi16(codes, 4), mask));
        }
        const uint8_t *chunk = luts + (size_t)start * 32;
        uint32_t q = 0;
        while (q < query_count) {
            uint32_t left = query_count - q;
            uint32_t qt = left == 4 ? 2 : left >= 3 ? 3 : left;
            const uint8_t *l = chunk + q * stride;
            __m256i u[12];
            if (qt == 1) {
                avx2_nib_steps1(nib, l, count, u);
            } else if (qt == 2) {
                avx2_nib_steps2(nib, l, l + stride, count, u);
            } else {
                avx2_nib_steps3(nib, l, l + stride, l + 2 * stride, count, u);
            }
            for (uint32_t t = 0; t < qt; t++) {
                uint32_t *out = acc + (size_t)(q + t) * LODEDB_BLOCK_SIZE;
                avx2_widen(u[4 * t], u[4 * t + 1], out);
                avx2_widen(u[4 * t + 2], u[4 * t + 3], out + 16);
            }
            q += qt;
        }
    }
}

const lodedb_scan_kernels lodedb_scan_kernels_avx2 = {
    LODEDB_SIMD_AVX2, avx2_accumulate, avx2_accumulate_many};
