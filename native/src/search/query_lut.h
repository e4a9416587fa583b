/*
 * Per-query work shared by the scan and the re-rank: the rotated query and its 8-bit LUT.
 *
 * The LUT (scan/scan_kernels.h layout) holds, for group g and group code c, the partial score
 * p(g, c) = sum over the group's coordinates j of q_rot[j] * centroid[code_j], quantized as
 * round((p - min_g) / delta) with one delta = (largest per-group range) / 255 for all groups
 * and a per-group offset min_g. Hence an integer sum acc over groups estimates the dot
 * product as delta * acc + bias, bias = sum of min_g, with an error of at most delta / 2 per
 * group; the re-rank removes it.
 */
#ifndef LODEDB_SEARCH_QUERY_LUT_H
#define LODEDB_SEARCH_QUERY_LUT_H

#include <stdint.h>

#include "turbovec/index.h"

/* q_rot (padded_dim doubles) = R query (dim floats, already validated); scratch holds
 * padded_dim doubles. */
void lodedb_query_rotate(const struct lodedb_index *index, const float *query, double *q_rot,
                         double *scratch);

/* Fills lut (groups * 16 bytes) and the affine map acc -> approximate dot product. */
void lodedb_query_lut(const struct lodedb_index *index, const double *q_rot, uint8_t *lut,
                      double *delta, double *bias);

/* The exact estimate of one slot: scale * sum_j q_rot[j] * centroid[code_j], in double,
 * coordinates in order, so it is the same on every platform and SIMD level. */
float lodedb_query_exact_score(const struct lodedb_index *index, const double *q_rot,
                               uint64_t slot);

#endif
