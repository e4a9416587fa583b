/* Checks of the storage benchmark's data set code (storage_dataset.c): the generator is
 * deterministic and gives unit vectors, the exact top-k is the true top-k, and .fvecs / .ivecs
 * files round-trip and reject damaged files. Files go to the test's working folder. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage_dataset.h"

static int failures = 0;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                        \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fprintf(stderr, "\n");                                                                 \
        }                                                                                          \
    } while (0)

enum { DIM = 64, COUNT = 300, QUERIES = 20 };

static double dot(const float *a, const float *b) {
    double s = 0.0;
    for (int j = 0; j < DIM; j++) {
        s += (double)a[j] * b[j];
    }
    return s;
}

int main(void) {
    static float base[COUNT * DIM], queries[QUERIES * DIM];
    static float base2[COUNT * DIM], queries2[QUERIES * DIM];
    storage_dataset_params p = {DIM, COUNT, QUERIES, 42};
    storage_generate(&p, base, queries);
    storage_generate(&p, base2, queries2);
    CHECK(memcmp(base, base2, sizeof base) == 0 && memcmp(queries, queries2, sizeof queries) == 0,
          "the same seed must give the same vectors");
    p.seed = 43;
    storage_generate(&p, base2, queries2);
    CHECK(memcmp(base, base2, sizeof base) != 0, "another seed must give other vectors");

    for (int i = 0; i < COUNT; i++) {
        double norm = sqrt(dot(base + i * DIM, base + i * DIM));
        CHECK(fabs(norm - 1.0) < 1e-5, "vector %d has norm %f", i, norm);
    }

    static int32_t truth[QUERIES * STORAGE_K];
    storage_exact_topk(base, COUNT, queries, QUERIES, DIM, STORAGE_K, truth);
    for (int q = 0; q < QUERIES; q++) {
        const int32_t *ids = truth + q * STORAGE_K;
        double last = dot(queries + q * DIM, base + ids[STORAGE_K - 1] * DIM);
        for (int i = 0; i < STORAGE_K; i++) {
            CHECK(ids[i] >= 0 && ids[i] < COUNT, "query %d: id %d out of range", q, ids[i]);
            for (int j = 0; j < i; j++) {
                CHECK(ids[i] != ids[j], "query %d: id %d twice", q, ids[i]);
            }
            if (i > 0) {
                double prev = dot(queries + q * DIM, base + ids[i - 1] * DIM);
                double here = dot(queries + q * DIM, base + ids[i] * DIM);
                CHECK(prev >= here - 1e-5, "query %d: rank %d scores above rank %d", q, i, i - 1);
            }
        }
        int outside_better = 0;
        for (int r = 0; r < COUNT; r++) {
            int in = 0;
            for (int i = 0; i < STORAGE_K; i++) {
                in |= ids[i] == r;
            }
            if (!in && dot(queries + q * DIM, base + r * DIM) > last + 1e-5) {
                outside_better++;
            }
        }
        CHECK(outside_better == 0, "query %d: %d vectors outside the top-k score higher", q,
              outside_better);
    }

    const char *fvecs = "test_storage_dataset.fvecs", *ivecs = "test_storage_dataset.ivecs";
    CHECK(storage_write_fvecs(fvecs, base, COUNT, DIM) == 0, "write fvecs");
    CHECK(storage_write_ivecs(ivecs, truth, QUERIES, STORAGE_K) == 0, "write ivecs");
    float *read_back = NULL;
    int32_t *truth_back = NULL;
    uint64_t count = 0;
    uint32_t width = 0;
    CHECK(storage_read_fvecs(fvecs, &read_back, &count, &width) == 0 && count == COUNT &&
              width == DIM && memcmp(read_back, base, sizeof base) == 0,
          "fvecs round trip");
    CHECK(storage_read_ivecs(ivecs, &truth_back, &count, &width) == 0 && count == QUERIES &&
              width == STORAGE_K && memcmp(truth_back, truth, sizeof truth) == 0,
          "ivecs round trip");
    free(read_back);
    free(truth_back);

    /* A truncated file (half a row missing) must be refused. */
    FILE *f = fopen(fvecs, "wb");
    int32_t header = DIM;
    if (f != NULL) {
        fwrite(&header, 4, 1, f);
        fwrite(base, 4, DIM, f);
        fwrite(&header, 4, 1, f);
        fwrite(base, 4, DIM / 2, f);
        fclose(f);
    }
    read_back = NULL;
    CHECK(storage_read_fvecs(fvecs, &read_back, &count, &width) != 0 && read_back == NULL,
          "a truncated fvecs file must be refused");
    remove(fvecs);
    remove(ivecs);

    if (failures == 0) {
        printf("test_storage_dataset: all checks passed\n");
    }
    return failures == 0 ? 0 : 1;
}
