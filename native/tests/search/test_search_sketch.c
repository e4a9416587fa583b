/* The sign sketch (lodedb_index_set_sketch): every slot's sketch is the signs of its codes
 * through adds, replaces, imports, removals, compaction and growth; candidate searches with a
 * sketch equal a slot-by-slot reference written from the documented formulas (sketch.h,
 * sketch_tables.h) and agree across batching, threads and SIMD levels; the other searches do
 * not change. */
#include <math.h>

#include "search_reference.h"
#include "test_support.h"
#include "turbovec/sketch.h"

/* Sign of padded coordinate j of a canonical row (lodedb.h): the high bit of its code. */
static uint32_t row_sign(const uint8_t *row, uint32_t bits, uint32_t j) {
    if (bits == 4) {
        return (uint32_t)(row[j / 2u] >> (4u * (j & 1u))) >> 3 & 1u;
    }
    uint32_t code = (uint32_t)(row[j / 4u] >> (2u * (j & 3u))) & 3u;
    return code >> 1;
}

/* Sketch nibble of sketch group h of a slot, read from the block layout. */
static uint32_t sketch_nibble(const lodedb_index *index, uint64_t slot, uint32_t h) {
    const uint8_t *block = index->sketch + (size_t)(slot / 32u) * lodedb_sketch_block_bytes(index);
    return lodedb_block_code(block, h, (uint32_t)(slot % 32u));
}

/* How many (slot, group) nibbles differ from the signs of the exported rows, over every slot
 * of every allocated block (slots past slot_count must be 0). */
static uint64_t sketch_mismatches(const lodedb_index *index) {
    uint64_t wrong = 0;
    uint32_t groups = lodedb_sketch_groups(index->padded_dim);
    uint8_t *row = malloc((size_t)index->code_bytes_per_row);
    float scale;
    for (uint64_t slot = 0; slot < index->block_capacity * 32u; slot++) {
        int have = slot < index->slot_count;
        if (have && lodedb_index_export_rows(index, slot, 1, row, (size_t)index->code_bytes_per_row,
                                             &scale, 1) != LODEDB_OK) {
            return UINT64_MAX;
        }
        for (uint32_t h = 0; h < groups; h++) {
            uint32_t expected = 0;
            for (uint32_t t = 0; have && t < 4u && 4u * h + t < index->padded_dim; t++) {
                expected |= row_sign(row, index->bits, 4u * h + t) << t;
            }
            wrong += sketch_nibble(index, slot, h) != expected;
        }
    }
    free(row);
    return wrong;
}

static void test_sketch_follows_codes(void) {
    static const uint32_t dims[] = {1, 12, 100, 200, 520};
    for (uint32_t bits = 2; bits <= 4; bits += 2) {
        for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
            uint32_t dim = dims[d];
            /* Enabled on an empty index (the sketch comes with the first growth) ... */
            lodedb_index *early = NULL;
            REQUIRE(lodedb_index_create(dim, bits, 7, &early) == LODEDB_OK);
            CHECK_OK(lodedb_index_set_sketch(early, 1));
            float *v = NULL;
            lodedb_index *late = make_filled(dim, bits, 300, 7, &v);
            REQUIRE(late != NULL);
            uint64_t first;
            CHECK_OK(lodedb_index_add(early, v, 300, &first));
            /* ... and on a filled one (derived at once) hold the same bytes. */
            lodedb_index_info before, after;
            CHECK_OK(lodedb_index_get_info(late, &before));
            CHECK_OK(lodedb_index_set_sketch(late, 1));
            CHECK_OK(lodedb_index_get_info(late, &after));
            CHECK(after.memory_bytes ==
                  before.memory_bytes + late->block_capacity * lodedb_sketch_block_bytes(late));
            CHECK(sketch_mismatches(late) == 0);
            CHECK(early->block_capacity == late->block_capacity &&
                  memcmp(early->sketch, late->sketch,
                         late->block_capacity * lodedb_sketch_block_bytes(late)) == 0);
            /* Replace, remove and compact, imported rows, growth. */
            CHECK_OK(lodedb_index_replace(late, 17, v + (size_t)250 * dim));
            CHECK_OK(lodedb_index_replace(late, 40, v));
            CHECK(sketch_mismatches(late) == 0);
            for (uint64_t s = 0; s < 300; s += 3) {
                CHECK_OK(lodedb_index_remove(late, s));
            }
            uint64_t *map = malloc(sizeof(uint64_t) * 300);
            CHECK_OK(lodedb_index_compact(late, map, 300));
            CHECK(sketch_mismatches(late) == 0);
            uint8_t *rows = malloc((size_t)late->code_bytes_per_row * 50);
            float scales[50];
            CHECK_OK(lodedb_index_export_rows(early, 100, 50, rows,
                                              (size_t)late->code_bytes_per_row * 50, scales, 50));
            CHECK_OK(lodedb_index_import_rows(late, rows, (size_t)late->code_bytes_per_row * 50,
                                              scales, 50, 50, &first));
            CHECK_OK(lodedb_index_add(late, v, 300, &first));
            CHECK(sketch_mismatches(late) == 0);
            /* Off frees it; memory_bytes drops back. */
            CHECK_OK(lodedb_index_set_sketch(late, 0));
            CHECK(late->sketch == NULL);
            CHECK_OK(lodedb_index_get_info(late, &after));
            CHECK_OK(lodedb_index_set_sketch(late, 1));
            CHECK_OK(lodedb_index_get_info(late, &before));
            CHECK(before.memory_bytes ==
                  after.memory_bytes + late->block_capacity * lodedb_sketch_block_bytes(late));
            CHECK(sketch_mismatches(late) == 0);
            free(rows);
            free(map);
            free(v);
            lodedb_index_free(early);
            lodedb_index_free(late);
        }
    }
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_index_set_sketch(NULL, 1));
}

