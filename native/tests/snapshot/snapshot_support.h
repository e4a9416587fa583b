/* Shared by the snapshot tests (test_snapshot.c, test_snapshot_damage.c): seeded vectors,
 * little-endian field access, CRC repair after an edit, a filled index and its bytes. */
#ifndef LODEDB_TESTS_SNAPSHOT_SUPPORT_H
#define LODEDB_TESTS_SNAPSHOT_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "lodedb/lodedb.h"

/* n floats, each the sum of three uniforms in [-1, 1), from one xorshift stream per process. */
void fill_vectors(float *v, size_t n);

void put_le32(uint8_t *p, uint32_t v);
void put_le64(uint8_t *p, uint64_t v);
uint64_t get_le64(const uint8_t *p);

/* Recompute the header CRC (bytes 56..59 over 0..55) and the body CRC (the last 4 bytes over
 * 60..length-5) after a test edited a field, so only the check under test can object. */
void fix_header_crc(uint8_t *data);
void fix_body_crc(uint8_t *data, size_t length);

/* An index of `count` vectors with every `remove_every`-th slot removed (0: none). */
lodedb_index *make_index(uint32_t dim, uint32_t bits, uint64_t count, uint64_t remove_every);

/* The snapshot bytes of index (malloc'd), or NULL. */
uint8_t *serialize(const lodedb_index *index, size_t *out_length);

#endif
