/* Shared by the WAL test executables: log images built with lodedb_wal_encode, files written
 * and read back, and replay checks against the payloads' seeds. */
#ifndef LODEDB_TESTS_WAL_TEST_SUPPORT_H
#define LODEDB_TESTS_WAL_TEST_SUPPORT_H

#include <stdint.h>

#include "test_support.h"
#include "wal/wal_replay.h"

#define MAX_RECORDS 64

typedef struct collected {
    size_t count;
    size_t lengths[MAX_RECORDS];
    uint32_t crcs[MAX_RECORDS];
    size_t stop_after; /* 0: never stop */
} collected;

static inline int32_t collect(void *context, const uint8_t *payload, size_t payload_length) {
    collected *c = context;
    if (c->count < MAX_RECORDS) {
        c->lengths[c->count] = payload_length;
        c->crcs[c->count] = lodedb_crc32c(0, payload, payload_length);
    }
    c->count++;
    return c->stop_after != 0 && c->count >= c->stop_after ? 1 : 0;
}

static inline void fill_payload(uint8_t *out, size_t n, uint32_t seed) {
    uint32_t x = seed * 2654435761u + 1u;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = (uint8_t)x;
    }
}

static inline void write_bytes(const char *path, const uint8_t *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
    if (n > 0 && fwrite(data, 1, n, f) != n) {
        fprintf(stderr, "short write to %s\n", path);
        exit(2);
    }
    fclose(f);
}

static inline uint8_t *read_bytes(const char *path, size_t *out_n) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)n + 1);
    if (data != NULL && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *out_n = (size_t)n;
    return data;
}

/* A log image of records with the given payload sizes (payload i filled from seed i);
 * offsets[i] receives where record i starts, offsets[count] the total length. */
static inline uint8_t *build_log(const size_t *sizes, size_t count, uint64_t *offsets) {
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        total += sizes[i] + LODEDB_WAL_RECORD_OVERHEAD;
    }
    uint8_t *log = malloc(total + 1);
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        uint8_t *payload = malloc(sizes[i] + 1);
        fill_payload(payload, sizes[i], (uint32_t)i);
        size_t written = 0;
        offsets[i] = at;
        if (lodedb_wal_encode(payload, sizes[i], log + at, total - at, &written) != LODEDB_OK) {
            fprintf(stderr, "encode failed: %s\n", lodedb_last_error_message());
            exit(2);
        }
        at += written;
        free(payload);
    }
    offsets[count] = at;
    return log;
}

static inline int payload_matches(const collected *c, size_t i, size_t length, uint32_t seed) {
    uint8_t *payload = malloc(length + 1);
    fill_payload(payload, length, seed);
    int ok = c->lengths[i] == length && c->crcs[i] == lodedb_crc32c(0, payload, length);
    free(payload);
    return ok;
}
/* Replays path and checks the status, and that the valid prefix ends before record `count`
 * at `valid` with exactly the records before it delivered. */
static inline int replays_as(const char *path, lodedb_status expected, size_t count,
                             uint64_t valid_expected, const size_t *sizes) {
    collected c = {0};
    uint64_t valid = 0, records = 0;
    lodedb_status status = lodedb_wal_replay_file(path, collect, &c, &valid, &records);
    int ok = status == expected && valid == valid_expected && records == count && c.count == count;
    for (size_t i = 0; ok && i < count; i++) {
        ok = payload_matches(&c, i, sizes[i], (uint32_t)i);
    }
    if (!ok) {
        fprintf(stderr,
                "  replay: %s (want %s), valid %llu (want %llu), records %llu (want %zu): %s\n",
                lodedb_status_name(status), lodedb_status_name(expected), (unsigned long long)valid,
                (unsigned long long)valid_expected, (unsigned long long)records, count,
                lodedb_last_error_message());
    }
    return ok;
}

/* A clean end or a torn tail: LODEDB_OK with the records before `count`. */
static inline int replays_exactly(const char *path, size_t count, uint64_t valid_expected,
                                  const size_t *sizes) {
    return replays_as(path, LODEDB_OK, count, valid_expected, sizes);
}

#endif
