/*
 * Internal: the in-memory index behind the opaque lodedb_index handle, shared by
 * src/turbovec (encode, slots, rows) and src/search (scan, top-k).
 *
 * Slots live in blocks of LODEDB_BLOCK_SIZE (32) in the kernels' block layout (see
 * scan/scan_kernels.h): `groups` 4-bit group codes per vector, groups * 16 bytes per block.
 * A 4-bit index has one group per padded coordinate; a 2-bit index one group per pair,
 * group code = c[2i] | c[2i+1] << 2. In both cases the canonical row (lodedb.h) is exactly
 * the group codes packed two per byte, low nibble first, which makes row <-> block a nibble
 * copy. Slots past slot_count hold code 0 (the kernels' contract).
 *
 * Storage grows geometrically (capacity doubles, in whole blocks); scales and the live
 * bitmask share the same capacity.
 */
#ifndef LODEDB_TURBOVEC_INDEX_H
#define LODEDB_TURBOVEC_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "lodedb/lodedb.h"
#include "scan/scan_kernels.h"
#include "turbovec/codebook.h"
#include "turbovec/rotation.h"

struct lodedb_index {
    uint32_t dim;
    uint32_t padded_dim;
    uint32_t bits;
    uint32_t groups; /* group codes per vector (= code bytes per row * 2) */
    uint64_t seed;
    uint64_t code_bytes_per_row; /* padded_dim * bits / 8 */
    lodedb_rotation rotation;
    lodedb_codebook_table codebook;
    uint64_t slot_count;
    uint64_t live_count;
    uint64_t block_capacity; /* blocks allocated */
    uint8_t *blocks;         /* block_capacity * groups * 16 bytes */
    float *scales;           /* block_capacity * 32 */
    uint64_t *live;          /* block_capacity / 2 rounded up words; bit set = live */
    int sketch_on;           /* lodedb_index_set_sketch (turbovec/sketch.h) */
    uint8_t *sketch;         /* sketch_on: block_capacity sketch blocks (NULL at capacity 0) */
};

static inline size_t lodedb_index_block_bytes(const struct lodedb_index *index) {
    return (size_t)index->groups * 16u;
}

static inline int lodedb_index_slot_live(const struct lodedb_index *index, uint64_t slot) {
    return (int)((index->live[slot / 64u] >> (slot % 64u)) & 1u);
}

static inline void lodedb_index_set_live(struct lodedb_index *index, uint64_t slot, int live) {
    uint64_t bit = UINT64_C(1) << (slot % 64u);
    if (live) {
        index->live[slot / 64u] |= bit;
    } else {
        index->live[slot / 64u] &= ~bit;
    }
}

/* Words of the live bitmask for block_capacity blocks. */
static inline size_t lodedb_index_live_words(uint64_t block_capacity) {
    return (size_t)((block_capacity * LODEDB_BLOCK_SIZE + 63u) / 64u);
}

/* Group code g of a slot, read from the block layout. */
static inline uint32_t lodedb_index_group_code(const struct lodedb_index *index, uint64_t slot,
                                               uint32_t group) {
    const uint8_t *block =
        index->blocks + (size_t)(slot / LODEDB_BLOCK_SIZE) * lodedb_index_block_bytes(index);
    return lodedb_block_code(block, group, (uint32_t)(slot % LODEDB_BLOCK_SIZE));
}

/* Encodes one vector (already validated: finite, not huge, non-zero) to a canonical row and
 * its scale. work holds 2 * padded_dim doubles. */
void lodedb_encode_one(const struct lodedb_index *index, const float *vector, double *work,
                       uint8_t *row, float *scale);

/* Checks count vectors for NaN/Inf, |x| > 1e20 and (when reject_zero) a zero norm; the
 * message names the row and coordinate, e.g. "vector 3, coordinate 17 is NaN", with `what`
 * ("vector", "query") as the noun. */
lodedb_status lodedb_validate_vectors(const float *vectors, uint64_t count, uint32_t dim,
                                      const char *what, int reject_zero);

/* row_layout.c: group code g of a slot written into the block layout; a canonical row (group
 * codes two per byte, low nibble first) written to or read from a slot's lane. */
void lodedb_index_set_group_code(struct lodedb_index *index, uint64_t slot, uint32_t group,
                                 uint32_t code);
void lodedb_index_write_row(struct lodedb_index *index, uint64_t slot, const uint8_t *row);
void lodedb_index_read_row(const struct lodedb_index *index, uint64_t slot, uint8_t *row);

/* Moves the storage (codes, scales, live bits, sketch) to exactly new_capacity blocks, grow or
 * shrink, copying what fits and zeroing the rest; a failure leaves the index untouched. */
lodedb_status lodedb_index_resize_storage(struct lodedb_index *index, uint64_t new_capacity);

/* Grows the storage to hold at least `slots` slots in total, to exactly that many blocks (no
 * doubling): a snapshot load knows its row count up front, so the loaded index carries no
 * growth slack. Never shrinks. */
lodedb_status lodedb_index_reserve_exact(struct lodedb_index *index, uint64_t slots);

#endif
