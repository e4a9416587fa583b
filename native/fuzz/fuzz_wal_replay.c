/* libFuzzer target: lodedb_wal_replay_file against lodedb_wal_next, differentially.
 *
 * The input (after byte 0) is written to a scratch file and replayed with a read buffer of
 * 20 + byte 0 bytes, so even small inputs make records straddle refills and force the buffer
 * to grow. When byte 0 is odd the rest is first framed into records (as in fuzz_wal_next) so
 * the fuzzer reaches valid records despite the CRC. The replay must agree with the in-memory
 * walk on the status (interior corruption where a decodable frame follows the first bad one),
 * the valid prefix, the record count and every payload byte. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lodedb/lodedb.h"
#include "wal/wal_replay.h"
#include "wal/wal_resync.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int32_t hash_payload(void *context, const uint8_t *payload, size_t payload_length) {
    uint32_t *hash = context;
    *hash = lodedb_crc32c(*hash, payload, payload_length);
    *hash = lodedb_crc32c(*hash, (const uint8_t *)&payload_length, sizeof payload_length);
    return 0;
}

static char path[64];

static void remove_scratch_file(void) { remove(path); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (path[0] == '\0') {
        snprintf(path, sizeof path, "/tmp/lodedb_fuzz_wal_replay_%ld.wal", (long)getpid());
        atexit(remove_scratch_file);
    }
    if (size == 0) {
        return 0;
    }
    uint8_t mode = data[0];
    data++;
    size--;
    size_t capacity = size + (size + 1) * LODEDB_WAL_RECORD_OVERHEAD;
    uint8_t *image = malloc(capacity + 1);
    if (image == NULL) {
        return 0;
    }
    size_t length = 0;
    if ((mode & 1) == 0) {
        memcpy(image, data, size);
        length = size;
    } else {
        size_t used = 0;
        while (used < size) {
            size_t n = data[used++] % 80u;
            if (n > size - used) {
                n = size - used;
            }
            size_t written = 0;
            if (lodedb_wal_encode(data + used, n, image + length, capacity - length, &written) !=
                LODEDB_OK) {
                abort();
            }
            length += written;
            used += n;
        }
        if (length > 0 && (mode & 2) != 0) {
            length -= (size_t)(mode >> 2) % (length + 1);
        }
    }
    FILE *f = fopen(path, "wb");
    if (f == NULL || (length > 0 && fwrite(image, 1, length, f) != length) || fclose(f) != 0) {
        abort();
    }

    uint64_t offset = 0, records = 0;
    uint32_t hash = 0;
    lodedb_wal_record record;
    lodedb_status walk;
    while ((walk = lodedb_wal_next(length == 0 ? NULL : image, length, offset, &record)) ==
           LODEDB_OK) {
        hash_payload(&hash, image + record.payload_offset, (size_t)record.payload_length);
        offset = record.next_offset;
        records++;
    }
    lodedb_status expected = walk == LODEDB_ERR_UNSUPPORTED ? walk : LODEDB_OK;
    size_t later = 0;
    if (walk == LODEDB_ERR_CORRUPT &&
        lodedb_wal_find_frame(image, length, (size_t)offset + 1, &later)) {
        expected = LODEDB_ERR_CORRUPT; /* interior corruption, not a torn tail */
    }

    uint64_t valid = 0, replayed = 0;
    uint32_t replay_hash = 0;
    lodedb_status status = lodedb_wal_replay_file_chunked(
        path, LODEDB_WAL_RECORD_OVERHEAD + mode, hash_payload, &replay_hash, &valid, &replayed);
    if (status != expected || valid != offset || replayed != records || replay_hash != hash) {
        abort();
    }
    free(image);
    return 0;
}
