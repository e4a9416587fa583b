/* Query rotation, LUT construction and quantization, exact per-slot scores. */
/* Bits reach disk: no fused multiply-add. The build passes -ffp-contract=off (GCC ignores
 * the pragma); clang honours the standard pragma as well, should a build omit the flag. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include "search/query_lut.h"

void lodedb_query_rotate(const struct lodedb_index *index, const float *query, double *q_rot,
                         double *scratch) {
    for (uint32_t j = 0; j < index->padded_dim; j++) {
        q_rot[j] = j < index->dim ? (double)query[j] : 0.0;
    }
    lodedb_rotation_apply(&index->rotation, q_rot, scratch);
}

/* The 16 partial scores of group g. */
static void group_partials(const struct lodedb_index *index, const double *q_rot, uint32_t g,
                           double *out) {
    const float *c = index->codebook.centroids;
    if (index->bits == 4) {
        for (uint32_t code = 0; code < 16; code++) {
            out[code] = q_rot[g] * (double)c[code];
        }
    } else {
        double lo = q_rot[2u * g];
        double hi = q_rot[2u * g + 1u];
        for (uint32_t code = 0; code < 16; code++) {
            out[code] = lo * (double)c[code & 3u] + hi * (double)c[code >> 2];
        }
    }
}

void lodedb_query_lut(const struct lodedb_index *index, const double *q_rot, uint8_t *lut,
                      double *delta, double *bias) {
    uint32_t groups = index->groups;
    double widest = 0.0;
    double offset_sum = 0.0;
    double partial[16];
    for (uint32_t g = 0; g < groups; g++) {
        group_partials(index, q_rot, g, partial);
        double lo = partial[0], hi = partial[0];
        for (uint32_t code = 1; code < 16; code++) {
            lo = partial[code] < lo ? partial[code] : lo;
            hi = partial[code] > hi ? partial[code] : hi;
        }
        widest = hi - lo > widest ? hi - lo : widest;
        offset_sum += lo;
    }
    /* A zero query has no range: any step works, every entry is 0. */
    double step = widest > 0.0 ? widest / 255.0 : 1.0;
    double inverse = 1.0 / step;
    for (uint32_t g = 0; g < groups; g++) {
        group_partials(index, q_rot, g, partial);
        double lo = partial[0];
        for (uint32_t code = 1; code < 16; code++) {
            lo = partial[code] < lo ? partial[code] : lo;
        }
        /* round(x) = floor(x + 0.5) clamped to 0..255, x >= 0. For y = x + 0.5 >= 0,
         * floor(y) is the truncation (int32_t)y, and floor(y) > 255 exactly when y >= 256:
         * the same bytes as floor() without a libm call per entry. NaN (a degenerate step
         * only) gives 0. */
        for (uint32_t code = 0; code < 16; code++) {
            double y = (partial[code] - lo) * inverse + 0.5;
            lut[(size_t)g * 16u + code] =
                y >= 256.0 ? (uint8_t)255u : (y >= 0.0 ? (uint8_t)(int32_t)y : (uint8_t)0u);
        }
    }
    *delta = step;
    *bias = offset_sum;
}

float lodedb_query_exact_score(const struct lodedb_index *index, const double *q_rot,
                               uint64_t slot) {
    const float *c = index->codebook.centroids;
    const uint8_t *block = index->blocks + (size_t)(slot / LODEDB_BLOCK_SIZE) *
                                               lodedb_index_block_bytes(index);
    uint32_t lane = (uint32_t)(slot % LODEDB_BLOCK_SIZE);
    const uint8_t *bytes = block + (lane & 15u);
    uint32_t shift = lane < 16u ? 0u : 4u;
    double sum = 0.0;
    if (index->bits == 4) {
        for (uint32_t g = 0; g < index->groups; g++) {
            uint32_t code = (uint32_t)(bytes[(size_t)g * 16u] >> shift) & 0x0Fu;
            sum += q_rot[g] * (double)c[code];
        }
    } else {
        for (uint32_t g = 0; g < index->groups; g++) {
            uint32_t code = (uint32_t)(bytes[(size_t)g * 16u] >> shift) & 0x0Fu;
            sum += q_rot[2u * g] * (double)c[code & 3u];
            sum += q_rot[2u * g + 1u] * (double)c[code >> 2];
        }
    }
    return (float)((double)index->scales[slot] * sum);
}
