/* Parity of one scan kernel variant (argv[1], e.g. "avx512vnni-vbmi") with the definition of the
 * permute-dot sums (scan_kernels.h), computed here from unpacked codes, and with the scalar
 * reference kernel; and of its exact_dot (the re-rank) with its definition, bit for bit: random
 * codes, levels and weights; the extremes (levels 63, weights +-127, where two 16-bit pairs
 * added before widening come closest to 2^15 and 32-bit sums to overflowing); misaligned buffers; 1
 * and 2 terms (4-bit and 2-bit codes); group counts from 4 up to 65536 (4-bit at
 * LODEDB_MAX_DIMENSION); query counts across every tile width and remainder. A variant this build
 * or CPU cannot run exits with SKIP_CODE, which CTest reports as skipped. */
#include "parity_support.h"

enum value_kind {
    VALUES_RANDOM,
    VALUES_EXTREME_PLUS,
    VALUES_EXTREME_MINUS,
    VALUES_SMALL,
    VALUES_MIXED
};

static const char *value_kind_name(enum value_kind kind) {
    switch (kind) {
    case VALUES_RANDOM: return "random";
    case VALUES_EXTREME_PLUS: return "+127";
    case VALUES_EXTREME_MINUS: return "-127";
    case VALUES_SMALL: return "small";
    case VALUES_MIXED: return "mixed";
    }
    return "?";
}

static int8_t random_weight(enum value_kind kind) {
    uint64_t r = next_random();
    switch (kind) {
    case VALUES_RANDOM: return (int8_t)((int)(r % 255u) - 127);
    case VALUES_EXTREME_PLUS: return 127;
    case VALUES_EXTREME_MINUS: return -127;
    case VALUES_SMALL: return (int8_t)((int)(r % 7u) - 3);
    case VALUES_MIXED:
        return (r & 1) ? ((r & 2) ? 127 : -127) : (int8_t)((int)((r >> 2) % 255u) - 127);
    }
    return 0;
}

static uint8_t random_level(enum value_kind kind) {
    uint64_t r = next_random();
    switch (kind) {
    case VALUES_EXTREME_PLUS:
    case VALUES_EXTREME_MINUS: return LODEDB_SCAN_LEVEL_MAX;
    case VALUES_SMALL: return (uint8_t)(r & 7u);
    case VALUES_MIXED:
        return (r & 1) ? LODEDB_SCAN_LEVEL_MAX : (uint8_t)((r >> 1) % (LODEDB_SCAN_LEVEL_MAX + 1u));
    default: return (uint8_t)(r % (LODEDB_SCAN_LEVEL_MAX + 1u));
    }
}

/* The definition, from unpacked codes and weights indexed [group][term]. */
static void definition(const uint8_t *codes, const lodedb_scan_levels *levels,
                       const int8_t *weights, uint32_t groups, int32_t *acc) {
    uint32_t terms = levels->terms;
    for (uint32_t j = 0; j < LODEDB_BLOCK_SIZE; j++) {
        int64_t sum = 0;
        for (uint32_t g = 0; g < groups; g++) {
            for (uint32_t t = 0; t < terms; t++) {
                int8_t w = weights[(size_t)(g / 4 * terms + t) * 4 + g % 4];
                sum += (int64_t)levels->table[t][codes[(size_t)j * groups + g]] * w;
            }
        }
        CHECK(sum >= INT32_MIN && sum <= INT32_MAX);
        acc[j] = (int32_t)sum;
    }
}

static const lodedb_scan_kernels *kernel;
static const lodedb_scan_kernels *scalar;
static long comparisons = 0;

/* One block of `groups`, values of `kind`, every query count of `query_counts`. Buffers sit
 * `misalign` bytes past a malloc'd address so kernels cannot rely on alignment; a sentinel
 * block after the sums catches writes past the end. */
