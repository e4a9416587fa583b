/* Shared by the scan parity tests (test_scan_parity.c, test_scan_tables_parity.c): the variant
 * named on the command line, a SplitMix64 stream, and unpacked codes and their block layout. */
#ifndef LODEDB_TESTS_SCAN_PARITY_SUPPORT_H
#define LODEDB_TESTS_SCAN_PARITY_SUPPORT_H

#include <stdint.h>

#include "scan/scan_kernels.h"
#include "test_support.h"

/* CTest's SKIP_RETURN_CODE for these tests. */
#define SKIP_CODE 77

/* The test's random stream; each test seeds it with its own constant. */
static uint64_t rng_state;

static uint64_t next_random(void) { /* SplitMix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

enum code_kind { CODES_RANDOM, CODES_ALL_15, CODES_ZERO };

/* Unpacked codes (codes[j * groups + g], 4 bits) of one block, of the given kind. */
static void fill_codes(uint8_t *codes, uint32_t groups, enum code_kind kind) {
    for (size_t i = 0; i < (size_t)groups * LODEDB_BLOCK_SIZE; i++) {
        codes[i] = kind == CODES_RANDOM   ? (uint8_t)(next_random() & 15)
                   : kind == CODES_ALL_15 ? 15
                                          : 0;
    }
}

/* Unpacked codes packed into the block layout. */
static void pack_block(const uint8_t *codes, uint32_t groups, uint8_t *block) {
    memset(block, 0, (size_t)groups * 16);
    for (uint32_t g = 0; g < groups; g++) {
        for (uint32_t j = 0; j < LODEDB_BLOCK_SIZE; j++) {
            uint8_t c = codes[(size_t)j * groups + g];
            block[lodedb_block_byte(g, j)] |= (uint8_t)(j < 16 ? c : c << 4);
        }
    }
}

/* The largest of count query counts. */
static uint32_t largest_count(const uint32_t *query_counts, size_t count) {
    uint32_t largest = 0;
    for (size_t i = 0; i < count; i++) {
        largest = query_counts[i] > largest ? query_counts[i] : largest;
    }
    return largest;
}

/* Fills `entries` sums and the sentinel block after them (got holds entries + 32) before a
 * kernel writes them, so a write past the end shows. */
static void arm_sums(int32_t *got, size_t entries) {
    memset(got, 0xab, sizeof(int32_t) * (entries + LODEDB_BLOCK_SIZE));
}

/* Whether got holds exactly want's `entries` sums and the sentinel block after them is
 * untouched; the first differing sum is printed after `context` (query and lane). */
static int sums_match(const int32_t *want, const int32_t *got, size_t entries,
                      const char *context) {
    for (size_t i = 0; i < entries; i++) {
        if (want[i] != got[i]) {
            fprintf(stderr, "%s: query %zu lane %zu is %d, expected %d\n", context,
                    i / LODEDB_BLOCK_SIZE, i % LODEDB_BLOCK_SIZE, got[i], want[i]);
            return 0;
        }
    }
    int intact = got[entries] == (int32_t)0xabababab &&
                 got[entries + LODEDB_BLOCK_SIZE - 1] == (int32_t)0xabababab;
    if (!intact) {
        fprintf(stderr, "%s: wrote past its %zu sums\n", context, entries);
    }
    return intact;
}

/* The kernels of the variant named by argv[1] into *kernel and the scalar ones into *scalar;
 * returns -1 to go on, else the exit code: failure for a bad command line, SKIP_CODE (with
 * the reason printed) when the variant cannot run here. */
static int choose_variant(int argc, char **argv, const char *test,
                          const lodedb_scan_kernels **kernel, const lodedb_scan_kernels **scalar) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <variant>\n", test);
        return EXIT_FAILURE;
    }
    lodedb_scan_variant variant = LODEDB_SCAN_VARIANT_COUNT;
    for (int v = 0; v < LODEDB_SCAN_VARIANT_COUNT; v++) {
        if (strcmp(argv[1], lodedb_scan_variant_name((lodedb_scan_variant)v)) == 0) {
            variant = (lodedb_scan_variant)v;
        }
    }
    if (variant == LODEDB_SCAN_VARIANT_COUNT) {
        fprintf(stderr, "unknown variant %s\n", argv[1]);
        return EXIT_FAILURE;
    }
    const char *why = NULL;
    *kernel = lodedb_scan_variant_kernels(variant, &why);
    *scalar = lodedb_scan_variant_kernels(LODEDB_SCAN_SCALAR, NULL);
    if (*kernel == NULL) {
        printf("SKIPPED: variant %s cannot run here: %s\n", argv[1], why);
        return SKIP_CODE;
    }
    CHECK(*scalar != NULL && (*kernel)->variant == variant);
    printf("variant %s (SIMD level %s)\n", argv[1], lodedb_simd_name((*kernel)->level));
    return -1;
}

#endif
