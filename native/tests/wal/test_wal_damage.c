/* WAL damage: a torn tail (every truncation point, every flipped bit of the last record,
 * garbage, zeros) is cut exactly at the last whole record; a bad frame with any valid frame
 * after it is interior corruption and fails the replay, whatever the damage pattern. */
#include <stdint.h>

#include "wal_test_support.h"
#include "wal/wal_resync.h"

static void truncation_at_every_offset_of_the_last_record(void) {
    const char *path = "test_wal_truncate_every.wal";
    const size_t sizes[] = {7, 0, 300, 45};
    const size_t count = 4;
    uint64_t offsets[5];
    uint8_t *log = build_log(sizes, count, offsets);
    for (uint64_t cut = offsets[count - 1]; cut < offsets[count]; cut++) {
        write_bytes(path, log, (size_t)cut);
        if (!replays_exactly(path, count - 1, offsets[count - 1], sizes)) {
            fprintf(stderr, "truncated at %llu\n", (unsigned long long)cut);
            lodedb_test_failures++;
            break;
        }
        /* And in memory: the walk stops with CORRUPT exactly at the last record. */
        lodedb_wal_record record;
        uint64_t offset = 0;
        size_t walked = 0;
        while (lodedb_wal_next(log, (size_t)cut, offset, &record) == LODEDB_OK) {
            offset = record.next_offset;
            walked++;
        }
        lodedb_status tail = lodedb_wal_next(log, (size_t)cut, offset, &record);
        CHECK(walked == count - 1 && offset == offsets[count - 1]);
        CHECK(cut == offsets[count - 1] ? tail == LODEDB_DONE : tail == LODEDB_ERR_CORRUPT);
    }
    write_bytes(path, log, (size_t)offsets[count]);
    CHECK(replays_exactly(path, count, offsets[count], sizes));
    free(log);
    remove(path);
}

static void truncation_inside_a_large_last_record(void) {
    const char *path = "test_wal_truncate_large.wal";
    const size_t sizes[] = {10, 1 << 20};
    uint64_t offsets[3];
    uint8_t *log = build_log(sizes, 2, offsets);
    for (uint64_t cut = offsets[1]; cut < offsets[2]; cut += (cut - offsets[1] < 64 ? 1 : 65521)) {
        write_bytes(path, log, (size_t)cut);
        if (!replays_exactly(path, 1, offsets[1], sizes)) {
            fprintf(stderr, "truncated at %llu\n", (unsigned long long)cut);
            lodedb_test_failures++;
            break;
        }
    }
    write_bytes(path, log, (size_t)offsets[2] - 1);
    CHECK(replays_exactly(path, 1, offsets[1], sizes));
    free(log);
    remove(path);
}

static void every_single_bit_flip_is_detected(void) {
    const char *path = "test_wal_bitflip.wal";
    const size_t sizes[] = {12, 33, 9};
    const size_t count = 3;
    uint64_t offsets[4];
    uint8_t *log = build_log(sizes, count, offsets);
    /* Flip every bit of the middle record and of the last one: the replay delivers exactly
     * the records before the damaged one; damage to the last record is a torn tail, damage
     * to the middle one (a valid record follows) is interior corruption. */
    for (size_t victim = 1; victim < count; victim++) {
        lodedb_status expected = victim + 1 < count ? LODEDB_ERR_CORRUPT : LODEDB_OK;
        for (uint64_t byte = offsets[victim]; byte < offsets[victim + 1]; byte++) {
            for (int bit = 0; bit < 8; bit++) {
                log[byte] ^= (uint8_t)(1u << bit);
                write_bytes(path, log, (size_t)offsets[count]);
                int ok = replays_as(path, expected, victim, offsets[victim], sizes);
                log[byte] ^= (uint8_t)(1u << bit);
                if (!ok) {
                    fprintf(stderr, "bit %d of byte %llu not detected\n", bit,
                            (unsigned long long)byte);
                    lodedb_test_failures++;
                    free(log);
                    return;
                }
            }
        }
    }
    free(log);
    remove(path);
}

