/*
 * Internal: the snapshot file format of an index (docs/file-formats.md has the same table).
 * All integers little-endian.
 *
 *   offset  size  field
 *   0       8     magic "LODESNAP"
 *   8       4     format_version = 1
 *   12      4     dim (1..LODEDB_MAX_DIMENSION)
 *   16      4     padded_dim (= lodedb_padded_dim(dim))
 *   20      4     bits (2 or 4)
 *   24      8     seed of the rotation
 *   32      8     codebook_fingerprint (= lodedb_codebook_fingerprint(dim, bits))
 *   40      8     row_count (slots, live and removed)
 *   48      8     code_bytes_per_row (= padded_dim * bits / 8)
 *   56      4     header CRC32C of bytes 0..55
 *   60            body:
 *                   codes    row_count * code_bytes_per_row (canonical rows, see lodedb.h)
 *                   scales   row_count * 4 (IEEE-754 binary32, finite)
 *                   removed  ceil(row_count / 8) bytes; bit (s % 8) of byte s / 8 set = slot s
 *                            is a tombstone; the bits past row_count are zero
 *   end - 4 4     body CRC32C of every body byte
 *
 * Removed slots are written with zero codes and scale 0, so a snapshot never carries the
 * vectors of deleted records. Bytes 0..11 (magic, version) keep their place in every future
 * version: a reader checks them before anything else and answers LODEDB_ERR_UNSUPPORTED to
 * a newer version instead of calling it corrupt.
 */
#ifndef LODEDB_SNAPSHOT_SNAPSHOT_FORMAT_H
#define LODEDB_SNAPSHOT_SNAPSHOT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "lodedb/lodedb.h"

#define LODEDB_SNAPSHOT_MAGIC "LODESNAP"
#define LODEDB_SNAPSHOT_VERSION 1u
#define LODEDB_SNAPSHOT_HEADER_BYTES 60u
#define LODEDB_SNAPSHOT_CRC_BYTES 4u

/* Where each part of the body lies, computed without overflow from the header. */
typedef struct lodedb_snapshot_layout {
    uint64_t code_bytes_per_row;
    uint64_t codes_offset;
    uint64_t scales_offset;
    uint64_t removed_offset;
    uint64_t crc_offset;
    uint64_t total_length;
} lodedb_snapshot_layout;

/* Validates the header in data (at least the header bytes; the body is not looked at) and
 * fills header and layout: every check but the codebook fingerprint, which costs a codebook
 * build and so runs last (lodedb_snapshot_check_fingerprint). LODEDB_ERR_CORRUPT /
 * LODEDB_ERR_UNSUPPORTED with a message naming the field, the offset and the expected vs
 * found value. */
lodedb_status lodedb_snapshot_parse_header(const uint8_t *data, size_t length,
                                           lodedb_snapshot_header *out_header,
                                           lodedb_snapshot_layout *out_layout);

/* LODEDB_ERR_UNSUPPORTED unless the header's fingerprint is this build's codebook of
 * (dim, bits): codes written against another codebook must not be loaded. */
lodedb_status lodedb_snapshot_check_fingerprint(const lodedb_snapshot_header *header);

/* Layout for row_count rows of code_bytes_per_row; 0 when a size overflows 64 bits. */
int lodedb_snapshot_compute_layout(uint64_t row_count, uint64_t code_bytes_per_row,
                                   lodedb_snapshot_layout *out_layout);

/* Writes the 60 header bytes, header CRC included. */
void lodedb_snapshot_write_header(uint8_t *out, const lodedb_snapshot_header *header,
                                  uint64_t code_bytes_per_row);

#endif