/* round(x) halves away from zero (sketch_tables.h). */
static int32_t round_away(double x) { return x >= 0.0 ? (int32_t)(x + 0.5) : -(int32_t)(0.5 - x); }

/* The candidate search with a sketch, spelled out: per allowed live slot the sum of its
 * nibbles' table entries, the score scale * (delta * acc + bias), sorted by (score, lower
 * slot); with slot_doc each document's best slot only; the best count of those. */
static void sketch_reference(const lodedb_index *index, const float *query, const uint64_t *mask,
                             uint64_t words, const uint32_t *slot_doc, uint32_t count,
                             uint64_t *slots, float *scores, uint32_t *out_count) {
    uint32_t n = index->padded_dim, groups = lodedb_sketch_groups(n);
    double *q_rot = malloc(sizeof(double) * 2u * n);
    lodedb_query_rotate(index, query, q_rot, q_rot + n);
    double largest = 0.0;
    for (uint32_t h = 0; h < groups; h++) {
        double s = 0.0;
        for (uint32_t t = 0; t < 4u && 4u * h + t < n; t++) {
            s += fabs(q_rot[4u * h + t]);
        }
        largest = s > largest ? s : largest;
    }
    double step = largest > 0.0 ? largest / 127.0 : 1.0;
    double m = sqrt(2.0 / 3.14159265358979323846) / sqrt((double)n);
    double delta = m * step, bias = -128.0 * groups * m * step;
    lodedb_hit *hits = malloc(sizeof(lodedb_hit) * (index->slot_count + 1u));
    size_t found = 0;
    for (uint64_t slot = 0; slot < index->slot_count; slot++) {
        if (!lodedb_index_slot_live(index, slot) || !allowed(mask, words, slot)) {
            continue;
        }
        int64_t acc = 0;
        for (uint32_t h = 0; h < groups; h++) {
            uint32_t c = sketch_nibble(index, slot, h);
            double v = 0.0;
            for (uint32_t t = 0; t < 4u; t++) {
                double q = 4u * h + t < n ? q_rot[4u * h + t] / step : 0.0;
                v += (c >> t) & 1u ? q : -q;
            }
            acc += round_away(v) + 128;
        }
        double dot = delta * (double)acc + bias;
        hits[found].score = (float)((double)index->scales[slot] * dot);
        hits[found].slot = slot;
        found++;
    }
    lodedb_hits_sort(hits, found);
    uint32_t kept = 0;
    for (size_t i = 0; i < found && kept < count; i++) {
        int repeat = 0;
        for (uint32_t j = 0; slot_doc != NULL && j < kept; j++) {
            repeat |= slot_doc[slots[j]] == slot_doc[hits[i].slot];
        }
        if (!repeat) {
            slots[kept] = hits[i].slot;
            scores[kept] = hits[i].score;
            kept++;
        }
    }
    *out_count = kept;
    for (uint32_t i = kept; i < count; i++) {
        slots[i] = LODEDB_NO_SLOT;
        scores[i] = 0.0f;
    }
    free(hits);
    free(q_rot);
}

