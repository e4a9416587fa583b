/* Snapshot header: writing it, and the validation every loader runs before trusting a byte
 * of the body (lodedb_snapshot_read_header). */
#include <string.h>

#include "core/errors.h"
#include "snapshot/snapshot_format.h"
#include "turbovec/codebook.h"
#include "wal/little_endian.h"

/* a * b + c style sums over the header's 64-bit fields, refusing to wrap. */
static int add_u64(uint64_t a, uint64_t b, uint64_t *out) {
    if (a > UINT64_MAX - b) {
        return 0;
    }
    *out = a + b;
    return 1;
}

static int mul_u64(uint64_t a, uint64_t b, uint64_t *out) {
    if (a != 0 && b > UINT64_MAX / a) {
        return 0;
    }
    *out = a * b;
    return 1;
}

int lodedb_snapshot_compute_layout(uint64_t row_count, uint64_t code_bytes_per_row,
                                   lodedb_snapshot_layout *out_layout) {
    lodedb_snapshot_layout l;
    uint64_t codes_bytes, scales_bytes;
    l.code_bytes_per_row = code_bytes_per_row;
    l.codes_offset = LODEDB_SNAPSHOT_HEADER_BYTES;
    if (!mul_u64(row_count, code_bytes_per_row, &codes_bytes) ||
        !add_u64(l.codes_offset, codes_bytes, &l.scales_offset) ||
        !mul_u64(row_count, 4, &scales_bytes) ||
        !add_u64(l.scales_offset, scales_bytes, &l.removed_offset) ||
        !add_u64(l.removed_offset, row_count / 8 + (row_count % 8 != 0), &l.crc_offset) ||
        !add_u64(l.crc_offset, LODEDB_SNAPSHOT_CRC_BYTES, &l.total_length)) {
        return 0;
    }
    *out_layout = l;
    return 1;
}

void lodedb_snapshot_write_header(uint8_t *out, const lodedb_snapshot_header *header,
                                  uint64_t code_bytes_per_row) {
    memcpy(out, LODEDB_SNAPSHOT_MAGIC, 8);
    lodedb_store_le32(out + 8, header->format_version);
    lodedb_store_le32(out + 12, header->dim);
    lodedb_store_le32(out + 16, header->padded_dim);
    lodedb_store_le32(out + 20, header->bits);
    lodedb_store_le64(out + 24, header->seed);
    lodedb_store_le64(out + 32, header->codebook_fingerprint);
    lodedb_store_le64(out + 40, header->row_count);
    lodedb_store_le64(out + 48, code_bytes_per_row);
    lodedb_store_le32(out + 56, lodedb_crc32c(0, out, 56));
}