static void garbage_and_zeros_after_valid_records(void) {
    const char *path = "test_wal_tail.wal";
    const size_t sizes[] = {100, 200};
    uint64_t offsets[3];
    uint8_t *log = build_log(sizes, 2, offsets);
    size_t total = (size_t)offsets[2];
    uint8_t *image = malloc(total + 8192);
    memcpy(image, log, total);

    memset(image + total, 0, 4096);
    write_bytes(path, image, total + 4096);
    CHECK(replays_exactly(path, 2, offsets[2], sizes));

    fill_payload(image + total, 8192, 99);
    write_bytes(path, image, total + 8192);
    CHECK(replays_exactly(path, 2, offsets[2], sizes));

    /* Garbage that starts like a record: right magic, absurd or too-long lengths. */
    memcpy(image + total, "LWAL\x01\x00\x00\x00\xff\xff\xff\x7f", 12);
    write_bytes(path, image, total + 64);
    CHECK(replays_exactly(path, 2, offsets[2], sizes));
    memcpy(image + total, "LWAL\x01\x00\x00\x00\x00\x00\x00\x40", 12); /* exactly 1 GiB */
    write_bytes(path, image, total + 64);
    CHECK(replays_exactly(path, 2, offsets[2], sizes));
    memcpy(image + total, "LWAL\x01\x00\x00\x00\x00\x00\x10\x00", 12); /* 1 MiB, file short */
    write_bytes(path, image, total + 64);
    CHECK(replays_exactly(path, 2, offsets[2], sizes));
    free(image);
    free(log);
    remove(path);
}

static void newer_version_is_unsupported_not_truncated(void) {
    const char *path = "test_wal_newer.wal";
    const size_t sizes[] = {10, 10};
    uint64_t offsets[3];
    uint8_t *log = build_log(sizes, 2, offsets);
    uint8_t *second = log + offsets[1];
    second[4] = 2; /* version 2, CRC recomputed: a well-formed record of a newer writer */
    uint32_t crc = lodedb_crc32c(lodedb_crc32c(0, second, 12), second + 20, 10);
    second[12] = (uint8_t)crc;
    second[13] = (uint8_t)(crc >> 8);
    second[14] = (uint8_t)(crc >> 16);
    second[15] = (uint8_t)(crc >> 24);
    write_bytes(path, log, (size_t)offsets[2]);
    collected c = {0};
    uint64_t valid = 0, records = 0;
    CHECK_STATUS(LODEDB_ERR_UNSUPPORTED,
                 lodedb_wal_replay_file(path, collect, &c, &valid, &records));
    CHECK(valid == offsets[1] && records == 1);
    CHECK(strstr(lodedb_last_error_message(), "version 2") != NULL);
    free(log);
    remove(path);
}

/* What lodedb_wal_next says about an image: valid prefix, records, and a hash of payloads. */
static lodedb_status memory_walk(const uint8_t *image, size_t length, uint64_t *valid,
                                 uint64_t *records, uint32_t *hash) {
    uint64_t offset = 0;
    *records = 0;
    *hash = 0;
    lodedb_wal_record record;
    lodedb_status status;
    while ((status = lodedb_wal_next(image, length, offset, &record)) == LODEDB_OK) {
        *hash = lodedb_crc32c(*hash, image + record.payload_offset, (size_t)record.payload_length);
        offset = record.next_offset;
        *records += 1;
    }
    *valid = offset;
    size_t later = 0;
    if (status == LODEDB_ERR_CORRUPT &&
        lodedb_wal_find_frame(image, length, (size_t)offset + 1, &later)) {
        return LODEDB_ERR_CORRUPT;
    }
    return status == LODEDB_ERR_UNSUPPORTED ? status : LODEDB_OK;
}

