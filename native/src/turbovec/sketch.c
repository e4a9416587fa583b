/* The sign sketch (sketch.h): derivation from the codes, its memory, and turning it on/off. */
#include "turbovec/sketch.h"

#include <string.h>

#include "core/errors.h"
#include "turbovec/block_memory.h"
#include "turbovec/index.h"

size_t lodedb_sketch_block_bytes(const struct lodedb_index *index) {
    return (size_t)lodedb_sketch_groups(index->padded_dim) * 16u;
}

/* Sign bit of padded coordinate i of a slot: the high bit of its code. */
static uint32_t coordinate_sign(const struct lodedb_index *index, uint64_t slot, uint32_t i) {
    if (index->bits == 4) {
        return lodedb_index_group_code(index, slot, i) >> 3;
    }
    uint32_t code = lodedb_index_group_code(index, slot, i / 2u) >> (2u * (i & 1u));
    return (code >> 1) & 1u;
}

void lodedb_sketch_write_slot(struct lodedb_index *index, uint64_t slot) {
    if (index->sketch == NULL) {
        return;
    }
    uint8_t *block = index->sketch + (size_t)(slot / 32u) * lodedb_sketch_block_bytes(index);
    uint32_t lane = (uint32_t)(slot % 32u);
    uint32_t groups = lodedb_sketch_groups(index->padded_dim);
    for (uint32_t h = 0; h < groups; h++) {
        uint32_t nibble = 0;
        for (uint32_t t = 0; t < 4u && 4u * h + t < index->padded_dim; t++) {
            nibble |= coordinate_sign(index, slot, 4u * h + t) << t;
        }
        lodedb_block_set_code(block, h, lane, nibble);
    }
}

uint8_t *lodedb_sketch_regrow(const struct lodedb_index *index, uint64_t new_capacity,
                              int *failed) {
    *failed = 0;
    if (!index->sketch_on || new_capacity == 0) {
        return NULL;
    }
    size_t block_bytes = lodedb_sketch_block_bytes(index);
    if (new_capacity > SIZE_MAX / block_bytes) {
        *failed = 1;
        return NULL;
    }
    uint8_t *sketch = lodedb_block_memory_alloc((size_t)new_capacity * block_bytes);
    if (sketch == NULL) {
        *failed = 1;
        return NULL;
    }
    uint64_t keep = index->block_capacity < new_capacity ? index->block_capacity : new_capacity;
    if (index->sketch != NULL && keep > 0) {
        memcpy(sketch, index->sketch, (size_t)keep * block_bytes);
    }
    return sketch;
}

void lodedb_sketch_free(const struct lodedb_index *index, uint8_t *sketch, uint64_t capacity) {
    if (sketch != NULL) {
        lodedb_block_memory_free(sketch, (size_t)capacity * lodedb_sketch_block_bytes(index));
    }
}

LODEDB_API lodedb_status lodedb_index_set_sketch(lodedb_index *index, int32_t enabled) {
    lodedb_clear_error();
    if (index == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "index must not be NULL");
    }
    if (!enabled) {
        lodedb_sketch_free(index, index->sketch, index->block_capacity);
        index->sketch = NULL;
        index->sketch_on = 0;
        return LODEDB_OK;
    }
    if (index->sketch != NULL || index->block_capacity == 0) {
        /* Already on, or an index without storage yet: resize_storage (lodedb_sketch_regrow)
         * gives it a sketch when it grows. */
        index->sketch_on = 1;
        return LODEDB_OK;
    }
    size_t block_bytes = lodedb_sketch_block_bytes(index);
    if (index->block_capacity > SIZE_MAX / block_bytes) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "the sketch of %llu blocks does not fit",
                           (unsigned long long)index->block_capacity);
    }
    index->sketch = lodedb_block_memory_alloc((size_t)index->block_capacity * block_bytes);
    if (index->sketch == NULL) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "out of memory for the sketch of %llu slots",
                           (unsigned long long)index->slot_count);
    }
    index->sketch_on = 1;
    for (uint64_t slot = 0; slot < index->slot_count; slot++) {
        lodedb_sketch_write_slot(index, slot);
    }
    return LODEDB_OK;
}
