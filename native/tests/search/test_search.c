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

/* The search's algorithm spelled out slot by slot, with no early reject: the approximate
 * score of every allowed live slot from the scalar kernel's sums (the same double expression
 * as src/search/search.c), the best k + max(k, 16) of them by (score, lower slot) (16 =
 * LODEDB_RERANK_EXTRA's default), their exact estimates, the best k. Every shortcut of the
 * scan (per-block bounds, skipped lanes) must return exactly these bytes. */
static void reference_search(const lodedb_index *index, const float *query, uint32_t k,
                             const uint64_t *mask, uint64_t words, uint64_t *slots, float *scores,
                             uint32_t *count) {
    double *q_rot = malloc(sizeof(double) * 2u * index->padded_dim);
    lodedb_hit *hits = malloc(sizeof(lodedb_hit) * (index->slot_count + 1));
    size_t n = reference_approximate_hits(index, query, mask, words, q_rot, hits);
    size_t candidates = (size_t)k + (k > 16 ? k : 16);
    if (n > candidates) {
        n = candidates;
    }
    for (size_t i = 0; i < n; i++) {
        hits[i].score = lodedb_query_exact_score(index, lodedb_scan_kernels_for(LODEDB_SIMD_SCALAR),
                                                 q_rot, hits[i].slot);
    }
    lodedb_hits_sort(hits, n);
    *count = (uint32_t)(n < k ? n : k);
    for (uint32_t i = 0; i < k; i++) {
        slots[i] = i < *count ? hits[i].slot : LODEDB_NO_SLOT;
        scores[i] = i < *count ? hits[i].score : 0.0f;
    }
    free(q_rot);
    free(hits);
}

/* Search (batched, single, 1 and 3 threads) == reference_search, byte for byte. */
static void check_matches_reference(const lodedb_index *index, const float *queries, uint64_t qn,
                                    uint32_t k, const uint64_t *mask, uint64_t words) {
    lodedb_index_info info;
    lodedb_index_get_info(index, &info);
    results ref = results_new(qn, k);
    results got = results_new(qn, k);
    for (uint64_t q = 0; q < qn; q++) {
        reference_search(index, queries + q * info.dim, k, mask, words, ref.slots + q * k,
                         ref.scores + q * k, ref.counts + q);
    }
    static const uint32_t thread_counts[] = {1, 3};
    for (size_t t = 0; t < 2; t++) {
        CHECK_OK(lodedb_index_search(index, queries, qn, k, mask, words, thread_counts[t],
                                     got.slots, got.scores, got.counts));
        CHECK(results_equal(&ref, &got, qn, k));
        for (uint64_t q = 0; q < qn; q++) {
            CHECK_OK(lodedb_index_search(index, queries + q * info.dim, 1, k, mask, words,
                                         thread_counts[t], got.slots + q * k, got.scores + q * k,
                                         got.counts + q));
        }
        CHECK(results_equal(&ref, &got, qn, k));
    }
    results_free(&ref);
    results_free(&got);
}

/* The scan skips blocks whose bound (largest sum, extreme scale) cannot enter the heap: it
 * must keep exactly the candidates of a full scan, for k = 1, k > n, filters, all-equal
 * scores (bound == heap minimum, ties by slot) and imported rows with negative, -0.0, zero
 * and mixed scales (which take the unbounded per-lane path). */
