/* WAL record framing: lodedb_wal_encode and lodedb_wal_next (the bounds-checked decoder that
 * the replay and the fuzzer run on arbitrary bytes). */
#include <stdint.h>
#include <string.h>

#include "core/errors.h"
#include "lodedb/lodedb.h"
#include "wal/little_endian.h"
#include "wal/wal_frame.h"

LODEDB_API lodedb_status lodedb_wal_encode(const uint8_t *payload, size_t payload_length,
                                           uint8_t *out, size_t out_length, size_t *out_written) {
    lodedb_clear_error();
    if (payload == NULL && payload_length > 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "lodedb_wal_encode: payload is NULL but payload_length is %zu",
                           payload_length);
    }
    if (payload_length > LODEDB_WAL_MAX_PAYLOAD) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "lodedb_wal_encode: payload of %zu bytes exceeds the WAL record "
                           "limit of %zu bytes",
                           payload_length, LODEDB_WAL_MAX_PAYLOAD);
    }
    size_t needed = payload_length + LODEDB_WAL_RECORD_OVERHEAD;
    if (out == NULL || out_length < needed) {
        return lodedb_fail(LODEDB_ERR_BUFFER_TOO_SMALL,
                           "lodedb_wal_encode: output buffer holds %zu bytes, the record needs "
                           "%zu (payload %zu + %d bytes of framing)",
                           out == NULL ? (size_t)0 : out_length, needed, payload_length,
                           LODEDB_WAL_RECORD_OVERHEAD);
    }
    lodedb_store_le32(out, LODEDB_WAL_MAGIC);
    lodedb_store_le16(out + 4, (uint16_t)LODEDB_WAL_VERSION);
    lodedb_store_le16(out + 6, 0);
    lodedb_store_le32(out + 8, (uint32_t)payload_length);
    if (payload_length > 0) {
        /* memmove: a caller may frame in place, with the payload already at out + 20. */
        memmove(out + LODEDB_WAL_RECORD_OVERHEAD, payload, payload_length);
    }
    uint32_t crc = lodedb_crc32c(0, out, 12);
    crc = lodedb_crc32c(crc, out + LODEDB_WAL_RECORD_OVERHEAD, payload_length);
    lodedb_store_le32(out + 12, crc);
    lodedb_store_le32(out + 16, 0);
    if (out_written != NULL) {
        *out_written = needed;
    }
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_wal_next(const uint8_t *data, size_t length, uint64_t offset,
                                         lodedb_wal_record *out_record) {
    lodedb_clear_error();
    if (out_record == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "lodedb_wal_next: out_record is NULL");
    }
    if (data == NULL && length > 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "lodedb_wal_next: data is NULL but length is %zu", length);
    }
    if (offset > (uint64_t)length) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "lodedb_wal_next: offset %llu is beyond the %zu bytes of data",
                           (unsigned long long)offset, length);
    }
    if (offset == (uint64_t)length) {
        return LODEDB_DONE;
    }
    /* From here on only `remaining` is compared against, so offset + anything never
     * overflows: every length is checked to fit in what is left before it is added. */
    size_t remaining = length - (size_t)offset;
    const uint8_t *p = data + (size_t)offset;
    if (remaining < LODEDB_WAL_RECORD_OVERHEAD) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "torn WAL record at offset %llu: %zu bytes left, a record header "
                           "needs %d",
                           (unsigned long long)offset, remaining, LODEDB_WAL_RECORD_OVERHEAD);
    }
    uint32_t magic = lodedb_load_le32(p);
    if (magic != LODEDB_WAL_MAGIC) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "bad WAL record magic at offset %llu: expected 0x%08x, found 0x%08x",
                           (unsigned long long)offset, LODEDB_WAL_MAGIC, magic);
    }
    uint32_t payload_length = lodedb_load_le32(p + 8);
    if ((size_t)payload_length > LODEDB_WAL_MAX_PAYLOAD) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "WAL record at offset %llu declares a payload of %u bytes, above "
                           "the limit of %zu",
                           (unsigned long long)offset, payload_length, LODEDB_WAL_MAX_PAYLOAD);
    }
    if ((size_t)payload_length > remaining - LODEDB_WAL_RECORD_OVERHEAD) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "torn WAL record at offset %llu: payload of %u bytes declared, %zu "
                           "bytes follow the header",
                           (unsigned long long)offset, payload_length,
                           remaining - LODEDB_WAL_RECORD_OVERHEAD);
    }
    uint32_t stored_crc = lodedb_load_le32(p + 12);
    uint32_t crc = lodedb_crc32c(0, p, 12);
    crc = lodedb_crc32c(crc, p + LODEDB_WAL_RECORD_OVERHEAD, payload_length);
    if (crc != stored_crc) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "CRC mismatch in WAL record at offset %llu: stored 0x%08x, computed "
                           "0x%08x over %u payload bytes",
                           (unsigned long long)offset, stored_crc, crc, payload_length);
    }
    uint32_t reserved = lodedb_load_le32(p + 16);
    if (reserved != 0) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "WAL record at offset %llu has reserved field 0x%08x, expected 0",
                           (unsigned long long)offset, reserved);
    }
    uint16_t version = lodedb_load_le16(p + 4);
    uint16_t flags = lodedb_load_le16(p + 6);
    if (version != LODEDB_WAL_VERSION || flags != 0) {
        /* The CRC holds, so this is no torn write: a newer writer made it. Refuse rather than
         * let the caller truncate it away as a corrupt tail. */
        return lodedb_fail(LODEDB_ERR_UNSUPPORTED,
                           "WAL record at offset %llu has version %u flags 0x%04x; this build "
                           "reads version %u with flags 0",
                           (unsigned long long)offset, version, flags, LODEDB_WAL_VERSION);
    }
    out_record->payload_offset = offset + LODEDB_WAL_RECORD_OVERHEAD;
    out_record->payload_length = payload_length;
    out_record->next_offset = offset + LODEDB_WAL_RECORD_OVERHEAD + payload_length;
    return LODEDB_OK;
}
