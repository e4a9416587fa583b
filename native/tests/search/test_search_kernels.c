/* The scan's shortcuts and arithmetic against the reference (search_reference.c): per-block
 * bounds that skip blocks must keep exactly a full scan's candidates (scales of every sign,
 * ties, filters, k beyond n), and the int8 query weights round as libm would, within the
 * scan's stated error bound. */
#include <math.h>

#include "search_reference.h"
#include "test_support.h"

/* Search (batched, single, 1 and 3 threads) == reference_top, byte for byte. */
static void check_matches_reference(const lodedb_index *index, const float *queries, uint64_t qn,
                                    uint32_t k, const uint64_t *mask, uint64_t words) {
    lodedb_index_info info;
    lodedb_index_get_info(index, &info);
    results ref = results_new(qn, k);
    results got = results_new(qn, k);
    for (uint64_t q = 0; q < qn; q++) {
        reference_top(index, queries + q * info.dim, mask, words, NULL, rerank_candidates(k), 1, k,
                      ref.slots + q * k, ref.scores + q * k, ref.counts + q);
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
            CHECK(level_step ==
                  ((double)c[index->codebook.count - 1] - (double)c[0]) / LODEDB_SCAN_LEVEL_MAX);
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

int main(void) {
    RUN_TEST(test_block_bound_matches_full_scan);
    RUN_TEST(test_weight_rounding);
    TEST_MAIN_END();
}
