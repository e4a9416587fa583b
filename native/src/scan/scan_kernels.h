/*
 * Internal interface between the search (src/search) and the scan kernels (src/scan).
 *
 * Codes are scanned in blocks of LODEDB_BLOCK_SIZE (32) vectors. A vector's code is `groups`
 * 4-bit group codes: for 4-bit indexes one group per (padded) dimension; for 2-bit indexes
 * one group per pair of dimensions, group code = c[2i] | c[2i+1] << 2. `groups` is always a
 * multiple of 4 (padded dimensions are multiples of 8).
 *
 * Block layout (groups * 16 bytes per block), in steps of four groups: step s (groups 4s..4s+3)
 * fills bytes [s*64, s*64 + 64), where byte 4*i + t holds group 4s + t of vector i (i = 0..15)
 * in the low nibble and of vector i + 16 in the high nibble. So every 32-bit word holds four
 * consecutive group codes of one vector: after a nibble-to-level lookup it is exactly one
 * 4-byte dot product of `vpdpbusd`, `vpmaddubsw` + `vpmaddwd` or `sdot` (permute-dot scan).
 * Slots past the end of the index in the last block hold code 0 and are ignored by the caller.
 *
 * Scores are integer dot products of int8 levels and int8 query weights. A group code c gives
 * `terms` levels levels->table[t][c] in 0..63 (4-bit: terms 1, the level of centroid c; 2-bit:
 * terms 2, the levels of its two coordinates, c & 3 and c >> 2). A query gives each group
 * `terms` weights in -127..127, laid out per step: the 4 bytes at (s * terms + t) * 4 are the
 * term-t weights of groups 4s..4s+3 (groups * terms bytes per query).
 *
 * Every kernel must produce exactly the scalar reference's integer sums:
 *   acc[j] = sum over g, t of table[t][code(j, g)] * weight(g, t)      (j = 0..31)
 * |acc| <= 63 * 127 * terms * groups <= 8001 * 65536 < 2^31 (at most LODEDB_MAX_DIMENSION
 * coordinates), and two adjacent products sum to at most 16002 in magnitude, so the 16-bit
 * pairs of `vpmaddubsw` never saturate, and two such pairs (<= 32004) still fit 16 bits: the
 * `vpmaddubsw` kernels add the pairs of two steps (4-bit) or two terms (2-bit) before widening
 * them once. Every variant is exact, none can overflow. Levels stop at 63, not 127, for that:
 * measured on 100,000 random vectors (d 512 / 1536, 4 and 2 bits, 200 queries), the codes-only
 * and re-ranked recall@10 with 6-bit levels equal the 7-bit ones within 0.003.
 *
 * Group tables (accumulate_tables; the sign sketch, turbovec/sketch.h, is scanned this way):
 * the same block layout, but the query gives each group its own table of 16 unsigned bytes,
 * groups * 16 bytes per query laid out per step: the 64 bytes at 64s hold the tables of groups
 * 4s..4s+3, byte 16t + c the entry of group 4s + t for code c. So the entry of the code in byte
 * b of a step is table byte (nibble + 16 * (b % 4)) of the step's 64: one 64-byte `vpermb`.
 *   acc[j] = sum over g of tables[g / 4 * 64 + g % 4 * 16 + code(j, g)]      (j = 0..31)
 * 0 <= acc <= 255 * groups <= 255 * 16384 < 2^31 (groups = padded coordinates / 4 here).
 */
#ifndef LODEDB_SCAN_KERNELS_H
#define LODEDB_SCAN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "lodedb/lodedb.h"

#define LODEDB_BLOCK_SIZE 32

/* The largest level and the largest weight magnitude (see above). */
#define LODEDB_SCAN_LEVEL_MAX 63
#define LODEDB_SCAN_WEIGHT_MAX 127

/* Byte offset, within a block, of group `group` of block lane `lane` (0..31); lanes 16..31 use
 * the high nibble of that byte. */
static inline size_t lodedb_block_byte(uint32_t group, uint32_t lane) {
    return (size_t)(group / 4u) * 64u + (size_t)(lane & 15u) * 4u + (group & 3u);
}

