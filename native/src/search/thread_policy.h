/*
 * How many threads (parts) a search splits its blocks into: the one owner of that rule (the
 * managed layer passes the user's cap, or LODEDB_THREADS_AUTO, and nothing else).
 */
#ifndef LODEDB_SEARCH_THREAD_POLICY_H
#define LODEDB_SEARCH_THREAD_POLICY_H

#include <stddef.h>
#include <stdint.h>

/* Blocks of 32 slots each thread gets at least: handing a task to a pool worker (a wake-up,
 * parallel.c) costs microseconds, about what a few blocks take to scan. */
#define LODEDB_MIN_BLOCKS_PER_THREAD 16

/* LODEDB_THREADS_AUTO: threads only from this many slots on, and at most this many threads.
 * These are the values the managed layer used before the rule moved here, carried over, not
 * re-measured: its reason was that a split pays for itself only on a large index (below, the
 * pool hand-offs cost about what they save); the cap of 8 has no recorded measurement. */
#define LODEDB_AUTO_MIN_SLOTS 65536
#define LODEDB_AUTO_MAX_THREADS 8

/* Parts for a search of slot_count slots (block_count blocks) asked to use `threads`. */
size_t lodedb_search_parts(uint32_t threads, uint64_t slot_count, uint64_t block_count);

/* Online CPUs this process may run on (its affinity mask where the system has one); >= 1. */
uint32_t lodedb_cpu_count(void);

#endif
