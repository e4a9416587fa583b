/* lodedb_index_search and lodedb_index_score_slots: edge cases, filters, tombstones, ties,
 * dimensions, and exact agreement across batching, threads and SIMD levels. */
#include <math.h>

#include "search_reference.h"
#include "test_support.h"

/* The result every search must return when its candidate set covers all allowed slots:
 * exact estimates of every allowed live slot, best first, ties by lower slot. */
static void check_against_reference(const lodedb_index *index, const float *query, uint32_t k,
                                    const uint64_t *mask, uint64_t words, const uint64_t *slots,
                                    const float *scores, uint32_t count, int exact_set) {
    lodedb_index_info info;
    lodedb_index_get_info(index, &info);
    uint64_t n = info.slot_count;
    uint64_t *ref_slots = malloc(sizeof(uint64_t) * (n + 1));
    float *ref_scores = malloc(sizeof(float) * (n + 1));
    uint64_t m = 0;
    for (uint64_t s = 0; s < n; s++) {
        int32_t live = 0;
        lodedb_index_is_live(index, s, &live);
        if (live && allowed(mask, words, s)) {
            ref_slots[m++] = s;
        }
    }
    if (m > 0 && exact_set) {
        CHECK_OK(lodedb_index_score_slots(index, query, ref_slots, m, ref_scores));
    }
    /* Selection sort by (score desc, slot asc): small sizes only. */
    for (uint64_t i = 0; exact_set && i < m; i++) {
        uint64_t best = i;
        for (uint64_t j = i + 1; j < m; j++) {
            if (ref_scores[j] > ref_scores[best] ||
                (ref_scores[j] == ref_scores[best] && ref_slots[j] < ref_slots[best])) {
                best = j;
            }
        }
        float ts = ref_scores[i];
        ref_scores[i] = ref_scores[best];
        ref_scores[best] = ts;
        uint64_t tl = ref_slots[i];
        ref_slots[i] = ref_slots[best];
        ref_slots[best] = tl;
    }
    uint64_t expected = m < k ? m : k;
    CHECK(count == expected);
    for (uint32_t i = 0; i < k; i++) {
        if (i >= count) {
            CHECK(slots[i] == LODEDB_NO_SLOT && scores[i] == 0.0f);
            continue;
        }
        CHECK(slots[i] < n && allowed(mask, words, slots[i]));
        if (exact_set) {
            CHECK(slots[i] == ref_slots[i] && scores[i] == ref_scores[i]);
        } else {
            /* Ordered, live, and each score is that slot's exact estimate. */
            int32_t live = 0;
            float score = 0.0f;
            lodedb_index_is_live(index, slots[i], &live);
            CHECK(live == 1);
            CHECK_OK(lodedb_index_score_slots(index, query, &slots[i], 1, &score));
            CHECK(score == scores[i]);
            if (i > 0) {
                CHECK(scores[i] < scores[i - 1] ||
                      (scores[i] == scores[i - 1] && slots[i] > slots[i - 1]));
            }
        }
    }
    free(ref_slots);
    free(ref_scores);
}

static void test_dimensions(void) {
    static const uint32_t dims[] = {8, 24, 64, 384, 512, 768, 1000, 1536};
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        for (uint32_t bits = 2; bits <= 4; bits += 2) {
            uint32_t dim = dims[d];
            float *v = NULL;
            /* 77 slots (not a multiple of 32) and k = 13: the candidate set (k + 64) covers
             * every slot, so the result must be exactly the reference. */
            lodedb_index *index = make_filled(dim, bits, 77, dim + bits, &v);
            REQUIRE(index != NULL);
            results r = results_new(3, 13);
            float *queries = malloc(sizeof(float) * dim * 3);
            test_rng rng = test_rng_make(dim * 7u);
            test_unit_vectors(&rng, queries, 3, dim);
            CHECK_OK(lodedb_index_search(index, queries, 3, 13, NULL, 0, 1, r.slots, r.scores,
                                         r.counts));
            for (int q = 0; q < 3; q++) {
                check_against_reference(index, queries + q * dim, 13, NULL, 0, r.slots + q * 13,
                                        r.scores + q * 13, r.counts[q], 1);
            }
            /* A stored vector finds itself first with a score near its cosine of 1. */
            CHECK_OK(lodedb_index_search(index, v + 40 * dim, 1, 1, NULL, 0, 1, r.slots, r.scores,
                                         r.counts));
            if (dim >= 64) {
                CHECK(r.slots[0] == 40);
                CHECK(fabsf(r.scores[0] - 1.0f) < (bits == 4 ? 0.05f : 0.15f));
            }
            results_free(&r);
            free(queries);
            free(v);
            lodedb_index_free(index);
        }
    }
}

