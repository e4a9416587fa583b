/* The index: slot storage in the SIMD block layout, tombstones, rows in and out, compaction. */
#include "turbovec/index.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "turbovec/block_memory.h"
#include "turbovec/sketch.h"

/* Moves the storage to exactly new_capacity blocks (grow or shrink), copying what fits and
 * zeroing the rest. Fresh arrays then a swap, so a failure leaves the index untouched. */
lodedb_status lodedb_index_resize_storage(struct lodedb_index *index, uint64_t new_capacity) {
    size_t block_bytes = lodedb_index_block_bytes(index);
    if (new_capacity > SIZE_MAX / block_bytes ||
        new_capacity > SIZE_MAX / (LODEDB_BLOCK_SIZE * sizeof(float))) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY,
                           "an index of %llu blocks does not fit in memory",
                           (unsigned long long)new_capacity);
    }
    size_t words = lodedb_index_live_words(new_capacity);
    size_t blocks_bytes = (size_t)new_capacity * block_bytes;
    uint8_t *blocks = lodedb_block_memory_alloc(blocks_bytes);
    float *scales = calloc((size_t)new_capacity * LODEDB_BLOCK_SIZE, sizeof(float));
    uint64_t *live = calloc(words > 0 ? words : 1, sizeof(uint64_t));
    int sketch_failed = 0;
    uint8_t *sketch = lodedb_sketch_regrow(index, new_capacity, &sketch_failed);
    if ((new_capacity > 0 && (blocks == NULL || scales == NULL)) || live == NULL || sketch_failed) {
        lodedb_sketch_free(index, sketch, new_capacity);
        lodedb_block_memory_free(blocks, blocks_bytes);
        free(scales);
        free(live);
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY,
                           "out of memory growing the index to %llu slots",
                           (unsigned long long)(new_capacity * LODEDB_BLOCK_SIZE));
    }
    uint64_t keep = index->block_capacity < new_capacity ? index->block_capacity : new_capacity;
    if (keep > 0) {
        memcpy(blocks, index->blocks, (size_t)keep * block_bytes);
        memcpy(scales, index->scales, (size_t)keep * LODEDB_BLOCK_SIZE * sizeof(float));
        memcpy(live, index->live, lodedb_index_live_words(keep) * sizeof(uint64_t));
    }
    lodedb_block_memory_free(index->blocks, (size_t)index->block_capacity * block_bytes);
    lodedb_sketch_free(index, index->sketch, index->block_capacity);
    free(index->scales);
    free(index->live);
    index->sketch = sketch;
    index->blocks = blocks;
    index->scales = scales;
    index->live = live;
    index->block_capacity = new_capacity;
    return LODEDB_OK;
}

/* Makes room for `extra` more slots; capacity at least doubles so appends are amortised O(1). */
static lodedb_status reserve_slots(struct lodedb_index *index, uint64_t extra) {
    if (extra > UINT64_MAX - LODEDB_BLOCK_SIZE - index->slot_count) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "too many slots");
    }
    uint64_t needed = (index->slot_count + extra + LODEDB_BLOCK_SIZE - 1) / LODEDB_BLOCK_SIZE;
    if (needed <= index->block_capacity) {
        return LODEDB_OK;
    }
    uint64_t doubled = index->block_capacity * 2u;
    if (doubled < 4u) {
        doubled = 4u;
    }
    return lodedb_index_resize_storage(index, needed > doubled ? needed : doubled);
}

lodedb_status lodedb_index_reserve_exact(struct lodedb_index *index, uint64_t slots) {
    if (slots > UINT64_MAX - LODEDB_BLOCK_SIZE) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "too many slots");
    }
    uint64_t needed = (slots + LODEDB_BLOCK_SIZE - 1) / LODEDB_BLOCK_SIZE;
    return needed <= index->block_capacity ? LODEDB_OK : lodedb_index_resize_storage(index, needed);
}

