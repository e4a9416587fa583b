/* Snapshot files: round trips keep search results bit for bit, and every damaged, truncated,
 * foreign or newer file is refused with a status, never a crash. */
#include <math.h>
#include <stdint.h>

#include "test_support.h"

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static float next_uniform(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (float)((double)(rng >> 11) / 9007199254740992.0) * 2.0f - 1.0f;
}

static void fill_vectors(float *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        v[i] = next_uniform() + next_uniform() + next_uniform();
    }
}

static void put_le32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void put_le64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint64_t get_le64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    return v;
}

static void fix_header_crc(uint8_t *data) { put_le32(data + 56, lodedb_crc32c(0, data, 56)); }

static void fix_body_crc(uint8_t *data, size_t length) {
    put_le32(data + length - 4, lodedb_crc32c(0, data + 60, length - 64));
}

/* An index of `count` vectors with every `remove_every`-th slot removed (0: none). */
static lodedb_index *make_index(uint32_t dim, uint32_t bits, uint64_t count,
                                uint64_t remove_every) {
    lodedb_index *index = NULL;
    if (lodedb_index_create(dim, bits, 1234567u + dim, &index) != LODEDB_OK) {
        fprintf(stderr, "create: %s\n", lodedb_last_error_message());
        return NULL;
    }
    if (count > 0) {
        float *v = malloc(sizeof(float) * dim * count);
        fill_vectors(v, (size_t)dim * count);
        uint64_t first = 0;
        if (lodedb_index_add(index, v, count, &first) != LODEDB_OK) {
            fprintf(stderr, "add: %s\n", lodedb_last_error_message());
        }
        free(v);
    }
    for (uint64_t s = 0; remove_every != 0 && s < count; s += remove_every) {
        lodedb_index_remove(index, s);
    }
    return index;
}

static uint8_t *serialize(const lodedb_index *index, size_t *out_length) {
    size_t n = 0;
    if (lodedb_index_serialize(index, NULL, 0, &n) != LODEDB_OK) {
        return NULL;
    }
    uint8_t *data = malloc(n);
    if (lodedb_index_serialize(index, data, n, out_length) != LODEDB_OK || *out_length != n) {
        free(data);
        return NULL;
    }
    return data;
}

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

static void every_truncation_is_rejected(void) {
    lodedb_index *index = make_index(12, 4, 6, 4);
    REQUIRE(index != NULL);
    size_t length = 0;
    uint8_t *data = serialize(index, &length);
    REQUIRE(data != NULL);
    for (size_t cut = 0; cut < length; cut++) {
        /* A copy of exactly cut bytes, so a sanitizer sees any read past it. */
        uint8_t *prefix = malloc(cut + 1);
        memcpy(prefix, data, cut);
        lodedb_index *copy = NULL;
        lodedb_status status = lodedb_index_deserialize(cut == 0 ? NULL : prefix, cut, &copy);
        if (status != LODEDB_ERR_CORRUPT || copy != NULL) {
            fprintf(stderr, "truncated to %zu: %s (%s)\n", cut, lodedb_status_name(status),
                    lodedb_last_error_message());
            lodedb_test_failures++;
        }
        if (cut <= 60) { /* past 60 every call would rebuild the same codebook */
            lodedb_snapshot_header h;
            status = lodedb_snapshot_read_header(prefix, cut, &h);
            CHECK(cut == 60 ? status == LODEDB_OK : status == LODEDB_ERR_CORRUPT);
        }
        lodedb_index_free(copy);
        free(prefix);
    }
    /* Trailing bytes are as wrong as missing ones. */
    uint8_t *longer = malloc(length + 1);
    memcpy(longer, data, length);
    longer[length] = 0;
    lodedb_index *copy = NULL;
    CHECK_STATUS(LODEDB_ERR_CORRUPT, lodedb_index_deserialize(longer, length + 1, &copy));
    free(longer);
    free(data);
    lodedb_index_free(index);
}

