/* Code block memory (see block_memory.h): 2 MiB aligned, THP-advised mappings on Linux. */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE, hidden by _POSIX_C_SOURCE alone */
#endif
#include "turbovec/block_memory.h"

#include <stdint.h>
#include <stdlib.h>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#if defined(__linux__) && defined(MADV_HUGEPAGE) && defined(MAP_ANONYMOUS)
#define LODEDB_BLOCK_MEMORY_HUGE 1
/* The x86-64 and arm64 (4 KiB base page) PMD size: the unit a huge page maps. */
#define HUGE_PAGE_BYTES ((size_t)2 << 20)

/* Both alloc and free pick the path from the size alone, so they always agree. */
static int uses_huge_pages(size_t bytes) {
    return bytes >= HUGE_PAGE_BYTES && bytes <= SIZE_MAX - 2 * HUGE_PAGE_BYTES;
}

static size_t round_up_to_huge_page(size_t bytes) {
    return (bytes + HUGE_PAGE_BYTES - 1) & ~(HUGE_PAGE_BYTES - 1);
}

/* An anonymous mapping one huge page longer than needed, trimmed at both ends so what stays
 * starts on a 2 MiB boundary and is a whole number of huge pages: the kernel can then back
 * every part of it with huge pages. Anonymous pages are zero and are only touched (and
 * counted in RSS) when written, so unused capacity costs nothing. */
static void *map_huge(size_t bytes) {
    size_t length = round_up_to_huge_page(bytes);
    size_t mapped = length + HUGE_PAGE_BYTES;
    void *raw = mmap(NULL, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) {
        return NULL;
    }
    uintptr_t start = (uintptr_t)raw;
    uintptr_t aligned = (start + HUGE_PAGE_BYTES - 1) & ~(uintptr_t)(HUGE_PAGE_BYTES - 1);
    size_t head = (size_t)(aligned - start);
    size_t tail = mapped - head - length;
    if (head > 0) {
        munmap(raw, head);
    }
    if (tail > 0) {
        munmap((void *)(aligned + length), tail);
    }
    /* Best effort: without THP (disabled, old kernel) the memory is still valid 4 KiB pages. */
    (void)madvise((void *)aligned, length, MADV_HUGEPAGE);
    return (void *)aligned;
}
#endif

void *lodedb_block_memory_alloc(size_t bytes) {
#if defined(LODEDB_BLOCK_MEMORY_HUGE)
    if (uses_huge_pages(bytes)) {
        return map_huge(bytes);
    }
#endif
    return calloc(1, bytes);
}

void lodedb_block_memory_free(void *memory, size_t bytes) {
    if (memory == NULL) {
        return;
    }
#if defined(LODEDB_BLOCK_MEMORY_HUGE)
    if (uses_huge_pages(bytes)) {
        munmap(memory, round_up_to_huge_page(bytes));
        return;
    }
#else
    (void)bytes; /* calloc memory everywhere: the size does not matter */
#endif
    free(memory);
}