lodedb_status lodedb_snapshot_parse_header(const uint8_t *data, size_t length,
                                           lodedb_snapshot_header *out_header,
                                           lodedb_snapshot_layout *out_layout) {
    if (data == NULL && length > 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "snapshot data is NULL but length is %zu",
                           length);
    }
    if (length < 12) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "snapshot of %zu bytes is shorter than its %u-byte header", length,
                           LODEDB_SNAPSHOT_HEADER_BYTES);
    }
    if (memcmp(data, LODEDB_SNAPSHOT_MAGIC, 8) != 0) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "not a LodeDb snapshot: bytes 0..7 are %02x %02x %02x %02x %02x %02x "
                           "%02x %02x, expected \"LODESNAP\"",
                           data[0], data[1], data[2], data[3], data[4], data[5], data[6], data[7]);
    }
    lodedb_snapshot_header h;
    h.format_version = lodedb_load_le32(data + 8);
    if (h.format_version == 0) {
        return lodedb_fail(LODEDB_ERR_CORRUPT, "snapshot format version at offset 8 is 0");
    }
    if (h.format_version > LODEDB_SNAPSHOT_VERSION) {
        return lodedb_fail(LODEDB_ERR_UNSUPPORTED,
                           "snapshot format version %u is newer than this build reads (%u)",
                           h.format_version, LODEDB_SNAPSHOT_VERSION);
    }
    if (length < LODEDB_SNAPSHOT_HEADER_BYTES) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "snapshot of %zu bytes is shorter than its %u-byte header", length,
                           LODEDB_SNAPSHOT_HEADER_BYTES);
    }
    uint32_t stored_crc = lodedb_load_le32(data + 56);
    uint32_t crc = lodedb_crc32c(0, data, 56);
    if (crc != stored_crc) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "snapshot header CRC mismatch at offset 56: stored 0x%08x, computed "
                           "0x%08x",
                           stored_crc, crc);
    }
    h.dim = lodedb_load_le32(data + 12);
    h.padded_dim = lodedb_load_le32(data + 16);
    h.bits = lodedb_load_le32(data + 20);
    h.seed = lodedb_load_le64(data + 24);
    h.codebook_fingerprint = lodedb_load_le64(data + 32);
    h.row_count = lodedb_load_le64(data + 40);
    uint64_t code_bytes_per_row = lodedb_load_le64(data + 48);
    if (h.dim == 0 || h.dim > LODEDB_MAX_DIMENSION) {
        return lodedb_fail(LODEDB_ERR_CORRUPT, "snapshot dim %u (offset 12) is outside 1..%u",
                           h.dim, LODEDB_MAX_DIMENSION);
    }
    if (h.padded_dim != lodedb_padded_dim(h.dim)) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "snapshot padded_dim (offset 16) is %u, dim %u pads to %u", h.padded_dim,
                           h.dim, lodedb_padded_dim(h.dim));
    }
    if (!lodedb_bits_supported(h.bits)) {
        return lodedb_fail(LODEDB_ERR_CORRUPT, "snapshot bits (offset 20) is %u, expected 2 or 4",
                           h.bits);
    }
    uint64_t expected_row_bytes = (uint64_t)h.padded_dim * h.bits / 8u;
    if (code_bytes_per_row != expected_row_bytes) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "snapshot code_bytes_per_row (offset 48) is %llu, expected %llu for "
                           "padded_dim %u at %u bits",
                           (unsigned long long)code_bytes_per_row,
                           (unsigned long long)expected_row_bytes, h.padded_dim, h.bits);
    }
    lodedb_snapshot_layout layout;
    if (!lodedb_snapshot_compute_layout(h.row_count, code_bytes_per_row, &layout)) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "snapshot row_count (offset 40) of %llu rows of %llu bytes overflows "
                           "a 64-bit length",
                           (unsigned long long)h.row_count, (unsigned long long)code_bytes_per_row);
    }
    if (out_header != NULL) {
        *out_header = h;
    }
    if (out_layout != NULL) {
        *out_layout = layout;
    }
    return LODEDB_OK;
}

lodedb_status lodedb_snapshot_check_fingerprint(const lodedb_snapshot_header *header) {
    uint64_t fingerprint = 0;
    lodedb_status status = lodedb_codebook_fingerprint(header->dim, header->bits, &fingerprint);
    if (status != LODEDB_OK) {
        return status;
    }
    if (fingerprint != header->codebook_fingerprint) {
        /* Codes are indices into the codebook: read with another one they mean other numbers.
         * The header CRC held, so this is no corruption but a file of another codebook
         * version: the vectors must be re-encoded from their source. */
        return lodedb_fail(LODEDB_ERR_UNSUPPORTED,
                           "snapshot codebook fingerprint (offset 32) is 0x%016llx, this build's "
                           "codebook for dim %u at %u bits is 0x%016llx",
                           (unsigned long long)header->codebook_fingerprint, header->dim,
                           header->bits, (unsigned long long)fingerprint);
    }
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_snapshot_read_header(const uint8_t *data, size_t length,
                                                     lodedb_snapshot_header *out_header) {
    lodedb_clear_error();
    if (out_header == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "lodedb_snapshot_read_header: out_header is NULL");
    }
    lodedb_snapshot_header header;
    lodedb_status status = lodedb_snapshot_parse_header(data, length, &header, NULL);
    if (status == LODEDB_OK) {
        status = lodedb_snapshot_check_fingerprint(&header);
    }
    if (status == LODEDB_OK) {
        *out_header = header;
    }
    return status;
}
