/* The WAL: frame layout, append/replay round trips, truncation and reopening, failed writes.
 * Damage (torn tails, flipped bits, interior corruption) is test_wal_damage.c. */
#if !defined(_WIN32)
#define _POSIX_C_SOURCE 200809L /* setrlimit, sigaction for the failed-write test */
#include <signal.h>
#include <sys/resource.h>
#endif
#include <stdint.h>
#if !defined(_WIN32)
#include <pthread.h>
#include <stdatomic.h>
#endif

#include "wal_test_support.h"

static void frame_layout_is_pinned(void) {
    const uint8_t payload[3] = {'a', 'b', 'c'};
    uint8_t out[23];
    size_t written = 0;
    CHECK_OK(lodedb_wal_encode(payload, 3, out, sizeof out, &written));
    CHECK(written == 23);
    const uint8_t header[12] = {'L', 'W', 'A', 'L', 1, 0, 0, 0, 3, 0, 0, 0};
    CHECK(memcmp(out, header, 12) == 0);
    uint32_t crc = lodedb_crc32c(lodedb_crc32c(0, out, 12), payload, 3);
    CHECK(out[12] == (uint8_t)crc && out[13] == (uint8_t)(crc >> 8) &&
          out[14] == (uint8_t)(crc >> 16) && out[15] == (uint8_t)(crc >> 24));
    /* Golden value: changing the frame or the CRC breaks every existing WAL. */
    CHECK(crc == 0xb125c9c4u);
    if (crc != 0xb125c9c4u) {
        fprintf(stderr, "frame CRC is 0x%08x\n", crc);
    }
    CHECK(out[16] == 0 && out[17] == 0 && out[18] == 0 && out[19] == 0);
    CHECK(memcmp(out + 20, payload, 3) == 0);

    lodedb_wal_record record;
    CHECK_OK(lodedb_wal_next(out, sizeof out, 0, &record));
    CHECK(record.payload_offset == 20 && record.payload_length == 3 && record.next_offset == 23);
    CHECK_STATUS(LODEDB_DONE, lodedb_wal_next(out, sizeof out, 23, &record));
}

static void encode_and_next_reject_bad_arguments(void) {
    uint8_t out[64];
    size_t written = 0;
    CHECK_STATUS(LODEDB_ERR_BUFFER_TOO_SMALL, lodedb_wal_encode(out, 10, out, 29, &written));
    CHECK(strstr(lodedb_last_error_message(), "30") != NULL);
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT,
                 lodedb_wal_encode(NULL, 1, out, sizeof out, &written));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT,
                 lodedb_wal_encode(out, ((size_t)1 << 30) + 1, out, sizeof out, &written));
    CHECK_OK(lodedb_wal_encode(NULL, 0, out, sizeof out, &written));
    CHECK(written == LODEDB_WAL_RECORD_OVERHEAD);

    lodedb_wal_record record;
    CHECK_STATUS(LODEDB_DONE, lodedb_wal_next(NULL, 0, 0, &record));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_wal_next(out, 20, 21, &record));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_wal_next(out, 20, UINT64_MAX, &record));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_wal_next(out, 20, 0, NULL));
    CHECK_STATUS(LODEDB_ERR_CORRUPT, lodedb_wal_next(out, 19, 0, &record));
    CHECK(strstr(lodedb_last_error_message(), "offset 0") != NULL);
}

static void declared_lengths_never_overflow(void) {
    /* A header claiming the largest lengths at the end of a buffer. */
    uint8_t data[40];
    memset(data, 0, sizeof data);
    size_t written = 0;
    CHECK_OK(lodedb_wal_encode(NULL, 0, data + 20, 20, &written));
    lodedb_wal_record record;
    for (uint32_t len = 0xFFFFFFF0u; len != 0; len++) {
        data[28] = (uint8_t)len;
        data[29] = (uint8_t)(len >> 8);
        data[30] = (uint8_t)(len >> 16);
        data[31] = (uint8_t)(len >> 24);
        CHECK_STATUS(LODEDB_ERR_CORRUPT, lodedb_wal_next(data, sizeof data, 20, &record));
    }
    data[28] = 1;
    data[29] = data[30] = data[31] = 0;
    CHECK_STATUS(LODEDB_ERR_CORRUPT, lodedb_wal_next(data, sizeof data, 20, &record));
    CHECK(strstr(lodedb_last_error_message(), "offset 20") != NULL);
}

