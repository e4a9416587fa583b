/*
 * Memory for an index's code blocks. The scan streams this array, and a large one spans
 * thousands of 4 KiB pages: on Linux it is mapped 2 MiB aligned and madvised for transparent
 * huge pages, which cuts the TLB misses of a scan (measured 8-25% faster on a 12.8 MB index
 * where THP is `madvise`). Elsewhere, and below 2 MiB, it is plain calloc memory.
 */
#ifndef LODEDB_TURBOVEC_BLOCK_MEMORY_H
#define LODEDB_TURBOVEC_BLOCK_MEMORY_H

#include <stddef.h>

/* Zeroed memory of `bytes` bytes, or NULL on failure (0 bytes may also give NULL, as calloc
 * may). Only lodedb_block_memory_free releases it. */
void *lodedb_block_memory_alloc(size_t bytes);

/* Releases memory from lodedb_block_memory_alloc; `bytes` must be the size it was asked for
 * (the size picks how it was allocated). NULL is a no-op. */
void lodedb_block_memory_free(void *memory, size_t bytes);

#endif
