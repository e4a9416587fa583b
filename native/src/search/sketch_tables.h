/*
 * Per-query group tables for the sign sketch (turbovec/sketch.h), scanned with
 * accumulate_tables (scan/scan_kernels.h).
 *
 * Sketch group h holds the signs s_t (+1 for bit t set, else -1) of coordinates 4h + t. Its
 * table entry for nibble c is T[h][c] = round(v / step) + 128 with v = sum_t s_t(c) q_rot[4h + t]
 * (coordinates past padded_dim count 0) and step = max over h of sum_t |q_rot[4h + t]| / 127,
 * so entries lie in 1..255 (all 128 for a zero query). A 1-bit code stands for x_hat_i =
 * s_i * m with m = sqrt(2 / (pi * padded_dim)), the mean |coordinate| of a rotated unit vector,
 * so acc = sum_h T[h][nibble_h] estimates <q_rot, x_hat> as delta * acc + bias with
 * delta = m * step and bias = -128 * groups * m * step: the scan's score is then
 * scale * (delta * acc + bias), the same affine form as the codes' (search.c).
 */
#ifndef LODEDB_SEARCH_SKETCH_TABLES_H
#define LODEDB_SEARCH_SKETCH_TABLES_H

#include <stdint.h>

struct lodedb_index;

/* Fills lodedb_sketch_groups(padded_dim) * 16 table bytes in the kernels' step layout and the
 * affine map acc -> estimate (delta >= 0). */
void lodedb_sketch_tables(const struct lodedb_index *index, const double *q_rot, uint8_t *tables,
                          double *delta, double *bias);

#endif