static void check_case(uint32_t groups, uint32_t terms, enum code_kind code_kind,
                       enum value_kind kind, const uint32_t *query_counts, size_t count_count,
                       size_t misalign) {
    uint32_t max_queries = largest_count(query_counts, count_count);
    size_t block_bytes = (size_t)groups * 16;
    size_t weight_bytes = (size_t)groups * terms;
    uint8_t *codes = malloc((size_t)groups * LODEDB_BLOCK_SIZE);
    uint8_t *block_mem = malloc(block_bytes + misalign);
    int8_t *weight_mem = malloc(weight_bytes * max_queries + misalign);
    int32_t *want = malloc(sizeof(int32_t) * LODEDB_BLOCK_SIZE * max_queries);
    int32_t *got = malloc(sizeof(int32_t) * LODEDB_BLOCK_SIZE * (max_queries + 1));
    REQUIRE(codes && block_mem && weight_mem && want && got);
    uint8_t *block = block_mem + misalign;
    int8_t *weights = weight_mem + misalign;

    lodedb_scan_levels levels;
    memset(&levels, 0, sizeof levels);
    levels.terms = terms;
    for (uint32_t t = 0; t < terms; t++) {
        for (int c = 0; c < 16; c++) {
            levels.table[t][c] = random_level(kind);
        }
    }
    fill_codes(codes, groups, code_kind);
    pack_block(codes, groups, block);
    for (size_t i = 0; i < weight_bytes * max_queries; i++) {
        weights[i] = random_weight(kind);
    }
    for (uint32_t q = 0; q < max_queries; q++) {
        definition(codes, &levels, weights + q * weight_bytes, groups,
                   want + (size_t)q * LODEDB_BLOCK_SIZE);
    }
    if (kind == VALUES_EXTREME_PLUS && code_kind == CODES_ALL_15) {
        CHECK(want[0] ==
              LODEDB_SCAN_LEVEL_MAX * LODEDB_SCAN_WEIGHT_MAX * (int32_t)(groups * terms));
    }

    for (size_t i = 0; i < count_count; i++) {
        uint32_t n = query_counts[i];
        size_t entries = (size_t)n * LODEDB_BLOCK_SIZE;
        const lodedb_scan_kernels *both[2] = {kernel, scalar};
        for (int k = 0; k < 2; k++) {
            if (k == 1 && kernel == scalar) {
                break;
            }
            arm_sums(got, entries);
            both[k]->accumulate(block, &levels, weights, n, groups, got);
            char context[160];
            snprintf(context, sizeof context, "%s %s groups=%u terms=%u values=%s queries=%u",
                     lodedb_scan_variant_name(kernel->variant),
                     k == 0 ? "accumulate" : "(scalar reference)", groups, terms,
                     value_kind_name(kind), n);
            CHECK(sums_match(want, got, entries, context));
            comparisons += k == 0;
        }
    }
    free(codes);
    free(block_mem);
    free(weight_mem);
    free(want);
    free(got);
}

/* exact_dot against its definition spelled out here (16 running sums, fixed tree), bit for bit,
 * for every lane of random blocks, both bit widths and several group counts. */
static void exact_dot_matches_definition(void) {
    static const uint32_t coordinates[] = {8, 16, 64, 200, 512, 1536, 4096};
    for (uint32_t bits = 2; bits <= 4; bits += 2) {
        for (size_t c = 0; c < sizeof coordinates / sizeof coordinates[0]; c++) {
            uint32_t n = coordinates[c];
            uint32_t groups = bits == 4 ? n : n / 2;
            uint8_t *codes = malloc((size_t)groups * LODEDB_BLOCK_SIZE);
            uint8_t *block = malloc((size_t)groups * 16);
            double *q = malloc(sizeof(double) * n);
            REQUIRE(codes && block && q);
            double centroids[16];
            for (int i = 0; i < 16; i++) {
                centroids[i] = ((double)(next_random() >> 11) / 9007199254740992.0 - 0.5) * 3.0;
            }
            for (uint32_t j = 0; j < n; j++) {
                q[j] = ((double)(next_random() >> 11) / 9007199254740992.0 - 0.5) / 7.0;
            }
            fill_codes(codes, groups, CODES_RANDOM);
            pack_block(codes, groups, block);
            for (uint32_t lane = 0; lane < LODEDB_BLOCK_SIZE; lane++) {
                double part[16] = {0};
                for (uint32_t j = 0; j < n; j++) {
                    uint32_t code = codes[(size_t)lane * groups + (bits == 4 ? j : j / 2)];
                    uint32_t index = bits == 4 ? code : (j % 2 ? code >> 2 : code & 3u);
                    double product = q[j] * centroids[index];
                    part[j % 16] += product;
                }
                double s[8];
                for (int k = 0; k < 8; k++) {
                    s[k] = part[k] + part[k + 8];
                }
                double want = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
                double got = kernel->exact_dot(block, lane, groups, bits, q, centroids);
                if (memcmp(&want, &got, sizeof want) != 0) {
                    fprintf(stderr,
                            "%s exact_dot bits=%u coordinates=%u lane=%u: %.17g, expected "
                            "%.17g\n",
                            lodedb_scan_variant_name(kernel->variant), bits, n, lane, got, want);
                    CHECK(0);
                }
                comparisons++;
            }
            free(codes);
            free(block);
            free(q);
        }
    }
}