static void append_and_replay_round_trip(void) {
    const char *path = "test_wal_round_trip.wal";
    remove(path);
    const size_t sizes[] = {0, 1, 19, 20, 21, 4096, 1 << 20, 5, 0, 65537, 3};
    const size_t count = sizeof sizes / sizeof sizes[0];
    lodedb_wal *wal = NULL;
    CHECK_OK(lodedb_wal_open(path, &wal));
    REQUIRE(wal != NULL);
    uint64_t size = 1;
    CHECK_OK(lodedb_wal_size(wal, &size));
    CHECK(size == 0);
    uint64_t expected_size = 0;
    for (size_t i = 0; i < count; i++) {
        uint8_t *payload = malloc(sizes[i] + 1);
        fill_payload(payload, sizes[i], (uint32_t)i);
        CHECK_OK(lodedb_wal_append(wal, payload, sizes[i], i % 3 == 0 ? LODEDB_FLAG_SYNC : 0));
        free(payload);
        expected_size += sizes[i] + LODEDB_WAL_RECORD_OVERHEAD;
    }
    CHECK_OK(lodedb_wal_size(wal, &size));
    CHECK(size == expected_size);
    lodedb_wal_close(wal);

    collected c = {0};
    uint64_t valid = 0, records = 0;
    CHECK_OK(lodedb_wal_replay_file(path, collect, &c, &valid, &records));
    CHECK(valid == expected_size);
    CHECK(records == count && c.count == count);
    for (size_t i = 0; i < count && i < c.count; i++) {
        CHECK(payload_matches(&c, i, sizes[i], (uint32_t)i));
    }
    remove(path);
}

static void many_records_cross_the_replay_buffer(void) {
    /* ~3 MiB of odd-sized records: records straddle every refill of the 1 MiB buffer. */
    const char *path = "test_wal_many.wal";
    remove(path);
    lodedb_wal *wal = NULL;
    CHECK_OK(lodedb_wal_open(path, &wal));
    REQUIRE(wal != NULL);
    uint8_t payload[4000];
    uint32_t crc_all = 0;
    size_t n = 0;
    for (size_t i = 0; i < 1000; i++) {
        size_t len = 1000 + (i * 37) % 3000;
        fill_payload(payload, len, (uint32_t)i);
        crc_all = lodedb_crc32c(crc_all, payload, len);
        CHECK_OK(lodedb_wal_append(wal, payload, len, 0));
        n++;
    }
    CHECK_OK(lodedb_wal_sync(wal));
    lodedb_wal_close(wal);
    collected c = {0};
    uint64_t valid = 0, records = 0;
    CHECK_OK(lodedb_wal_replay_file(path, collect, &c, &valid, &records));
    CHECK(records == n);
    size_t file_size = 0;
    uint8_t *bytes = read_bytes(path, &file_size);
    CHECK(valid == file_size);
    /* The same walk in memory with lodedb_wal_next. */
    uint64_t offset = 0;
    size_t walked = 0;
    uint32_t crc_walk = 0;
    lodedb_wal_record record;
    while (lodedb_wal_next(bytes, file_size, offset, &record) == LODEDB_OK) {
        crc_walk =
            lodedb_crc32c(crc_walk, bytes + record.payload_offset, (size_t)record.payload_length);
        offset = record.next_offset;
        walked++;
    }
    CHECK_STATUS(LODEDB_DONE, lodedb_wal_next(bytes, file_size, offset, &record));
    CHECK(walked == n && crc_walk == crc_all);
    free(bytes);
    remove(path);
}

