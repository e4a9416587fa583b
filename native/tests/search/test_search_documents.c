/* lodedb_index_search_documents and lodedb_index_search_document_candidates: document-aware
 * top-k. A document whose 200 chunks all beat every other document still yields k distinct
 * documents from one call; results equal a brute-force reference (every allowed live slot's
 * scan score, the best slot per document, the best documents, then the exact re-rank) byte
 * for byte over random slot -> document maps, filters, removals, a partial last block,
 * batching, thread counts and SIMD levels; one document per slot is the plain search. */
#include "search_reference.h"
#include "test_support.h"

/* Slot -> document maps: `documents` distinct numbers drawn from all of uint32 (UINT32_MAX
 * and 0 included), each slot given one at random, or runs of consecutive slots (chunks). */
static void random_map(test_rng *rng, uint32_t *map, uint64_t n, uint32_t documents, int runs) {
    uint32_t *numbers = malloc(sizeof(uint32_t) * documents);
    for (uint32_t d = 0; d < documents; d++) {
        numbers[d] = d == 0 ? UINT32_MAX : d == 1 ? 0u : (uint32_t)test_rng_next(rng);
    }
    for (uint64_t s = 0; s < n; s++) {
        map[s] = runs ? numbers[(s * documents / n) % documents]
                      : numbers[test_rng_next(rng) % documents];
    }
    free(numbers);
}

static void check_against_reference(const lodedb_index *index, const float *queries, uint64_t qn,
                                    uint32_t k, const uint64_t *m, uint64_t words,
                                    const uint32_t *map, int rerank) {
    doc_search_fn search =
        rerank ? lodedb_index_search_documents : lodedb_index_search_document_candidates;
    uint32_t dim = index->dim;
    results got = results_new(qn, k);
    results ref = results_new(qn, k);
    CHECK_OK(search(index, queries, qn, k, m, words, map, index->slot_count, 1, got.slots,
                    got.scores, got.counts));
    for (uint64_t q = 0; q < qn; q++) {
        reference_top(index, queries + q * dim, m, words, map, rerank ? rerank_candidates(k) : k,
                      rerank, k, ref.slots + q * k, ref.scores + q * k, ref.counts + q);
    }
    if (!results_equal(&got, &ref, qn, k)) {
        fprintf(stderr, "k %u rerank %d masked %d: differs from the reference\n", k, rerank,
                m != NULL);
        CHECK(0);
    }
    static const uint32_t thread_counts[] = {0, 2, 3, 8, 1000, LODEDB_THREADS_AUTO};
    search_call call = {NULL, search, map, index->slot_count};
    CHECK(agreement_failures(&call, index, queries, qn, k, m, words, &got, thread_counts,
                             sizeof thread_counts / sizeof thread_counts[0], 3, 0) == 0);
    results_free(&got);
    results_free(&ref);
}

/* Random data with removals and a filter, 3001 slots (a partial last block), maps from one
 * document to one per slot: every result equals the reference and agrees across batching,
 * threads and SIMD levels. */
static void test_matches_reference(void) {
    static const uint32_t document_counts[] = {1, 3, 40, 700, 3001};
    for (uint32_t bits = 2; bits <= 4; bits += 2) {
        uint32_t dim = 72;
        uint64_t n = 3001;
        uint64_t qn = 5;
        lodedb_index *index = make_filled(dim, bits, n, 300 + bits, NULL);
        REQUIRE(index != NULL);
        CHECK(remove_scattered_and_whole_blocks(index, n) == 0);
        test_rng rng = test_rng_make(17 + bits);
        uint64_t mask[47];
        random_mask_with_a_hole(&rng, mask, 47);
        float *queries = malloc(sizeof(float) * dim * qn);
        test_unit_vectors(&rng, queries, qn, dim);
        uint32_t *map = malloc(sizeof(uint32_t) * n);
        for (size_t d = 0; d < sizeof document_counts / sizeof document_counts[0]; d++) {
            for (int runs = 0; runs < 2; runs++) {
                random_map(&rng, map, n, document_counts[d], runs);
                for (int masked = 0; masked < 2; masked++) {
                    const uint64_t *m = masked ? mask : NULL;
                    uint64_t words = masked ? 47 : 0;
                    check_against_reference(index, queries, qn, 10, m, words, map, 1);
                    check_against_reference(index, queries, qn, 10, m, words, map, 0);
                    check_against_reference(index, queries, qn, 100, m, words, map, 0);
                }
            }
        }
        free(map);
        free(queries);
        lodedb_index_free(index);
    }
}

