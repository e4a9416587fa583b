/*
 * The scalar reference kernels: the definition every SIMD kernel must reproduce exactly.
 *   acc[j] = sum over g of lut[g*16 + code(j, g)],  j = 0..31,
 * where code(j, g) is the low nibble of block[g*16 + j] for j < 16 and the high nibble of
 * block[g*16 + j - 16] for j >= 16 (see scan_kernels.h).
 */
#include "scan/scan_internal.h"

static void scalar_accumulate(const uint8_t *block, const uint8_t *lut, uint32_t groups,
                              uint32_t *acc) {
    uint32_t sums[LODEDB_BLOCK_SIZE] = {0};
    for (uint32_t g = 0; g < groups; g++) {
        const uint8_t *codes = block + (size_t)g * 16;
        const uint8_t *table = lut + (size_t)g * 16;
        for (uint32_t j = 0; j < 16; j++) {
            sums[j] += table[codes[j] & 0x0f];
            sums[j + 16] += table[codes[j] >> 4];
        }
    }
    for (uint32_t j = 0; j < LODEDB_BLOCK_SIZE; j++) {
        acc[j] = sums[j];
    }
}

static void scalar_accumulate_many(const uint8_t *block, const uint8_t *luts,
                                   uint32_t query_count, uint32_t groups, uint32_t *acc) {
    for (uint32_t q = 0; q < query_count; q++) {
        scalar_accumulate(block, luts + (size_t)q * groups * 16, groups,
                          acc + (size_t)q * LODEDB_BLOCK_SIZE);
    }
}

const lodedb_scan_kernels lodedb_scan_kernels_scalar = {
    LODEDB_SIMD_SCALAR, scalar_accumulate, scalar_accumulate_many};
