/*
 * A bounded top-k: a binary min-heap of (score, slot) whose root is the worst kept entry.
 * Order: higher score is better; on equal scores the lower slot is better. That order is
 * total, so the kept set does not depend on the order entries arrive in, which is what makes
 * split scans (threads) merge back to exactly the single-thread result.
 */
#ifndef LODEDB_SEARCH_TOPK_H
#define LODEDB_SEARCH_TOPK_H

#include <stddef.h>
#include <stdint.h>

typedef struct lodedb_hit {
    float score;
    uint32_t doc; /* the slot's document in a document search (doc_topk.h), else unused */
    uint64_t slot;
} lodedb_hit;

/* One entry of a document heap's table (doc_topk.h): a document and its heap position. */
typedef struct lodedb_doc_entry {
    uint32_t doc;
    uint32_t pos; /* LODEDB_DOC_EMPTY: a free entry */
} lodedb_doc_entry;

typedef struct lodedb_topk {
    lodedb_hit *items;
    size_t size;
    size_t capacity;
    /* Only for a document heap (doc_topk.h): 2^doc_bits entries, where each kept document is. */
    lodedb_doc_entry *docs;
    uint32_t doc_bits;
} lodedb_topk;

/* 1 when a ranks before b. */
static inline int lodedb_hit_better(lodedb_hit a, lodedb_hit b) {
    return a.score > b.score || (a.score == b.score && a.slot < b.slot);
}

static inline void lodedb_topk_sift_down(lodedb_topk *heap, size_t i) {
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
        h[i] = h[child];
        i = child;
    }
    h[i] = moving;
}

static inline void lodedb_topk_push(lodedb_topk *heap, float score, uint64_t slot) {
    lodedb_hit hit = {.score = score, .slot = slot};
    if (heap->size < heap->capacity) {
        size_t i = heap->size++;
        while (i > 0) {
            size_t parent = (i - 1) / 2;
            if (!lodedb_hit_better(heap->items[parent], hit)) {
                break;
            }
            heap->items[i] = heap->items[parent];
            i = parent;
        }
        heap->items[i] = hit;
    } else if (heap->capacity > 0 && lodedb_hit_better(hit, heap->items[0])) {
        heap->items[0] = hit;
        lodedb_topk_sift_down(heap, 0);
    }
}

/* Sorts hits best first (ties by lower slot). */
void lodedb_hits_sort(lodedb_hit *hits, size_t count);

#endif
