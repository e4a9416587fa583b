/* CRC32C: published check values, the generated tables, and hardware == portable. */
#include "test_support.h"
#include "wal/crc32c.h"
#include "wal/crc32c_tables.h"

/* The definition straight from the polynomial, one bit at a time: slow and obviously right. */
static uint32_t crc32c_bitwise(uint32_t crc, const uint8_t *data, size_t length) {
    crc = ~crc;
    for (size_t i = 0; i < length; i++) {
        crc ^= data[i];
        for (int b = 0; b < 8; b++) {
            crc = (crc >> 1) ^ ((crc & 1u) ? 0x82F63B78u : 0u);
        }
    }
    return ~crc;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint8_t next_byte(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint8_t)(rng_state >> 24);
}

static void known_vectors(void) {
    const char *check = "123456789";
    CHECK(lodedb_crc32c(0, (const uint8_t *)check, 9) == 0xE3069283u);
    CHECK(lodedb_crc32c_portable(0, (const uint8_t *)check, 9) == 0xE3069283u);
    CHECK(crc32c_bitwise(0, (const uint8_t *)check, 9) == 0xE3069283u);
    /* RFC 3720 (iSCSI), appendix B.4. */
    uint8_t buf[32];
    memset(buf, 0, sizeof buf);
    CHECK(lodedb_crc32c(0, buf, 32) == 0x8A9136AAu);
    memset(buf, 0xFF, sizeof buf);
    CHECK(lodedb_crc32c(0, buf, 32) == 0x62A8AB43u);
    for (int i = 0; i < 32; i++) {
        buf[i] = (uint8_t)i;
    }
    CHECK(lodedb_crc32c(0, buf, 32) == 0x46DD794Eu);
    for (int i = 0; i < 32; i++) {
        buf[i] = (uint8_t)(31 - i);
    }
    CHECK(lodedb_crc32c(0, buf, 32) == 0x113FDB5Cu);
    CHECK(lodedb_crc32c(0, NULL, 0) == 0);
    CHECK(lodedb_crc32c(0x12345678u, buf, 0) == 0x12345678u);
}

static void tables_match_the_polynomial(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int b = 0; b < 8; b++) {
            c = (c >> 1) ^ ((c & 1u) ? 0x82F63B78u : 0u);
        }
        CHECK(lodedb_crc32c_table[0][i] == c);
        for (int k = 1; k < 8; k++) {
            c = (c >> 8) ^ lodedb_crc32c_table[0][c & 0xFF];
            if (lodedb_crc32c_table[k][i] != c) {
                fprintf(stderr, "table %d entry %u: 0x%08x != 0x%08x\n", k, i,
                        lodedb_crc32c_table[k][i], c);
                lodedb_test_failures++;
                return;
            }
        }
    }
}

static void every_path_agrees_at_every_length_and_alignment(void) {
    enum { MAX = 4200 };
    static uint8_t data[MAX + 8];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = next_byte();
    }
    int hardware = lodedb_crc32c_hardware_available();
    printf("hardware CRC32C: %s\n", hardware ? "yes" : "no");
    for (size_t align = 0; align < 8; align++) {
        for (size_t n = 0; n <= MAX; n += (n < 300 ? 1 : 97)) {
            uint32_t want = crc32c_bitwise(0, data + align, n);
            uint32_t portable = lodedb_crc32c_portable(0, data + align, n);
            uint32_t dispatched = lodedb_crc32c(0, data + align, n);
            uint32_t hw = hardware ? lodedb_crc32c_hardware(0, data + align, n) : want;
            if (portable != want || dispatched != want || hw != want) {
                fprintf(stderr,
                        "align %zu length %zu: bitwise 0x%08x portable 0x%08x "
                        "dispatched 0x%08x hardware 0x%08x\n",
                        align, n, want, portable, dispatched, hw);
                lodedb_test_failures++;
                return;
            }
        }
    }
}

static void continuation_equals_one_pass(void) {
    uint8_t data[1000];
    for (size_t i = 0; i < sizeof data; i++) {
        data[i] = next_byte();
    }
    uint32_t whole = lodedb_crc32c(0, data, sizeof data);
    for (size_t cut = 0; cut <= sizeof data; cut += 7) {
        uint32_t c = lodedb_crc32c(0, data, cut);
        c = lodedb_crc32c(c, data + cut, sizeof data - cut);
        CHECK(c == whole);
        uint32_t p = lodedb_crc32c_portable(0, data, cut);
        p = lodedb_crc32c_portable(p, data + cut, sizeof data - cut);
        CHECK(p == whole);
    }
}

int main(void) {
    RUN_TEST(known_vectors);
    RUN_TEST(tables_match_the_polynomial);
    RUN_TEST(every_path_agrees_at_every_length_and_alignment);
    RUN_TEST(continuation_equals_one_pass);
    TEST_MAIN_END();
}