static void test_empty_and_k_beyond_n(void) {
    lodedb_index *index = make_filled(24, 4, 0, 1, NULL);
    REQUIRE(index != NULL);
    float q[24];
    test_rng rng = test_rng_make(5);
    test_unit_vectors(&rng, q, 1, 24);
    results r = results_new(1, 50);
    CHECK_OK(lodedb_index_search(index, q, 1, 50, NULL, 0, 1, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 0 && r.slots[0] == LODEDB_NO_SLOT && r.slots[49] == LODEDB_NO_SLOT);
    uint64_t first;
    float v[10 * 24];
    test_unit_vectors(&rng, v, 10, 24);
    CHECK_OK(lodedb_index_add(index, v, 10, &first));
    CHECK_OK(lodedb_index_search(index, q, 1, 50, NULL, 0, 4, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 10);
    check_against_reference(index, q, 50, NULL, 0, r.slots, r.scores, r.counts[0], 1);
    results_free(&r);
    lodedb_index_free(index);
}

static void test_filters(void) {
    float q[64];
    lodedb_index *index = make_with_query(64, 4, 200, 11, 6, q);
    REQUIRE(index != NULL);
    results r = results_new(1, 10);
    uint64_t mask[4] = {0, 0, 0, 0};

    /* All filtered out. */
    CHECK_OK(lodedb_index_search(index, q, 1, 10, mask, 4, 1, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 0 && r.slots[0] == LODEDB_NO_SLOT);
    CHECK_OK(lodedb_index_search(index, q, 1, 10, mask, 0, 1, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 0);

    /* Exactly one allowed, in the partial last block. */
    mask[3] = UINT64_C(1) << (197 - 192);
    CHECK_OK(lodedb_index_search(index, q, 1, 10, mask, 4, 1, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 1 && r.slots[0] == 197 && r.slots[1] == LODEDB_NO_SLOT);
    float score = 0.0f;
    uint64_t one = 197;
    CHECK_OK(lodedb_index_score_slots(index, q, &one, 1, &score));
    CHECK(r.scores[0] == score);
    /* Bits beyond slot_count allow nothing. */
    mask[3] = ~UINT64_C(0) << 8;
    CHECK_OK(lodedb_index_search(index, q, 1, 10, mask, 4, 1, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 0);

    /* A mask shorter than slot_count: slots past it are not allowed. */
    mask[0] = ~UINT64_C(0);
    mask[1] = UINT64_C(0x00000000000F0F0F);
    CHECK_OK(lodedb_index_search(index, q, 1, 10, mask, 2, 1, r.slots, r.scores, r.counts));
    check_against_reference(index, q, 10, mask, 2, r.slots, r.scores, r.counts[0], 1);
    for (uint32_t i = 0; i < r.counts[0]; i++) {
        CHECK(r.slots[i] < 128);
    }
    /* 3 allowed slots, k = 10: min(k, allowed). */
    uint64_t few[1] = {UINT64_C(0x8000000000000101)};
    CHECK_OK(lodedb_index_search(index, q, 1, 10, few, 1, 3, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 3);
    check_against_reference(index, q, 10, few, 1, r.slots, r.scores, r.counts[0], 1);
    results_free(&r);
    lodedb_index_free(index);
}

static void test_removed_never_returned(void) {
    uint32_t dim = 24;
    uint64_t n = 150;
    lodedb_index *index = make_filled(dim, 2, n, 12, NULL);
    REQUIRE(index != NULL);
    for (uint64_t s = 0; s < n; s += 2) {
        CHECK_OK(lodedb_index_remove(index, s));
    }
    /* Whole blocks removed too. */
    for (uint64_t s = 65; s < 128; s += 2) {
        CHECK_OK(lodedb_index_remove(index, s));
    }
    float q[24];
    test_rng rng = test_rng_make(8);
    test_unit_vectors(&rng, q, 1, dim);
    results r = results_new(1, 200);
    CHECK_OK(lodedb_index_search(index, q, 1, 200, NULL, 0, 2, r.slots, r.scores, r.counts));
    lodedb_index_info info;
    CHECK_OK(lodedb_index_get_info(index, &info));
    CHECK(r.counts[0] == info.live_count);
    for (uint32_t i = 0; i < r.counts[0]; i++) {
        int32_t live = 0;
        CHECK_OK(lodedb_index_is_live(index, r.slots[i], &live));
        CHECK(live == 1);
    }
    check_against_reference(index, q, 200, NULL, 0, r.slots, r.scores, r.counts[0], 1);
    uint64_t removed = 4;
    float score = 1.0f;
    CHECK_STATUS(LODEDB_ERR_OUT_OF_RANGE, lodedb_index_score_slots(index, q, &removed, 1, &score));
    CHECK(score == 0.0f);
    removed = n;
    CHECK_STATUS(LODEDB_ERR_OUT_OF_RANGE, lodedb_index_score_slots(index, q, &removed, 1, &score));
    results_free(&r);
    lodedb_index_free(index);
}

static void test_ties_by_lower_slot(void) {
    uint32_t dim = 64;
    lodedb_index *index = NULL;
    CHECK_OK(lodedb_index_create(dim, 4, 3, &index));
    REQUIRE(index != NULL);
    float v[64];
    test_rng rng = test_rng_make(13);
    test_unit_vectors(&rng, v, 1, dim);
    float other[5 * 64];
    test_unit_vectors(&rng, other, 5, dim);
    uint64_t first;
    CHECK_OK(lodedb_index_add(index, other, 5, &first));
    for (int i = 0; i < 40; i++) {
        CHECK_OK(lodedb_index_add(index, v, 1, &first));
    }
    results r = results_new(1, 30);
    CHECK_OK(lodedb_index_search(index, v, 1, 30, NULL, 0, 3, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 30);
    for (uint32_t i = 0; i < 30; i++) {
        CHECK(r.slots[i] == 5 + i);
        CHECK(r.scores[i] == r.scores[0]);
    }
    results_free(&r);
    lodedb_index_free(index);
}

/* Batched queries, thread counts and SIMD levels must all give exactly the same bytes. */
static void test_batch_threads_levels_agree(void) {
    for (uint32_t bits = 2; bits <= 4; bits += 2) {
        uint32_t dim = 200;
        uint64_t n = 3001;
        uint32_t k = 17;
        uint64_t qn = 37;
        lodedb_index *index = make_filled(dim, bits, n, 21 + bits, NULL);
        REQUIRE(index != NULL);
        CHECK(remove_scattered_and_whole_blocks(index, n) == 0);
        uint64_t mask[47];
        test_rng rng = test_rng_make(77);
        random_mask_with_a_hole(&rng, mask, 47);
        float *queries = malloc(sizeof(float) * dim * qn);
        test_unit_vectors(&rng, queries, qn, dim);
        for (int masked = 0; masked < 2; masked++) {
            const uint64_t *m = masked ? mask : NULL;
            uint64_t words = masked ? 47 : 0;
            results batch = results_new(qn, k);
            CHECK_OK(lodedb_index_search(index, queries, qn, k, m, words, 1, batch.slots,
                                         batch.scores, batch.counts));
            for (uint64_t q = 0; q < qn; q++) {
                check_against_reference(index, queries + q * dim, k, m, words, batch.slots + q * k,
                                        batch.scores + q * k, batch.counts[q], 0);
            }
            static const uint32_t thread_counts[] = {0, 2, 3, 8, 1000};
            search_call call = {lodedb_index_search, NULL, NULL, 0};
            CHECK(agreement_failures(&call, index, queries, qn, k, m, words, &batch, thread_counts,
                                     5, 2, bits == 2 && masked == 0) == 0);
            results_free(&batch);
        }
        free(queries);
        lodedb_index_free(index);
    }
}

static void test_errors_leave_outputs_defined(void) {
    uint32_t dim = 24;
    lodedb_index *index = make_filled(dim, 4, 50, 31, NULL);
    REQUIRE(index != NULL);
    float q[2 * 24];
    test_rng rng = test_rng_make(2);
    test_unit_vectors(&rng, q, 2, dim);
    q[24 + 2] = NAN;
    results r = results_new(2, 5);
    for (int i = 0; i < 10; i++) {
        r.slots[i] = 123;
        r.scores[i] = 4.0f;
    }
    r.counts[0] = r.counts[1] = 9;
    CHECK_STATUS(LODEDB_ERR_INVALID_VECTOR,
                 lodedb_index_search(index, q, 2, 5, NULL, 0, 1, r.slots, r.scores, r.counts));
    CHECK(strcmp(lodedb_last_error_message(), "query 1, coordinate 2 is NaN") == 0);
    for (int i = 0; i < 10; i++) {
        CHECK(r.slots[i] == LODEDB_NO_SLOT && r.scores[i] == 0.0f);
    }
    CHECK(r.counts[0] == 0 && r.counts[1] == 0);
    q[24 + 2] = INFINITY;
    CHECK_STATUS(LODEDB_ERR_INVALID_VECTOR,
                 lodedb_index_search(index, q, 2, 5, NULL, 0, 1, r.slots, r.scores, r.counts));
    q[24 + 2] = 0.0f;
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT,
                 lodedb_index_search(index, q, 2, 0, NULL, 0, 1, r.slots, r.scores, r.counts));
    CHECK_STATUS(
        LODEDB_ERR_INVALID_ARGUMENT,
        lodedb_index_search(index, q, UINT64_MAX / 2, 5, NULL, 0, 1, r.slots, r.scores, r.counts));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT,
                 lodedb_index_search(NULL, q, 2, 5, NULL, 0, 1, r.slots, r.scores, r.counts));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT,
                 lodedb_index_search(index, NULL, 2, 5, NULL, 0, 1, r.slots, r.scores, r.counts));
    CHECK_OK(lodedb_index_search(index, q, 0, 5, NULL, 0, 1, NULL, NULL, NULL));
    /* A zero query is valid: every score is 0 and ties go to the lowest slots. */
    float zero[24] = {0};
    CHECK_OK(lodedb_index_search(index, zero, 1, 5, NULL, 0, 1, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 5 && r.slots[0] == 0 && r.slots[4] == 4 && r.scores[0] == 0.0f);
    uint64_t slots[2] = {1, 2};
    float scores[2];
    q[24 + 2] = NAN;
    CHECK_STATUS(LODEDB_ERR_INVALID_VECTOR,
                 lodedb_index_score_slots(index, q + 24, slots, 2, scores));
    CHECK(scores[0] == 0.0f && scores[1] == 0.0f);
    results_free(&r);
    lodedb_index_free(index);
}

/* k in the tens of thousands takes the one-query-per-pass path; it must agree with itself
 * across batching and threads and return min(k, live) ordered hits. */
static void test_large_k(void) {
    uint32_t dim = 8;
    uint64_t n = 70000;
    uint32_t k = 40000;
    lodedb_index *index = make_filled(dim, 2, n, 41, NULL);
    REQUIRE(index != NULL);
    float q[2 * 8];
    test_rng rng = test_rng_make(4);
    test_unit_vectors(&rng, q, 2, dim);
    results batch = results_new(2, k);
    results single = results_new(2, k);
    CHECK_OK(
        lodedb_index_search(index, q, 2, k, NULL, 0, 3, batch.slots, batch.scores, batch.counts));
    for (int i = 0; i < 2; i++) {
        CHECK_OK(lodedb_index_search(index, q + i * dim, 1, k, NULL, 0, 1, single.slots + i * k,
                                     single.scores + i * k, single.counts + i));
    }
    CHECK(results_equal(&batch, &single, 2, k));
    CHECK(batch.counts[0] == k && batch.counts[1] == k);
    for (uint32_t i = 1; i < k; i++) {
        CHECK(batch.scores[i] < batch.scores[i - 1] ||
              (batch.scores[i] == batch.scores[i - 1] && batch.slots[i] > batch.slots[i - 1]));
    }
    results_free(&batch);
    results_free(&single);
    lodedb_index_free(index);
}

int main(void) {
    RUN_TEST(test_dimensions);
    RUN_TEST(test_empty_and_k_beyond_n);
    RUN_TEST(test_filters);
    RUN_TEST(test_removed_never_returned);
    RUN_TEST(test_ties_by_lower_slot);
    RUN_TEST(test_batch_threads_levels_agree);
    RUN_TEST(test_errors_leave_outputs_defined);
    RUN_TEST(test_large_k);
    TEST_MAIN_END();
}
