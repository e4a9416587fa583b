/* Canonical rows <-> the SIMD block layout of the index (index.h): the nibble copies every
 * path that puts codes into a slot or takes them out goes through (a whole row also refreshes
 * the slot's sign sketch; set_group_code callers do that themselves, once per slot). */
#include "turbovec/index.h"
#include "turbovec/sketch.h"

void lodedb_index_set_group_code(struct lodedb_index *index, uint64_t slot, uint32_t group,
                                 uint32_t code) {
    uint8_t *block =
        index->blocks + (size_t)(slot / LODEDB_BLOCK_SIZE) * lodedb_index_block_bytes(index);
    lodedb_block_set_code(block, group, (uint32_t)(slot % LODEDB_BLOCK_SIZE), code);
}

/* Canonical row -> block layout. The row is the group codes two per byte, low nibble first
 * (for 2 bits, coordinates 4i..4i+3 in byte i are groups 2i and 2i+1). */
void lodedb_index_write_row(struct lodedb_index *index, uint64_t slot, const uint8_t *row) {
    uint8_t *block =
        index->blocks + (size_t)(slot / LODEDB_BLOCK_SIZE) * lodedb_index_block_bytes(index);
    uint32_t lane = (uint32_t)(slot % LODEDB_BLOCK_SIZE);
    uint32_t shift = lane < 16u ? 0u : 4u;
    uint8_t keep = lane < 16u ? 0xF0u : 0x0Fu;
    for (uint32_t i = 0; i < index->groups / 2u; i++) {
        uint32_t lo = row[i] & 0x0Fu;
        uint32_t hi = (uint32_t)row[i] >> 4;
        uint8_t *even = block + lodedb_block_byte(2u * i, lane);
        uint8_t *odd = even + 1; /* groups 2i and 2i + 1 share a step: adjacent bytes */
        *even = (uint8_t)((*even & keep) | (lo << shift));
        *odd = (uint8_t)((*odd & keep) | (hi << shift));
    }
    lodedb_sketch_write_slot(index, slot);
}

void lodedb_index_read_row(const struct lodedb_index *index, uint64_t slot, uint8_t *row) {
    const uint8_t *block =
        index->blocks + (size_t)(slot / LODEDB_BLOCK_SIZE) * lodedb_index_block_bytes(index);
    uint32_t lane = (uint32_t)(slot % LODEDB_BLOCK_SIZE);
    uint32_t shift = lane < 16u ? 0u : 4u;
    for (uint32_t i = 0; i < index->groups / 2u; i++) {
        const uint8_t *even = block + lodedb_block_byte(2u * i, lane);
        uint32_t lo = (uint32_t)(even[0] >> shift) & 0x0Fu;
        uint32_t hi = (uint32_t)(even[1] >> shift) & 0x0Fu;
        row[i] = (uint8_t)(lo | (hi << 4));
    }
}
