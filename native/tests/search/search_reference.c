/* The shared helpers of the search tests (search_reference.h). */
#include "search_reference.h"

#include <stdio.h>

results results_new(uint64_t queries, uint32_t k) {
    results r;
    r.slots = malloc(sizeof(uint64_t) * queries * k);
    r.scores = malloc(sizeof(float) * queries * k);
    r.counts = malloc(sizeof(uint32_t) * queries);
    return r;
}

void results_free(results *r) {
    free(r->slots);
    free(r->scores);
    free(r->counts);
}

int results_equal(const results *a, const results *b, uint64_t queries, uint32_t k) {
    return memcmp(a->slots, b->slots, sizeof(uint64_t) * queries * k) == 0 &&
           memcmp(a->scores, b->scores, sizeof(float) * queries * k) == 0 &&
           memcmp(a->counts, b->counts, sizeof(uint32_t) * queries) == 0;
}

/* An index of n seeded unit vectors; the vectors are returned when out_vectors is not NULL. */
lodedb_index *make_filled(uint32_t dim, uint32_t bits, uint64_t n, uint64_t seed,
                          float **out_vectors) {
    lodedb_index *index = NULL;
    if (lodedb_index_create(dim, bits, seed, &index) != LODEDB_OK) {
        return NULL;
    }
    float *v = malloc(sizeof(float) * dim * (n > 0 ? n : 1));
    test_rng rng = test_rng_make(seed);
    test_unit_vectors(&rng, v, n, dim);
    uint64_t first;
    if (n > 0 && lodedb_index_add(index, v, n, &first) != LODEDB_OK) {
        lodedb_index_free(index);
        free(v);
        return NULL;
    }
    if (out_vectors != NULL) {
        *out_vectors = v;
    } else {
        free(v);
    }
    return index;
}

lodedb_index *make_with_query(uint32_t dim, uint32_t bits, uint64_t n, uint64_t seed,
                              uint64_t query_seed, float *query) {
    test_rng rng = test_rng_make(query_seed);
    test_unit_vectors(&rng, query, 1, dim);
    return make_filled(dim, bits, n, seed, NULL);
}

int allowed(const uint64_t *mask, uint64_t words, uint64_t slot) {
    if (mask == NULL) {
        return 1;
    }
    return slot / 64 < words && ((mask[slot / 64] >> (slot % 64)) & 1u);
}

/* The removal pattern of the agreement tests: every 7th slot, then every live slot of
 * 640..799 (whole blocks of 32 with nothing live, which the scan skips). Returns how many
 * removals failed (0 expected). */
int remove_scattered_and_whole_blocks(lodedb_index *index, uint64_t n) {
    int failures = 0;
    for (uint64_t s = 0; s < n; s += 7) {
        failures += lodedb_index_remove(index, s) != LODEDB_OK;
    }
    for (uint64_t s = 640; s < 800 && s < n; s++) {
        int32_t live = 0;
        lodedb_index_is_live(index, s, &live);
        if (live) {
            failures += lodedb_index_remove(index, s) != LODEDB_OK;
        }
    }
    return failures;
}

/* A dense random allow mask of `words` words with word 20 empty (a whole skipped range). */
void random_mask_with_a_hole(test_rng *rng, uint64_t *mask, int words) {
    for (int i = 0; i < words; i++) {
        mask[i] = test_rng_next(rng) | test_rng_next(rng);
    }
    if (words > 20) {
        mask[20] = 0;
    }
}

/* The scan with no early reject: the approximate score of every allowed live slot from the
 * scalar kernel's sums (the same double expression as src/search/search.c), sorted by
 * (score, lower slot) into hits (slot_count + 1 entries); returns how many. q_rot (2 *
 * padded_dim doubles) receives the rotated query, for exact estimates afterwards. */
size_t reference_approximate_hits(const lodedb_index *index, const float *query,
                                  const uint64_t *mask, uint64_t words, double *q_rot,
                                  lodedb_hit *hits) {
    const lodedb_scan_kernels *scalar = lodedb_scan_kernels_for(LODEDB_SIMD_SCALAR);
    int8_t *weights = malloc(index->padded_dim);
    lodedb_scan_levels levels;
    double level_min = 0.0, level_step = 0.0, delta = 0.0, bias = 0.0;
    lodedb_query_rotate(index, query, q_rot, q_rot + index->padded_dim);
    lodedb_query_levels(index, &levels, &level_min, &level_step);
    lodedb_query_weights(index, level_min, level_step, q_rot, weights, &delta, &bias);
    size_t n = 0;
    size_t block_bytes = lodedb_index_block_bytes(index);
    for (uint64_t block = 0; block * LODEDB_BLOCK_SIZE < index->slot_count; block++) {
        int32_t sums[LODEDB_BLOCK_SIZE];
        scalar->accumulate(index->blocks + block * block_bytes, &levels, weights, 1, index->groups,
                           sums);
        for (uint32_t j = 0; j < LODEDB_BLOCK_SIZE; j++) {
            uint64_t slot = block * LODEDB_BLOCK_SIZE + j;
            int32_t live = 0;
            if (slot >= index->slot_count ||
                lodedb_index_is_live(index, slot, &live) != LODEDB_OK || !live ||
                !allowed(mask, words, slot)) {
                continue;
            }
            double dot = delta * (double)sums[j] + bias;
            hits[n].score = (float)((double)index->scales[slot] * dot);
            hits[n].slot = slot;
            n++;
        }
    }
    lodedb_hits_sort(hits, n);
    free(weights);
    return n;
}

