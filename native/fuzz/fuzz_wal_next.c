/* libFuzzer target: walk every record of arbitrary bytes with lodedb_wal_next.
 *
 * Input byte 0 picks a mode. Raw: the rest is the log image, as read from a damaged disk.
 * Framed: the rest is cut into payloads that are framed with lodedb_wal_encode, then the
 * image is damaged (cut, one byte changed) as the last input bytes say; random bytes almost
 * never carry a valid CRC, so this is how the fuzzer reaches the record-accepting paths.
 * Invariants (abort on violation): offsets only move forward and stay in bounds, a record's
 * payload lies inside it, DONE only at the exact end, and every accepted record re-encodes
 * to the very same bytes (the frame is canonical). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lodedb/lodedb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const uint8_t *image, size_t length) {
    uint64_t offset = 0;
    for (;;) {
        lodedb_wal_record record;
        lodedb_status status = lodedb_wal_next(image, length, offset, &record);
        if (status == LODEDB_DONE) {
            if (offset != length) {
                abort();
            }
            return;
        }
        if (status == LODEDB_ERR_CORRUPT || status == LODEDB_ERR_UNSUPPORTED) {
            if (offset >= length || lodedb_last_error_message()[0] == '\0') {
                abort();
            }
            return;
        }
        if (status != LODEDB_OK) {
            abort();
        }
        if (record.payload_offset != offset + LODEDB_WAL_RECORD_OVERHEAD ||
            record.next_offset != record.payload_offset + record.payload_length ||
            record.next_offset > length || record.next_offset <= offset) {
            abort();
        }
        size_t frame_length = (size_t)(record.next_offset - offset);
        uint8_t *frame = malloc(frame_length);
        size_t written = 0;
        if (frame == NULL ||
            lodedb_wal_encode(image + record.payload_offset, (size_t)record.payload_length, frame,
                              frame_length, &written) != LODEDB_OK ||
            written != frame_length || memcmp(frame, image + offset, frame_length) != 0) {
            abort();
        }
        free(frame);
        offset = record.next_offset;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) {
        return 0;
    }
    uint8_t mode = data[0];
    data++;
    size--;
    if ((mode & 1) == 0) {
        /* An exact-size copy so AddressSanitizer flags any read past the end. */
        uint8_t *image = malloc(size + 1);
        if (image == NULL) {
            return 0;
        }
        memcpy(image, data, size);
        walk(size == 0 ? NULL : image, size);
        free(image);
        return 0;
    }
    /* Framed mode: payload lengths come from the input itself (one byte each). */
    size_t capacity = size + (size + 1) * LODEDB_WAL_RECORD_OVERHEAD;
    uint8_t *image = malloc(capacity);
    if (image == NULL) {
        return 0;
    }
    size_t at = 0;
    size_t used = 0;
    while (used < size) {
        size_t n = data[used++] % 64u;
        if (n > size - used) {
            n = size - used;
        }
        size_t written = 0;
        if (lodedb_wal_encode(data + used, n, image + at, capacity - at, &written) != LODEDB_OK) {
            abort();
        }
        at += written;
        used += n;
    }
    /* Damage chosen by the mode byte: none, a cut, or one byte changed. */
    size_t length = at;
    if (at > 0 && (mode & 2) != 0) {
        length = ((size_t)mode * 7919u + size) % (at + 1);
    }
    if (at > 0 && (mode & 4) != 0) {
        image[((size_t)mode * 104729u + size) % at] ^= (uint8_t)(1u << (mode >> 5));
    }
    uint8_t *exact = malloc(length + 1);
    if (exact != NULL) {
        memcpy(exact, image, length);
        walk(length == 0 ? NULL : exact, length);
        free(exact);
    }
    free(image);
    return 0;
}