LODEDB_API lodedb_status lodedb_index_create(uint32_t dim, uint32_t bits, uint64_t seed,
                                             lodedb_index **out_index) {
    lodedb_clear_error();
    if (out_index == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "out_index must not be NULL");
    }
    *out_index = NULL;
    struct lodedb_index *index = calloc(1, sizeof *index);
    if (index == NULL) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "out of memory creating an index");
    }
    /* The codebook build validates dim and bits. */
    lodedb_status status = lodedb_codebook_table_build(dim, bits, &index->codebook);
    if (status != LODEDB_OK) {
        free(index);
        return status;
    }
    index->dim = dim;
    index->padded_dim = lodedb_padded_dim(dim);
    index->bits = bits;
    index->groups = bits == 4 ? index->padded_dim : index->padded_dim / 2u;
    index->seed = seed;
    index->code_bytes_per_row = (uint64_t)index->padded_dim * bits / 8u;
    status = lodedb_rotation_init(&index->rotation, index->padded_dim, seed);
    if (status != LODEDB_OK) {
        free(index);
        return status;
    }
    status = lodedb_index_resize_storage(index, 0);
    if (status != LODEDB_OK) {
        lodedb_index_free(index);
        return status;
    }
    *out_index = index;
    return LODEDB_OK;
}

LODEDB_API void lodedb_index_free(lodedb_index *index) {
    if (index == NULL) {
        return;
    }
    lodedb_rotation_destroy(&index->rotation);
    lodedb_sketch_free(index, index->sketch, index->block_capacity);
    lodedb_block_memory_free(index->blocks,
                             (size_t)index->block_capacity * lodedb_index_block_bytes(index));
    free(index->scales);
    free(index->live);
    free(index);
}

LODEDB_API lodedb_status lodedb_index_get_info(const lodedb_index *index,
                                               lodedb_index_info *out_info) {
    lodedb_clear_error();
    if (index == NULL || out_info == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "index and out_info must not be NULL");
    }
    memset(out_info, 0, sizeof *out_info);
    out_info->dim = index->dim;
    out_info->padded_dim = index->padded_dim;
    out_info->bits = index->bits;
    out_info->block_size = LODEDB_BLOCK_SIZE;
    out_info->seed = index->seed;
    out_info->codebook_fingerprint = index->codebook.fingerprint;
    out_info->slot_count = index->slot_count;
    out_info->live_count = index->live_count;
    out_info->code_bytes_per_row = index->code_bytes_per_row;
    size_t live_words = lodedb_index_live_words(index->block_capacity);
    out_info->memory_bytes =
        sizeof *index + lodedb_rotation_memory_bytes(&index->rotation) +
        index->block_capacity * lodedb_index_block_bytes(index) +
        index->block_capacity * LODEDB_BLOCK_SIZE * sizeof(float) +
        (live_words > 0 ? live_words : 1) * sizeof(uint64_t) +
        (index->sketch != NULL ? index->block_capacity * lodedb_sketch_block_bytes(index) : 0u);
    return LODEDB_OK;
}

/* The start every append shares (lodedb_index_add, _import_rows): clears the error, resets
 * *out_first_slot, checks both pointers; an empty append is done at once (*done = 1) with
 * *out_first_slot = slot_count. */
static lodedb_status start_append(const lodedb_index *index, uint64_t count,
                                  uint64_t *out_first_slot, int *done) {
    lodedb_clear_error();
    if (out_first_slot != NULL) {
        *out_first_slot = LODEDB_NO_SLOT;
    }
    if (index == NULL || out_first_slot == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "index and out_first_slot must not be NULL");
    }
    if (count == 0) {
        *out_first_slot = index->slot_count;
        *done = 1;
    }
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_index_add(lodedb_index *index, const float *vectors, uint64_t count,
                                          uint64_t *out_first_slot) {
    int done = 0;
    lodedb_status started = start_append(index, count, out_first_slot, &done);
    if (started != LODEDB_OK || done) {
        return started;
    }
    if (vectors == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "vectors must not be NULL");
    }
    if (count > SIZE_MAX / sizeof(float) / index->dim) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "count %llu is too large",
                           (unsigned long long)count);
    }
    lodedb_status status = lodedb_validate_vectors(vectors, count, index->dim, "vector", 1);
    if (status != LODEDB_OK) {
        return status;
    }
    double *work = malloc(sizeof(double) * 2u * index->padded_dim);
    uint8_t *row = malloc((size_t)index->code_bytes_per_row);
    if (work == NULL || row == NULL) {
        free(work);
        free(row);
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "out of memory for the encode buffers");
    }
    status = reserve_slots(index, count);
    if (status == LODEDB_OK) {
        uint64_t first = index->slot_count;
        for (uint64_t i = 0; i < count; i++) {
            float scale;
            lodedb_encode_one(index, vectors + i * index->dim, work, row, &scale);
            lodedb_index_write_row(index, first + i, row);
            index->scales[first + i] = scale;
            lodedb_index_set_live(index, first + i, 1);
        }
        index->slot_count += count;
        index->live_count += count;
        *out_first_slot = first;
    }
    free(work);
    free(row);
    return status;
}

