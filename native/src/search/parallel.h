/*
 * Runs a few tasks on caller-requested threads: pthreads on POSIX, Win32 threads under
 * _WIN32 (the mingw-w64 build must link without winpthreads). Task 0 runs on the calling
 * thread; a thread that fails to start has its task run on the calling thread instead, so
 * results never depend on whether threads could be created.
 */
#ifndef LODEDB_SEARCH_PARALLEL_H
#define LODEDB_SEARCH_PARALLEL_H

#include <stddef.h>

typedef void (*lodedb_task_fn)(void *context, size_t task);

/* Runs fn(context, i) for i in 0..count-1 and returns when all are done. count <= 1 runs
 * inline without creating any thread. */
void lodedb_run_parallel(lodedb_task_fn fn, void *context, size_t count);

#endif
