/*
 * Runs a few tasks on several threads: a persistent pool of worker threads (pthreads on POSIX,
 * Win32 threads under _WIN32: the mingw-w64 build must link without winpthreads), started on
 * first use and kept for the life of the process, so a parallel search no longer pays for
 * creating threads. The calling thread takes tasks too. Which thread runs a task never matters
 * to the caller (each task writes its own part), so results never depend on the pool: while
 * another call holds the pool, or when a worker cannot be started, the tasks run on threads
 * made for that call or on the calling thread instead.
 */
#ifndef LODEDB_SEARCH_PARALLEL_H
#define LODEDB_SEARCH_PARALLEL_H

#include <stddef.h>

typedef void (*lodedb_task_fn)(void *context, size_t task);

/* Runs fn(context, i) for i in 0..count-1 and returns when all are done. count <= 1 runs
 * inline without touching any other thread. */
void lodedb_run_parallel(lodedb_task_fn fn, void *context, size_t count);

/* Most worker threads the pool keeps (a call with more tasks shares them out). */
#define LODEDB_POOL_MAX_WORKERS 64

#endif