static void truncate_then_append_again(void) {
    const char *path = "test_wal_truncate_append.wal";
    remove(path);
    lodedb_wal *wal = NULL;
    CHECK_OK(lodedb_wal_open(path, &wal));
    REQUIRE(wal != NULL);
    const size_t sizes[] = {50, 60, 70};
    uint8_t payload[128];
    for (size_t i = 0; i < 3; i++) {
        fill_payload(payload, sizes[i], (uint32_t)i);
        CHECK_OK(lodedb_wal_append(wal, payload, sizes[i], 0));
    }
    uint64_t first_end = 50 + LODEDB_WAL_RECORD_OVERHEAD;
    CHECK_OK(lodedb_wal_truncate(wal, first_end, LODEDB_FLAG_SYNC));
    uint64_t size = 0;
    CHECK_OK(lodedb_wal_size(wal, &size));
    CHECK(size == first_end);
    /* Appends land at the new end (O_APPEND), not at the old write position. */
    const size_t after[] = {50, 60};
    fill_payload(payload, 60, 1);
    CHECK_OK(lodedb_wal_append(wal, payload, 60, LODEDB_FLAG_SYNC));
    lodedb_wal_close(wal);
    CHECK(replays_exactly(path, 2, first_end + 60 + LODEDB_WAL_RECORD_OVERHEAD, after));

    CHECK_OK(lodedb_wal_open(path, &wal));
    REQUIRE(wal != NULL);
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_wal_truncate(wal, 1u << 20, 0));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_wal_truncate(wal, 0, 0x80));
    CHECK_OK(lodedb_wal_truncate(wal, 0, 0));
    CHECK_OK(lodedb_wal_size(wal, &size));
    CHECK(size == 0);
    fill_payload(payload, 50, 0);
    CHECK_OK(lodedb_wal_append(wal, payload, 50, 0));
    lodedb_wal_close(wal);
    CHECK(replays_exactly(path, 1, first_end, sizes));
    remove(path);
}

static void torn_tail_repair_flow(void) {
    /* What the managed side does on open: replay, cut the torn tail, append. */
    const char *path = "test_wal_repair.wal";
    const size_t sizes[] = {40, 41, 42};
    uint64_t offsets[4];
    uint8_t *log = build_log(sizes, 3, offsets);
    write_bytes(path, log, (size_t)offsets[3] - 5);
    collected c = {0};
    uint64_t valid = 0, records = 0;
    CHECK_OK(lodedb_wal_replay_file(path, collect, &c, &valid, &records));
    CHECK(valid == offsets[2] && records == 2);
    lodedb_wal *wal = NULL;
    CHECK_OK(lodedb_wal_open(path, &wal));
    REQUIRE(wal != NULL);
    CHECK_OK(lodedb_wal_truncate(wal, valid, LODEDB_FLAG_SYNC));
    uint8_t payload[64];
    fill_payload(payload, 42, 2);
    CHECK_OK(lodedb_wal_append(wal, payload, 42, LODEDB_FLAG_SYNC));
    lodedb_wal_close(wal);
    CHECK(replays_exactly(path, 3, offsets[3], sizes));
    free(log);
    remove(path);
}

static void reopen_appends_at_the_end(void) {
    const char *path = "test_wal_reopen.wal";
    remove(path);
    const size_t sizes[] = {5, 6, 7, 8};
    uint8_t payload[16];
    uint64_t expected = 0;
    for (size_t i = 0; i < 4; i++) {
        lodedb_wal *wal = NULL;
        CHECK_OK(lodedb_wal_open(path, &wal));
        REQUIRE(wal != NULL);
        uint64_t size = 0;
        CHECK_OK(lodedb_wal_size(wal, &size));
        CHECK(size == expected);
        fill_payload(payload, sizes[i], (uint32_t)i);
        CHECK_OK(lodedb_wal_append(wal, payload, sizes[i], LODEDB_FLAG_SYNC));
        CHECK_OK(lodedb_wal_sync(wal));
        expected += sizes[i] + LODEDB_WAL_RECORD_OVERHEAD;
        lodedb_wal_close(wal);
    }
    CHECK(replays_exactly(path, 4, expected, sizes));
    remove(path);
}