/* One document per slot: the plain search and candidates, byte for byte. */
static void test_one_document_per_slot_is_the_plain_search(void) {
    uint32_t dim = 48;
    uint64_t n = 1500;
    uint64_t qn = 7;
    uint32_t k = 12;
    lodedb_index *index = make_filled(dim, 4, n, 8, NULL);
    REQUIRE(index != NULL);
    CHECK(remove_scattered_and_whole_blocks(index, n) == 0);
    uint32_t *map = malloc(sizeof(uint32_t) * n);
    for (uint64_t s = 0; s < n; s++) {
        map[s] = (uint32_t)(n - s); /* any distinct numbers */
    }
    test_rng rng = test_rng_make(3);
    float *queries = malloc(sizeof(float) * dim * qn);
    test_unit_vectors(&rng, queries, qn, dim);
    results plain = results_new(qn, k);
    results docs = results_new(qn, k);
    CHECK_OK(lodedb_index_search(index, queries, qn, k, NULL, 0, 2, plain.slots, plain.scores,
                                 plain.counts));
    CHECK_OK(lodedb_index_search_documents(index, queries, qn, k, NULL, 0, map, n, 2, docs.slots,
                                           docs.scores, docs.counts));
    CHECK(results_equal(&plain, &docs, qn, k));
    CHECK_OK(lodedb_index_search_candidates(index, queries, qn, k, NULL, 0, 1, plain.slots,
                                            plain.scores, plain.counts));
    CHECK_OK(lodedb_index_search_document_candidates(index, queries, qn, k, NULL, 0, map, n, 1,
                                                     docs.slots, docs.scores, docs.counts));
    CHECK(results_equal(&plain, &docs, qn, k));
    /* A NULL map is the plain search too. */
    CHECK_OK(lodedb_index_search_document_candidates(index, queries, qn, k, NULL, 0, NULL, 0, 1,
                                                     docs.slots, docs.scores, docs.counts));
    CHECK(results_equal(&plain, &docs, qn, k));
    results_free(&plain);
    results_free(&docs);
    free(queries);
    free(map);
    lodedb_index_free(index);
}

/* Document 7 has 200 chunks close to the query, far above 300 one-chunk documents: one call
 * returns k = 10 distinct documents (document 7 first), for both functions, with threads. */
static void test_crowding_document_yields_k_documents(void) {
    uint32_t dim = 64;
    uint64_t crowd = 200, others = 300, n = crowd + others;
    uint32_t k = 10;
    float *v = malloc(sizeof(float) * dim * n);
    uint32_t *map = malloc(sizeof(uint32_t) * n);
    test_rng rng = test_rng_make(21);
    float query[64];
    test_unit_vectors(&rng, query, 1, dim);
    test_unit_vectors(&rng, v, n, dim);
    for (uint64_t s = 0; s < n; s++) {
        /* The crowd is interleaved with the others: two slots of every five. */
        int in_crowd = s % 5 < 2;
        map[s] = in_crowd ? 7u : (uint32_t)(1000 + s);
        float *row = v + s * dim;
        float weight = in_crowd ? 12.0f : 0.0f;
        for (uint32_t j = 0; j < dim; j++) {
            row[j] = row[j] + weight * query[j];
        }
    }
    lodedb_index *index = NULL;
    REQUIRE(lodedb_index_create(dim, 4, 5, &index) == LODEDB_OK);
    uint64_t first;
    CHECK_OK(lodedb_index_add(index, v, n, &first));
    /* Precondition: the plain top 200 are all chunks of document 7. */
    results plain = results_new(1, (uint32_t)crowd);
    CHECK_OK(lodedb_index_search(index, query, 1, (uint32_t)crowd, NULL, 0, 1, plain.slots,
                                 plain.scores, plain.counts));
    for (uint64_t i = 0; i < crowd; i++) {
        CHECK(map[plain.slots[i]] == 7u);
    }
    static const uint32_t thread_counts[] = {1, 4};
    for (int rerank = 0; rerank < 2; rerank++) {
        for (size_t t = 0; t < 2; t++) {
            results r = results_new(1, k);
            doc_search_fn search =
                rerank ? lodedb_index_search_documents : lodedb_index_search_document_candidates;
            CHECK_OK(search(index, query, 1, k, NULL, 0, map, n, thread_counts[t], r.slots,
                            r.scores, r.counts));
            CHECK(r.counts[0] == k);
            CHECK(map[r.slots[0]] == 7u);
            for (uint32_t i = 0; i < k; i++) {
                for (uint32_t j = 0; j < i; j++) {
                    CHECK(map[r.slots[i]] != map[r.slots[j]]);
                }
                CHECK(i == 0 || r.scores[i] <= r.scores[i - 1]);
            }
            results_free(&r);
        }
    }
    results_free(&plain);
    free(v);
    free(map);
    lodedb_index_free(index);
}

