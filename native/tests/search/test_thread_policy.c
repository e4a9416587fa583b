/* The thread rule of a search (src/search/thread_policy.h, lodedb_index_search_threads):
 * 0 and 1 stay on the calling thread, an explicit count is a cap (at most LODEDB_MAX_THREADS),
 * LODEDB_THREADS_AUTO uses threads only on large indexes and at most 8, and no thread gets
 * fewer than 16 blocks. A search with LODEDB_THREADS_AUTO returns what one thread returns. */
#include "search/thread_policy.h"
#include "search_reference.h"
#include "test_support.h"

static void test_rule(void) {
    uint32_t cpus = lodedb_cpu_count();
    uint32_t auto_threads = cpus < 8 ? cpus : 8;
    CHECK(cpus >= 1);
    CHECK(lodedb_search_parts(0, 1u << 20, 1u << 15) == 1);
    CHECK(lodedb_search_parts(1, 1u << 20, 1u << 15) == 1);
    CHECK(lodedb_search_parts(5, 1u << 20, 1u << 15) == 5);
    CHECK(lodedb_search_parts(1000, 1u << 20, 1u << 15) == LODEDB_MAX_THREADS);
    CHECK(lodedb_search_parts(LODEDB_MAX_THREADS + 1, 1u << 20, 1u << 15) == LODEDB_MAX_THREADS);
    /* 19 blocks: two threads at most (16 blocks each at least). */
    CHECK(lodedb_search_parts(8, 600, 19) == 2);
    CHECK(lodedb_search_parts(8, 0, 0) == 1);
    CHECK(lodedb_search_parts(LODEDB_THREADS_AUTO, 65535, 2048) == 1);
    CHECK(lodedb_search_parts(LODEDB_THREADS_AUTO, 65536, 2048) == auto_threads);
    CHECK(lodedb_search_parts(LODEDB_THREADS_AUTO, UINT64_C(1) << 30, UINT64_C(1) << 25) ==
          auto_threads);
    printf("cpus %u, automatic threads on a large index %u\n", cpus, auto_threads);
}

static void test_public_count(void) {
    CHECK(lodedb_index_search_threads(NULL, 8) == 1);
    lodedb_index *index = make_filled(16, 4, 1000, 3, NULL); /* 32 blocks */
    REQUIRE(index != NULL);
    CHECK(lodedb_index_search_threads(index, 0) == 1);
    CHECK(lodedb_index_search_threads(index, 1) == 1);
    CHECK(lodedb_index_search_threads(index, 8) == 2);
    CHECK(lodedb_index_search_threads(index, LODEDB_THREADS_AUTO) == 1);
    lodedb_index_free(index);
}

static void test_auto_returns_the_one_thread_result(void) {
    uint32_t dim = 32;
    uint64_t n = 70000; /* above the automatic threshold */
    uint32_t k = 10;
    lodedb_index *index = make_filled(dim, 2, n, 9, NULL);
    REQUIRE(index != NULL);
    float q[32 * 3];
    test_rng rng = test_rng_make(4);
    test_unit_vectors(&rng, q, 3, dim);
    results one = results_new(3, k);
    results automatic = results_new(3, k);
    CHECK_OK(lodedb_index_search(index, q, 3, k, NULL, 0, 1, one.slots, one.scores, one.counts));
    CHECK_OK(lodedb_index_search(index, q, 3, k, NULL, 0, LODEDB_THREADS_AUTO, automatic.slots,
                                 automatic.scores, automatic.counts));
    CHECK(results_equal(&one, &automatic, 3, k));
    results_free(&one);
    results_free(&automatic);
    lodedb_index_free(index);
}

int main(void) {
    RUN_TEST(test_rule);
    RUN_TEST(test_public_count);
    RUN_TEST(test_auto_returns_the_one_thread_result);
    TEST_MAIN_END();
}
