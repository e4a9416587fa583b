/* Query rotation, levels and int8 weights of the permute-dot scan, exact per-slot scores. */
/* Bits reach disk: no fused multiply-add. The build passes -ffp-contract=off (GCC ignores
 * the pragma); clang honours the standard pragma as well, should a build omit the flag. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include "search/query_weights.h"

#include <math.h>

void lodedb_query_rotate(const struct lodedb_index *index, const float *query, double *q_rot,
                         double *scratch) {
    for (uint32_t j = 0; j < index->padded_dim; j++) {
        q_rot[j] = j < index->dim ? (double)query[j] : 0.0;
    }
    lodedb_rotation_apply(&index->rotation, q_rot, scratch);
}

/* round(x) for |x| <= 2^30, halves away from zero, without a libm call: for y = |x| + 0.5 the
 * truncation (int32_t)y is floor(y). */
static int32_t round_half_away(double x) {
    return x >= 0.0 ? (int32_t)(x + 0.5) : -(int32_t)(0.5 - x);
}

void lodedb_query_levels(const struct lodedb_index *index, lodedb_scan_levels *levels,
                         double *level_min, double *level_step) {
    const float *c = index->codebook.centroids;
    uint32_t count = index->codebook.count;
    double lo = (double)c[0], hi = (double)c[0];
    for (uint32_t i = 1; i < count; i++) {
        lo = (double)c[i] < lo ? (double)c[i] : lo;
        hi = (double)c[i] > hi ? (double)c[i] : hi;
    }
    double step = hi > lo ? (hi - lo) / (double)LODEDB_SCAN_LEVEL_MAX : 1.0;
    uint8_t level[LODEDB_MAX_CENTROIDS];
    for (uint32_t i = 0; i < count; i++) {
        int32_t l = round_half_away(((double)c[i] - lo) / step);
        level[i] = (uint8_t)(l < 0 ? 0 : l > LODEDB_SCAN_LEVEL_MAX ? LODEDB_SCAN_LEVEL_MAX : l);
    }
    for (uint32_t code = 0; code < 16; code++) {
        if (index->bits == 4) {
            levels->table[0][code] = level[code];
            levels->table[1][code] = 0;
        } else {
            levels->table[0][code] = level[code & 3u];
            levels->table[1][code] = level[code >> 2];
        }
    }
    levels->terms = index->bits == 4 ? 1u : 2u;
    *level_min = lo;
    *level_step = step;
}

/* round(y) halves away from zero, clamped to +-LODEDB_SCAN_WEIGHT_MAX, for |y| <= 2^30;
 * branch-free (signs are random): truncation of y +- 0.5 is the rounding. */
static int32_t quantize_weight(double y) {
    double r = y + (y < 0.0 ? -0.5 : 0.5);
    r = r > (double)LODEDB_SCAN_WEIGHT_MAX ? (double)LODEDB_SCAN_WEIGHT_MAX : r;
    r = r < -(double)LODEDB_SCAN_WEIGHT_MAX ? -(double)LODEDB_SCAN_WEIGHT_MAX : r;
    return (int32_t)r;
}

void lodedb_query_weights(const struct lodedb_index *index, double level_min, double level_step,
                          const double *q_rot, int8_t *weights, double *delta, double *bias) {
    const uint32_t n = index->padded_dim;
    double largest = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        double a = fabs(q_rot[i]); /* branch-free */
        largest = a > largest ? a : largest;
    }
    /* A zero query: any step works, every weight is 0. */
    double step = largest > 0.0 ? largest / (double)LODEDB_SCAN_WEIGHT_MAX : 1.0;
    double inverse = largest > 0.0 ? (double)LODEDB_SCAN_WEIGHT_MAX / largest : 1.0;
    int32_t weight_sum = 0; /* |sum| <= 127 * 65536 */
    if (index->bits == 4) {
        /* One term: coordinate g is group g, and the layout is the coordinates in order. */
        for (uint32_t i = 0; i < n; i++) {
            int32_t w = quantize_weight(q_rot[i] * inverse);
            weights[i] = (int8_t)w;
            weight_sum += w;
        }
    } else {
        /* Two terms: coordinates 2g, 2g + 1 are terms 0, 1 of group g; step s = g / 4 holds
         * the four term-0 weights, then the four term-1 weights. */
        for (uint32_t s = 0; s < n / 8u; s++) {
            for (uint32_t k = 0; k < 8u; k++) {
                uint32_t g = 4u * s + k % 4u, t = k / 4u;
                int32_t w = quantize_weight(q_rot[2u * g + t] * inverse);
                weights[8u * s + k] = (int8_t)w;
                weight_sum += w;
            }
        }
    }
    *delta = step * level_step;
    *bias = step * level_min * (double)weight_sum;
}

float lodedb_query_exact_score(const struct lodedb_index *index, const lodedb_scan_kernels *kernels,
                               const double *q_rot, uint64_t slot) {
    double centroids[16] = {0.0};
    for (uint32_t i = 0; i < index->codebook.count; i++) {
        centroids[i] = (double)index->codebook.centroids[i];
    }
    const uint8_t *block =
        index->blocks + (size_t)(slot / LODEDB_BLOCK_SIZE) * lodedb_index_block_bytes(index);
    double dot = kernels->exact_dot(block, (uint32_t)(slot % LODEDB_BLOCK_SIZE), index->groups,
                                    index->bits, q_rot, centroids);
    return (float)((double)index->scales[slot] * dot);
}
