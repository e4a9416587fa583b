/* The index: create, encode/add validation, rows in and out, replace, remove, compact. */
#include <math.h>

#include "test_random.h"
#include "test_support.h"

static lodedb_index *make_index(uint32_t dim, uint32_t bits) {
    lodedb_index *index = NULL;
    lodedb_status status = lodedb_index_create(dim, bits, 0x5EED, &index);
    return status == LODEDB_OK ? index : NULL;
}

static lodedb_index_info info_of(const lodedb_index *index) {
    lodedb_index_info info;
    memset(&info, 0, sizeof info);
    lodedb_index_get_info(index, &info);
    return info;
}

static void test_create(void) {
    lodedb_index *index = (lodedb_index *)1;
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_index_create(0, 4, 1, &index));
    CHECK(index == NULL);
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_index_create(8, 3, 1, &index));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT,
                 lodedb_index_create(LODEDB_MAX_DIMENSION + 1, 4, 1, &index));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_index_create(8, 4, 1, NULL));
    CHECK_OK(lodedb_index_create(100, 2, 77, &index));
    REQUIRE(index != NULL);
    lodedb_index_info info = info_of(index);
    uint64_t fingerprint = 0;
    CHECK_OK(lodedb_codebook_fingerprint(100, 2, &fingerprint));
    CHECK(info.dim == 100 && info.padded_dim == 104 && info.bits == 2);
    CHECK(info.block_size == 32 && info.seed == 77);
    CHECK(info.codebook_fingerprint == fingerprint);
    CHECK(info.slot_count == 0 && info.live_count == 0);
    CHECK(info.code_bytes_per_row == 26);
    CHECK(info.memory_bytes > 0);
    lodedb_index_free(index);
    lodedb_index_free(NULL);
}

static void test_add_rejects_bad_vectors(void) {
    lodedb_index *index = make_index(24, 4);
    REQUIRE(index != NULL);
    float v[4 * 24];
    test_rng rng = test_rng_make(1);
    test_unit_vectors(&rng, v, 4, 24);
    uint64_t first = 0;

    v[2 * 24 + 5] = NAN;
    CHECK_STATUS(LODEDB_ERR_INVALID_VECTOR, lodedb_index_add(index, v, 4, &first));
    CHECK(strcmp(lodedb_last_error_message(), "vector 2, coordinate 5 is NaN") == 0);
    CHECK(first == LODEDB_NO_SLOT);

    v[2 * 24 + 5] = 0.1f;
    v[3 * 24 + 17] = -INFINITY;
    CHECK_STATUS(LODEDB_ERR_INVALID_VECTOR, lodedb_index_add(index, v, 4, &first));
    CHECK(strstr(lodedb_last_error_message(), "vector 3, coordinate 17 is -Inf") != NULL);

    v[3 * 24 + 17] = 1e21f;
    CHECK_STATUS(LODEDB_ERR_INVALID_VECTOR, lodedb_index_add(index, v, 4, &first));
    CHECK(strstr(lodedb_last_error_message(), "vector 3, coordinate 17") != NULL);
    CHECK(strstr(lodedb_last_error_message(), "1e20") != NULL);

    v[3 * 24 + 17] = 0.2f;
    memset(v + 24, 0, sizeof(float) * 24);
    CHECK_STATUS(LODEDB_ERR_INVALID_VECTOR, lodedb_index_add(index, v, 4, &first));
    CHECK(strstr(lodedb_last_error_message(), "vector 1 is a zero vector") != NULL);

    lodedb_index_info info = info_of(index);
    CHECK(info.slot_count == 0 && info.live_count == 0);

    uint8_t codes[4 * 12];
    float scales[4];
    CHECK_STATUS(LODEDB_ERR_INVALID_VECTOR,
                 lodedb_encode(index, v, 4, codes, sizeof codes, scales, 4));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_index_add(index, NULL, 1, &first));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_index_add(index, v, 1, NULL));
    CHECK_OK(lodedb_index_add(index, v, 0, &first));
    CHECK(first == 0);
    /* A coordinate at the limit is fine. */
    v[0] = 1e20f;
    CHECK_OK(lodedb_index_add(index, v, 1, &first));
    CHECK(first == 0);
    lodedb_index_free(index);
}

