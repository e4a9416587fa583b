/* Sorting of hits, best first. */
#include "search/topk.h"

#include <stdlib.h>

static int compare_hits(const void *a, const void *b) {
    lodedb_hit x = *(const lodedb_hit *)a;
    lodedb_hit y = *(const lodedb_hit *)b;
    if (lodedb_hit_better(x, y)) {
        return -1;
    }
    if (lodedb_hit_better(y, x)) {
        return 1;
    }
    return 0;
}

/* Below this many hits an inlined insertion sort beats qsort's call per comparison (a search
 * sorts its k + 16 candidates twice per query). The order is total, so both give the same
 * result. */
#define INSERTION_SORT_MAX 64

void lodedb_hits_sort(lodedb_hit *hits, size_t count) {
    if (count <= INSERTION_SORT_MAX) {
        for (size_t i = 1; i < count; i++) {
            lodedb_hit moving = hits[i];
            size_t j = i;
            while (j > 0 && lodedb_hit_better(moving, hits[j - 1])) {
                hits[j] = hits[j - 1];
                j--;
            }
            hits[j] = moving;
        }
        return;
    }
    qsort(hits, count, sizeof *hits, compare_hits);
}
