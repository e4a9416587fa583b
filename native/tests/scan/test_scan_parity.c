/* Parity: every SIMD kernel available on the running CPU returns exactly the scalar kernel's
 * integer sums, for accumulate and accumulate_many, on random codes and LUTs, all-255 LUTs
 * (16-bit lanes must be widened before they overflow), misaligned buffers, and group counts
 * from 4 up to 65536 (4-bit codes at LODEDB_MAX_DIMENSION). The scalar kernel itself is checked
 * against the definition computed from unpacked codes. Levels the CPU lacks are reported as
 * not run. */
#include <stdint.h>

#include "scan/scan_kernels.h"
#include "test_support.h"

static uint64_t rng_state = 0x243f6a8885a308d3ULL;

static uint64_t next_random(void) { /* SplitMix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

enum lut_kind { LUT_RANDOM, LUT_ALL_255, LUT_SMALL, LUT_MIXED };
enum code_kind { CODES_RANDOM, CODES_ALL_15, CODES_ZERO };

static const char *lut_kind_name(enum lut_kind kind) {
    switch (kind) {
    case LUT_RANDOM: return "random";
    case LUT_ALL_255: return "all-255";
    case LUT_SMALL: return "small";
    case LUT_MIXED: return "mixed";
    }
    return "?";
}

static void fill_lut(uint8_t *lut, size_t length, enum lut_kind kind) {
    for (size_t i = 0; i < length; i++) {
        uint8_t r = (uint8_t)next_random();
        switch (kind) {
        case LUT_RANDOM: lut[i] = r; break;
        case LUT_ALL_255: lut[i] = 255; break;
        case LUT_SMALL: lut[i] = (uint8_t)(r & 7); break;
        case LUT_MIXED: lut[i] = (r & 1) ? 255 : (uint8_t)(r >> 1); break;
        }
    }
}

/* Unpacked codes (codes[j * groups + g], 4 bits) packed into the block layout. */
static void pack_block(const uint8_t *codes, uint32_t groups, uint8_t *block) {
    for (uint32_t g = 0; g < groups; g++) {
        for (uint32_t j = 0; j < 16; j++) {
            block[(size_t)g * 16 + j] = (uint8_t)(codes[(size_t)j * groups + g] |
                                                  codes[(size_t)(j + 16) * groups + g] << 4);
        }
    }
}

static void fill_codes(uint8_t *codes, uint32_t groups, enum code_kind kind) {
    for (size_t i = 0; i < (size_t)groups * LODEDB_BLOCK_SIZE; i++) {
        codes[i] = kind == CODES_RANDOM ? (uint8_t)(next_random() & 15)
                   : kind == CODES_ALL_15 ? 15 : 0;
    }
}

static void definition(const uint8_t *codes, const uint8_t *lut, uint32_t groups, uint32_t *acc) {
    for (uint32_t j = 0; j < LODEDB_BLOCK_SIZE; j++) {
        uint32_t sum = 0;
        for (uint32_t g = 0; g < groups; g++) {
            sum += lut[(size_t)g * 16 + codes[(size_t)j * groups + g]];
        }
        acc[j] = sum;
    }
}

typedef struct {
    const lodedb_scan_kernels *kernels[4];
    size_t count;
} kernel_set;

static kernel_set simd_kernels; /* the non-scalar kernels available here */
static const lodedb_scan_kernels *scalar;
static long comparisons = 0;

static int same(const uint32_t *a, const uint32_t *b, size_t n) {
    return memcmp(a, b, n * sizeof(uint32_t)) == 0;
}

static void report_mismatch(const char *what, const char *level, uint32_t groups,
                            const char *lut_kind, uint32_t queries, const uint32_t *want,
                            const uint32_t *got, size_t n) {
    for (size_t i = 0; i < n; i++) {
        if (want[i] != got[i]) {
            fprintf(stderr, "%s %s groups=%u lut=%s queries=%u: entry %zu is %u, expected %u\n",
                    level, what, groups, lut_kind, queries, i, got[i], want[i]);
            return;
        }
    }
}

/* One block of `groups`, LUTs of `lut_kind`, every query count of `query_counts`. The buffers
 * are placed at `misalign` bytes past a malloc'd address so kernels cannot rely on alignment. */
static void check_case(uint32_t groups, enum code_kind code_kind, enum lut_kind lut_kind,
                       const uint32_t *query_counts, size_t query_count_count, size_t misalign) {
    uint32_t max_queries = 0;
    for (size_t i = 0; i < query_count_count; i++) {
        max_queries = query_counts[i] > max_queries ? query_counts[i] : max_queries;
    }
    size_t block_bytes = (size_t)groups * 16;
    uint8_t *codes = malloc((size_t)groups * LODEDB_BLOCK_SIZE);
    uint8_t *block_mem = malloc(block_bytes + misalign);
    uint8_t *lut_mem = malloc(block_bytes * max_queries + misalign);
    uint32_t *want = malloc(sizeof(uint32_t) * LODEDB_BLOCK_SIZE * max_queries);
    /* One extra block of sentinels after the sums: kernels must not write past them. */
    uint32_t *got = malloc(sizeof(uint32_t) * LODEDB_BLOCK_SIZE * (max_queries + 1));
    REQUIRE(codes && block_mem && lut_mem && want && got);
    uint8_t *block = block_mem + misalign;
    uint8_t *luts = lut_mem + misalign;

    fill_codes(codes, groups, code_kind);
    pack_block(codes, groups, block);
    fill_lut(luts, block_bytes * max_queries, lut_kind);

    for (uint32_t q = 0; q < max_queries; q++) {
        uint32_t *w = want + (size_t)q * LODEDB_BLOCK_SIZE;
        definition(codes, luts + q * block_bytes, groups, w);
        memset(got, 0xab, sizeof(uint32_t) * LODEDB_BLOCK_SIZE);
        scalar->accumulate(block, luts + q * block_bytes, groups, got);
        CHECK(same(w, got, LODEDB_BLOCK_SIZE));
        if (lut_kind == LUT_ALL_255) {
            CHECK(w[0] == 255u * groups && w[31] == 255u * groups);
        }
    }

    for (size_t k = 0; k < simd_kernels.count; k++) {
        const lodedb_scan_kernels *kern = simd_kernels.kernels[k];
        const char *name = lodedb_simd_name(kern->level);
        for (uint32_t q = 0; q < max_queries && q < 3; q++) {
            memset(got, 0xab, sizeof(uint32_t) * LODEDB_BLOCK_SIZE * 2);
            kern->accumulate(block, luts + q * block_bytes, groups, got);
            int ok = same(want + (size_t)q * LODEDB_BLOCK_SIZE, got, LODEDB_BLOCK_SIZE);
            if (!ok) {
                report_mismatch("accumulate", name, groups, lut_kind_name(lut_kind), 1,
                                want + (size_t)q * LODEDB_BLOCK_SIZE, got, LODEDB_BLOCK_SIZE);
            }
            CHECK(ok);
            CHECK(got[LODEDB_BLOCK_SIZE] == 0xabababab);
            comparisons++;
        }
        for (size_t i = 0; i < query_count_count; i++) {
            uint32_t n = query_counts[i];
            size_t entries = (size_t)n * LODEDB_BLOCK_SIZE;
            memset(got, 0xab, sizeof(uint32_t) * (entries + LODEDB_BLOCK_SIZE));
            kern->accumulate_many(block, luts, n, groups, got);
            int ok = same(want, got, entries);
            if (!ok) {
                report_mismatch("accumulate_many", name, groups, lut_kind_name(lut_kind), n, want,
                                got, entries);
            }
            CHECK(ok);
            CHECK(got[entries] == 0xabababab && got[entries + LODEDB_BLOCK_SIZE - 1] == 0xabababab);
            comparisons++;
        }
    }
    /* The scalar accumulate_many too (the reference for the others). */
    for (size_t i = 0; i < query_count_count; i++) {
        uint32_t n = query_counts[i];
        scalar->accumulate_many(block, luts, n, groups, got);
        CHECK(same(want, got, (size_t)n * LODEDB_BLOCK_SIZE));
    }
    free(codes);
    free(block_mem);
    free(lut_mem);
    free(want);
    free(got);
}

static void find_kernels(void) {
    const lodedb_simd levels[] = {LODEDB_SIMD_AVX2, LODEDB_SIMD_AVX512, LODEDB_SIMD_NEON};
    scalar = lodedb_scan_kernels_for(LODEDB_SIMD_SCALAR);
    REQUIRE(scalar != NULL);
    CHECK(scalar->level == LODEDB_SIMD_SCALAR);
    printf("scalar: reference\n");
    for (size_t i = 0; i < 3; i++) {
        const lodedb_scan_kernels *k = lodedb_scan_kernels_for(levels[i]);
        if (k != NULL) {
            CHECK(k->level == levels[i]);
            simd_kernels.kernels[simd_kernels.count++] = k;
            printf("%s: run\n", lodedb_simd_name(levels[i]));
        } else {
            /* A refused force explains why (and leaves the level unchanged). */
            CHECK(lodedb_simd_force(levels[i]) == LODEDB_ERR_UNSUPPORTED);
            printf("%s: NOT RUN (%s)\n", lodedb_simd_name(levels[i]), lodedb_last_error_message());
        }
    }
}

static void random_codes_and_luts(void) {
    /* The listed sizes, then some around the 16-bit widening points (every 512 groups). */
    static const uint32_t groups[] = {4,   8,   12,  32,   192,  256,  384, 500,
                                      512, 768, 1536, 516, 1020, 1028, 2052};
    static const uint32_t queries[] = {1, 2, 3, 4, 5, 7, 8, 64};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        check_case(groups[i], CODES_RANDOM, LUT_RANDOM, queries, 8, 0);
        check_case(groups[i], CODES_RANDOM, LUT_MIXED, queries, 8, 3);
        check_case(groups[i], CODES_RANDOM, LUT_SMALL, queries, 3, 1);
    }
}