/* The 4-bit code of group `group` of lane `lane` in a block. */
static inline uint32_t lodedb_block_code(const uint8_t *block, uint32_t group, uint32_t lane) {
    uint8_t byte = block[lodedb_block_byte(group, lane)];
    return lane < 16u ? (uint32_t)(byte & 0x0Fu) : (uint32_t)(byte >> 4);
}

/* Sets that code (code < 16), leaving the other lane of the byte as it is. */
static inline void lodedb_block_set_code(uint8_t *block, uint32_t group, uint32_t lane,
                                         uint32_t code) {
    uint8_t *byte = &block[lodedb_block_byte(group, lane)];
    *byte =
        lane < 16u ? (uint8_t)((*byte & 0xF0u) | code) : (uint8_t)((*byte & 0x0Fu) | (code << 4));
}

typedef struct lodedb_scan_levels {
    uint8_t table[2][16]; /* table[t][code], 0..LODEDB_SCAN_LEVEL_MAX */
    uint32_t terms;       /* 1 or 2 */
} lodedb_scan_levels;

/* The compiled kernel variants. A SIMD level (lodedb_simd) runs the best variant of its
 * instruction set that the CPU has: AVX-512 uses VNNI + VBMI when both are present, NEON
 * uses dotprod. */
typedef enum lodedb_scan_variant {
    LODEDB_SCAN_SCALAR = 0,
    LODEDB_SCAN_AVX2,
    LODEDB_SCAN_AVX512BW,        /* vpmaddubsw + vpmaddwd */
    LODEDB_SCAN_AVX512VNNI_VBMI, /* vpermb + vpdpbusd */
    LODEDB_SCAN_NEON,            /* smull + sadalp */
    LODEDB_SCAN_NEON_DOTPROD,    /* sdot */
    LODEDB_SCAN_VARIANT_COUNT
} lodedb_scan_variant;

typedef struct lodedb_scan_kernels {
    lodedb_simd level;
    lodedb_scan_variant variant;
    /* query_count queries against one block (codes loaded once per tile of queries): query q's
     * weights start at weights + q * groups * levels->terms, its sums go to acc[q*32 .. q*32+31].
     */
    void (*accumulate)(const uint8_t *block, const lodedb_scan_levels *levels,
                       const int8_t *weights, uint32_t query_count, uint32_t groups, int32_t *acc);
    /* The re-rank's dot product of block lane `lane` (0..31) with q_rot (padded_dim doubles):
     * sum over coordinates j of q_rot[j] * centroids[code of j], where 4-bit coordinate g is
     * group g and 2-bit coordinates 2g, 2g + 1 are code & 3, code >> 2 of group g; in double,
     * as 16 running sums p (coordinate j into p[j % 16], in coordinate order, each product
     * rounded, then added: no fused multiply-add), folded to s[k] = p[k] + p[k + 8] and added
     * up as ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)). Every variant returns the same
     * bits. groups is a multiple of 8 for 4 bits (padded dimensions are multiples of 8).
     * centroids holds 16 doubles. */
    double (*exact_dot)(const uint8_t *block, uint32_t lane, uint32_t groups, uint32_t bits,
                        const double *q_rot, const double *centroids);
    /* query_count queries' group tables (groups * 16 bytes each, query q's at
     * tables + q * groups * 16) against one block; sums to acc[q*32 .. q*32+31]. groups is a
     * multiple of 4. */
    void (*accumulate_tables)(const uint8_t *block, const uint8_t *tables, uint32_t query_count,
                              uint32_t groups, int32_t *acc);
} lodedb_scan_kernels;

/* The kernels of a level, or NULL when that level is not compiled in or the CPU lacks it. */
const lodedb_scan_kernels *lodedb_scan_kernels_for(lodedb_simd level);

/* The kernels of lodedb_simd_level(). Never NULL (the scalar kernels always exist). */
const lodedb_scan_kernels *lodedb_scan_kernels_active(void);

/* One variant's kernels, or NULL with *why set ("not compiled into this build", "the CPU or
 * operating system lacks it") when it cannot run here. */
const lodedb_scan_kernels *lodedb_scan_variant_kernels(lodedb_scan_variant variant,
                                                       const char **why);

/* "scalar", "avx2", "avx512bw", "avx512vnni-vbmi", "neon", "neon-dotprod"; NULL when
 * unknown. */
const char *lodedb_scan_variant_name(lodedb_scan_variant variant);

#endif