static void every_bit_flip_is_rejected(void) {
    lodedb_index *index = make_index(12, 2, 6, 4);
    REQUIRE(index != NULL);
    size_t length = 0;
    uint8_t *data = serialize(index, &length);
    REQUIRE(data != NULL);
    for (size_t byte = 0; byte < length; byte++) {
        for (int bit = 0; bit < 8; bit++) {
            data[byte] ^= (uint8_t)(1u << bit);
            lodedb_index *copy = NULL;
            lodedb_status status = lodedb_index_deserialize(data, length, &copy);
            data[byte] ^= (uint8_t)(1u << bit);
            /* A flip that makes the version look newer is reported as such. */
            int newer_version = byte >= 8 && byte < 12 && !(byte == 8 && bit < 1);
            lodedb_status want = newer_version ? LODEDB_ERR_UNSUPPORTED : LODEDB_ERR_CORRUPT;
            if (status != want || copy != NULL) {
                fprintf(stderr, "bit %d of byte %zu: %s (%s)\n", bit, byte,
                        lodedb_status_name(status), lodedb_last_error_message());
                lodedb_test_failures++;
                lodedb_index_free(copy);
                free(data);
                lodedb_index_free(index);
                return;
            }
        }
    }
    free(data);
    lodedb_index_free(index);
}

static void foreign_codebook_and_newer_version_are_refused(void) {
    lodedb_index *index = make_index(40, 4, 3, 0);
    REQUIRE(index != NULL);
    size_t length = 0;
    uint8_t *data = serialize(index, &length);
    REQUIRE(data != NULL);
    lodedb_index *copy = NULL;
    lodedb_snapshot_header h;

    uint64_t fingerprint = get_le64(data + 32);
    put_le64(data + 32, fingerprint ^ 1u);
    fix_header_crc(data);
    CHECK_STATUS(LODEDB_ERR_UNSUPPORTED, lodedb_index_deserialize(data, length, &copy));
    CHECK(strstr(lodedb_last_error_message(), "fingerprint") != NULL);
    CHECK_STATUS(LODEDB_ERR_UNSUPPORTED, lodedb_snapshot_read_header(data, length, &h));
    put_le64(data + 32, fingerprint);
    fix_header_crc(data);
    CHECK_OK(lodedb_snapshot_read_header(data, length, &h));

    put_le32(data + 8, 2);
    fix_header_crc(data);
    CHECK_STATUS(LODEDB_ERR_UNSUPPORTED, lodedb_index_deserialize(data, length, &copy));
    CHECK(strstr(lodedb_last_error_message(), "version 2") != NULL);
    /* Even when the rest is laid out differently (a newer header is longer, say). */
    CHECK_STATUS(LODEDB_ERR_UNSUPPORTED, lodedb_snapshot_read_header(data, 12, &h));
    put_le32(data + 8, 0);
    CHECK_STATUS(LODEDB_ERR_CORRUPT, lodedb_snapshot_read_header(data, length, &h));
    put_le32(data + 8, 1);
    fix_header_crc(data);
    CHECK_OK(lodedb_index_deserialize(data, length, &copy));
    lodedb_index_free(copy);
    free(data);
    lodedb_index_free(index);
}