/* Unpacks coordinate j of a canonical row. */
static uint32_t row_code(const uint8_t *row, uint32_t bits, uint32_t j) {
    uint32_t per_byte = 8u / bits;
    return (row[j / per_byte] >> (bits * (j % per_byte))) & ((1u << bits) - 1u);
}

/* The canonical row is the nearest centroid of each rotated, normalised coordinate, packed as
 * lodedb.h says; checked against lodedb_rotate + lodedb_codebook. */
static void test_encode_layout(void) {
    static const uint32_t dims[] = {8, 24, 100, 512};
    for (size_t d = 0; d < 4; d++) {
        for (uint32_t bits = 2; bits <= 4; bits += 2) {
            uint32_t dim = dims[d];
            uint32_t padded = lodedb_padded_dim(dim);
            lodedb_index *index = make_index(dim, bits);
            REQUIRE(index != NULL);
            float *v = malloc(sizeof(float) * dim);
            float *rot = malloc(sizeof(float) * padded);
            uint8_t *row = malloc(padded * bits / 8);
            REQUIRE(v && rot && row);
            test_rng rng = test_rng_make(dim * 10u + bits);
            test_unit_vectors(&rng, v, 1, dim);
            for (uint32_t j = 0; j < dim; j++) {
                v[j] *= 3.0f;
            }
            float scale = 0.0f;
            CHECK_OK(lodedb_encode(index, v, 1, row, padded * bits / 8, &scale, 1));
            CHECK_OK(lodedb_rotate(dim, 0x5EED, v, rot, padded));
            float c[16];
            uint32_t n = 1u << bits;
            CHECK_OK(lodedb_codebook(dim, bits, c, n));
            double dot = 0.0;
            int mismatches = 0;
            for (uint32_t j = 0; j < padded; j++) {
                double x = rot[j] / 3.0;
                uint32_t best = 0;
                for (uint32_t i = 1; i < n; i++) {
                    if (fabs(x - c[i]) < fabs(x - c[best])) {
                        best = i;
                    }
                }
                uint32_t got = row_code(row, bits, j);
                if (got != best) {
                    /* Only a coordinate within float rounding of a boundary may differ. */
                    double boundary = 0.5 * ((double)c[got] + (double)c[best]);
                    mismatches += fabs(x - boundary) > 1e-6;
                }
                dot += x * c[got];
            }
            CHECK(mismatches == 0);
            CHECK(fabs(scale - 3.0 / dot) < 1e-4 * scale);
            free(v);
            free(rot);
            free(row);
            lodedb_index_free(index);
        }
    }
}

static int rows_equal(const lodedb_index *a, uint64_t slot_a, const lodedb_index *b,
                      uint64_t slot_b, uint64_t row_bytes) {
    uint8_t ra[1024], rb[1024];
    float sa = 0.0f, sb = 1.0f;
    if (lodedb_index_export_rows(a, slot_a, 1, ra, row_bytes, &sa, 1) != LODEDB_OK ||
        lodedb_index_export_rows(b, slot_b, 1, rb, row_bytes, &sb, 1) != LODEDB_OK) {
        return 0;
    }
    return memcmp(ra, rb, row_bytes) == 0 && sa == sb;
}