static lodedb_status check_slot(const lodedb_index *index, uint64_t slot) {
    if (slot >= index->slot_count) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_RANGE, "slot %llu is beyond the index (%llu slots)",
                           (unsigned long long)slot, (unsigned long long)index->slot_count);
    }
    return LODEDB_OK;
}

static void store_row(struct lodedb_index *index, uint64_t slot, const uint8_t *row, float scale) {
    lodedb_index_write_row(index, slot, row);
    index->scales[slot] = scale;
    if (!lodedb_index_slot_live(index, slot)) {
        lodedb_index_set_live(index, slot, 1);
        index->live_count++;
    }
}

LODEDB_API lodedb_status lodedb_index_replace(lodedb_index *index, uint64_t slot,
                                              const float *vector) {
    lodedb_clear_error();
    if (index == NULL || vector == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "index and vector must not be NULL");
    }
    lodedb_status status = check_slot(index, slot);
    if (status == LODEDB_OK) {
        status = lodedb_validate_vectors(vector, 1, index->dim, "vector", 1);
    }
    if (status != LODEDB_OK) {
        return status;
    }
    double *work = malloc(sizeof(double) * 2u * index->padded_dim);
    uint8_t *row = malloc((size_t)index->code_bytes_per_row);
    if (work == NULL || row == NULL) {
        free(work);
        free(row);
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "out of memory for the encode buffers");
    }
    float scale;
    lodedb_encode_one(index, vector, work, row, &scale);
    store_row(index, slot, row, scale);
    free(work);
    free(row);
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_index_remove(lodedb_index *index, uint64_t slot) {
    lodedb_clear_error();
    if (index == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "index must not be NULL");
    }
    lodedb_status status = check_slot(index, slot);
    if (status != LODEDB_OK) {
        return status;
    }
    if (!lodedb_index_slot_live(index, slot)) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_RANGE, "slot %llu is already removed",
                           (unsigned long long)slot);
    }
    lodedb_index_set_live(index, slot, 0);
    index->live_count--;
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_index_is_live(const lodedb_index *index, uint64_t slot,
                                              int32_t *out_live) {
    lodedb_clear_error();
    if (out_live != NULL) {
        *out_live = 0;
    }
    if (index == NULL || out_live == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "index and out_live must not be NULL");
    }
    lodedb_status status = check_slot(index, slot);
    if (status != LODEDB_OK) {
        return status;
    }
    *out_live = lodedb_index_slot_live(index, slot);
    return LODEDB_OK;
}

/* Shared checks of the row-buffer sizes: count rows need count * code_bytes_per_row bytes
 * and count scales. */
