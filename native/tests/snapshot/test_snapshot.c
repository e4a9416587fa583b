/* Snapshot files: round trips keep search results bit for bit, the header layout is pinned,
 * and bad arguments are refused (damaged files: test_snapshot_damage.c). */
#include <math.h>
#include <stdint.h>

#include "snapshot_support.h"
#include "test_support.h"

static void check_same_index(const lodedb_index *a, const lodedb_index *b) {
    lodedb_index_info ia, ib;
    CHECK_OK(lodedb_index_get_info(a, &ia));
    CHECK_OK(lodedb_index_get_info(b, &ib));
    CHECK(ia.dim == ib.dim && ia.padded_dim == ib.padded_dim && ia.bits == ib.bits);
    CHECK(ia.seed == ib.seed && ia.codebook_fingerprint == ib.codebook_fingerprint);
    CHECK(ia.slot_count == ib.slot_count && ia.live_count == ib.live_count);
    CHECK(ia.code_bytes_per_row == ib.code_bytes_per_row);
    if (ia.slot_count != ib.slot_count || ia.slot_count == 0) {
        return;
    }
    uint64_t n = ia.slot_count;
    size_t cb = (size_t)(n * ia.code_bytes_per_row);
    uint8_t *ca = malloc(cb), *cbuf = malloc(cb);
    float *sa = malloc(sizeof(float) * n), *sb = malloc(sizeof(float) * n);
    CHECK_OK(lodedb_index_export_rows(a, 0, n, ca, cb, sa, (size_t)n));
    CHECK_OK(lodedb_index_export_rows(b, 0, n, cbuf, cb, sb, (size_t)n));
    for (uint64_t s = 0; s < n; s++) {
        int32_t la = -1, lb = -2;
        CHECK_OK(lodedb_index_is_live(a, s, &la));
        CHECK_OK(lodedb_index_is_live(b, s, &lb));
        CHECK(la == lb);
        if (la == 1 && lb == 1) {
            size_t row = (size_t)ia.code_bytes_per_row;
            CHECK(memcmp(ca + s * row, cbuf + s * row, row) == 0);
            CHECK(memcmp(&sa[s], &sb[s], sizeof(float)) == 0);
        }
    }
    free(ca);
    free(cbuf);
    free(sa);
    free(sb);

    enum { Q = 5, K = 10 };
    float *queries = malloc(sizeof(float) * ia.dim * Q);
    fill_vectors(queries, (size_t)ia.dim * Q);
    uint64_t slots_a[Q * K], slots_b[Q * K];
    float scores_a[Q * K], scores_b[Q * K];
    uint32_t counts_a[Q], counts_b[Q];
    CHECK_OK(lodedb_index_search(a, queries, Q, K, NULL, 0, 1, slots_a, scores_a, counts_a));
    CHECK_OK(lodedb_index_search(b, queries, Q, K, NULL, 0, 1, slots_b, scores_b, counts_b));
    CHECK(memcmp(counts_a, counts_b, sizeof counts_a) == 0);
    CHECK(memcmp(slots_a, slots_b, sizeof slots_a) == 0);
    CHECK(memcmp(scores_a, scores_b, sizeof scores_a) == 0);
    free(queries);
}