static void test_encode_matches_add_and_round_trip(void) {
    for (uint32_t bits = 2; bits <= 4; bits += 2) {
        uint32_t dim = 100;
        uint64_t n = 77;
        lodedb_index *a = make_index(dim, bits);
        lodedb_index *b = make_index(dim, bits);
        REQUIRE(a && b);
        float *v = malloc(sizeof(float) * dim * n);
        REQUIRE(v);
        test_rng rng = test_rng_make(bits);
        test_unit_vectors(&rng, v, n, dim);
        uint64_t first = 1;
        CHECK_OK(lodedb_index_add(a, v, n, &first));
        CHECK(first == 0);
        uint64_t row_bytes = info_of(a).code_bytes_per_row;
        uint8_t *codes = malloc(row_bytes * n);
        uint8_t *exported = malloc(row_bytes * n);
        float *scales = malloc(sizeof(float) * n);
        float *exported_scales = malloc(sizeof(float) * n);
        REQUIRE(codes && exported && scales && exported_scales);
        CHECK_OK(lodedb_encode(a, v, n, codes, row_bytes * n, scales, n));
        CHECK_OK(lodedb_index_export_rows(a, 0, n, exported, row_bytes * n, exported_scales, n));
        CHECK(memcmp(codes, exported, row_bytes * n) == 0);
        CHECK(memcmp(scales, exported_scales, sizeof(float) * n) == 0);
        CHECK_STATUS(
            LODEDB_ERR_OUT_OF_RANGE,
            lodedb_index_export_rows(a, 1, n, exported, row_bytes * n, exported_scales, n));
        CHECK_STATUS(
            LODEDB_ERR_BUFFER_TOO_SMALL,
            lodedb_index_export_rows(a, 0, n, exported, row_bytes * n - 1, exported_scales, n));
        CHECK_STATUS(LODEDB_ERR_BUFFER_TOO_SMALL,
                     lodedb_encode(a, v, n, codes, row_bytes * n, scales, n - 1));

        /* Import into a second index: identical rows and identical search results. */
        CHECK_STATUS(LODEDB_ERR_DIMENSION_MISMATCH,
                     lodedb_index_import_rows(b, exported, row_bytes * n - 1, exported_scales, n, n,
                                              &first));
        CHECK(first == LODEDB_NO_SLOT);
        exported_scales[3] = NAN;
        CHECK_STATUS(
            LODEDB_ERR_INVALID_ARGUMENT,
            lodedb_index_import_rows(b, exported, row_bytes * n, exported_scales, n, n, &first));
        CHECK(info_of(b).slot_count == 0);
        exported_scales[3] = scales[3];
        CHECK_OK(
            lodedb_index_import_rows(b, exported, row_bytes * n, exported_scales, n, n, &first));
        CHECK(first == 0);
        CHECK_OK(lodedb_index_remove(a, 10));
        CHECK_OK(lodedb_index_remove(b, 10));
        for (uint64_t s = 0; s < n; s++) {
            CHECK(rows_equal(a, s, b, s, row_bytes));
        }
        uint32_t k = 20, qn = 5;
        uint64_t slots_a[100], slots_b[100];
        float scores_a[100], scores_b[100];
        uint32_t counts_a[5], counts_b[5];
        CHECK_OK(
            lodedb_index_search(a, v + 20 * dim, qn, k, NULL, 0, 1, slots_a, scores_a, counts_a));
        CHECK_OK(
            lodedb_index_search(b, v + 20 * dim, qn, k, NULL, 0, 1, slots_b, scores_b, counts_b));
        CHECK(memcmp(slots_a, slots_b, sizeof slots_a) == 0);
        CHECK(memcmp(scores_a, scores_b, sizeof scores_a) == 0);
        CHECK(memcmp(counts_a, counts_b, sizeof counts_a) == 0);
        CHECK(counts_a[0] == k);
        free(v);
        free(codes);
        free(exported);
        free(scales);
        free(exported_scales);
        lodedb_index_free(a);
        lodedb_index_free(b);
    }
}

