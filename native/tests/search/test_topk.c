/* The bounded top-k heap (src/search/topk.h): for capacities from 1 up and hit counts below,
 * at and far above them, with many equal scores (ties go to the lower slot), in random order,
 * it keeps exactly the best `capacity` hits of a full sort, with the worst of them at the
 * root. */
#include "../turbovec/test_random.h"
#include "search/topk.h"
#include "test_support.h"

static void test_keeps_the_best(void) {
    static const size_t capacities[] = {1, 2, 3, 7, 26, 100};
    static const size_t counts[] = {0, 1, 5, 26, 52, 53, 300, 5000};
    test_rng rng = test_rng_make(99);
    for (size_t c = 0; c < sizeof capacities / sizeof capacities[0]; c++) {
        for (size_t n = 0; n < sizeof counts / sizeof counts[0]; n++) {
            size_t capacity = capacities[c], count = counts[n];
            lodedb_hit *all = malloc(sizeof(lodedb_hit) * (count + 1));
            lodedb_hit *items = malloc(sizeof(lodedb_hit) * capacity);
            REQUIRE(all && items);
            lodedb_topk top = {items, 0, capacity};
            for (size_t i = 0; i < count; i++) {
                /* Scores from a small set: many ties. Slots distinct, in random order. */
                all[i].score = (float)(test_rng_next(&rng) % 17) - 8.0f;
                all[i].slot = i * 7919 % (count * 7919 + 1);
            }
            for (size_t i = count; i > 1; i--) { /* shuffle the arrival order */
                size_t j = (size_t)(test_rng_next(&rng) % i);
                lodedb_hit t = all[i - 1];
                all[i - 1] = all[j];
                all[j] = t;
            }
            for (size_t i = 0; i < count; i++) {
                lodedb_topk_push(&top, all[i].score, all[i].slot);
                CHECK(top.size <= capacity);
            }
            lodedb_hits_sort(all, count);
            size_t want = count < capacity ? count : capacity;
            CHECK(top.size == want);
            if (want > 0) { /* the root is the worst kept hit */
                CHECK(items[0].slot == all[want - 1].slot);
            }
            lodedb_hits_sort(items, top.size);
            int same = top.size == want;
            for (size_t i = 0; same && i < want; i++) {
                same = items[i].slot == all[i].slot && items[i].score == all[i].score;
            }
            if (!same) {
                fprintf(stderr, "capacity %zu, %zu hits: kept set differs\n", capacity, count);
            }
            CHECK(same);
            free(all);
            free(items);
        }
    }
}

int main(void) {
    RUN_TEST(test_keeps_the_best);
    TEST_MAIN_END();
}