static int32_t hash_payload(void *context, const uint8_t *payload, size_t payload_length) {
    uint32_t *hash = context;
    *hash = lodedb_crc32c(*hash, payload, payload_length);
    return 0;
}

static void small_buffers_replay_like_the_memory_walk(void) {
    /* Buffers smaller than one record: every refill and every growth path of the replay. */
    const char *path = "test_wal_small_buffers.wal";
    const size_t sizes[] = {0, 5, 100, 19, 20, 21, 300, 64, 63};
    const size_t count = sizeof sizes / sizeof sizes[0];
    uint64_t offsets[sizeof sizes / sizeof sizes[0] + 1];
    uint8_t *log = build_log(sizes, count, offsets);
    size_t total = (size_t)offsets[count];
    const size_t chunks[] = {1, 20, 21, 33, 64, 100, 1000};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        /* Every cut once with the smallest buffer; a sample for the others (file writes are
         * the cost here, ~1000 in all). */
        size_t step = chunks[k] == 20 ? 1 : 11;
        for (size_t cut = 0; cut <= total; cut += step) {
            for (int flip = 0; flip < (cut % 3 == 0 ? 2 : 1); flip++) {
                size_t flipped = (cut * 31u) % (cut == 0 ? 1 : cut);
                if (flip && cut > 0) {
                    log[flipped] ^= 0x10;
                }
                write_bytes(path, log, cut);
                uint64_t want_valid = 0, want_records = 0;
                uint32_t want_hash = 0;
                lodedb_status want = memory_walk(log, cut, &want_valid, &want_records, &want_hash);
                uint64_t valid = 0, records = 0;
                uint32_t hash = 0;
                lodedb_status got = lodedb_wal_replay_file_chunked(path, chunks[k], hash_payload,
                                                                   &hash, &valid, &records);
                if (flip && cut > 0) {
                    log[flipped] ^= 0x10;
                }
                if (got != want || valid != want_valid || records != want_records ||
                    hash != want_hash) {
                    fprintf(stderr,
                            "chunk %zu cut %zu flip %d: replay %s %llu/%llu, walk %s "
                            "%llu/%llu\n",
                            chunks[k], cut, flip, lodedb_status_name(got),
                            (unsigned long long)valid, (unsigned long long)records,
                            lodedb_status_name(want), (unsigned long long)want_valid,
                            (unsigned long long)want_records);
                    lodedb_test_failures++;
                    free(log);
                    return;
                }
            }
        }
    }
    free(log);
    remove(path);
}

/* The damage patterns of the integrity issue, each in the first, a middle and the last-but-one
 * record of a five-record log: all are interior corruption, named with both offsets. */
