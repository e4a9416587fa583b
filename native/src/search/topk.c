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

void lodedb_hits_sort(lodedb_hit *hits, size_t count) {
    if (count > 1) {
        qsort(hits, count, sizeof *hits, compare_hits);
    }
}