static void callback_can_stop_the_replay(void) {
    const char *path = "test_wal_stop.wal";
    const size_t sizes[] = {1, 2, 3, 4};
    uint64_t offsets[5];
    uint8_t *log = build_log(sizes, 4, offsets);
    write_bytes(path, log, (size_t)offsets[4]);
    collected c = {0};
    c.stop_after = 2;
    uint64_t valid = 0, records = 0;
    CHECK_STATUS(LODEDB_ERR_ABORTED, lodedb_wal_replay_file(path, collect, &c, &valid, &records));
    CHECK(c.count == 2 && records == 2 && valid == offsets[2]);
    /* A NULL callback just validates and counts. */
    CHECK_OK(lodedb_wal_replay_file(path, NULL, NULL, &valid, &records));
    CHECK(records == 4 && valid == offsets[4]);
    free(log);
    remove(path);
}

static void empty_and_missing_files(void) {
    const char *path = "test_wal_empty.wal";
    write_bytes(path, NULL, 0);
    uint64_t valid = 7, records = 7;
    CHECK_OK(lodedb_wal_replay_file(path, NULL, NULL, &valid, &records));
    CHECK(valid == 0 && records == 0);
    remove(path);
    CHECK_STATUS(LODEDB_ERR_IO,
                 lodedb_wal_replay_file("no_such_dir/x.wal", NULL, NULL, &valid, &records));
    CHECK(strstr(lodedb_last_error_message(), "no_such_dir/x.wal") != NULL);
    lodedb_wal *wal = NULL;
    CHECK_STATUS(LODEDB_ERR_IO, lodedb_wal_open("no_such_dir/x.wal", &wal));
    CHECK(wal == NULL);
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_wal_open(NULL, &wal));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_wal_append(NULL, NULL, 0, 0));
    lodedb_wal_close(NULL);
}

static void append_rejects_oversized_and_bad_arguments(void) {
    const char *path = "test_wal_limits.wal";
    remove(path);
    lodedb_wal *wal = NULL;
    CHECK_OK(lodedb_wal_open(path, &wal));
    REQUIRE(wal != NULL);
    uint8_t byte = 0;
    /* The length is checked before the payload is touched. */
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT,
                 lodedb_wal_append(wal, &byte, ((size_t)1 << 30) + 1, 0));
    CHECK(strstr(lodedb_last_error_message(), "1073741825") != NULL);
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_wal_append(wal, NULL, 1, 0));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_wal_append(wal, &byte, 1, 2));
    uint64_t size = 1;
    CHECK_OK(lodedb_wal_size(wal, &size));
    CHECK(size == 0);
    lodedb_wal_close(wal);
    remove(path);
}

#if !defined(_WIN32)
static void a_failed_write_is_rolled_back(void) {
    /* RLIMIT_FSIZE makes the kernel accept part of the record and then fail with EFBIG:
     * the torn bytes must be cut off again so later appends stay reachable by replay. */
    const char *path = "test_wal_failed_write.wal";
    remove(path);
    lodedb_wal *wal = NULL;
    CHECK_OK(lodedb_wal_open(path, &wal));
    REQUIRE(wal != NULL);
    const size_t sizes[] = {10, 100, 12};
    uint8_t payload[128];
    fill_payload(payload, 10, 0);
    CHECK_OK(lodedb_wal_append(wal, payload, 10, 0));

    struct sigaction ignore, previous;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    struct rlimit saved;
    REQUIRE(sigaction(SIGXFSZ, &ignore, &previous) == 0);
    REQUIRE(getrlimit(RLIMIT_FSIZE, &saved) == 0);
    struct rlimit small = saved;
    small.rlim_cur = 30 + 40; /* the first record (30 bytes) and 40 bytes of the next */
    REQUIRE(setrlimit(RLIMIT_FSIZE, &small) == 0);
    fill_payload(payload, 100, 1);
    lodedb_status status = lodedb_wal_append(wal, payload, 100, 0);
    setrlimit(RLIMIT_FSIZE, &saved);
    sigaction(SIGXFSZ, &previous, NULL);
    CHECK_STATUS(LODEDB_ERR_IO, status);
    CHECK(strstr(lodedb_last_error_message(), path) != NULL);
    uint64_t size = 0;
    CHECK_OK(lodedb_wal_size(wal, &size));
    CHECK(size == 30);

    /* The handle still works: the record goes in whole, and so does the next. */
    CHECK_OK(lodedb_wal_append(wal, payload, 100, LODEDB_FLAG_SYNC));
    fill_payload(payload, 12, 2);
    CHECK_OK(lodedb_wal_append(wal, payload, 12, LODEDB_FLAG_SYNC));
    lodedb_wal_close(wal);
    CHECK(replays_exactly(path, 3, 30 + 120 + 32, sizes));
    remove(path);
}
#endif

