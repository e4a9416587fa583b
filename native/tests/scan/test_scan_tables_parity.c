/* Parity of one scan kernel variant's accumulate_tables (argv[1], e.g. "avx512bw") with the
 * definition of the group-table sums (scan_kernels.h), computed here from unpacked codes, and
 * with the portable reference (the scalar variant's), bit for bit: random tables and codes;
 * tables of 0 and 255 only, codes all 15 (the largest sums, 255 * groups, where 16-bit partial
 * sums would overflow first); misaligned buffers; group counts from 4 up to 16384, across the
 * kernels' 16-bit widening periods (128 and 256 steps) and their remainders; query counts across
 * every tile width and remainder. A variant this build or CPU cannot run exits with SKIP_CODE,
 * which CTest reports as skipped. */
#include "parity_support.h"

/* The most groups accumulate_tables takes (sums up to 255 * 16384). */
#define MAX_TABLE_GROUPS 16384u

enum entry_kind { ENTRIES_RANDOM, ENTRIES_MAX, ENTRIES_ZERO, ENTRIES_EDGES };

static const char *entry_kind_name(enum entry_kind kind) {
    switch (kind) {
    case ENTRIES_RANDOM: return "random";
    case ENTRIES_MAX: return "255";
    case ENTRIES_ZERO: return "0";
    case ENTRIES_EDGES: return "0/255/random";
    }
    return "?";
}

static uint8_t random_entry(enum entry_kind kind) {
    uint64_t r = next_random();
    switch (kind) {
    case ENTRIES_RANDOM: return (uint8_t)r;
    case ENTRIES_MAX: return 255;
    case ENTRIES_ZERO: return 0;
    case ENTRIES_EDGES: return (r & 3) == 0 ? 0 : (r & 3) == 1 ? 255 : (uint8_t)(r >> 8);
    }
    return 0;
}

/* The definition, from unpacked codes: lane j's sum of its codes' entries, group by group. */
static void definition(const uint8_t *codes, const uint8_t *tables, uint32_t groups, int32_t *acc) {
    for (uint32_t j = 0; j < LODEDB_BLOCK_SIZE; j++) {
        int64_t sum = 0;
        for (uint32_t g = 0; g < groups; g++) {
            sum += tables[(size_t)g / 4 * 64 + g % 4 * 16 + codes[(size_t)j * groups + g]];
        }
        CHECK(sum <= INT32_MAX);
        acc[j] = (int32_t)sum;
    }
}

static const lodedb_scan_kernels *kernel;
static const lodedb_scan_kernels *scalar;
static long comparisons = 0;

/* One block of `groups`, tables of `kind`, every query count of `query_counts`. Buffers sit
 * `misalign` bytes past a malloc'd address so kernels cannot rely on alignment; a sentinel
 * block after the sums catches writes past the end. */
static void check_case(uint32_t groups, enum code_kind code_kind, enum entry_kind kind,
                       const uint32_t *query_counts, size_t count_count, size_t misalign) {
    uint32_t max_queries = largest_count(query_counts, count_count);
    size_t table_bytes = (size_t)groups * 16; /* per query, as many as the block's */
    uint8_t *codes = malloc((size_t)groups * LODEDB_BLOCK_SIZE);
    uint8_t *block_mem = malloc(table_bytes + misalign);
    uint8_t *table_mem = malloc(table_bytes * max_queries + misalign);
    int32_t *want = malloc(sizeof(int32_t) * LODEDB_BLOCK_SIZE * max_queries);
    int32_t *got = malloc(sizeof(int32_t) * LODEDB_BLOCK_SIZE * (max_queries + 1));
    REQUIRE(codes && block_mem && table_mem && want && got);
    uint8_t *block = block_mem + misalign;
    uint8_t *tables = table_mem + misalign;

    fill_codes(codes, groups, code_kind);
    pack_block(codes, groups, block);
    for (size_t i = 0; i < table_bytes * max_queries; i++) {
        tables[i] = random_entry(kind);
    }
    for (uint32_t q = 0; q < max_queries; q++) {
        definition(codes, tables + q * table_bytes, groups, want + (size_t)q * LODEDB_BLOCK_SIZE);
    }
    if (kind == ENTRIES_MAX) {
        CHECK(want[0] == 255 * (int32_t)groups);
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
            both[k]->accumulate_tables(block, tables, n, groups, got);
            char context[160];
            snprintf(context, sizeof context, "%s %s groups=%u entries=%s queries=%u",
                     lodedb_scan_variant_name(kernel->variant),
                     k == 0 ? "accumulate_tables" : "(portable reference)", groups,
                     entry_kind_name(kind), n);
            CHECK(sums_match(want, got, entries, context));
            comparisons += k == 0;
        }
    }
    free(codes);
    free(block_mem);
    free(table_mem);
    free(want);
    free(got);
}

/* Query counts past every tile width (8 at most) and each remainder. */
static const uint32_t all_queries[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33};
#define ALL_QUERY_COUNTS (sizeof all_queries / sizeof all_queries[0])

static void random_tables_and_codes(void) {
    /* 516, 1028, 2052: one step past 128, 256, 512 steps (the widening periods). */
    static const uint32_t groups[] = {4, 8, 12, 16, 64, 128, 132, 384, 516, 1028, 2052, 4096};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        check_case(groups[i], CODES_RANDOM, ENTRIES_RANDOM, all_queries, ALL_QUERY_COUNTS, 0);
        check_case(groups[i], CODES_RANDOM, ENTRIES_EDGES, all_queries, ALL_QUERY_COUNTS, 3);
        check_case(groups[i], CODES_ZERO, ENTRIES_RANDOM, all_queries, 4, 1);
    }
}

static void largest_sums_do_not_overflow(void) {
    static const uint32_t groups[] = {4,    128,  508,  512,  516,  1020,
                                      1024, 1028, 1032, 2048, 4100, 8192};
    static const uint32_t queries[] = {1, 2, 3, 9, 17};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        check_case(groups[i], CODES_ALL_15, ENTRIES_MAX, queries, 5, 5);
        check_case(groups[i], CODES_RANDOM, ENTRIES_MAX, queries, 5, 0);
        check_case(groups[i], CODES_ALL_15, ENTRIES_ZERO, queries, 2, 2);
    }
}

static void maximum_groups(void) {
    static const uint32_t queries[] = {1, 2, 3, 5, 9};
    check_case(MAX_TABLE_GROUPS, CODES_ALL_15, ENTRIES_MAX, queries, 5, 0);
    check_case(MAX_TABLE_GROUPS, CODES_RANDOM, ENTRIES_EDGES, queries, 5, 7);
}

int main(int argc, char **argv) {
    rng_state = 0x452821e638d01377ULL;
    int exit_code = choose_variant(argc, argv, "test_scan_tables_parity", &kernel, &scalar);
    if (exit_code >= 0) {
        return exit_code;
    }
    RUN_TEST(random_tables_and_codes);
    RUN_TEST(largest_sums_do_not_overflow);
    RUN_TEST(maximum_groups);
    printf("%ld comparisons of %s's accumulate_tables with the definition and the portable "
           "reference\n",
           comparisons, argv[1]);
    TEST_MAIN_END();
}
