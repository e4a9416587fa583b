/*
 * An index whose block array outgrows 2 MiB (100,000 x 64 at 4 bits: 3,125 blocks of 1 KiB),
 * so its storage moves from calloc memory to huge-page mappings as it grows and back when a
 * compaction shrinks it: rows survive every move, searches find each vector, frees are clean.
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */
#endif
#include <stdint.h>

#include "test_random.h"
#include "test_support.h"
#include "turbovec/index.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

#define DIM 64u
#define COUNT 100000u
#define BATCH 1000u
#define BLOCK_BYTES 1024u /* 4 bits: padded_dim (64) groups x 16 bytes */

/* Each probed vector, searched for itself, comes first from its own slot (vector i at slot i). */
static void check_self_hits(const lodedb_index *index, const float *vectors, const uint64_t *probes,
                            size_t count) {
    for (size_t i = 0; i < count; i++) {
        uint64_t slots[10];
        float scores[10];
        uint32_t found = 0;
        CHECK_OK(lodedb_index_search(index, vectors + probes[i] * DIM, 1, 10, NULL, 0, 1, slots,
                                     scores, &found));
        CHECK(found == 10);
        if (slots[0] != probes[i]) {
            fprintf(stderr, "vector %llu: top slot %llu\n", (unsigned long long)probes[i],
                    (unsigned long long)slots[0]);
        }
        CHECK(slots[0] == probes[i]);
        CHECK(scores[0] > 0.9f);
    }
}

/* Every stored row and scale equals a fresh encoding of its vector. */
static int rows_match(const lodedb_index *index, const float *vectors, const uint64_t *slots,
                      uint64_t count) {
    uint64_t row_bytes = DIM * 4u / 8u;
    uint8_t encoded[DIM * 4u / 8u], stored[DIM * 4u / 8u];
    float encoded_scale, stored_scale;
    for (uint64_t i = 0; i < count; i++) {
        if (lodedb_encode(index, vectors + i * DIM, 1, encoded, row_bytes, &encoded_scale, 1) !=
                LODEDB_OK ||
            lodedb_index_export_rows(index, slots[i], 1, stored, row_bytes, &stored_scale, 1) !=
                LODEDB_OK ||
            memcmp(encoded, stored, row_bytes) != 0 || encoded_scale != stored_scale) {
            fprintf(stderr, "vector %llu (slot %llu) does not match its row\n",
                    (unsigned long long)i, (unsigned long long)slots[i]);
            return 0;
        }
    }
    return 1;
}

static void test_large_index_grows_searches_compacts(void) {
    lodedb_index *index = NULL;
    CHECK_OK(lodedb_index_create(DIM, 4, 0x1A26E, &index));
    float *vectors = malloc(sizeof(float) * DIM * COUNT);
    uint64_t *slots = malloc(sizeof(uint64_t) * COUNT);
    uint64_t *old_to_new = malloc(sizeof(uint64_t) * COUNT);
    REQUIRE(index && vectors && slots && old_to_new);
    test_rng rng = test_rng_make(0x1A26E);
    test_unit_vectors(&rng, vectors, COUNT, DIM);

    /* Batches grow the capacity step by step through the 2 MiB threshold. */
    for (uint32_t b = 0; b < COUNT / BATCH; b++) {
        uint64_t first = LODEDB_NO_SLOT;
        CHECK_OK(lodedb_index_add(index, vectors + (size_t)b * BATCH * DIM, BATCH, &first));
        CHECK(first == (uint64_t)b * BATCH);
    }
    lodedb_index_info info;
    CHECK_OK(lodedb_index_get_info(index, &info));
    CHECK(info.slot_count == COUNT && info.live_count == COUNT);
    CHECK(info.code_bytes_per_row == DIM * 4u / 8u);
    CHECK(lodedb_index_block_bytes(index) == BLOCK_BYTES);
    CHECK(index->block_capacity * BLOCK_BYTES > 2u * 1024u * 1024u);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    /* The huge-page path: the block array starts on a 2 MiB boundary. */
    CHECK((uintptr_t)index->blocks % (2u * 1024u * 1024u) == 0);
#endif
    for (uint64_t i = 0; i < COUNT; i++) {
        slots[i] = i;
    }
    CHECK(rows_match(index, vectors, slots, COUNT));
    static const uint64_t probes[] = {0, 31, 32, 2047 * 32, 65535, 65536, 99999};
    size_t probe_count = sizeof probes / sizeof probes[0];
    check_self_hits(index, vectors, probes, probe_count);

    /* Keep every fourth vector: the compaction shrinks the block array below 2 MiB. */
    for (uint64_t s = 0; s < COUNT; s++) {
        if (s % 4u != 0) {
            CHECK_OK(lodedb_index_remove(index, s));
        }
    }
    CHECK_OK(lodedb_index_compact(index, old_to_new, COUNT));
    lodedb_index_info compacted;
    CHECK_OK(lodedb_index_get_info(index, &compacted));
    CHECK(compacted.slot_count == COUNT / 4u && compacted.live_count == COUNT / 4u);
    CHECK(compacted.memory_bytes < info.memory_bytes / 2u);
    CHECK(index->block_capacity * BLOCK_BYTES < 2u * 1024u * 1024u);
    float *kept = malloc(sizeof(float) * DIM * (COUNT / 4u));
    REQUIRE(kept);
    for (uint64_t i = 0; i < COUNT / 4u; i++) {
        CHECK(old_to_new[i * 4u] == i);
        memcpy(kept + i * DIM, vectors + i * 4u * DIM, sizeof(float) * DIM);
        slots[i] = i;
    }
    CHECK(rows_match(index, kept, slots, COUNT / 4u));
    static const uint64_t kept_probes[] = {0, 1, 8191, 24999};
    check_self_hits(index, kept, kept_probes, sizeof kept_probes / sizeof kept_probes[0]);
    free(kept);
    free(vectors);
    free(slots);
    free(old_to_new);
    lodedb_index_free(index);
}

int main(void) {
    RUN_TEST(test_large_index_grows_searches_compacts);
    TEST_MAIN_END();
}
