/* lodedb_index_search_candidates: the scan's top `count` by the approximate score, with no
 * exact re-rank. Checked against a slot-by-slot reference (scalar kernel, no early reject),
 * against lodedb_index_search (its re-ranked top k lies inside the candidates), and for exact
 * agreement across batching, threads and SIMD levels, with filters and removed slots. */
#include <math.h>

#include "search_reference.h"
#include "test_support.h"

static uint64_t allowed_live(const lodedb_index *index, const uint64_t *mask, uint64_t words) {
    uint64_t n = 0;
    for (uint64_t s = 0; s < index->slot_count; s++) {
        int32_t live = 0;
        lodedb_index_is_live(index, s, &live);
        n += live && allowed(mask, words, s);
    }
    return n;
}

/* Random data with removals (single slots and whole blocks) and a random filter: the
 * candidates equal the reference byte for byte, hold min(count, allowed) entries, contain
 * lodedb_index_search's re-ranked top k (its candidates are the scan's top k + max(k, 16)),
 * and agree across batching, threads and SIMD levels. */
static void test_candidates(void) {
    for (uint32_t bits = 2; bits <= 4; bits += 2) {
        uint32_t dim = 200;
        uint64_t n = 3001;
        uint32_t count = 100;
        uint32_t k = 10;
        uint64_t qn = 21;
        lodedb_index *index = make_filled(dim, bits, n, 41 + bits, NULL);
        REQUIRE(index != NULL);
        CHECK(remove_scattered_and_whole_blocks(index, n) == 0);
        uint64_t mask[47];
        test_rng rng = test_rng_make(97);
        random_mask_with_a_hole(&rng, mask, 47);
        float *queries = malloc(sizeof(float) * dim * qn);
        test_unit_vectors(&rng, queries, qn, dim);
        for (int masked = 0; masked < 2; masked++) {
            const uint64_t *m = masked ? mask : NULL;
            uint64_t words = masked ? 47 : 0;
            uint64_t live_allowed = allowed_live(index, m, words);
            results got = results_new(qn, count);
            results ref = results_new(qn, count);
            results top = results_new(qn, k);
            CHECK_OK(lodedb_index_search_candidates(index, queries, qn, count, m, words, 1,
                                                    got.slots, got.scores, got.counts));
            CHECK_OK(lodedb_index_search(index, queries, qn, k, m, words, 1, top.slots, top.scores,
                                         top.counts));
            for (uint64_t q = 0; q < qn; q++) {
                reference_top(index, queries + q * dim, m, words, NULL, count, 0, count,
                              ref.slots + q * count, ref.scores + q * count, ref.counts + q);
                CHECK(got.counts[q] == (live_allowed < count ? live_allowed : count));
                const uint64_t *cand = got.slots + q * count;
                for (uint32_t i = 0; i < top.counts[q]; i++) {
                    int found = 0;
                    for (uint32_t j = 0; j < got.counts[q]; j++) {
                        found |= cand[j] == top.slots[q * k + i];
                    }
                    CHECK(found);
                }
                for (uint32_t j = 0; j < got.counts[q]; j++) {
                    int32_t live = 0;
                    CHECK_OK(lodedb_index_is_live(index, cand[j], &live));
                    CHECK(live && allowed(m, words, cand[j]));
                }
            }
            CHECK(results_equal(&ref, &got, qn, count));

            static const uint32_t thread_counts[] = {0, 2, 3, 8, 1000};
            search_call call = {lodedb_index_search_candidates, NULL, NULL, 0};
            CHECK(agreement_failures(&call, index, queries, qn, count, m, words, &got,
                                     thread_counts, 5, 2, bits == 2 && masked == 0) == 0);
            results_free(&got);
            results_free(&ref);
            results_free(&top);
        }
        free(queries);
        lodedb_index_free(index);
    }
}

/* Filters leaving fewer slots than asked, nothing at all, and count beyond the index. */
static void test_few_allowed(void) {
    float q[64];
    lodedb_index *index = make_with_query(64, 4, 200, 11, 6, q);
    REQUIRE(index != NULL);
    results r = results_new(1, 300);
    results ref = results_new(1, 300);
    uint64_t none[4] = {0, 0, 0, 0};
    CHECK_OK(
        lodedb_index_search_candidates(index, q, 1, 10, none, 4, 1, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 0 && r.slots[0] == LODEDB_NO_SLOT && r.scores[0] == 0.0f);
    uint64_t few[1] = {UINT64_C(0x8000000000000101)};
    CHECK_OK(
        lodedb_index_search_candidates(index, q, 1, 10, few, 1, 3, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 3);
    reference_top(index, q, few, 1, NULL, 10, 0, 10, ref.slots, ref.scores, ref.counts);
    CHECK(results_equal(&r, &ref, 1, 10));
    CHECK(r.slots[3] == LODEDB_NO_SLOT);
    CHECK_OK(lodedb_index_remove(index, 5));
    CHECK_OK(
        lodedb_index_search_candidates(index, q, 1, 300, NULL, 0, 2, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 199);
    reference_top(index, q, NULL, 0, NULL, 300, 0, 300, ref.slots, ref.scores, ref.counts);
    CHECK(results_equal(&r, &ref, 1, 300));
    for (uint32_t i = 0; i < r.counts[0]; i++) {
        CHECK(r.slots[i] != 5);
    }
    /* The approximate scores stay close to the exact estimates they stand in for. */
    float exact[199];
    CHECK_OK(lodedb_index_score_slots(index, q, r.slots, r.counts[0], exact));
    for (uint32_t i = 0; i < r.counts[0]; i++) {
        CHECK(r.scores[i] > exact[i] - 0.05f && r.scores[i] < exact[i] + 0.05f);
    }
    results_free(&r);
    results_free(&ref);
    lodedb_index_free(index);
}

static void test_errors(void) {
    float q[16];
    lodedb_index *index = make_with_query(16, 4, 40, 5, 2, q);
    REQUIRE(index != NULL);
    uint64_t slots[4] = {1, 1, 1, 1};
    float scores[4] = {1, 1, 1, 1};
    uint32_t counts[1] = {7};
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT,
                 lodedb_index_search_candidates(index, q, 1, 0, NULL, 0, 1, slots, scores, counts));
    CHECK(counts[0] == 0);
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT,
                 lodedb_index_search_candidates(NULL, q, 1, 4, NULL, 0, 1, slots, scores, counts));
    CHECK(slots[0] == LODEDB_NO_SLOT && scores[0] == 0.0f && counts[0] == 0);
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT,
                 lodedb_index_search_candidates(index, q, 1, 4, NULL, 0, 1, NULL, scores, counts));
    q[3] = NAN;
    CHECK(lodedb_index_search_candidates(index, q, 1, 4, NULL, 0, 1, slots, scores, counts) !=
          LODEDB_OK);
    lodedb_index_free(index);
}

int main(void) {
    RUN_TEST(test_candidates);
    RUN_TEST(test_few_allowed);
    RUN_TEST(test_errors);
    TEST_MAIN_END();
}
