/*
 * The working memory of one search call (search.c), carved from one allocation: a search
 * used to make nine, a measurable part of a query on a small index.
 */
#ifndef LODEDB_SEARCH_SEARCH_BUFFERS_H
#define LODEDB_SEARCH_SEARCH_BUFFERS_H

#include <stddef.h>
#include <stdint.h>

#include "search/topk.h"
#include "turbovec/index.h"

/* Queries scanned together: a block's codes (24 KiB at d = 1536 4-bit) stay in L1/L2 while
 * they are reused for each of them; their weights are groups * terms bytes each. */
#define QUERY_CHUNK 16

typedef struct search_buffers {
    void *memory;
    lodedb_hit *heap_items; /* parts * chunk_limit * candidates */
    lodedb_topk *heaps;     /* parts * QUERY_CHUNK */
    int32_t *acc;           /* parts * QUERY_CHUNK * 32 */
    int8_t *weights;        /* chunk_limit * operand: weights or group tables */
    double *q_rot;          /* chunk_limit * padded_dim */
    double *scratch;        /* padded_dim */
    double *delta;          /* QUERY_CHUNK */
    double *bias;           /* QUERY_CHUNK */
    lodedb_hit *merged;     /* parts * candidates */
    /* Document searches only (doc_bits > 0): one table of 2^doc_bits entries per heap
     * (parts * chunk_limit of them), then one for the merge of the parts. */
    lodedb_doc_entry *docs;
    uint32_t doc_bits;
} search_buffers;

/* 0 when the sizes overflow or memory is short (b is then safe to free). operand: bytes of
 * one query's scan operand (its weights or group tables). doc_bits: 0 for a plain search, else
 * log2 of each document table's entries. */
int lodedb_search_buffers_alloc(search_buffers *b, const struct lodedb_index *index, size_t parts,
                                size_t candidates, uint32_t chunk_limit, size_t operand,
                                uint32_t doc_bits);

void lodedb_search_buffers_free(search_buffers *b);

#endif
