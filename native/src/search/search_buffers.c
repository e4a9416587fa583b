/* The working memory of a search call: one allocation, 64-byte aligned pieces. */
#include "search/search_buffers.h"

#include <stdlib.h>
#include <string.h>

#include "scan/scan_kernels.h"

/* Reserves count * size bytes at a 64-byte aligned offset of *total; 0 on overflow. */
static int reserve(size_t *total, size_t count, size_t size, size_t *offset) {
    size_t start = (*total + 63u) & ~(size_t)63u;
    if (start < *total || (size != 0 && count > (SIZE_MAX - start) / size)) {
        return 0;
    }
    *offset = start;
    *total = start + count * size;
    return 1;
}

int lodedb_search_buffers_alloc(search_buffers *b, const struct lodedb_index *index, size_t parts,
                                size_t candidates, uint32_t chunk_limit, size_t operand,
                                uint32_t doc_bits) {
    memset(b, 0, sizeof *b);
    size_t n = index->padded_dim;
    size_t heap_count = parts * QUERY_CHUNK;
    size_t tables = doc_bits > 0 ? parts * chunk_limit + 1u : 0u;
    size_t table_entries =
        doc_bits > 0 && doc_bits < 8 * sizeof(size_t) ? (size_t)1 << doc_bits : 0u;
    size_t total = 0, o[10];
    if (candidates > SIZE_MAX / (parts * chunk_limit) ||
        (doc_bits > 0 && (table_entries == 0 || tables > SIZE_MAX / table_entries)) ||
        !reserve(&total, parts * chunk_limit * candidates, sizeof(lodedb_hit), &o[0]) ||
        !reserve(&total, heap_count, sizeof(lodedb_topk), &o[1]) ||
        !reserve(&total, heap_count * LODEDB_BLOCK_SIZE, sizeof(int32_t), &o[2]) ||
        !reserve(&total, (size_t)chunk_limit * operand, 1, &o[3]) ||
        !reserve(&total, (size_t)chunk_limit * n, sizeof(double), &o[4]) ||
        !reserve(&total, n, sizeof(double), &o[5]) ||
        !reserve(&total, QUERY_CHUNK, sizeof(double), &o[6]) ||
        !reserve(&total, QUERY_CHUNK, sizeof(double), &o[7]) ||
        !reserve(&total, parts * candidates, sizeof(lodedb_hit), &o[8]) ||
        !reserve(&total, tables * table_entries, sizeof(lodedb_doc_entry), &o[9])) {
        return 0;
    }
    char *m = total <= SIZE_MAX - 63u ? malloc(total + 63u) : NULL;
    if (m == NULL) {
        return 0;
    }
    b->memory = m;
    char *base = m + (64u - (uintptr_t)m % 64u) % 64u;
    b->heap_items = (lodedb_hit *)(void *)(base + o[0]);
    b->heaps = (lodedb_topk *)(void *)(base + o[1]);
    b->acc = (int32_t *)(void *)(base + o[2]);
    b->weights = (int8_t *)(base + o[3]);
    b->q_rot = (double *)(void *)(base + o[4]);
    b->scratch = (double *)(void *)(base + o[5]);
    b->delta = (double *)(void *)(base + o[6]);
    b->bias = (double *)(void *)(base + o[7]);
    b->merged = (lodedb_hit *)(void *)(base + o[8]);
    b->docs = doc_bits > 0 ? (lodedb_doc_entry *)(void *)(base + o[9]) : NULL;
    b->doc_bits = doc_bits;
    return 1;
}

void lodedb_search_buffers_free(search_buffers *b) { free(b->memory); }
