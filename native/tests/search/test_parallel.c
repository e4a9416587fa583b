/* The worker pool (src/search/parallel.c): every task runs exactly once per call for task
 * counts from 0 past the pool's worker cap, over many calls in a row (a lost wake-up or a
 * task handed out twice shows here), and from several threads calling at once (one holds the
 * pool, the others run on their own threads); and searches from several threads at once, each
 * with several search threads, return exactly the one-thread result. */
#include <stdatomic.h>
#if !defined(_WIN32)
#include <pthread.h>
#endif

#include "search/parallel.h"
#include "search_reference.h"
#include "test_support.h"

#define MAX_TASKS (LODEDB_POOL_MAX_WORKERS + 40)

typedef struct counts {
    atomic_int runs[MAX_TASKS];
} counts;

static void count_task(void *context, size_t task) {
    counts *c = context;
    atomic_fetch_add(&c->runs[task], 1);
}

static int each_ran_once(counts *c, size_t count) {
    int ok = 1;
    for (size_t i = 0; i < MAX_TASKS; i++) {
        ok &= atomic_load(&c->runs[i]) == (i < count ? 1 : 0);
        atomic_store(&c->runs[i], 0);
    }
    return ok;
}

static void test_every_task_once(void) {
    static counts c;
    for (int round = 0; round < 200; round++) {
        size_t count = (size_t)(round * 7 % MAX_TASKS);
        lodedb_run_parallel(count_task, &c, count);
        CHECK(each_ran_once(&c, count));
    }
}

#if !defined(_WIN32)
static void *caller(void *arg) {
    counts *c = arg;
    int ok = 1;
    for (int round = 0; round < 100; round++) {
        size_t count = (size_t)(2 + round % 9);
        lodedb_run_parallel(count_task, c, count);
        ok &= each_ran_once(c, count);
    }
    return ok ? c : NULL;
}

static void test_concurrent_callers(void) {
    static counts c[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        REQUIRE(pthread_create(&threads[i], NULL, caller, &c[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        void *result = NULL;
        pthread_join(threads[i], &result);
        CHECK(result == &c[i]);
    }
}

typedef struct search_job {
    const lodedb_index *index;
    const float *queries;
    uint64_t query_count;
    uint32_t threads;
    const results *expected;
    int ok;
} search_job;

static void *search_caller(void *arg) {
    search_job *job = arg;
    job->ok = 1;
    for (int round = 0; round < 20; round++) {
        results r = results_new(job->query_count, 10);
        job->ok &= lodedb_index_search(job->index, job->queries, job->query_count, 10, NULL, 0,
                                       job->threads, r.slots, r.scores, r.counts) == LODEDB_OK;
        job->ok &= results_equal(&r, job->expected, job->query_count, 10);
        results_free(&r);
    }
    return NULL;
}

static void test_concurrent_searches(void) {
    uint32_t dim = 96;
    uint64_t n = 4000, qn = 5;
    lodedb_index *index = make_filled(dim, 4, n, 5, NULL);
    REQUIRE(index != NULL);
    float *queries = malloc(sizeof(float) * dim * qn);
    test_rng rng = test_rng_make(6);
    test_unit_vectors(&rng, queries, qn, dim);
    results expected = results_new(qn, 10);
    CHECK_OK(lodedb_index_search(index, queries, qn, 10, NULL, 0, 1, expected.slots,
                                 expected.scores, expected.counts));
    search_job jobs[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (search_job){index, queries, qn, (uint32_t)(2 + i), &expected, 0};
        REQUIRE(pthread_create(&threads[i], NULL, search_caller, &jobs[i]) == 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        CHECK(jobs[i].ok);
    }
    results_free(&expected);
    free(queries);
    lodedb_index_free(index);
}
#endif

int main(void) {
    RUN_TEST(test_every_task_once);
#if !defined(_WIN32)
    RUN_TEST(test_concurrent_callers);
    RUN_TEST(test_concurrent_searches);
#endif
    TEST_MAIN_END();
}
