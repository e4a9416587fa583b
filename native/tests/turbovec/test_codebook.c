/* Lloyd-Max codebooks: shape, the Gaussian limit, fingerprints, errors. */
#include <math.h>

#include "test_support.h"
#include "turbovec/codebook.h"

static void test_symmetric_ascending(void) {
    static const uint32_t dims[] = {1, 2, 3, 8, 24, 64, 384, 512, 768, 1000, 1536, 4096};
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        for (uint32_t bits = 2; bits <= 4; bits += 2) {
            float c[16];
            uint32_t n = 1u << bits;
            CHECK_OK(lodedb_codebook(dims[d], bits, c, n));
            for (uint32_t i = 0; i < n; i++) {
                CHECK(c[i] == -c[n - 1 - i]);
                CHECK(c[i] >= -1.0f && c[i] <= 1.0f);
                if (i > 0) {
                    CHECK(c[i] > c[i - 1]);
                }
            }
        }
    }
}

/* For large n the marginal tends to N(0, 1/n): sqrt(n) * centroids tend to the Lloyd-Max
 * quantizer of a standard Gaussian (Max 1960): +-0.4528, +-1.510 for 4 levels; the outermost
 * of 16 levels is +-2.733. */
static void test_gaussian_limit(void) {
    float c[16];
    double scale = sqrt(65536.0);
    CHECK_OK(lodedb_codebook(65536, 2, c, 4));
    CHECK(fabs(c[2] * scale - 0.4528) < 2e-3);
    CHECK(fabs(c[3] * scale - 1.510) < 2e-3);
    CHECK_OK(lodedb_codebook(65536, 4, c, 16));
    CHECK(fabs(c[15] * scale - 2.733) < 3e-3);
    CHECK(fabs(c[8] * scale - 0.1284) < 1e-3);
    /* At d = 512 the Beta marginal is close to, and slightly narrower than, the Gaussian. */
    CHECK_OK(lodedb_codebook(512, 4, c, 16));
    CHECK(fabs(c[15] * sqrt(512.0) - 2.733) < 0.03);
}

/* The solver itself on shapes an index never reaches (padded dimensions are >= 8): n = 3 is
 * the uniform law on [-1, 1], whose 4-level Lloyd-Max centroids are +-0.25 and +-0.75; n = 2
 * (arcsine) and n = 1 (treated as n = 2) must still give ordered centroids in [-1, 1]. */
static void test_degenerate_shapes(void) {
    double c[16];
    lodedb_lloyd_max(3, 4, c);
    CHECK(fabs(c[0] + 0.75) < 1e-9 && fabs(c[1] + 0.25) < 1e-9);
    CHECK(fabs(c[2] - 0.25) < 1e-9 && fabs(c[3] - 0.75) < 1e-9);
    for (uint32_t n = 1; n <= 2; n++) {
        lodedb_lloyd_max(n, 16, c);
        for (int i = 1; i < 16; i++) {
            CHECK(c[i] > c[i - 1]);
        }
        CHECK(c[0] >= -1.0 && c[15] <= 1.0);
    }
}

static void test_fingerprint(void) {
    uint64_t a = 0, b = 0, c = 0, d = 0;
    CHECK_OK(lodedb_codebook_fingerprint(512, 4, &a));
    CHECK_OK(lodedb_codebook_fingerprint(512, 4, &b));
    CHECK_OK(lodedb_codebook_fingerprint(512, 2, &c));
    CHECK_OK(lodedb_codebook_fingerprint(768, 4, &d));
    CHECK(a == b);
    CHECK(a != c);
    CHECK(a != d);
    CHECK(a != 0);
}

static void test_errors(void) {
    float c[16];
    uint64_t f = 1;
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_codebook(512, 3, c, 8));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_codebook(0, 4, c, 16));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_codebook(LODEDB_MAX_DIMENSION + 1, 4, c, 16));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_codebook(512, 4, c, 4));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_codebook(512, 4, NULL, 16));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_codebook_fingerprint(512, 1, &f));
    CHECK(f == 0);
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_codebook_fingerprint(512, 4, NULL));
}

int main(void) {
    RUN_TEST(test_symmetric_ascending);
    RUN_TEST(test_gaussian_limit);
    RUN_TEST(test_degenerate_shapes);
    RUN_TEST(test_fingerprint);
    RUN_TEST(test_errors);
    TEST_MAIN_END();
}
