/*
 * The bounded top-k of a document search: the heap of topk.h, keeping at most one hit per
 * document (the slot -> document map of lodedb_index_search_documents), so a document whose
 * chunks crowd the top of the ranking still takes one place and k distinct documents come out
 * of one scan.
 *
 * A document is represented by its best hit in the order of topk.h (higher score, then lower
 * slot), and documents are ranked by that hit. Kept set, for any arrival order: the best
 * `capacity` documents by their best hit. Why: a document's best hit h is turned away only
 * when `capacity` other documents already hold hits better than h, and an entry is evicted
 * only by a better hit of another document, so none of the best documents is ever lost; an
 * entry of a kept document is replaced only by a better hit of the same document. That makes
 * split scans merge exactly (merge_documents in search.c) and lets the scan's block and lane
 * rejects stay as they are: a hit below the heap's minimum can neither enter nor improve an
 * entry (every entry is at least the minimum).
 *
 * Where each kept document sits in the heap is in an open-addressing table (linear probing,
 * at most half full, Fibonacci hashing of the document number); heap moves update it.
 */
#ifndef LODEDB_SEARCH_DOC_TOPK_H
#define LODEDB_SEARCH_DOC_TOPK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "search/topk.h"

#define LODEDB_DOC_EMPTY UINT32_MAX

/* log2 of the table size for a heap of `capacity`: the smallest power of two >= 2 * capacity. */
static inline uint32_t lodedb_doc_table_bits(size_t capacity) {
    uint32_t bits = 1;
    while (((size_t)1 << bits) < 2 * capacity) {
        bits++;
    }
    return bits;
}

/* Empties the table of a heap (doc_bits and docs set by the caller). */
static inline void lodedb_doc_table_clear(lodedb_doc_entry *docs, uint32_t bits) {
    memset(docs, 0xFF, sizeof(lodedb_doc_entry) << bits); /* pos = LODEDB_DOC_EMPTY */
}

static inline size_t lodedb_doc_home(uint32_t doc, uint32_t bits) {
    return (size_t)(((uint64_t)doc * UINT64_C(0x9E3779B97F4A7C15)) >> (64u - bits));
}

/* The table entry holding doc, or the free entry where it would go. */
static inline size_t lodedb_doc_find(const lodedb_doc_entry *docs, uint32_t bits, uint32_t doc) {
    size_t mask = ((size_t)1 << bits) - 1u;
    size_t i = lodedb_doc_home(doc, bits);
    while (docs[i].pos != LODEDB_DOC_EMPTY && docs[i].doc != doc) {
        i = (i + 1u) & mask;
    }
    return i;
}

/* Adds doc to a set kept in a table (the merge of split scans); 1 when it was not there. */
static inline int lodedb_doc_set_add(lodedb_doc_entry *docs, uint32_t bits, uint32_t doc) {
    size_t i = lodedb_doc_find(docs, bits, doc);
    if (docs[i].pos != LODEDB_DOC_EMPTY) {
        return 0;
    }
    docs[i].doc = doc;
    docs[i].pos = 0;
    return 1;
}

/* Removes entry i, shifting later entries of its probe run back (no tombstones). */
static inline void lodedb_doc_erase(lodedb_doc_entry *docs, uint32_t bits, size_t i) {
    size_t mask = ((size_t)1 << bits) - 1u;
    size_t j = i;
    for (;;) {
        j = (j + 1u) & mask;
        if (docs[j].pos == LODEDB_DOC_EMPTY) {
            break;
        }
        size_t home = lodedb_doc_home(docs[j].doc, bits);
        /* Entry j may fill the hole at i unless its home lies cyclically in (i, j]. */
        int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            docs[i] = docs[j];
            i = j;
        }
    }
    docs[i].pos = LODEDB_DOC_EMPTY;
}

/* Puts hit at heap position i and records where its document now is. */
static inline void lodedb_doc_place(lodedb_topk *heap, size_t i, lodedb_hit hit) {
    heap->items[i] = hit;
    heap->docs[lodedb_doc_find(heap->docs, heap->doc_bits, hit.doc)].pos = (uint32_t)i;
}

static inline void lodedb_doc_sift_down(lodedb_topk *heap, size_t i) {
    lodedb_hit *h = heap->items;
    size_t n = heap->size;
    lodedb_hit moving = h[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= n) {
            break;
        }
        if (child + 1 < n && lodedb_hit_better(h[child], h[child + 1])) {
            child++; /* the worse child */
        }
        if (!lodedb_hit_better(moving, h[child])) {
            break;
        }
        lodedb_doc_place(heap, i, h[child]);
        i = child;
    }
    lodedb_doc_place(heap, i, moving);
}

/* Offers one hit of document doc (capacity at most LODEDB_DOC_EMPTY: positions fit). */
static inline void lodedb_topk_push_doc(lodedb_topk *heap, float score, uint64_t slot,
                                        uint32_t doc) {
    lodedb_hit hit = {.score = score, .doc = doc, .slot = slot};
    size_t at = lodedb_doc_find(heap->docs, heap->doc_bits, doc);
    uint32_t pos = heap->docs[at].pos;
    if (pos != LODEDB_DOC_EMPTY) {
        /* Kept already: a better hit moves away from the root (the worst), like a sift down. */
        if (lodedb_hit_better(hit, heap->items[pos])) {
            heap->items[pos] = hit;
            lodedb_doc_sift_down(heap, pos);
        }
        return;
    }
    if (heap->size < heap->capacity) {
        /* The new entry's position is set by the last place below; until then no other
         * document's probe run passes through it (it was free). */
        heap->docs[at].doc = doc;
        size_t i = heap->size++;
        while (i > 0) {
            size_t parent = (i - 1) / 2;
            if (!lodedb_hit_better(heap->items[parent], hit)) {
                break;
            }
            lodedb_doc_place(heap, i, heap->items[parent]);
            i = parent;
        }
        lodedb_doc_place(heap, i, hit);
    } else if (heap->capacity > 0 && lodedb_hit_better(hit, heap->items[0])) {
        lodedb_doc_erase(heap->docs, heap->doc_bits,
                         lodedb_doc_find(heap->docs, heap->doc_bits, heap->items[0].doc));
        at = lodedb_doc_find(heap->docs, heap->doc_bits, doc); /* the erase may shift entries */
        heap->docs[at].doc = doc;
        heap->items[0] = hit;
        heap->docs[at].pos = 0;
        lodedb_doc_sift_down(heap, 0);
    }
}

#endif
