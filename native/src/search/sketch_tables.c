/* Per-query group tables of the sign sketch (sketch_tables.h). */
#include "search/sketch_tables.h"

#include <math.h>

#include "turbovec/index.h"
#include "turbovec/sketch.h"

/* round(x) halves away from zero for |x| <= 2^30, without a libm call. */
static int32_t round_half_away(double x) {
    return x >= 0.0 ? (int32_t)(x + 0.5) : -(int32_t)(0.5 - x);
}

void lodedb_sketch_tables(const struct lodedb_index *index, const double *q_rot, uint8_t *tables,
                          double *delta, double *bias) {
    const uint32_t n = index->padded_dim;
    const uint32_t groups = lodedb_sketch_groups(n);
    double largest = 0.0;
    for (uint32_t h = 0; h < groups; h++) {
        double sum = 0.0;
        for (uint32_t t = 0; t < 4u && 4u * h + t < n; t++) {
            sum += fabs(q_rot[4u * h + t]);
        }
        largest = sum > largest ? sum : largest;
    }
    double step = largest > 0.0 ? largest / 127.0 : 1.0;
    for (uint32_t h = 0; h < groups; h++) {
        uint8_t *table = tables + (size_t)(h / 4u) * 64u + (h & 3u) * 16u;
        double q[4] = {0.0, 0.0, 0.0, 0.0};
        for (uint32_t t = 0; t < 4u && 4u * h + t < n; t++) {
            q[t] = q_rot[4u * h + t] / step;
        }
        for (uint32_t c = 0; c < 16u; c++) {
            double v = 0.0;
            for (uint32_t t = 0; t < 4u; t++) {
                v += (c >> t) & 1u ? q[t] : -q[t];
            }
            int32_t entry = round_half_away(v) + 128;
            table[c] = (uint8_t)(entry < 1 ? 1 : entry > 255 ? 255 : entry);
        }
    }
    /* 0.7978845608028654 = sqrt(2 / pi) */
    double m = 0.7978845608028654 / sqrt((double)n);
    *delta = m * step;
    *bias = -128.0 * (double)groups * m * step;
}