static void random_codes_and_values(void) {
    static const uint32_t groups[] = {4,   8,   12,   32,  192,  256,  384, 500,
                                      512, 768, 1536, 516, 1020, 1028, 2052};
    static const uint32_t queries[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 64};
    for (uint32_t terms = 1; terms <= 2; terms++) {
        for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
            check_case(groups[i], terms, CODES_RANDOM, VALUES_RANDOM, queries, 11, 0);
            check_case(groups[i], terms, CODES_RANDOM, VALUES_MIXED, queries, 11, 3);
            check_case(groups[i], terms, CODES_RANDOM, VALUES_SMALL, queries, 3, 1);
        }
    }
}

static void extremes_do_not_overflow(void) {
    static const uint32_t groups[] = {4,    12,   256,  500,  512,  516, 768,
                                      1024, 1028, 1536, 2048, 2052, 4100};
    static const uint32_t queries[] = {1, 2, 3, 7, 9, 64};
    for (uint32_t terms = 1; terms <= 2; terms++) {
        for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
            check_case(groups[i], terms, CODES_RANDOM, VALUES_EXTREME_PLUS, queries, 6, 0);
            check_case(groups[i], terms, CODES_ALL_15, VALUES_EXTREME_PLUS, queries, 6, 5);
            check_case(groups[i], terms, CODES_ALL_15, VALUES_EXTREME_MINUS, queries, 6, 2);
        }
    }
}

static void maximum_dimension(void) {
    /* LODEDB_MAX_DIMENSION coordinates: 65536 4-bit groups or 32768 2-bit groups, sums up to
     * 63 * 127 * 65536 in magnitude. */
    static const uint32_t queries[] = {1, 2, 3, 5, 9};
    check_case(LODEDB_MAX_DIMENSION, 1, CODES_ALL_15, VALUES_EXTREME_PLUS, queries, 5, 0);
    check_case(LODEDB_MAX_DIMENSION, 1, CODES_RANDOM, VALUES_RANDOM, queries, 5, 7);
    check_case(LODEDB_MAX_DIMENSION / 2, 2, CODES_ALL_15, VALUES_EXTREME_MINUS, queries, 5, 0);
    check_case(LODEDB_MAX_DIMENSION / 2, 2, CODES_ZERO, VALUES_MIXED, queries, 2, 0);
}

int main(int argc, char **argv) {
    rng_state = 0x243f6a8885a308d3ULL;
    int exit_code = choose_variant(argc, argv, "test_scan_parity", &kernel, &scalar);
    if (exit_code >= 0) {
        return exit_code;
    }
    RUN_TEST(exact_dot_matches_definition);
    RUN_TEST(random_codes_and_values);
    RUN_TEST(extremes_do_not_overflow);
    RUN_TEST(maximum_dimension);
    printf("%ld comparisons of %s with the definition and the scalar reference\n", comparisons,
           argv[1]);
    TEST_MAIN_END();
}
