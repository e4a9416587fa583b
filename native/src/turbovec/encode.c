/* TurboQuant encode: validation, normalisation, rotation, scalar quantization, scale. */
/* Bits reach disk: no fused multiply-add. The build passes -ffp-contract=off (GCC ignores
 * the pragma); clang honours the standard pragma as well, should a build omit the flag. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include <math.h>
#include <stdlib.h>

#include "core/errors.h"
#include "turbovec/index.h"

/* Coordinates beyond this magnitude are rejected: squares stay far inside double range for
 * any dimension, and such values are a caller bug (uninitialised memory) rather than data. */
#define LODEDB_MAX_COORDINATE 1e20f

lodedb_status lodedb_validate_vectors(const float *vectors, uint64_t count, uint32_t dim,
                                      const char *what, int reject_zero) {
    for (uint64_t row = 0; row < count; row++) {
        const float *v = vectors + row * dim;
        double sum = 0.0;
        for (uint32_t j = 0; j < dim; j++) {
            float x = v[j];
            if (isnan(x)) {
                return lodedb_fail(LODEDB_ERR_INVALID_VECTOR, "%s %llu, coordinate %u is NaN", what,
                                   (unsigned long long)(row), j);
            }
            if (isinf(x)) {
                return lodedb_fail(LODEDB_ERR_INVALID_VECTOR, "%s %llu, coordinate %u is %s", what,
                                   (unsigned long long)(row), j, x > 0 ? "+Inf" : "-Inf");
            }
            if (fabsf(x) > LODEDB_MAX_COORDINATE) {
                return lodedb_fail(
                    LODEDB_ERR_INVALID_VECTOR,
                    "%s %llu, coordinate %u is %g, beyond the supported magnitude 1e20", what,
                    (unsigned long long)(row), j, (double)x);
            }
            sum += (double)x * (double)x;
        }
        if (reject_zero && sum == 0.0) {
            return lodedb_fail(LODEDB_ERR_INVALID_VECTOR,
                               "%s %llu is a zero vector: it has no direction to encode", what,
                               (unsigned long long)(row));
        }
    }
    return LODEDB_OK;
}

void lodedb_encode_one(const struct lodedb_index *index, const float *vector, double *work,
                       uint8_t *row, float *scale) {
    uint32_t dim = index->dim;
    uint32_t padded = index->padded_dim;
    const lodedb_codebook_table *codebook = &index->codebook;
    double sum = 0.0;
    for (uint32_t j = 0; j < dim; j++) {
        sum += (double)vector[j] * (double)vector[j];
    }
    double norm = sqrt(sum);
    for (uint32_t j = 0; j < padded; j++) {
        work[j] = j < dim ? (double)vector[j] / norm : 0.0;
    }
    lodedb_rotation_apply(&index->rotation, work, work + padded);

    double dot = 0.0;
    uint32_t per_byte = 8u / index->bits;
    uint32_t byte_value = 0;
    for (uint32_t j = 0; j < padded; j++) {
        uint32_t code = lodedb_codebook_quantize(codebook, work[j]);
        dot += work[j] * (double)codebook->centroids[code];
        byte_value |= code << (index->bits * (j % per_byte));
        if (j % per_byte == per_byte - 1u) {
            row[j / per_byte] = (uint8_t)byte_value;
            byte_value = 0;
        }
    }
    /* s = norm / <u_rot, x_hat> makes s * <q_rot, x_hat> an unbiased estimate of <v, q>.
     * With symmetric centroids and a boundary at 0 every term is >= 0, so dot > 0 for a unit
     * vector; the guard keeps a finite, sane scale (the plain norm) should that ever fail. */
    double s = dot > 1e-30 ? norm / dot : norm;
    *scale = (float)s;
}

LODEDB_API lodedb_status lodedb_encode(const lodedb_index *index, const float *vectors,
                                       uint64_t count, uint8_t *codes, size_t codes_length,
                                       float *scales, size_t scales_length) {
    lodedb_clear_error();
    if (index == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "index must not be NULL");
    }
    if (count == 0) {
        return LODEDB_OK;
    }
    if (vectors == NULL || codes == NULL || scales == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "vectors, codes and scales must not be NULL");
    }
    uint64_t row_bytes = index->code_bytes_per_row;
    if (count > SIZE_MAX / row_bytes || count > SIZE_MAX / sizeof(float) / index->dim) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "count %llu is too large",
                           (unsigned long long)count);
    }
    if (codes_length != count * row_bytes) {
        return lodedb_fail(codes_length < count * row_bytes ? LODEDB_ERR_BUFFER_TOO_SMALL
                                                            : LODEDB_ERR_INVALID_ARGUMENT,
                           "codes_length is %llu; %llu rows need %llu bytes",
                           (unsigned long long)codes_length, (unsigned long long)count,
                           (unsigned long long)(count * row_bytes));
    }
    if (scales_length != count) {
        return lodedb_fail(
            scales_length < count ? LODEDB_ERR_BUFFER_TOO_SMALL : LODEDB_ERR_INVALID_ARGUMENT,
            "scales_length is %llu; %llu rows need %llu scales", (unsigned long long)scales_length,
            (unsigned long long)count, (unsigned long long)count);
    }
    lodedb_status status = lodedb_validate_vectors(vectors, count, index->dim, "vector", 1);
    if (status != LODEDB_OK) {
        return status;
    }
    double *work = malloc(sizeof(double) * 2u * index->padded_dim);
    if (work == NULL) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "out of memory for the encode buffers");
    }
    for (uint64_t i = 0; i < count; i++) {
        lodedb_encode_one(index, vectors + i * index->dim, work, codes + i * row_bytes, &scales[i]);
    }
    free(work);
    return LODEDB_OK;
}