uint64_t rerank_candidates(uint32_t k) { return (uint64_t)k + (k > 16 ? k : 16); }

void reference_top(const lodedb_index *index, const float *query, const uint64_t *mask,
                   uint64_t words, const uint32_t *slot_doc, uint64_t candidates, int rerank,
                   uint32_t count, uint64_t *slots, float *scores, uint32_t *out_count) {
    double *q_rot = malloc(sizeof(double) * 2u * index->padded_dim);
    lodedb_hit *hits = malloc(sizeof(lodedb_hit) * (index->slot_count + 1));
    size_t n = reference_approximate_hits(index, query, mask, words, q_rot, hits);
    size_t kept = 0;
    for (size_t i = 0; i < n && kept < candidates; i++) {
        int seen = 0;
        for (size_t j = 0; slot_doc != NULL && j < kept && !seen; j++) {
            seen = slot_doc[hits[j].slot] == slot_doc[hits[i].slot];
        }
        if (!seen) {
            hits[kept++] = hits[i];
        }
    }
    if (rerank) {
        const lodedb_scan_kernels *scalar = lodedb_scan_kernels_for(LODEDB_SIMD_SCALAR);
        for (size_t i = 0; i < kept; i++) {
            hits[i].score = lodedb_query_exact_score(index, scalar, q_rot, hits[i].slot);
        }
        lodedb_hits_sort(hits, kept);
    }
    *out_count = (uint32_t)(kept < count ? kept : count);
    for (uint32_t i = 0; i < count; i++) {
        slots[i] = i < *out_count ? hits[i].slot : LODEDB_NO_SLOT;
        scores[i] = i < *out_count ? hits[i].score : 0.0f;
    }
    free(q_rot);
    free(hits);
}

lodedb_status search_call_run(const search_call *call, const lodedb_index *index,
                              const float *queries, uint64_t qn, uint32_t k, const uint64_t *mask,
                              uint64_t words, uint32_t threads, results *out, uint64_t first) {
    uint64_t *slots = out->slots + first * k;
    float *scores = out->scores + first * k;
    uint32_t *counts = out->counts + first;
    return call->documents != NULL
               ? call->documents(index, queries, qn, k, mask, words, call->map, call->map_length,
                                 threads, slots, scores, counts)
               : call->slots(index, queries, qn, k, mask, words, threads, slots, scores, counts);
}

int agreement_failures(const search_call *call, const lodedb_index *index, const float *queries,
                       uint64_t qn, uint32_t k, const uint64_t *mask, uint64_t words,
                       const results *expected, const uint32_t *threads, size_t thread_count,
                       uint32_t simd_threads, int print_levels) {
    int failures = 0;
    results got = results_new(qn, k);
    for (uint64_t q = 0; q < qn; q++) {
        failures += search_call_run(call, index, queries + q * index->dim, 1, k, mask, words, 1,
                                    &got, q) != LODEDB_OK;
    }
    if (!results_equal(expected, &got, qn, k)) {
        fprintf(stderr, "one query at a time differs from the batch\n");
        failures++;
    }
    for (size_t t = 0; t < thread_count; t++) {
        if (search_call_run(call, index, queries, qn, k, mask, words, threads[t], &got, 0) !=
                LODEDB_OK ||
            !results_equal(expected, &got, qn, k)) {
            fprintf(stderr, "threads %u differ\n", threads[t]);
            failures++;
        }
    }
    lodedb_simd original = lodedb_simd_level();
    for (int level = LODEDB_SIMD_SCALAR; level <= LODEDB_SIMD_NEON; level++) {
        if (!lodedb_simd_supported((lodedb_simd)level)) {
            continue;
        }
        if (lodedb_simd_force((lodedb_simd)level) != LODEDB_OK) {
            failures++;
            continue;
        }
        if (print_levels) {
            printf("comparing level %s\n", lodedb_simd_name((lodedb_simd)level));
        }
        if (search_call_run(call, index, queries, qn, k, mask, words, simd_threads, &got, 0) !=
                LODEDB_OK ||
            !results_equal(expected, &got, qn, k)) {
            fprintf(stderr, "level %s differs\n", lodedb_simd_name((lodedb_simd)level));
            failures++;
        }
    }
    failures += lodedb_simd_force(original) != LODEDB_OK;
    results_free(&got);
    return failures;
}
