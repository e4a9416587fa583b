/* The bounded top-k heap (src/search/topk.h): for capacities from 1 up and hit counts below,
 * at and far above them, with many equal scores (ties go to the lower slot), in random order,
 * it keeps exactly the best `capacity` hits of a full sort, with the worst of them at the
 * root. The document heap (doc_topk.h) is checked the same way against a sort. */
#include "../turbovec/test_random.h"
#include "search/doc_topk.h"
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
            lodedb_topk top = {.items = items, .capacity = capacity};
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

/* The document heap (src/search/doc_topk.h): hits of few or many documents (numbers from all
 * of uint32, so the table's probe runs wrap and collide), in random order with many ties, keep
 * exactly the best `capacity` documents, each at its best hit, and the table always says
 * where each kept document sits. */
static void test_documents_keep_their_best_hit(void) {
    static const size_t capacities[] = {1, 2, 3, 7, 26, 100};
    static const uint32_t doc_counts[] = {1, 2, 5, 40, 1000};
    test_rng rng = test_rng_make(5);
    for (size_t c = 0; c < sizeof capacities / sizeof capacities[0]; c++) {
        for (size_t d = 0; d < sizeof doc_counts / sizeof doc_counts[0]; d++) {
            size_t capacity = capacities[c], count = 3000;
            uint32_t documents = doc_counts[d];
            uint32_t numbers[1000];
            for (uint32_t i = 0; i < documents; i++) {
                numbers[i] = i == 0 ? UINT32_MAX : (uint32_t)test_rng_next(&rng);
            }
            lodedb_hit *all = malloc(sizeof(lodedb_hit) * count);
            lodedb_hit *items = malloc(sizeof(lodedb_hit) * capacity);
            uint32_t bits = lodedb_doc_table_bits(capacity);
            lodedb_doc_entry *docs = malloc(sizeof(lodedb_doc_entry) << bits);
            REQUIRE(all && items && docs);
            lodedb_doc_table_clear(docs, bits);
            lodedb_topk top = {
                .items = items, .capacity = capacity, .docs = docs, .doc_bits = bits};
            int table_ok = 1;
            for (size_t i = 0; i < count; i++) {
                all[i].score = (float)(test_rng_next(&rng) % 23) - 11.0f;
                all[i].slot = i * 7919 % 30011;
                all[i].doc = numbers[test_rng_next(&rng) % documents];
                lodedb_topk_push_doc(&top, all[i].score, all[i].slot, all[i].doc);
                for (size_t j = 0; j < top.size; j++) {
                    size_t at = lodedb_doc_find(docs, bits, items[j].doc);
                    table_ok &= docs[at].pos == j;
                }
            }
            CHECK(table_ok);
            /* Reference: sort everything, keep each document's first (best) hit. */
            lodedb_hits_sort(all, count);
            size_t kept = 0;
            for (size_t i = 0; i < count; i++) {
                int seen = 0;
                for (size_t j = 0; j < kept && !seen; j++) {
                    seen = all[j].doc == all[i].doc;
                }
                if (!seen) {
                    all[kept++] = all[i];
                }
            }
            size_t want = kept < capacity ? kept : capacity;
            CHECK(top.size == want);
            lodedb_hits_sort(items, top.size);
            int same = top.size == want;
            for (size_t i = 0; same && i < want; i++) {
                same = items[i].slot == all[i].slot && items[i].score == all[i].score &&
                       items[i].doc == all[i].doc;
            }
            if (!same) {
                fprintf(stderr, "capacity %zu, %u documents: kept set differs\n", capacity,
                        documents);
            }
            CHECK(same);
            free(all);
            free(items);
            free(docs);
        }
    }
}

int main(void) {
    RUN_TEST(test_keeps_the_best);
    RUN_TEST(test_documents_keep_their_best_hit);
    TEST_MAIN_END();
}