static void test_replace_remove_is_live(void) {
    uint32_t dim = 24;
    lodedb_index *index = make_index(dim, 4);
    REQUIRE(index != NULL);
    float v[40 * 24];
    test_rng rng = test_rng_make(9);
    test_unit_vectors(&rng, v, 40, dim);
    uint64_t first = 0;
    CHECK_OK(lodedb_index_add(index, v, 39, &first));
    uint64_t row_bytes = info_of(index).code_bytes_per_row;

    int32_t live = -1;
    CHECK_OK(lodedb_index_is_live(index, 3, &live));
    CHECK(live == 1);
    CHECK_OK(lodedb_index_remove(index, 3));
    CHECK_OK(lodedb_index_is_live(index, 3, &live));
    CHECK(live == 0);
    CHECK_STATUS(LODEDB_ERR_OUT_OF_RANGE, lodedb_index_remove(index, 3));
    CHECK_STATUS(LODEDB_ERR_OUT_OF_RANGE, lodedb_index_remove(index, 39));
    CHECK_STATUS(LODEDB_ERR_OUT_OF_RANGE, lodedb_index_is_live(index, 39, &live));
    CHECK(info_of(index).live_count == 38);

    /* Replacing a removed slot revives it with the new codes. */
    CHECK_OK(lodedb_index_replace(index, 3, v + 39 * dim));
    CHECK_OK(lodedb_index_is_live(index, 3, &live));
    CHECK(live == 1);
    CHECK(info_of(index).live_count == 39);
    uint8_t expected[12], got[12];
    float expected_scale = 0.0f, got_scale = 1.0f;
    CHECK_OK(lodedb_encode(index, v + 39 * dim, 1, expected, row_bytes, &expected_scale, 1));
    CHECK_OK(lodedb_index_export_rows(index, 3, 1, got, row_bytes, &got_scale, 1));
    CHECK(memcmp(expected, got, row_bytes) == 0 && expected_scale == got_scale);
    /* Replacing a live slot keeps the count; a bad vector changes nothing. */
    CHECK_OK(lodedb_index_replace(index, 4, v + 39 * dim));
    CHECK(info_of(index).live_count == 39);
    float bad[24];
    memcpy(bad, v, sizeof bad);
    bad[7] = NAN;
    CHECK_STATUS(LODEDB_ERR_INVALID_VECTOR, lodedb_index_replace(index, 5, bad));
    CHECK(strcmp(lodedb_last_error_message(), "vector 0, coordinate 7 is NaN") == 0);
    CHECK_OK(lodedb_encode(index, v + 5 * dim, 1, expected, row_bytes, &expected_scale, 1));
    CHECK_OK(lodedb_index_export_rows(index, 5, 1, got, row_bytes, &got_scale, 1));
    CHECK(memcmp(expected, got, row_bytes) == 0);
    CHECK_STATUS(LODEDB_ERR_OUT_OF_RANGE, lodedb_index_replace(index, 39, v));

    /* replace_row: canonical bytes in, the same bytes out. */
    for (uint64_t i = 0; i < row_bytes; i++) {
        expected[i] = (uint8_t)(i * 29 + 7);
    }
    CHECK_OK(lodedb_index_remove(index, 6));
    CHECK_OK(lodedb_index_replace_row(index, 6, expected, row_bytes, 1.25f));
    CHECK_OK(lodedb_index_export_rows(index, 6, 1, got, row_bytes, &got_scale, 1));
    CHECK(memcmp(expected, got, row_bytes) == 0 && got_scale == 1.25f);
    CHECK_OK(lodedb_index_is_live(index, 6, &live));
    CHECK(live == 1);
    CHECK_STATUS(LODEDB_ERR_DIMENSION_MISMATCH,
                 lodedb_index_replace_row(index, 6, expected, row_bytes + 1, 1.0f));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT,
                 lodedb_index_replace_row(index, 6, expected, row_bytes, INFINITY));
    CHECK_STATUS(LODEDB_ERR_OUT_OF_RANGE,
                 lodedb_index_replace_row(index, 40, expected, row_bytes, 1.0f));
    /* The neighbours in the same block are untouched. */
    CHECK_OK(lodedb_encode(index, v + 7 * dim, 1, expected, row_bytes, &expected_scale, 1));
    CHECK_OK(lodedb_index_export_rows(index, 7, 1, got, row_bytes, &got_scale, 1));
    CHECK(memcmp(expected, got, row_bytes) == 0);
    lodedb_index_free(index);
}

