/* libFuzzer target: lodedb_index_deserialize on arbitrary bytes.
 *
 * Byte 0 picks a mode:
 *   0: raw bytes;
 *   1: raw bytes with the header CRC repaired;
 *   2: both CRCs repaired (reaches the field, length and scale checks);
 *   3: synthesised: a valid header for a small (dim, bits) taken from the input, a body from
 *      the remaining bytes, both CRCs repaired, so the rebuild path runs on fuzzed rows.
 * Invariants: failures are CORRUPT/UNSUPPORTED with a message and no index; an index that
 * loads serialises again to a snapshot that loads to the same bytes, with the same header,
 * tombstones, and live rows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lodedb/lodedb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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

static void fix_crcs(uint8_t *image, size_t length, int body) {
    if (length >= 60) {
        put_le32(image + 56, lodedb_crc32c(0, image, 56));
    }
    if (body && length >= 64) {
        put_le32(image + length - 4, lodedb_crc32c(0, image + 60, length - 64));
    }
}

/* Header for (dim, bits) and as many rows as the input can fill; returns the image length. */
static size_t synthesise(const uint8_t *data, size_t size, uint8_t **out) {
    if (size < 3) {
        return 0;
    }
    uint32_t dim = 1u + (uint32_t)(data[0] | (data[1] & 1u) << 8); /* 1..512 */
    uint32_t bits = (data[1] & 2u) ? 4u : 2u;
    data += 2;
    size -= 2;
    uint32_t padded = lodedb_padded_dim(dim);
    uint64_t row_bytes = (uint64_t)padded * bits / 8u;
    uint64_t rows = size / (row_bytes + 4u);
    if (rows > 64) {
        rows = 64;
    }
    uint64_t fingerprint = 0;
    if (lodedb_codebook_fingerprint(dim, bits, &fingerprint) != LODEDB_OK) {
        abort();
    }
    size_t body = (size_t)(rows * row_bytes + rows * 4u + (rows + 7u) / 8u);
    size_t length = 60 + body + 4;
    uint8_t *image = calloc(length, 1);
    if (image == NULL) {
        return 0;
    }
    memcpy(image, "LODESNAP", 8);
    put_le32(image + 8, 1);
    put_le32(image + 12, dim);
    put_le32(image + 16, padded);
    put_le32(image + 20, bits);
    put_le64(image + 24, (uint64_t)data[0] * 0x9E3779B97F4A7C15ull);
    put_le64(image + 32, fingerprint);
    put_le64(image + 40, rows);
    put_le64(image + 48, row_bytes);
    size_t copy = size < body ? size : body;
    memcpy(image + 60, data, copy);
    /* Keep the scales mostly finite (clear the top exponent bit) so rows get imported, and
     * the tombstone padding clear, unless the input asks otherwise. */
    for (uint64_t r = 0; r < rows && (data[0] & 1u) == 0; r++) {
        image[60 + rows * row_bytes + r * 4u + 3u] &= 0xBFu;
    }
    if (rows % 8 != 0 && (data[0] & 2u) == 0) {
        image[60 + rows * row_bytes + rows * 4u + rows / 8u] &= (uint8_t)((1u << (rows % 8)) - 1u);
    }
    fix_crcs(image, length, 1);
    *out = image;
    return length;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) {
        return 0;
    }
    uint8_t mode = data[0] & 3u;
    data++;
    size--;
    uint8_t *image = NULL;
    size_t length;
    if (mode == 3) {
        length = synthesise(data, size, &image);
        if (image == NULL) {
            return 0;
        }
    } else {
        image = malloc(size + 1);
        if (image == NULL) {
            return 0;
        }
        memcpy(image, data, size);
        length = size;
        if (mode != 0) {
            fix_crcs(image, length, mode == 2);
        }
    }
    lodedb_index *index = NULL;
    lodedb_status status = lodedb_index_deserialize(length == 0 ? NULL : image, length, &index);
    if (status != LODEDB_OK) {
        if (index != NULL ||
            (status != LODEDB_ERR_CORRUPT && status != LODEDB_ERR_UNSUPPORTED &&
             status != LODEDB_ERR_OUT_OF_MEMORY) ||
            lodedb_last_error_message()[0] == '\0') {
            abort();
        }
        free(image);
        return 0;
    }
    /* Loaded: serialise again. Header identical; live rows identical; and the second
     * generation is a fixed point. */
    size_t again_length = 0;
    if (lodedb_index_serialize(index, NULL, 0, &again_length) != LODEDB_OK ||
        again_length != length) {
        abort();
    }
    uint8_t *again = malloc(again_length);
    if (again == NULL ||
        lodedb_index_serialize(index, again, again_length, &again_length) != LODEDB_OK) {
        abort();
    }
    if (memcmp(again, image, 60) != 0) {
        abort();
    }
    lodedb_index_info info;
    if (lodedb_index_get_info(index, &info) != LODEDB_OK) {
        abort();
    }
    uint64_t rows = info.slot_count;
    uint64_t rb = info.code_bytes_per_row;
    const uint8_t *removed = image + 60 + rows * rb + rows * 4u;
    const uint8_t *removed_again = again + 60 + rows * rb + rows * 4u;
    if (memcmp(removed, removed_again, (size_t)((rows + 7u) / 8u)) != 0) {
        abort();
    }
    for (uint64_t s = 0; s < rows; s++) {
        if ((removed[s / 8] >> (s % 8)) & 1u) {
            continue;
        }
        if (memcmp(image + 60 + s * rb, again + 60 + s * rb, (size_t)rb) != 0 ||
            memcmp(image + 60 + rows * rb + s * 4u, again + 60 + rows * rb + s * 4u, 4) != 0) {
            abort();
        }
    }
    lodedb_index *second = NULL;
    size_t third_length = 0;
    if (lodedb_index_deserialize(again, again_length, &second) != LODEDB_OK ||
        lodedb_index_serialize(second, NULL, 0, &third_length) != LODEDB_OK ||
        third_length != again_length) {
        abort();
    }
    uint8_t *third = malloc(third_length);
    if (third == NULL ||
        lodedb_index_serialize(second, third, third_length, &third_length) != LODEDB_OK ||
        memcmp(third, again, third_length) != 0) {
        abort();
    }
    free(third);
    lodedb_index_free(second);
    free(again);
    lodedb_index_free(index);
    free(image);
    return 0;
}