/* Fewer documents than k: counts hold the documents, the rest is padding. */
static void test_fewer_documents_than_k(void) {
    uint32_t dim = 16;
    lodedb_index *index = make_filled(dim, 2, 100, 4, NULL);
    REQUIRE(index != NULL);
    uint32_t map[100];
    for (int s = 0; s < 100; s++) {
        map[s] = (uint32_t)(s % 3);
    }
    float q[16];
    test_rng rng = test_rng_make(1);
    test_unit_vectors(&rng, q, 1, dim);
    results r = results_new(1, 10);
    CHECK_OK(lodedb_index_search_documents(index, q, 1, 10, NULL, 0, map, 100, 1, r.slots, r.scores,
                                           r.counts));
    CHECK(r.counts[0] == 3);
    CHECK(r.slots[3] == LODEDB_NO_SLOT && r.scores[3] == 0.0f);
    uint64_t only_document_1[2] = {UINT64_C(0x2492492492492492), 0}; /* slots 1, 4, 7, ... */
    CHECK_OK(lodedb_index_search_document_candidates(index, q, 1, 10, only_document_1, 2, map, 100,
                                                     1, r.slots, r.scores, r.counts));
    CHECK(r.counts[0] == 1 && map[r.slots[0]] == 1u);
    results_free(&r);
    lodedb_index_free(index);
}

static void test_errors(void) {
    float q[16];
    lodedb_index *index = make_with_query(16, 4, 40, 5, 2, q);
    REQUIRE(index != NULL);
    uint32_t map[41] = {0};
    uint64_t slots[4];
    float scores[4];
    uint32_t counts[1] = {9};
    CHECK_STATUS(
        LODEDB_ERR_DIMENSION_MISMATCH,
        lodedb_index_search_documents(index, q, 1, 4, NULL, 0, map, 39, 1, slots, scores, counts));
    CHECK(counts[0] == 0 && slots[0] == LODEDB_NO_SLOT);
    CHECK(strstr(lodedb_last_error_message(), "39") != NULL);
    CHECK_STATUS(LODEDB_ERR_DIMENSION_MISMATCH,
                 lodedb_index_search_document_candidates(index, q, 1, 4, NULL, 0, map, 41, 1, slots,
                                                         scores, counts));
    CHECK_STATUS(
        LODEDB_ERR_INVALID_ARGUMENT,
        lodedb_index_search_documents(index, q, 1, 4, NULL, 0, NULL, 40, 1, slots, scores, counts));
    CHECK_STATUS(
        LODEDB_ERR_INVALID_ARGUMENT,
        lodedb_index_search_documents(index, q, 1, 0, NULL, 0, map, 40, 1, slots, scores, counts));
    lodedb_index_free(index);
}

int main(void) {
    RUN_TEST(test_crowding_document_yields_k_documents);
    RUN_TEST(test_one_document_per_slot_is_the_plain_search);
    RUN_TEST(test_fewer_documents_than_k);
    RUN_TEST(test_matches_reference);
    RUN_TEST(test_errors);
    TEST_MAIN_END();
}