#if !defined(_WIN32)
/* Group commit (managed GroupSync): one thread appends while another syncs the same handle. */
#define BESIDE_RECORDS 3000

typedef struct appender {
    lodedb_wal *wal;
    atomic_int done;
    int failures;
} appender;

static void *append_records(void *context) {
    appender *a = context;
    uint8_t payload[400];
    for (uint32_t i = 0; i < BESIDE_RECORDS; i++) {
        size_t len = 50 + (i * 7) % 350;
        fill_payload(payload, len, i);
        if (lodedb_wal_append(a->wal, payload, len, 0) != LODEDB_OK) {
            a->failures++;
        }
    }
    atomic_store(&a->done, 1);
    return NULL;
}

static void a_sync_may_run_beside_an_appender(void) {
    const char *path = "test_wal_sync_beside.wal";
    remove(path);
    appender a = {0};
    CHECK_OK(lodedb_wal_open(path, &a.wal));
    REQUIRE(a.wal != NULL);
    pthread_t thread;
    REQUIRE(pthread_create(&thread, NULL, append_records, &a) == 0);
    uint32_t syncs = 0;
    while (!atomic_load(&a.done)) {
        CHECK_OK(lodedb_wal_sync(a.wal));
        syncs++;
    }
    pthread_join(thread, NULL);
    CHECK(a.failures == 0);
    CHECK(syncs > 0);
    CHECK_OK(lodedb_wal_sync(a.wal));
    uint64_t size = 0;
    CHECK_OK(lodedb_wal_size(a.wal, &size));
    lodedb_wal_close(a.wal);

    /* Every record whole and in order: the syncs never tore or reordered an append. */
    uint64_t expected = 0;
    for (uint32_t i = 0; i < BESIDE_RECORDS; i++) {
        expected += 50 + (i * 7) % 350 + LODEDB_WAL_RECORD_OVERHEAD;
    }
    CHECK(size == expected);
    size_t file_size = 0;
    uint8_t *bytes = read_bytes(path, &file_size);
    REQUIRE(bytes != NULL);
    CHECK(file_size == expected);
    uint64_t offset = 0;
    uint8_t payload[400];
    for (uint32_t i = 0; i < BESIDE_RECORDS; i++) {
        lodedb_wal_record record;
        if (lodedb_wal_next(bytes, file_size, offset, &record) != LODEDB_OK) {
            CHECK(0);
            break;
        }
        size_t len = 50 + (i * 7) % 350;
        fill_payload(payload, len, i);
        CHECK(record.payload_length == len);
        CHECK(memcmp(bytes + record.payload_offset, payload, len) == 0);
        offset = record.next_offset;
    }
    CHECK(offset == file_size);
    free(bytes);
    remove(path);
}
#endif

int main(void) {
    RUN_TEST(frame_layout_is_pinned);
    RUN_TEST(encode_and_next_reject_bad_arguments);
    RUN_TEST(declared_lengths_never_overflow);
    RUN_TEST(append_and_replay_round_trip);
    RUN_TEST(many_records_cross_the_replay_buffer);
    RUN_TEST(truncate_then_append_again);
    RUN_TEST(torn_tail_repair_flow);
    RUN_TEST(reopen_appends_at_the_end);
    RUN_TEST(callback_can_stop_the_replay);
    RUN_TEST(empty_and_missing_files);
    RUN_TEST(append_rejects_oversized_and_bad_arguments);
#if !defined(_WIN32)
    RUN_TEST(a_failed_write_is_rolled_back);
    RUN_TEST(a_sync_may_run_beside_an_appender);
#endif
    TEST_MAIN_END();
}
