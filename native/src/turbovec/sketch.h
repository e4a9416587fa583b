/*
 * The sign sketch: one bit per padded coordinate, the sign of its TurboQuant code (the high
 * bit of a code: the codebooks are ascending and symmetric, so codes count/2.. are the
 * positive centroids). Derived from the codes in memory, never stored, and only kept when a
 * caller enables it (lodedb_index_set_sketch): it costs padded_dim / 8 bytes per slot.
 *
 * Why: a search that re-scores its candidates elsewhere (the int8 sidecar) only needs the
 * candidates, and a 1-bit scan reads a quarter (4-bit) or half (2-bit) of the code bytes. On
 * the CLIP-like 100,000 x 512 set, 50 candidates by sign re-scored exactly already reach
 * recall@10 0.993, 100 reach 0.9997 (docs/benchmarks/storage.md).
 *
 * Layout: the kernels' block layout (scan/scan_kernels.h) with sketch_groups 4-bit groups per
 * slot: group h holds the signs of coordinates 4h..4h+3 (bit t = coordinate 4h + t; groups
 * past padded_dim / 4, which pad the count to a multiple of 4, are 0). It is scanned with
 * accumulate_tables and per-query group tables (search/sketch_tables.h).
 * Invariant while enabled: every slot's sketch is derived from its current codes (slots past
 * slot_count hold code 0 and sketch 0).
 */
#ifndef LODEDB_TURBOVEC_SKETCH_H
#define LODEDB_TURBOVEC_SKETCH_H

#include <stddef.h>
#include <stdint.h>

struct lodedb_index;

/* Sketch groups of an index of padded_dim coordinates: padded_dim / 4 rounded up to 4. */
static inline uint32_t lodedb_sketch_groups(uint32_t padded_dim) {
    return (padded_dim / 4u + 3u) / 4u * 4u;
}

/* Bytes of one sketch block of 32 slots. */
size_t lodedb_sketch_block_bytes(const struct lodedb_index *index);

/* Re-derives one slot's sketch from its codes; nothing when the sketch is off. */
void lodedb_sketch_write_slot(struct lodedb_index *index, uint64_t slot);

/* For resize_storage: a new zeroed sketch array of new_capacity blocks holding the first
 * min(block_capacity, new_capacity) blocks of the current one; NULL when the sketch is off or
 * new_capacity is 0 (then *failed = 0) or memory is short (*failed = 1). */
uint8_t *lodedb_sketch_regrow(const struct lodedb_index *index, uint64_t new_capacity, int *failed);

/* Releases a sketch array of `capacity` blocks of this index (NULL: nothing). */
void lodedb_sketch_free(const struct lodedb_index *index, uint8_t *sketch, uint64_t capacity);

#endif