/* A header with a valid CRC but a field changed: each must be caught by its own check. */
static void bad_header_fields_are_rejected(void) {
    lodedb_index *index = make_index(20, 4, 4, 0);
    REQUIRE(index != NULL);
    size_t length = 0;
    uint8_t *data = serialize(index, &length);
    REQUIRE(data != NULL);
    uint8_t *bad = malloc(length);
    lodedb_index *copy = NULL;
    struct {
        size_t offset;
        int width;
        uint64_t value;
        const char *mention;
    } cases[] = {
        {12, 4, 0, "dim"},
        {12, 4, 65537, "dim"},
        {12, 4, 21, "padded_dim"}, /* 21 pads to 24 like 20: caught by the fingerprint */
        {16, 4, 32, "padded_dim"},
        {20, 4, 3, "bits"},
        {20, 4, 8, "bits"},
        {48, 8, 11, "code_bytes_per_row"},
        {40, 8, 5, "long"}, /* one row more than the bytes hold */
        {40, 8, UINT64_MAX, "overflow"},
        {40, 8, UINT64_MAX / 12 + 1, "overflow"}, /* rows * 12 wraps */
        {40, 8, UINT64_MAX / 16, "overflow"},     /* codes fit, + scales wraps */
        {40, 8, (uint64_t)1 << 40, "long"},       /* fits 64 bits, not the buffer */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(bad, data, length);
        if (cases[i].width == 4) {
            put_le32(bad + cases[i].offset, (uint32_t)cases[i].value);
        } else {
            put_le64(bad + cases[i].offset, cases[i].value);
        }
        fix_header_crc(bad);
        lodedb_status status = lodedb_index_deserialize(bad, length, &copy);
        int ok = (status == LODEDB_ERR_CORRUPT || status == LODEDB_ERR_UNSUPPORTED) && copy == NULL;
        if (cases[i].offset == 12 && cases[i].value == 21) {
            ok = ok && strstr(lodedb_last_error_message(), "fingerprint") != NULL;
        } else {
            ok = ok && status == LODEDB_ERR_CORRUPT &&
                 strstr(lodedb_last_error_message(), cases[i].mention) != NULL;
        }
        if (!ok) {
            fprintf(stderr, "case %zu (offset %zu = %llu): %s (%s)\n", i, cases[i].offset,
                    (unsigned long long)cases[i].value, lodedb_status_name(status),
                    lodedb_last_error_message());
            lodedb_test_failures++;
        }
        lodedb_index_free(copy);
        copy = NULL;
    }
    free(bad);
    free(data);
    lodedb_index_free(index);
}

static void bad_body_values_are_rejected(void) {
    lodedb_index *index = make_index(16, 4, 5, 0);
    REQUIRE(index != NULL);
    size_t length = 0;
    uint8_t *data = serialize(index, &length);
    REQUIRE(data != NULL);
    size_t scales = 60 + 5 * 8;
    lodedb_index *copy = NULL;
    const uint32_t non_finite[] = {0x7FC00000u, 0x7F800000u, 0xFF800000u, 0x7F800001u};
    for (size_t i = 0; i < 4; i++) {
        uint8_t saved[4];
        memcpy(saved, data + scales + 8, 4);
        put_le32(data + scales + 8, non_finite[i]);
        fix_body_crc(data, length);
        CHECK_STATUS(LODEDB_ERR_CORRUPT, lodedb_index_deserialize(data, length, &copy));
        CHECK(strstr(lodedb_last_error_message(), "row 2") != NULL);
        memcpy(data + scales + 8, saved, 4);
    }
    /* A tombstone bit past the last row. */
    data[scales + 20] |= 0x80;
    fix_body_crc(data, length);
    CHECK_STATUS(LODEDB_ERR_CORRUPT, lodedb_index_deserialize(data, length, &copy));
    CHECK(strstr(lodedb_last_error_message(), "tombstone") != NULL);
    data[scales + 20] &= 0x7F;
    fix_body_crc(data, length);
    CHECK_OK(lodedb_index_deserialize(data, length, &copy));
    lodedb_index_free(copy);
    free(data);
    lodedb_index_free(index);
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
    RUN_TEST(every_truncation_is_rejected);
    RUN_TEST(every_bit_flip_is_rejected);
    RUN_TEST(foreign_codebook_and_newer_version_are_refused);
    RUN_TEST(bad_header_fields_are_rejected);
    RUN_TEST(bad_body_values_are_rejected);
    RUN_TEST(bad_arguments);
    TEST_MAIN_END();
}
