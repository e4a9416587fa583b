/*
 * Per-query work shared by the scan and the re-rank: the rotated query, the index's int8
 * levels and the query's int8 weights (the permute-dot scan, scan/scan_kernels.h).
 *
 * Levels: centroid c ~ level_min + level_step * level(c), level(c) = round((centroid[c] -
 * level_min) / level_step) in 0..127, level_step = (largest - smallest centroid) / 127.
 * Weights: q_rot[i] ~ weight_step * w[i], w[i] = round(q_rot[i] / weight_step) in -127..127,
 * weight_step = max |q_rot| / 127. Hence the scan's integer sum acc = sum w[i] * level(code_i)
 * estimates the dot product <q_rot, x_hat> / scale as delta * acc + bias with
 * delta = weight_step * level_step and bias = weight_step * level_min * sum w[i]; the re-rank
 * removes its error.
 */
#ifndef LODEDB_SEARCH_QUERY_WEIGHTS_H
#define LODEDB_SEARCH_QUERY_WEIGHTS_H

#include <stdint.h>

#include "scan/scan_kernels.h"
#include "turbovec/index.h"

/* q_rot (padded_dim doubles) = R query (dim floats, already validated); scratch holds
 * padded_dim doubles. */
void lodedb_query_rotate(const struct lodedb_index *index, const float *query, double *q_rot,
                         double *scratch);

/* The index's level tables (terms 1 for 4-bit, 2 for 2-bit) and the level -> centroid map. */
void lodedb_query_levels(const struct lodedb_index *index, lodedb_scan_levels *levels,
                         double *level_min, double *level_step);

/* Fills weights (groups * terms bytes, in the scan's layout) and the affine map acc ->
 * approximate dot product (delta >= 0). */
void lodedb_query_weights(const struct lodedb_index *index, double level_min, double level_step,
                          const double *q_rot, int8_t *weights, double *delta, double *bias);

/* The exact estimate of one slot: scale * sum_j q_rot[j] * centroid[code_j], in double, by
 * the kernels' exact_dot (16 running sums in a fixed tree, scan_kernels.h), so it is the same
 * on every platform and SIMD level. */
float lodedb_query_exact_score(const struct lodedb_index *index, const lodedb_scan_kernels *kernels,
                               const double *q_rot, uint64_t slot);

#endif
