/*
 * Internal to src/scan: the kernel tables defined by each kernel file (one per variant), and
 * the helpers they share. Nothing outside src/scan includes this header.
 */
#ifndef LODEDB_SCAN_INTERNAL_H
#define LODEDB_SCAN_INTERNAL_H

#include "scan/scan_kernels.h"

/* Software prefetch distance of the single-query kernels, in bytes of codes ahead of the
 * current step (the next blocks follow contiguously in the index). The hardware prefetcher
 * alone left ~25% of the bandwidth unused on Zen 3; 2-4 KiB ahead measured best there.
 * Prefetches never fault, so running past the end of the codes is harmless. */
#define LODEDB_SCAN_PREFETCH_BYTES 2048

/* The address `offset` bytes past p plus the prefetch distance, formed as an integer: it may
 * lie past the end of the codes, where pointer arithmetic would be undefined. */
#define LODEDB_SCAN_AHEAD(p, offset)                                                               \
    ((const char *)((uintptr_t)(p) + (uintptr_t)(offset) + LODEDB_SCAN_PREFETCH_BYTES))

/* The portable exact_dot (scan_scalar.c): the definition, also used by NEON. */
double lodedb_scan_exact_dot_portable(const uint8_t *block, uint32_t lane, uint32_t groups,
                                      uint32_t bits, const double *q_rot, const double *centroids);

/* The 16 running sums of exact_dot folded and added up in its fixed tree (scan_kernels.h). */
static inline double lodedb_scan_sum_parts(const double *part) {
    double s[8];
    for (int k = 0; k < 8; k++) {
        s[k] = part[k] + part[k + 8];
    }
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

/* A kernel's tile: a fixed number of queries (weights `stride` bytes apart) against one block
 * of `steps` steps, sums to acc; `prefetch` when it is the first tile over the block, which
 * streams the codes from memory (the later ones find them in L1/L2). */
typedef void (*lodedb_scan_tile_fn)(const uint8_t *block, const lodedb_scan_levels *levels,
                                    const int8_t *weights, size_t stride, uint32_t steps,
                                    int32_t *acc, int prefetch);

/* The same for accumulate_tables: query tables `stride` bytes apart. */
typedef void (*lodedb_scan_tables_tile_fn)(const uint8_t *block, const uint8_t *tables,
                                           size_t stride, uint32_t steps, int32_t *acc,
                                           int prefetch);

/* Of `count` tiles taking 1, 2, 4, ... queries, the index of the widest that fits `left` >= 1
 * queries: a kernel's calls go widest first. */
static inline uint32_t lodedb_scan_widest_tile(uint32_t left, uint32_t count) {
    uint32_t which = count - 1u;
    while ((1u << which) > left) {
        which--;
    }
    return which;
}

/* accumulate (scan_kernels.h) by tiles: tiles[i] takes 1 << i queries (i < 4). */
static inline void lodedb_scan_by_tiles(const lodedb_scan_tile_fn tiles[4], const uint8_t *block,
                                        const lodedb_scan_levels *levels, const int8_t *weights,
                                        uint32_t query_count, uint32_t groups, int32_t *acc) {
    const size_t stride = (size_t)groups * levels->terms;
    const uint32_t steps = groups / 4;
    for (uint32_t q = 0; q < query_count;) {
        uint32_t which = lodedb_scan_widest_tile(query_count - q, 4u);
        tiles[which](block, levels, weights + q * stride, stride, steps,
                     acc + (size_t)q * LODEDB_BLOCK_SIZE, q == 0);
        q += 1u << which;
    }
}

/* accumulate_tables (scan_kernels.h) by tiles: tiles[i] takes 1 << i queries (i < count). */
static inline void lodedb_scan_tables_by_tiles(const lodedb_scan_tables_tile_fn *tiles,
                                               uint32_t count, const uint8_t *block,
                                               const uint8_t *tables, uint32_t query_count,
                                               uint32_t groups, int32_t *acc) {
    const size_t stride = (size_t)groups * 16;
    const uint32_t steps = groups / 4;
    for (uint32_t q = 0; q < query_count;) {
        uint32_t which = lodedb_scan_widest_tile(query_count - q, count);
        tiles[which](block, tables + q * stride, stride, steps, acc + (size_t)q * LODEDB_BLOCK_SIZE,
                     q == 0);
        q += 1u << which;
    }
}

extern const lodedb_scan_kernels lodedb_scan_kernels_scalar;
#if defined(LODEDB_SCAN_HAVE_AVX2)
extern const lodedb_scan_kernels lodedb_scan_kernels_avx2;
#endif
#if defined(LODEDB_SCAN_HAVE_AVX512)
extern const lodedb_scan_kernels lodedb_scan_kernels_avx512bw;
#endif
#if defined(LODEDB_SCAN_HAVE_AVX512VNNI_VBMI)
extern const lodedb_scan_kernels lodedb_scan_kernels_avx512vnni_vbmi;
#endif
#if defined(LODEDB_SCAN_HAVE_NEON)
extern const lodedb_scan_kernels lodedb_scan_kernels_neon;
#endif
#if defined(LODEDB_SCAN_HAVE_NEON_DOTPROD)
extern const lodedb_scan_kernels lodedb_scan_kernels_neon_dotprod;
#endif

#endif
