/* libFuzzer target: lodedb_snapshot_read_header on arbitrary bytes.
 *
 * Byte 0 picks whether the header CRC is repaired before parsing (random bytes would
 * otherwise stop at the CRC check and never reach the field checks). Invariant: a header
 * that parses has dim in range, padded_dim = lodedb_padded_dim(dim), bits 2 or 4, and the
 * fingerprint of this build's codebook. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lodedb/lodedb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) {
        return 0;
    }
    uint8_t mode = data[0];
    data++;
    size--;
    uint8_t *copy = malloc(size + 1);
    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, data, size);
    if ((mode & 1) != 0 && size >= 60) {
        if ((mode & 2) != 0) {
            memcpy(copy, "LODESNAP\x01\x00\x00\x00", 12);
        }
        uint32_t crc = lodedb_crc32c(0, copy, 56);
        for (int i = 0; i < 4; i++) {
            copy[56 + i] = (uint8_t)(crc >> (8 * i));
        }
    }
    lodedb_snapshot_header header;
    lodedb_status status = lodedb_snapshot_read_header(size == 0 ? NULL : copy, size, &header);
    if (status == LODEDB_OK) {
        uint64_t fingerprint = 0;
        if (header.dim == 0 || header.dim > LODEDB_MAX_DIMENSION ||
            header.padded_dim != lodedb_padded_dim(header.dim) ||
            (header.bits != 2 && header.bits != 4) || header.format_version != 1 ||
            lodedb_codebook_fingerprint(header.dim, header.bits, &fingerprint) != LODEDB_OK ||
            fingerprint != header.codebook_fingerprint) {
            abort();
        }
    } else if (status != LODEDB_ERR_CORRUPT && status != LODEDB_ERR_UNSUPPORTED) {
        abort();
    } else if (lodedb_last_error_message()[0] == '\0') {
        abort();
    }
    free(copy);
    return 0;
}
