/* Thread fan-out for the search: a persistent worker pool (see parallel.h). */
#include "search/parallel.h"

#include <stdlib.h>

#if defined(_WIN32)
#include <process.h>
#include <windows.h>
typedef SRWLOCK pool_mutex;
typedef CONDITION_VARIABLE pool_cond;
#define POOL_MUTEX_INIT SRWLOCK_INIT
#define POOL_COND_INIT CONDITION_VARIABLE_INIT
static void pool_lock(pool_mutex *m) { AcquireSRWLockExclusive(m); }
static void pool_unlock(pool_mutex *m) { ReleaseSRWLockExclusive(m); }
static void pool_wait(pool_cond *c, pool_mutex *m) { SleepConditionVariableSRW(c, m, INFINITE, 0); }
static void pool_broadcast(pool_cond *c) { WakeAllConditionVariable(c); }
static unsigned long pool_process_id(void) { return GetCurrentProcessId(); }
#else
#include <pthread.h>
#include <unistd.h>
typedef pthread_mutex_t pool_mutex;
typedef pthread_cond_t pool_cond;
#define POOL_MUTEX_INIT PTHREAD_MUTEX_INITIALIZER
#define POOL_COND_INIT PTHREAD_COND_INITIALIZER
static void pool_lock(pool_mutex *m) { pthread_mutex_lock(m); }
static void pool_unlock(pool_mutex *m) { pthread_mutex_unlock(m); }
static void pool_wait(pool_cond *c, pool_mutex *m) { pthread_cond_wait(c, m); }
static void pool_broadcast(pool_cond *c) { pthread_cond_broadcast(c); }
static unsigned long pool_process_id(void) { return (unsigned long)getpid(); }
#endif

/* All fields are guarded by `lock`. A job is (fn, context, count); tasks are handed out one at
 * a time under the lock (tasks are coarse: at least 16 blocks of codes each), and a worker
 * only takes tasks of the job whose generation it woke for, so a late worker can never run a
 * task of the next job with the previous job's function. */
static struct {
    pool_mutex lock;
    pool_cond work_ready;
    pool_cond work_done;
    size_t workers;      /* started and waiting for work */
    unsigned long owner; /* process that started them (a fork()ed child has none) */
    int busy;            /* a call is using the pool */
    unsigned long long generation;
    lodedb_task_fn fn;
    void *context;
    size_t count;
    size_t next;     /* next task to hand out */
    size_t finished; /* tasks done */
} pool = {POOL_MUTEX_INIT, POOL_COND_INIT, POOL_COND_INIT, 0, 0, 0, 0, NULL, NULL, 0, 0, 0};

/* Runs tasks of job `generation` until none are left; called and returns with the lock held. */
static void take_tasks(unsigned long long generation) {
    while (pool.generation == generation && pool.next < pool.count) {
        size_t task = pool.next++;
        lodedb_task_fn fn = pool.fn;
        void *context = pool.context;
        pool_unlock(&pool.lock);
        fn(context, task);
        pool_lock(&pool.lock);
        if (++pool.finished == pool.count) {
            pool_broadcast(&pool.work_done);
        }
    }
}

static void worker_loop(void) {
    pool_lock(&pool.lock);
    /* A worker started by a call joins that call's job (started under the lock, it gets the
     * lock only after the job is posted). */
    unsigned long long seen = pool.generation;
    if (pool.busy) {
        take_tasks(seen);
    }
    for (;;) {
        while (pool.generation == seen) {
            pool_wait(&pool.work_ready, &pool.lock);
        }
        seen = pool.generation;
        take_tasks(seen);
    }
}

#if defined(_WIN32)
static unsigned __stdcall worker_entry(void *arg) {
    (void)arg;
    worker_loop();
    return 0;
}
static int start_worker(void) {
    uintptr_t handle = _beginthreadex(NULL, 0, worker_entry, NULL, 0, NULL);
    if (handle == 0) {
        return 0;
    }
    CloseHandle((HANDLE)handle); /* detached: workers live as long as the process */
    return 1;
}
#else
static void *worker_entry(void *arg) {
    (void)arg;
    worker_loop();
    return NULL;
}
static int start_worker(void) {
    pthread_t thread;
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) {
        return 0;
    }
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    int ok = pthread_create(&thread, &attr, worker_entry, NULL) == 0;
    pthread_attr_destroy(&attr);
    return ok;
}
#endif

/* ---- one-off threads, for calls made while another call holds the pool -------------------- */

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

static void run_on_new_threads(lodedb_task_fn fn, void *context, size_t count) {
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

void lodedb_run_parallel(lodedb_task_fn fn, void *context, size_t count) {
    if (count <= 1) {
        if (count == 1) {
            fn(context, 0);
        }
        return;
    }
    pool_lock(&pool.lock);
    if (pool.busy) {
        pool_unlock(&pool.lock);
        run_on_new_threads(fn, context, count);
        return;
    }
    pool.busy = 1;
    if (pool.owner != pool_process_id()) {
        pool.workers = 0; /* a fork()ed child: the parent's workers are not here */
        pool.owner = pool_process_id();
    }
    size_t wanted = count - 1 < LODEDB_POOL_MAX_WORKERS ? count - 1 : LODEDB_POOL_MAX_WORKERS;
    while (pool.workers < wanted && start_worker()) {
        pool.workers++;
    }
    pool.fn = fn;
    pool.context = context;
    pool.count = count;
    pool.next = 0;
    pool.finished = 0;
    unsigned long long generation = ++pool.generation;
    pool_broadcast(&pool.work_ready);
    take_tasks(generation); /* the calling thread works too */
    while (pool.finished < pool.count) {
        pool_wait(&pool.work_done, &pool.lock);
    }
    pool.fn = NULL;
    pool.context = NULL;
    pool.busy = 0;
    pool_unlock(&pool.lock);
}