static void test_block_bound_matches_full_scan(void) {
    static const uint32_t ks[] = {1, 10, 40};
    for (uint32_t bits = 2; bits <= 4; bits += 2) {
        uint32_t dim = 64;
        uint64_t n = 4000;
        uint64_t qn = 12;
        float *v = NULL;
        lodedb_index *index = make_filled(dim, bits, n, 90 + bits, &v);
        REQUIRE(index != NULL);
        float *queries = malloc(sizeof(float) * dim * qn);
        test_rng rng = test_rng_make(300 + bits);
        test_unit_vectors(&rng, queries, qn, dim);
        /* One query is a stored vector, one its negation (every dot < 0 at the top). */
        memcpy(queries, v + 17 * dim, sizeof(float) * dim);
        for (uint32_t j = 0; j < dim; j++) {
            queries[dim + j] = -queries[2 * dim + j];
        }
        uint64_t mask[63];
        for (int i = 0; i < 63; i++) {
            mask[i] = test_rng_next(&rng) & test_rng_next(&rng);
        }
        for (size_t i = 0; i < 3; i++) {
            check_matches_reference(index, queries, qn, ks[i], NULL, 0);
            check_matches_reference(index, queries, qn, ks[i], mask, 63);
        }

        /* Imported rows with mixed scales: negative, -0.0, +0 and large, in some blocks;
         * other blocks all positive; then k beyond n. */
        lodedb_index_info info;
        lodedb_index_get_info(index, &info);
        uint8_t *codes = malloc(info.code_bytes_per_row * n);
        float *scales = malloc(sizeof(float) * n);
        CHECK_OK(
            lodedb_index_export_rows(index, 0, n, codes, info.code_bytes_per_row * n, scales, n));
        for (uint64_t i = 0; i < n; i++) {
            uint64_t block = i / LODEDB_BLOCK_SIZE;
            if (block % 3 == 0) {
                continue;
            }
            switch ((i * 7) % 5) {
            case 0: scales[i] = -scales[i]; break;
            case 1: scales[i] = block % 3 == 1 ? -0.0f : 0.0f; break;
            case 2: scales[i] *= 1000.0f; break;
            default: break;
            }
        }
        lodedb_index *imported = NULL;
        CHECK_OK(lodedb_index_create(dim, bits, 90 + bits, &imported));
        REQUIRE(imported != NULL);
        uint64_t first = 0;
        CHECK_OK(lodedb_index_import_rows(imported, codes, info.code_bytes_per_row * n, scales, n,
                                          n, &first));
        for (size_t i = 0; i < 3; i++) {
            check_matches_reference(imported, queries, qn, ks[i], NULL, 0);
        }
        /* One code row repeated with slowly rising (then falling) scales: every block's best
         * lane beats the heap's minimum by a hair (then never does), so a bound that is
         * too tight by a fraction of a step, or too loose, shows. */
        uint64_t reps = 3000;
        uint8_t *row_codes = malloc(info.code_bytes_per_row * reps);
        float *row_scales = malloc(sizeof(float) * reps);
        for (int falling = 0; falling < 2; falling++) {
            for (uint64_t i = 0; i < reps; i++) {
                size_t row = info.code_bytes_per_row;
                memcpy(row_codes + i * row, codes + 17 * row, row);
                uint64_t step = falling ? reps - i : i;
                row_scales[i] = (float)(1.0 + 1e-5 * (double)step);
            }
            lodedb_index *rising = NULL;
            CHECK_OK(lodedb_index_create(dim, bits, 90 + bits, &rising));
            REQUIRE(rising != NULL);
            CHECK_OK(lodedb_index_import_rows(rising, row_codes, info.code_bytes_per_row * reps,
                                              row_scales, reps, reps, &first));
            check_matches_reference(rising, v + 17 * dim, 1, 1, NULL, 0);
            check_matches_reference(rising, v + 17 * dim, 1, 10, NULL, 0);
            check_matches_reference(rising, queries, qn, 10, NULL, 0);
            results up = results_new(1, 10);
            CHECK_OK(lodedb_index_search(rising, v + 17 * dim, 1, 10, NULL, 0, 1, up.slots,
                                         up.scores, up.counts));
            CHECK(up.slots[0] == (falling ? 0 : reps - 1));
            results_free(&up);
            lodedb_index_free(rising);
        }
        free(row_codes);
        free(row_scales);

        /* All scales negative. */
        for (uint64_t i = 0; i < n; i++) {
            scales[i] = -fabsf(scales[i]) - 0.5f;
        }
        lodedb_index *negative = NULL;
        CHECK_OK(lodedb_index_create(dim, bits, 90 + bits, &negative));
        REQUIRE(negative != NULL);
        CHECK_OK(lodedb_index_import_rows(negative, codes, info.code_bytes_per_row * n, scales, n,
                                          n, &first));
        check_matches_reference(negative, queries, qn, 10, NULL, 0);
        lodedb_index_free(negative);
        lodedb_index_free(imported);
        free(codes);
        free(scales);

        /* k > n over a few blocks. */
        lodedb_index *small = make_filled(dim, bits, 70, 5 + bits, NULL);
        REQUIRE(small != NULL);
        check_matches_reference(small, queries, qn, 80, NULL, 0);
        check_matches_reference(small, queries, qn, 1, NULL, 0);
        lodedb_index_free(small);

        /* Every score negative: vectors clustered around u, queries near -u, so the heap's
         * minimum and every block's bound are negative (the bound then takes the smallest
         * scale of the block). */
        float *cluster = malloc(sizeof(float) * dim * 2000);
        test_unit_vectors(&rng, cluster, 2000, dim);
        for (uint64_t i = 0; i < 2000; i++) {
            double norm = 0.0;
            for (uint32_t j = 0; j < dim; j++) {
                float x = v[j] + 0.35f * cluster[i * dim + j];
                cluster[i * dim + j] = x;
                norm += (double)x * x;
            }
            for (uint32_t j = 0; j < dim; j++) {
                cluster[i * dim + j] = (float)(cluster[i * dim + j] / sqrt(norm));
            }
        }
        lodedb_index *clustered = NULL;
        CHECK_OK(lodedb_index_create(dim, bits, 12, &clustered));
        REQUIRE(clustered != NULL);
        CHECK_OK(lodedb_index_add(clustered, cluster, 2000, &first));
        for (uint64_t q = 0; q < qn; q++) {
            for (uint32_t j = 0; j < dim; j++) {
                queries[q * dim + j] = -cluster[(q * 37) * dim + j];
            }
        }
        results neg = results_new(1, 10);
        CHECK_OK(lodedb_index_search(clustered, queries, 1, 10, NULL, 0, 1, neg.slots, neg.scores,
                                     neg.counts));
        CHECK(neg.counts[0] == 10 && neg.scores[0] < 0.0f);
        results_free(&neg);
        for (size_t i = 0; i < 3; i++) {
            check_matches_reference(clustered, queries, qn, ks[i], NULL, 0);
        }
        lodedb_index_free(clustered);
        free(cluster);

        /* All-equal scores: 700 copies of one vector (plus a few others), so the bound of
         * every later block equals the heap minimum and only the lower slots may stay. */
        lodedb_index *same = NULL;
        CHECK_OK(lodedb_index_create(dim, bits, 8, &same));
        REQUIRE(same != NULL);
        CHECK_OK(lodedb_index_add(same, v + 3 * dim, 5, &first));
        for (int i = 0; i < 700; i++) {
            CHECK_OK(lodedb_index_add(same, v, 1, &first));
        }
        CHECK_OK(lodedb_index_add(same, v + 9 * dim, 40, &first));
        check_matches_reference(same, v, 1, 1, NULL, 0);
        check_matches_reference(same, v, 1, 10, NULL, 0);
        check_matches_reference(same, queries, qn, 10, NULL, 0);
        results r = results_new(1, 10);
        CHECK_OK(lodedb_index_search(same, v, 1, 10, NULL, 0, 2, r.slots, r.scores, r.counts));
        for (uint32_t i = 0; i < 10; i++) {
            CHECK(r.slots[i] == 5 + i && r.scores[i] == r.scores[0]);
        }
        results_free(&r);
        lodedb_index_free(same);

        free(queries);
        free(v);
        lodedb_index_free(index);
    }
}