static void round_trip_keeps_search_results(void) {
    /* Both bit widths, a dim that needs padding, the smallest dim, a large one. Each case
     * costs codebook builds, which are slow under qemu: keep the list short. */
    const struct { uint32_t dim, bits; } cases[] = {{100, 4}, {100, 2}, {8, 2}, {768, 4}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const uint32_t dim = cases[c].dim, bits = cases[c].bits;
        lodedb_index *index = make_index(dim, bits, 301, 7);
        REQUIRE(index != NULL);
        size_t length = 0;
        uint8_t *data = serialize(index, &length);
        REQUIRE(data != NULL);
        lodedb_index *copy = NULL;
        CHECK_OK(lodedb_index_deserialize(data, length, &copy));
        if (copy != NULL) {
            check_same_index(index, copy);
            /* The format is canonical: writing the copy gives the same bytes. */
            size_t length2 = 0;
            uint8_t *data2 = serialize(copy, &length2);
            CHECK(data2 != NULL && length2 == length && memcmp(data, data2, length) == 0);
            free(data2);
        }
        lodedb_snapshot_header h;
        CHECK_OK(lodedb_snapshot_read_header(data, length, &h));
        CHECK(h.format_version == 1 && h.dim == dim && h.bits == bits);
        CHECK(h.padded_dim == lodedb_padded_dim(dim) && h.row_count == 301);
        CHECK(h.seed == 1234567u + dim);
        /* read_header needs only the header bytes. */
        CHECK_OK(lodedb_snapshot_read_header(data, 60, &h));
        lodedb_index_free(copy);
        lodedb_index_free(index);
        free(data);
    }
}

/* A snapshot is imported in 1 MiB chunks; the load must size the storage once, so a loaded
 * index holds no doubling slack: exactly the memory of an index filled by one add. */
static void a_loaded_index_has_no_growth_slack(void) {
    lodedb_index *index = make_index(768, 4, 6000, 0); /* 384 code bytes a row: 3 chunks */
    REQUIRE(index != NULL);
    size_t length = 0;
    uint8_t *data = serialize(index, &length);
    REQUIRE(data != NULL);
    lodedb_index *copy = NULL;
    CHECK_OK(lodedb_index_deserialize(data, length, &copy));
    if (copy != NULL) {
        lodedb_index_info built, loaded;
        CHECK_OK(lodedb_index_get_info(index, &built));
        CHECK_OK(lodedb_index_get_info(copy, &loaded));
        CHECK(loaded.memory_bytes == built.memory_bytes);
    }
    lodedb_index_free(copy);
    lodedb_index_free(index);
    free(data);
}

static void save_and_load_a_file(void) {
    const char *path = "test_snapshot_file.snap";
    lodedb_index *index = make_index(64, 4, 1000, 3);
    REQUIRE(index != NULL);
    CHECK_OK(lodedb_index_save(index, path, LODEDB_FLAG_SYNC));
    CHECK_OK(lodedb_index_save(index, path, 0)); /* truncates and rewrites */
    lodedb_index *loaded = NULL;
    CHECK_OK(lodedb_index_load(path, &loaded));
    if (loaded != NULL) {
        check_same_index(index, loaded);
    }
    size_t length = 0;
    uint8_t *data = serialize(index, &length);
    FILE *f = fopen(path, "rb");
    REQUIRE(f != NULL && data != NULL);
    uint8_t *file = malloc(length + 16);
    size_t got = fread(file, 1, length + 16, f);
    fclose(f);
    CHECK(got == length && memcmp(file, data, length) == 0);
    free(file);
    free(data);
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_index_save(index, path, 0x10));
    CHECK_STATUS(LODEDB_ERR_IO, lodedb_index_save(index, "no_such_dir/x.snap", 0));
    CHECK(strstr(lodedb_last_error_message(), "no_such_dir/x.snap") != NULL);
    lodedb_index *missing = NULL;
    CHECK_STATUS(LODEDB_ERR_IO, lodedb_index_load("no_such_dir/x.snap", &missing));
    CHECK(missing == NULL);
    /* A damaged file: the message names the file. */
    f = fopen(path, "r+b");
    REQUIRE(f != NULL);
    fseek(f, 70, SEEK_SET);
    fputc(0x5A, f);
    fclose(f);
    lodedb_index *damaged = NULL;
    CHECK_STATUS(LODEDB_ERR_CORRUPT, lodedb_index_load(path, &damaged));
    CHECK(damaged == NULL && strstr(lodedb_last_error_message(), path) != NULL);
    lodedb_index_free(loaded);
    lodedb_index_free(index);
    remove(path);
}