static lodedb_status check_row_buffers(const lodedb_index *index, uint64_t count,
                                       size_t codes_length, size_t scales_length,
                                       lodedb_status mismatch) {
    uint64_t row_bytes = index->code_bytes_per_row;
    if (count > SIZE_MAX / row_bytes || count > SIZE_MAX / sizeof(float)) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "count %llu is too large",
                           (unsigned long long)count);
    }
    if (codes_length != count * row_bytes) {
        return lodedb_fail(mismatch != LODEDB_ERR_DIMENSION_MISMATCH &&
                                   codes_length < count * row_bytes
                               ? LODEDB_ERR_BUFFER_TOO_SMALL
                               : mismatch,
                           "codes_length is %llu; %llu rows of %llu bytes need %llu",
                           (unsigned long long)codes_length, (unsigned long long)count,
                           (unsigned long long)row_bytes, (unsigned long long)(count * row_bytes));
    }
    if (scales_length != count) {
        return lodedb_fail(mismatch != LODEDB_ERR_DIMENSION_MISMATCH && scales_length < count
                               ? LODEDB_ERR_BUFFER_TOO_SMALL
                               : mismatch,
                           "scales_length is %llu; %llu rows need %llu scales",
                           (unsigned long long)scales_length, (unsigned long long)count,
                           (unsigned long long)count);
    }
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_index_export_rows(const lodedb_index *index, uint64_t first_slot,
                                                  uint64_t count, uint8_t *codes,
                                                  size_t codes_length, float *scales,
                                                  size_t scales_length) {
    lodedb_clear_error();
    if (index == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "index must not be NULL");
    }
    if (first_slot > index->slot_count || count > index->slot_count - first_slot) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_RANGE,
                           "slots %llu..%llu+%llu are beyond the index (%llu slots)",
                           (unsigned long long)first_slot, (unsigned long long)first_slot,
                           (unsigned long long)count, (unsigned long long)index->slot_count);
    }
    if (count == 0) {
        return LODEDB_OK;
    }
    if (codes == NULL || scales == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "codes and scales must not be NULL");
    }
    lodedb_status status =
        check_row_buffers(index, count, codes_length, scales_length, LODEDB_ERR_INVALID_ARGUMENT);
    if (status != LODEDB_OK) {
        return status;
    }
    for (uint64_t i = 0; i < count; i++) {
        lodedb_index_read_row(index, first_slot + i, codes + i * index->code_bytes_per_row);
        scales[i] = index->scales[first_slot + i];
    }
    return LODEDB_OK;
}

static lodedb_status check_scales(const float *scales, uint64_t count) {
    for (uint64_t i = 0; i < count; i++) {
        if (!isfinite(scales[i])) {
            return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "scale of row %llu is not finite",
                               (unsigned long long)i);
        }
    }
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_index_import_rows(lodedb_index *index, const uint8_t *codes,
                                                  size_t codes_length, const float *scales,
                                                  size_t scales_length, uint64_t count,
                                                  uint64_t *out_first_slot) {
    int done = 0;
    lodedb_status started = start_append(index, count, out_first_slot, &done);
    if (started != LODEDB_OK || done) {
        return started;
    }
    if (codes == NULL || scales == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "codes and scales must not be NULL");
    }
    lodedb_status status =
        check_row_buffers(index, count, codes_length, scales_length, LODEDB_ERR_DIMENSION_MISMATCH);
    if (status == LODEDB_OK) {
        status = check_scales(scales, count);
    }
    if (status == LODEDB_OK) {
        status = reserve_slots(index, count);
    }
    if (status != LODEDB_OK) {
        return status;
    }
    uint64_t first = index->slot_count;
    for (uint64_t i = 0; i < count; i++) {
        lodedb_index_write_row(index, first + i, codes + i * index->code_bytes_per_row);
        index->scales[first + i] = scales[i];
        lodedb_index_set_live(index, first + i, 1);
    }
    index->slot_count += count;
    index->live_count += count;
    *out_first_slot = first;
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_index_replace_row(lodedb_index *index, uint64_t slot,
                                                  const uint8_t *codes, size_t codes_length,
                                                  float scale) {
    lodedb_clear_error();
    if (index == NULL || codes == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "index and codes must not be NULL");
    }
    lodedb_status status = check_slot(index, slot);
    if (status == LODEDB_OK) {
        status = check_row_buffers(index, 1, codes_length, 1, LODEDB_ERR_DIMENSION_MISMATCH);
    }
    if (status == LODEDB_OK) {
        status = check_scales(&scale, 1);
    }
    if (status != LODEDB_OK) {
        return status;
    }
    store_row(index, slot, codes, scale);
    return LODEDB_OK;
}