/* lodedb_query_levels and lodedb_query_weights: levels and weights equal libm's round() (they
 * are written without it for speed), clamped, in the scan's layout; and the scan's affine map
 * (delta * acc + bias, acc from the scalar kernel) is within its rounding bound of the exact
 * dot product, sum over i of |w_hat_i| * level_step / 2 + |centroid_i| * weight_step / 2, for
 * both bit widths and several dimensions, a zero query included. */
static void test_weight_rounding(void) {
    static const uint32_t dims[] = {8, 64, 512};
    const lodedb_scan_kernels *scalar = lodedb_scan_kernels_for(LODEDB_SIMD_SCALAR);
    for (uint32_t bits = 2; bits <= 4; bits += 2) {
        for (size_t d = 0; d < 3; d++) {
            uint32_t dim = dims[d];
            lodedb_index *index = make_filled(dim, bits, 40, 31, NULL);
            REQUIRE(index != NULL);
            float *q = malloc(sizeof(float) * dim * 4);
            test_rng rng = test_rng_make(dim + bits);
            test_unit_vectors(&rng, q, 3, dim);
            memset(q + 3 * dim, 0, sizeof(float) * dim);
            uint32_t n = index->padded_dim, terms = bits == 4 ? 1u : 2u;
            double *q_rot = malloc(sizeof(double) * 2u * n);
            int8_t *w = malloc(n);
            const float *c = index->codebook.centroids;
            lodedb_scan_levels levels;
            double level_min = 0.0, level_step = 0.0;
            lodedb_query_levels(index, &levels, &level_min, &level_step);
            CHECK(levels.terms == terms);
            CHECK(level_min == (double)c[0]);
            CHECK(level_step == ((double)c[index->codebook.count - 1] - (double)c[0]) / 127.0);
            for (uint32_t code = 0; code < 16; code++) {
                uint32_t c0 = bits == 4 ? code : code & 3u;
                CHECK(levels.table[0][code] ==
                      (uint8_t)round(((double)c[c0] - level_min) / level_step));
                if (bits == 2) {
                    CHECK(levels.table[1][code] ==
                          (uint8_t)round(((double)c[code >> 2] - level_min) / level_step));
                }
            }
            for (int i = 0; i < 4; i++) {
                double delta = 0.0, bias = 0.0;
                lodedb_query_rotate(index, q + i * dim, q_rot, q_rot + n);
                lodedb_query_weights(index, level_min, level_step, q_rot, w, &delta, &bias);
                double largest = 0.0;
                for (uint32_t j = 0; j < n; j++) {
                    largest = fabs(q_rot[j]) > largest ? fabs(q_rot[j]) : largest;
                }
                double wstep = largest > 0.0 ? largest / 127.0 : 1.0;
                int mismatches = 0;
                for (uint32_t j = 0; j < n; j++) {
                    double r = largest > 0.0 ? round(q_rot[j] * (127.0 / largest)) : 0.0;
                    r = r > 127.0 ? 127.0 : (r < -127.0 ? -127.0 : r);
                    uint32_t g = j / terms, t = j % terms;
                    mismatches += w[(g / 4u * terms + t) * 4u + g % 4u] != (int8_t)r;
                }
                CHECK(mismatches == 0);
                CHECK(delta == wstep * level_step);
                /* Slots of the first block: the approximate dot against the exact one. */
                int32_t acc[LODEDB_BLOCK_SIZE];
                scalar->accumulate(index->blocks, &levels, w, 1, index->groups, acc);
                int outside = 0;
                for (uint32_t slot = 0; slot < LODEDB_BLOCK_SIZE; slot++) {
                    double exact = 0.0, bound = 1e-9;
                    for (uint32_t j = 0; j < n; j++) {
                        uint32_t code = lodedb_index_group_code(index, slot, j / terms);
                        uint32_t level_code = bits == 4 ? code : (j % 2u ? code >> 2 : code & 3u);
                        double w_hat =
                            wstep *
                            (double)w[(j / terms / 4u * terms + j % terms) * 4u + (j / terms) % 4u];
                        exact += q_rot[j] * (double)c[level_code];
                        bound +=
                            fabs(w_hat) * level_step / 2 + fabs((double)c[level_code]) * wstep / 2;
                    }
                    double approx = delta * (double)acc[slot] + bias;
                    outside += fabs(approx - exact) > bound;
                }
                CHECK(outside == 0);
            }
            free(q);
            free(q_rot);
            free(w);
            lodedb_index_free(index);
        }
    }
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
    uint32_t dim = 64;
    lodedb_index *index = make_filled(dim, 4, 200, 11, NULL);
    REQUIRE(index != NULL);
    float q[64];
    test_rng rng = test_rng_make(6);
    test_unit_vectors(&rng, q, 1, dim);
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
            results single = results_new(qn, k);
            CHECK_OK(lodedb_index_search(index, queries, qn, k, m, words, 1, batch.slots,
                                         batch.scores, batch.counts));
            for (uint64_t q = 0; q < qn; q++) {
                CHECK_OK(lodedb_index_search(index, queries + q * dim, 1, k, m, words, 1,
                                             single.slots + q * k, single.scores + q * k,
                                             single.counts + q));
            }
            CHECK(results_equal(&batch, &single, qn, k));
            for (uint64_t q = 0; q < qn; q++) {
                check_against_reference(index, queries + q * dim, k, m, words, batch.slots + q * k,
                                        batch.scores + q * k, batch.counts[q], 0);
            }
            static const uint32_t thread_counts[] = {0, 2, 3, 8, 1000};
            for (size_t t = 0; t < 5; t++) {
                results threaded = results_new(qn, k);
                CHECK_OK(lodedb_index_search(index, queries, qn, k, m, words, thread_counts[t],
                                             threaded.slots, threaded.scores, threaded.counts));
                CHECK(results_equal(&batch, &threaded, qn, k));
                results_free(&threaded);
            }
            lodedb_simd original = lodedb_simd_level();
            for (int level = LODEDB_SIMD_SCALAR; level <= LODEDB_SIMD_NEON; level++) {
                if (!lodedb_simd_supported((lodedb_simd)level)) {
                    continue;
                }
                CHECK_OK(lodedb_simd_force((lodedb_simd)level));
                if (bits == 2 && masked == 0) {
                    printf("comparing level %s\n", lodedb_simd_name((lodedb_simd)level));
                }
                results other = results_new(qn, k);
                CHECK_OK(lodedb_index_search(index, queries, qn, k, m, words, 2, other.slots,
                                             other.scores, other.counts));
                if (!results_equal(&batch, &other, qn, k)) {
                    fprintf(stderr, "level %s differs\n", lodedb_simd_name((lodedb_simd)level));
                    CHECK(0);
                }
                results_free(&other);
            }
            CHECK_OK(lodedb_simd_force(original));
            results_free(&batch);
            results_free(&single);
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
    RUN_TEST(test_block_bound_matches_full_scan);
    RUN_TEST(test_weight_rounding);
    TEST_MAIN_END();
}
