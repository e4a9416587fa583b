/*
 * Internal interface between the search (src/search) and the scan kernels (src/scan).
 *
 * Codes are scanned in blocks of LODEDB_BLOCK_SIZE vectors. A vector's code is `groups`
 * 4-bit group codes: for 4-bit indexes one group per (padded) dimension; for 2-bit indexes
 * one group per pair of dimensions, group code = c[2i] | c[2i+1] << 2. `groups` is always a
 * multiple of 4 (padded dimensions are multiples of 8).
 *
 * Block layout (groups * 16 bytes per block): for group g, bytes [g*16, g*16+16) hold, in
 * byte j, vector j's code in the low nibble and vector j+16's code in the high nibble.
 * Slots past the end of the index in the last block hold code 0 and are ignored by the caller.
 *
 * LUT layout (groups * 16 bytes per query): lut[g*16 + c] is the 8-bit quantized partial
 * score of group code c in group g.
 *
 * Every kernel must produce exactly the scalar reference's integer sums:
 *   acc[j] = sum over g of lut[g*16 + code(j, g)]      (j = 0..31; fits in uint32_t)
 */
#ifndef LODEDB_SCAN_KERNELS_H
#define LODEDB_SCAN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "lodedb/lodedb.h"

#define LODEDB_BLOCK_SIZE 32

typedef struct lodedb_scan_kernels {
    lodedb_simd level;
    /* One query against one block: acc[0..31]. */
    void (*accumulate)(const uint8_t *block, const uint8_t *lut, uint32_t groups,
                       uint32_t *acc);
    /* query_count queries against one block (codes loaded once, reused for every query):
     * query q's LUT starts at luts + q * groups * 16, its sums go to acc[q*32 .. q*32+31]. */
    void (*accumulate_many)(const uint8_t *block, const uint8_t *luts, uint32_t query_count,
                            uint32_t groups, uint32_t *acc);
} lodedb_scan_kernels;

/* The kernels of a level, or NULL when that level is not compiled in or the CPU lacks it. */
const lodedb_scan_kernels *lodedb_scan_kernels_for(lodedb_simd level);

/* The kernels of lodedb_simd_level(). Never NULL (the scalar kernels always exist). */
const lodedb_scan_kernels *lodedb_scan_kernels_active(void);

#endif
