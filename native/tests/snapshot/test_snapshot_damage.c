/* Snapshot files that must be refused: every truncation and bit flip, a foreign codebook or
 * newer version, header fields and body values that are wrong under a valid CRC. Each is a
 * status and a message, never a crash or a partly loaded index. */
#include <math.h>
#include <stdint.h>

#include "snapshot_support.h"
#include "test_support.h"

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

int main(void) {
    RUN_TEST(every_truncation_is_rejected);
    RUN_TEST(every_bit_flip_is_rejected);
    RUN_TEST(foreign_codebook_and_newer_version_are_refused);
    RUN_TEST(bad_header_fields_are_rejected);
    RUN_TEST(bad_body_values_are_rejected);
    TEST_MAIN_END();
}
