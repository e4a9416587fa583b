/* Helpers shared by the snapshot tests (snapshot_support.h). */
#include "snapshot_support.h"

#include <stdio.h>
#include <stdlib.h>

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static float next_uniform(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (float)((double)(rng >> 11) / 9007199254740992.0) * 2.0f - 1.0f;
}

void fill_vectors(float *v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        v[i] = next_uniform() + next_uniform() + next_uniform();
    }
}

void put_le32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

void put_le64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

uint64_t get_le64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    return v;
}

void fix_header_crc(uint8_t *data) { put_le32(data + 56, lodedb_crc32c(0, data, 56)); }

void fix_body_crc(uint8_t *data, size_t length) {
    put_le32(data + length - 4, lodedb_crc32c(0, data + 60, length - 64));
}

/* An index of `count` vectors with every `remove_every`-th slot removed (0: none). */
lodedb_index *make_index(uint32_t dim, uint32_t bits, uint64_t count, uint64_t remove_every) {
    lodedb_index *index = NULL;
    if (lodedb_index_create(dim, bits, 1234567u + dim, &index) != LODEDB_OK) {
        fprintf(stderr, "create: %s\n", lodedb_last_error_message());
        return NULL;
    }
    if (count > 0) {
        float *v = malloc(sizeof(float) * dim * count);
        fill_vectors(v, (size_t)dim * count);
        uint64_t first = 0;
        if (lodedb_index_add(index, v, count, &first) != LODEDB_OK) {
            fprintf(stderr, "add: %s\n", lodedb_last_error_message());
        }
        free(v);
    }
    for (uint64_t s = 0; remove_every != 0 && s < count; s += remove_every) {
        lodedb_index_remove(index, s);
    }
    return index;
}

uint8_t *serialize(const lodedb_index *index, size_t *out_length) {
    size_t n = 0;
    if (lodedb_index_serialize(index, NULL, 0, &n) != LODEDB_OK) {
        return NULL;
    }
    uint8_t *data = malloc(n);
    if (lodedb_index_serialize(index, data, n, out_length) != LODEDB_OK || *out_length != n) {
        free(data);
        return NULL;
    }
    return data;
}