static void test_sketch_candidates(void) {
    for (uint32_t bits = 2; bits <= 4; bits += 2) {
        uint32_t dim = 200, count = 60, k = 10;
        uint64_t n = 3001, qn = 21;
        lodedb_index *index = make_filled(dim, bits, n, 51 + bits, NULL);
        REQUIRE(index != NULL);
        CHECK(remove_scattered_and_whole_blocks(index, n) == 0);
        uint64_t mask[47];
        test_rng rng = test_rng_make(99);
        random_mask_with_a_hole(&rng, mask, 47);
        float *queries = malloc(sizeof(float) * dim * qn);
        test_unit_vectors(&rng, queries, qn, dim);
        uint32_t *docs = malloc(sizeof(uint32_t) * n);
        for (uint64_t s = 0; s < n; s++) {
            docs[s] = (uint32_t)(s / 3u); /* three chunks per document */
        }
        results plain = results_new(qn, k), codes = results_new(qn, count);
        CHECK_OK(lodedb_index_search(index, queries, qn, k, NULL, 0, 1, plain.slots, plain.scores,
                                     plain.counts));
        CHECK_OK(lodedb_index_search_candidates(index, queries, qn, count, NULL, 0, 1, codes.slots,
                                                codes.scores, codes.counts));
        CHECK_OK(lodedb_index_set_sketch(index, 1));
        for (int masked = 0; masked < 2; masked++) {
            const uint64_t *m = masked ? mask : NULL;
            uint64_t words = masked ? 47 : 0;
            for (int by_doc = 0; by_doc < 2; by_doc++) {
                results got = results_new(qn, count), ref = results_new(qn, count);
                search_call call = {lodedb_index_search_candidates, NULL, NULL, 0};
                if (by_doc) {
                    call = (search_call){NULL, lodedb_index_search_document_candidates, docs, n};
                }
                CHECK_OK(search_call_run(&call, index, queries, qn, count, m, words, 1, &got, 0));
                for (uint64_t q = 0; q < qn; q++) {
                    sketch_reference(index, queries + q * dim, m, words, by_doc ? docs : NULL,
                                     count, ref.slots + q * count, ref.scores + q * count,
                                     ref.counts + q);
                }
                CHECK(results_equal(&ref, &got, qn, count));
                static const uint32_t thread_counts[] = {0, 2, 3, 8};
                CHECK(agreement_failures(&call, index, queries, qn, count, m, words, &got,
                                         thread_counts, 4, 2, 0) == 0);
                results_free(&got);
                results_free(&ref);
            }
        }
        /* The sketch's candidates differ from the codes' (it is another scan), and the
         * re-ranking search ignores the sketch. */
        results again = results_new(qn, count);
        CHECK_OK(lodedb_index_search_candidates(index, queries, qn, count, NULL, 0, 1, again.slots,
                                                again.scores, again.counts));
        CHECK(!results_equal(&again, &codes, qn, count));
        results plain_again = results_new(qn, k);
        CHECK_OK(lodedb_index_search(index, queries, qn, k, NULL, 0, 1, plain_again.slots,
                                     plain_again.scores, plain_again.counts));
        CHECK(results_equal(&plain, &plain_again, qn, k));
        CHECK_OK(lodedb_index_set_sketch(index, 0));
        CHECK_OK(lodedb_index_search_candidates(index, queries, qn, count, NULL, 0, 1, again.slots,
                                                again.scores, again.counts));
        CHECK(results_equal(&again, &codes, qn, count));
        results_free(&again);
        results_free(&plain_again);
        results_free(&plain);
        results_free(&codes);
        free(docs);
        free(queries);
        lodedb_index_free(index);
    }
}

int main(void) {
    RUN_TEST(test_sketch_follows_codes);
    RUN_TEST(test_sketch_candidates);
    TEST_MAIN_END();
}
