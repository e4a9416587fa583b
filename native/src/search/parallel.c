/* Thread fan-out for the search (see parallel.h). */
#include "search/parallel.h"

#include <stdlib.h>

#if defined(_WIN32)
#include <process.h>
#include <windows.h>
#else
#include <pthread.h>
#endif

typedef struct task_start {
    lodedb_task_fn fn;
    void *context;
    size_t task;
    int started;
#if defined(_WIN32)
    HANDLE handle;
#else
    pthread_t thread;
#endif
} task_start;

#if defined(_WIN32)
static unsigned __stdcall task_entry(void *arg) {
    task_start *start = arg;
    start->fn(start->context, start->task);
    return 0;
}
#else
static void *task_entry(void *arg) {
    task_start *start = arg;
    start->fn(start->context, start->task);
    return NULL;
}
#endif

void lodedb_run_parallel(lodedb_task_fn fn, void *context, size_t count) {
    if (count <= 1) {
        if (count == 1) {
            fn(context, 0);
        }
        return;
    }
    task_start *starts = calloc(count, sizeof *starts);
    if (starts == NULL) {
        for (size_t i = 0; i < count; i++) {
            fn(context, i);
        }
        return;
    }
    for (size_t i = 1; i < count; i++) {
        starts[i].fn = fn;
        starts[i].context = context;
        starts[i].task = i;
#if defined(_WIN32)
        uintptr_t handle = _beginthreadex(NULL, 0, task_entry, &starts[i], 0, NULL);
        starts[i].started = handle != 0;
        starts[i].handle = (HANDLE)handle;
#else
        starts[i].started = pthread_create(&starts[i].thread, NULL, task_entry, &starts[i]) == 0;
#endif
    }
    fn(context, 0);
    for (size_t i = 1; i < count; i++) {
        if (!starts[i].started) {
            fn(context, i);
            continue;
        }
#if defined(_WIN32)
        WaitForSingleObject(starts[i].handle, INFINITE);
        CloseHandle(starts[i].handle);
#else
        pthread_join(starts[i].thread, NULL);
#endif
    }
    free(starts);
}
