/*
 * The scalar reference kernel: the definition every SIMD kernel must reproduce exactly
 * (scan_kernels.h):
 *   acc[j] = sum over g, t of table[t][code(j, g)] * weight(g, t),  j = 0..31,
 * where code(j, g) is the low nibble of block[lodedb_block_byte(g, j)] for j < 16 and its high
 * nibble for j >= 16, and weight(g, t) = weights[(g / 4 * terms + t) * 4 + g % 4]; and the
 * group-table sums of accumulate_tables.
 */
#include "scan/scan_internal.h"

static void scalar_accumulate(const uint8_t *block, const lodedb_scan_levels *levels,
                              const int8_t *weights, uint32_t query_count, uint32_t groups,
                              int32_t *acc) {
    const uint32_t terms = levels->terms;
    for (uint32_t q = 0; q < query_count; q++) {
        const int8_t *w = weights + (size_t)q * groups * terms;
        int32_t sums[LODEDB_BLOCK_SIZE] = {0};
        for (uint32_t g = 0; g < groups; g++) {
            for (uint32_t t = 0; t < terms; t++) {
                int32_t weight = w[(size_t)(g / 4u * terms + t) * 4u + (g & 3u)];
                const uint8_t *table = levels->table[t];
                for (uint32_t i = 0; i < 16; i++) {
                    uint8_t byte = block[lodedb_block_byte(g, i)];
                    sums[i] += (int32_t)table[byte & 0x0f] * weight;
                    sums[i + 16] += (int32_t)table[byte >> 4] * weight;
                }
            }
        }
        for (uint32_t j = 0; j < LODEDB_BLOCK_SIZE; j++) {
            acc[(size_t)q * LODEDB_BLOCK_SIZE + j] = sums[j];
        }
    }
}

static void scalar_accumulate_tables(const uint8_t *block, const uint8_t *tables,
                                     uint32_t query_count, uint32_t groups, int32_t *acc) {
    for (uint32_t q = 0; q < query_count; q++) {
        const uint8_t *t = tables + (size_t)q * groups * 16u;
        int32_t sums[LODEDB_BLOCK_SIZE] = {0};
        for (uint32_t g = 0; g < groups; g++) {
            const uint8_t *table = t + (size_t)(g / 4u) * 64u + (g & 3u) * 16u;
            for (uint32_t i = 0; i < 16; i++) {
                uint8_t byte = block[lodedb_block_byte(g, i)];
                sums[i] += table[byte & 0x0f];
                sums[i + 16] += table[byte >> 4];
            }
        }
        for (uint32_t j = 0; j < LODEDB_BLOCK_SIZE; j++) {
            acc[(size_t)q * LODEDB_BLOCK_SIZE + j] = sums[j];
        }
    }
}

double lodedb_scan_exact_dot_portable(const uint8_t *block, uint32_t lane, uint32_t groups,
                                      uint32_t bits, const double *q_rot, const double *centroids) {
    const uint8_t *bytes = block + (size_t)(lane & 15u) * 4u;
    uint32_t shift = lane < 16u ? 0u : 4u;
    double part[16] = {0.0};
    /* Rounds of 8 coordinates; round r feeds sums 8 * (r % 2) .. 8 * (r % 2) + 7, which is
     * coordinate j into sum j % 16. */
    if (bits == 4) {
        /* Two steps (8 groups = 8 coordinates) per round. */
        for (uint32_t g = 0; g < groups; g += 8u) {
            const uint8_t *step = bytes + (size_t)(g / 4u) * 64u;
            double *p = part + (g / 8u % 2u) * 8u;
            for (uint32_t k = 0; k < 8u; k++) {
                uint32_t code = (uint32_t)(step[(k / 4u) * 64u + k % 4u] >> shift) & 0x0Fu;
                double product = q_rot[g + k] * centroids[code];
                p[k] += product;
            }
        }
    } else {
        /* One step (4 groups = 8 coordinates) per round. */
        for (uint32_t g = 0; g < groups; g += 4u) {
            const uint8_t *step = bytes + (size_t)(g / 4u) * 64u;
            double *p = part + (g / 4u % 2u) * 8u;
            for (uint32_t k = 0; k < 4u; k++) {
                uint32_t code = (uint32_t)(step[k] >> shift) & 0x0Fu;
                double even = q_rot[2u * (g + k)] * centroids[code & 3u];
                double odd = q_rot[2u * (g + k) + 1u] * centroids[code >> 2];
                p[2u * k] += even;
                p[2u * k + 1u] += odd;
            }
        }
    }
    return lodedb_scan_sum_parts(part);
}

const lodedb_scan_kernels lodedb_scan_kernels_scalar = {
    LODEDB_SIMD_SCALAR, LODEDB_SCAN_SCALAR, scalar_accumulate, lodedb_scan_exact_dot_portable,
    scalar_accumulate_tables};