static void header_layout_is_pinned(void) {
    lodedb_index *index = make_index(10, 2, 9, 4); /* slots 0, 4, 8 removed */
    REQUIRE(index != NULL);
    size_t length = 0;
    uint8_t *data = serialize(index, &length);
    REQUIRE(data != NULL);
    /* padded 16, 2 bits: 4 bytes a row. 60 + 9*4 + 9*4 + 2 + 4 */
    CHECK(length == 60 + 36 + 36 + 2 + 4);
    CHECK(memcmp(data, "LODESNAP", 8) == 0);
    const uint8_t fields[] = {1, 0, 0, 0, 10, 0, 0, 0, 16, 0, 0, 0, 2, 0, 0, 0};
    CHECK(memcmp(data + 8, fields, sizeof fields) == 0);
    CHECK(get_le64(data + 24) == 1234567u + 10u);
    uint64_t fingerprint = 0;
    CHECK_OK(lodedb_codebook_fingerprint(10, 2, &fingerprint));
    CHECK(get_le64(data + 32) == fingerprint);
    CHECK(get_le64(data + 40) == 9 && get_le64(data + 48) == 4);
    /* Tombstones: bits 0, 4, 8. */
    CHECK(data[60 + 72] == 0x11 && data[60 + 73] == 0x01);
    /* Removed rows carry zero codes and a zero scale. */
    static const uint8_t zero[4] = {0};
    CHECK(memcmp(data + 60, zero, 4) == 0 && memcmp(data + 60 + 16, zero, 4) == 0);
    CHECK(memcmp(data + 60 + 36, zero, 4) == 0);
    CHECK(memcmp(data + 60 + 4, zero, 4) != 0 || memcmp(data + 60 + 40, zero, 4) != 0);
    free(data);
    lodedb_index_free(index);
}

static void empty_index_round_trip(void) {
    lodedb_index *index = make_index(33, 4, 0, 0);
    REQUIRE(index != NULL);
    size_t length = 0;
    uint8_t *data = serialize(index, &length);
    REQUIRE(data != NULL);
    CHECK(length == 64);
    lodedb_index *copy = NULL;
    CHECK_OK(lodedb_index_deserialize(data, length, &copy));
    if (copy != NULL) {
        check_same_index(index, copy);
    }
    lodedb_index_free(copy);
    /* All removed. */
    lodedb_index *all_removed = make_index(33, 4, 5, 1);
    uint8_t *data2 = serialize(all_removed, &length);
    CHECK_OK(lodedb_index_deserialize(data2, length, &copy));
    if (copy != NULL) {
        check_same_index(all_removed, copy);
    }
    lodedb_index_free(copy);
    lodedb_index_free(all_removed);
    lodedb_index_free(index);
    free(data);
    free(data2);
}

static void bad_arguments(void) {
    lodedb_index *index = make_index(8, 4, 2, 0);
    REQUIRE(index != NULL);
    size_t length = 0;
    CHECK_OK(lodedb_index_serialize(index, NULL, 0, &length));
    uint8_t small[16];
    size_t reported = 0;
    CHECK_STATUS(LODEDB_ERR_BUFFER_TOO_SMALL,
                 lodedb_index_serialize(index, small, sizeof small, &reported));
    CHECK(reported == length);
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_index_serialize(NULL, NULL, 0, &length));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_index_serialize(index, NULL, 0, NULL));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_index_deserialize(small, 16, NULL));
    lodedb_snapshot_header h;
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_snapshot_read_header(small, 16, NULL));
    memcpy(small, "NOTASNAP", 8);
    CHECK_STATUS(LODEDB_ERR_CORRUPT, lodedb_snapshot_read_header(small, 16, &h));
    CHECK(strstr(lodedb_last_error_message(), "LODESNAP") != NULL);
    lodedb_index_free(index);
}

int main(void) {
    RUN_TEST(round_trip_keeps_search_results);
    RUN_TEST(a_loaded_index_has_no_growth_slack);
    RUN_TEST(save_and_load_a_file);
    RUN_TEST(header_layout_is_pinned);
    RUN_TEST(empty_index_round_trip);
    RUN_TEST(bad_arguments);
    TEST_MAIN_END();
}