static void interior_damage_fails_whatever_the_pattern(void) {
    const char *path = "test_wal_interior.wal";
    const size_t sizes[] = {40, 0, 300, 17, 64};
    const size_t count = 5;
    uint64_t offsets[6];
    uint8_t *log = build_log(sizes, count, offsets);
    size_t total = (size_t)offsets[count];
    /* field offsets inside a frame: magic, version, flags, length, CRC, reserved, payload */
    const size_t fields[] = {0, 4, 6, 8, 9, 11, 12, 16, 19, 20, 21};
    const size_t victims[] = {0, 2, 3};
    for (size_t v = 0; v < 3; v++) {
        size_t victim = victims[v];
        size_t frame_bytes = (size_t)(offsets[victim + 1] - offsets[victim]);
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            if (fields[f] >= frame_bytes) {
                continue;
            }
            uint8_t *image = malloc(total);
            memcpy(image, log, total);
            image[offsets[victim] + fields[f]] ^= 0x5a;
            write_bytes(path, image, total);
            free(image);
            if (!replays_as(path, LODEDB_ERR_CORRUPT, victim, offsets[victim], sizes)) {
                fprintf(stderr, "record %zu, byte %zu of its frame\n", victim, fields[f]);
                lodedb_test_failures++;
                continue;
            }
            char expected[64];
            snprintf(expected, sizeof expected, "offset %llu", (unsigned long long)offsets[victim]);
            CHECK(strstr(lodedb_last_error_message(), "interior corruption") != NULL);
            CHECK(strstr(lodedb_last_error_message(), expected) != NULL);
            CHECK(strstr(lodedb_last_error_message(), path) != NULL);
        }
        /* A zeroed frame header and a whole zeroed frame. */
        for (int whole = 0; whole < 2; whole++) {
            uint8_t *image = malloc(total);
            memcpy(image, log, total);
            memset(image + offsets[victim], 0, whole ? frame_bytes : LODEDB_WAL_RECORD_OVERHEAD);
            write_bytes(path, image, total);
            free(image);
            CHECK(replays_as(path, LODEDB_ERR_CORRUPT, victim, offsets[victim], sizes));
        }
    }
    /* Bytes inserted or removed between two records shift the rest: still interior. */
    uint8_t *image = malloc(total + 3);
    memcpy(image, log, (size_t)offsets[2]);
    memcpy(image + offsets[2], "xyz", 3);
    memcpy(image + offsets[2] + 3, log + offsets[2], total - (size_t)offsets[2]);
    write_bytes(path, image, total + 3);
    CHECK(replays_as(path, LODEDB_ERR_CORRUPT, 2, offsets[2], sizes));
    memcpy(image, log, (size_t)offsets[2]);
    memcpy(image + offsets[2], log + offsets[2] + 1, total - (size_t)offsets[2] - 1);
    write_bytes(path, image, total - 1);
    CHECK(replays_as(path, LODEDB_ERR_CORRUPT, 2, offsets[2], sizes));
    free(image);
    free(log);
    remove(path);
}

/* A torn record whose payload is cut short is still quiet when nothing valid follows, also
 * when the damaged region is larger than the replay buffer (the rest is read to check). */
static void a_torn_tail_after_a_large_record_stays_quiet(void) {
    const char *path = "test_wal_torn_large.wal";
    const size_t sizes[] = {10, (size_t)3 << 20};
    uint64_t offsets[3];
    uint8_t *log = build_log(sizes, 2, offsets);
    log[offsets[1] + 30] ^= 1; /* the big record's CRC fails: nothing valid after it */
    write_bytes(path, log, (size_t)offsets[2]);
    CHECK(replays_exactly(path, 1, offsets[1], sizes));
    free(log);
    remove(path);
}

/* The search itself: a frame is found at or after `from`, never before. */
static void find_frame_scans_from_the_given_offset(void) {
    const size_t sizes[] = {8, 8};
    uint64_t offsets[3];
    uint8_t *log = build_log(sizes, 2, offsets);
    size_t found = 0;
    CHECK(lodedb_wal_find_frame(log, (size_t)offsets[2], 0, &found) && found == 0);
    CHECK(lodedb_wal_find_frame(log, (size_t)offsets[2], 1, &found) && found == offsets[1]);
    CHECK(!lodedb_wal_find_frame(log, (size_t)offsets[2], (size_t)offsets[1] + 1, &found));
    CHECK(!lodedb_wal_find_frame(log, 10, 0, &found));
    free(log);
}

int main(void) {
    RUN_TEST(truncation_at_every_offset_of_the_last_record);
    RUN_TEST(truncation_inside_a_large_last_record);
    RUN_TEST(every_single_bit_flip_is_detected);
    RUN_TEST(garbage_and_zeros_after_valid_records);
    RUN_TEST(newer_version_is_unsupported_not_truncated);
    RUN_TEST(small_buffers_replay_like_the_memory_walk);
    RUN_TEST(interior_damage_fails_whatever_the_pattern);
    RUN_TEST(a_torn_tail_after_a_large_record_stays_quiet);
    RUN_TEST(find_frame_scans_from_the_given_offset);
    TEST_MAIN_END();
}
