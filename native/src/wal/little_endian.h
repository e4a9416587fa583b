/* Internal: explicit little-endian loads and stores for every on-disk integer, so the formats
 * do not depend on the host byte order or on the alignment of the bytes. */
#ifndef LODEDB_WAL_LITTLE_ENDIAN_H
#define LODEDB_WAL_LITTLE_ENDIAN_H

#include <stdint.h>
#include <string.h>

static inline uint16_t lodedb_load_le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static inline uint32_t lodedb_load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t lodedb_load_le64(const uint8_t *p) {
    return (uint64_t)lodedb_load_le32(p) | ((uint64_t)lodedb_load_le32(p + 4) << 32);
}

static inline void lodedb_store_le16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void lodedb_store_le32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void lodedb_store_le64(uint8_t *p, uint64_t v) {
    lodedb_store_le32(p, (uint32_t)v);
    lodedb_store_le32(p + 4, (uint32_t)(v >> 32));
}

/* IEEE-754 binary32 through its bit pattern (every platform we target uses IEEE floats). */
static inline float lodedb_load_le_f32(const uint8_t *p) {
    uint32_t bits = lodedb_load_le32(p);
    float v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

static inline void lodedb_store_le_f32(uint8_t *p, float v) {
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    lodedb_store_le32(p, bits);
}

#endif