static void all_255_luts_do_not_overflow(void) {
    static const uint32_t groups[] = {4, 12, 256, 500, 512, 516, 768, 1024, 1028, 1536, 2048, 2052,
                                      4100};
    static const uint32_t queries[] = {1, 2, 3, 7, 64};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        check_case(groups[i], CODES_RANDOM, LUT_ALL_255, queries, 5, 0);
        check_case(groups[i], CODES_ALL_15, LUT_ALL_255, queries, 5, 5);
    }
}

static void maximum_dimension(void) {
    /* 4-bit codes at LODEDB_MAX_DIMENSION: 65536 groups, sums up to 65536 * 255. */
    static const uint32_t queries[] = {1, 2, 3, 5};
    check_case(LODEDB_MAX_DIMENSION, CODES_RANDOM, LUT_ALL_255, queries, 4, 0);
    check_case(LODEDB_MAX_DIMENSION, CODES_RANDOM, LUT_RANDOM, queries, 4, 7);
    check_case(LODEDB_MAX_DIMENSION, CODES_ZERO, LUT_MIXED, queries, 2, 0);
}

int main(void) {
    RUN_TEST(find_kernels);
    RUN_TEST(random_codes_and_luts);
    RUN_TEST(all_255_luts_do_not_overflow);
    RUN_TEST(maximum_dimension);
    printf("%ld SIMD comparisons against the scalar kernel over %zu SIMD level(s)\n", comparisons,
           simd_kernels.count);
    TEST_MAIN_END();
}