static void test_compact(void) {
    for (uint32_t bits = 2; bits <= 4; bits += 2) {
        uint32_t dim = 40;
        uint64_t n = 70;
        lodedb_index *index = make_index(dim, bits);
        lodedb_index *reference = make_index(dim, bits);
        REQUIRE(index && reference);
        float *v = malloc(sizeof(float) * dim * n);
        REQUIRE(v);
        test_rng rng = test_rng_make(bits + 100);
        test_unit_vectors(&rng, v, n, dim);
        uint64_t first;
        CHECK_OK(lodedb_index_add(index, v, n, &first));
        static const uint64_t removed[] = {0, 5, 31, 32, 33, 69};
        for (size_t i = 0; i < 6; i++) {
            CHECK_OK(lodedb_index_remove(index, removed[i]));
        }
        uint64_t map[70];
        CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_index_compact(index, map, 69));
        CHECK_OK(lodedb_index_compact(index, map, 70));
        lodedb_index_info info = info_of(index);
        CHECK(info.slot_count == 64 && info.live_count == 64);
        uint64_t next = 0;
        for (uint64_t s = 0; s < n; s++) {
            int gone = 0;
            for (size_t i = 0; i < 6; i++) {
                gone |= removed[i] == s;
            }
            if (gone) {
                CHECK(map[s] == LODEDB_NO_SLOT);
                continue;
            }
            CHECK(map[s] == next);
            CHECK_OK(lodedb_index_add(reference, v + s * dim, 1, &first));
            CHECK(first == next);
            next++;
        }
        for (uint64_t s = 0; s < 64; s++) {
            CHECK(rows_equal(index, s, reference, s, info.code_bytes_per_row));
        }
        /* Search after compaction equals search over the same rows added fresh. */
        uint64_t sa[10], sb[10];
        float fa[10], fb[10];
        uint32_t ca = 0, cb = 0;
        CHECK_OK(lodedb_index_search(index, v + 7 * dim, 1, 10, NULL, 0, 1, sa, fa, &ca));
        CHECK_OK(lodedb_index_search(reference, v + 7 * dim, 1, 10, NULL, 0, 1, sb, fb, &cb));
        CHECK(ca == 10 && cb == 10);
        CHECK(memcmp(sa, sb, sizeof sa) == 0 && memcmp(fa, fb, sizeof fa) == 0);
        /* Remove everything, compact to empty, add again. */
        for (uint64_t s = 0; s < 64; s++) {
            CHECK_OK(lodedb_index_remove(index, s));
        }
        CHECK_OK(lodedb_index_compact(index, map, 64));
        CHECK(info_of(index).slot_count == 0);
        CHECK_OK(lodedb_index_compact(index, NULL, 0));
        CHECK_OK(lodedb_index_add(index, v, 3, &first));
        CHECK(first == 0);
        CHECK(rows_equal(index, 2, reference, 1, info.code_bytes_per_row));
        free(v);
        lodedb_index_free(index);
        lodedb_index_free(reference);
    }
}

static void test_memory_grows(void) {
    uint32_t dim = 512;
    lodedb_index *index = make_index(dim, 4);
    REQUIRE(index != NULL);
    float *v = malloc(sizeof(float) * dim * 1000);
    REQUIRE(v);
    test_rng rng = test_rng_make(3);
    test_unit_vectors(&rng, v, 1000, dim);
    uint64_t before = info_of(index).memory_bytes;
    uint64_t first;
    for (int i = 0; i < 1000; i++) {
        CHECK_OK(lodedb_index_add(index, v + (size_t)i * dim, 1, &first));
    }
    lodedb_index_info info = info_of(index);
    CHECK(info.memory_bytes > before + 1000 * (256 + 4));
    /* Geometric growth: at most about twice what is needed, plus the fixed tables. */
    CHECK(info.memory_bytes < before + 2 * 1024 * (256 + 4) + 4096);
    free(v);
    lodedb_index_free(index);
}

int main(void) {
    RUN_TEST(test_create);
    RUN_TEST(test_add_rejects_bad_vectors);
    RUN_TEST(test_encode_layout);
    RUN_TEST(test_encode_matches_add_and_round_trip);
    RUN_TEST(test_replace_remove_is_live);
    RUN_TEST(test_compact);
    RUN_TEST(test_memory_grows);
    TEST_MAIN_END();
}
