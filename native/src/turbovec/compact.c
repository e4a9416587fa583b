/* lodedb_index_compact: drops removed slots, moving the live ones down in order. */
#include <string.h>

#include "core/errors.h"
#include "turbovec/index.h"
#include "turbovec/sketch.h"

LODEDB_API lodedb_status lodedb_index_compact(lodedb_index *index, uint64_t *old_to_new,
                                              uint64_t old_slot_count) {
    lodedb_clear_error();
    if (index == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "index must not be NULL");
    }
    if (old_slot_count != index->slot_count) {
        return lodedb_fail(
            LODEDB_ERR_INVALID_ARGUMENT, "old_slot_count is %llu but the index has %llu slots",
            (unsigned long long)old_slot_count, (unsigned long long)index->slot_count);
    }
    if (old_to_new == NULL && old_slot_count > 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "old_to_new must not be NULL");
    }
    uint64_t next = 0;
    for (uint64_t old = 0; old < index->slot_count; old++) {
        if (!lodedb_index_slot_live(index, old)) {
            old_to_new[old] = LODEDB_NO_SLOT;
            continue;
        }
        old_to_new[old] = next;
        if (next != old) {
            /* next < old and slots move in increasing order, so nothing is overwritten
             * before it has been read. */
            for (uint32_t g = 0; g < index->groups; g++) {
                lodedb_index_set_group_code(index, next, g, lodedb_index_group_code(index, old, g));
            }
            lodedb_sketch_write_slot(index, next);
            index->scales[next] = index->scales[old];
        }
        next++;
    }
    /* Restore the invariants: slots >= next are not live and hold code 0. */
    uint64_t used_blocks = (index->slot_count + LODEDB_BLOCK_SIZE - 1) / LODEDB_BLOCK_SIZE;
    uint64_t kept_blocks = (next + LODEDB_BLOCK_SIZE - 1) / LODEDB_BLOCK_SIZE;
    for (uint64_t slot = next; slot < kept_blocks * LODEDB_BLOCK_SIZE; slot++) {
        for (uint32_t g = 0; g < index->groups; g++) {
            lodedb_index_set_group_code(index, slot, g, 0);
        }
        lodedb_sketch_write_slot(index, slot);
        index->scales[slot] = 0.0f;
    }
    if (used_blocks > kept_blocks) {
        size_t block_bytes = lodedb_index_block_bytes(index);
        memset(index->blocks + (size_t)kept_blocks * block_bytes, 0,
               (size_t)(used_blocks - kept_blocks) * block_bytes);
        if (index->sketch != NULL) {
            size_t sketch_bytes = lodedb_sketch_block_bytes(index);
            memset(index->sketch + (size_t)kept_blocks * sketch_bytes, 0,
                   (size_t)(used_blocks - kept_blocks) * sketch_bytes);
        }
        memset(index->scales + kept_blocks * LODEDB_BLOCK_SIZE, 0,
               (size_t)(used_blocks - kept_blocks) * LODEDB_BLOCK_SIZE * sizeof(float));
    }
    memset(index->live, 0, lodedb_index_live_words(index->block_capacity) * sizeof(uint64_t));
    for (uint64_t slot = 0; slot < next; slot++) {
        lodedb_index_set_live(index, slot, 1);
    }
    index->slot_count = next;
    index->live_count = next;
    /* Give memory back when most of it is now unused; a failed shrink changes nothing. */
    if (index->block_capacity > 2u * kept_blocks + 4u) {
        lodedb_status shrink = lodedb_index_resize_storage(index, kept_blocks);
        (void)shrink;
        lodedb_clear_error();
    }
    return LODEDB_OK;
}
