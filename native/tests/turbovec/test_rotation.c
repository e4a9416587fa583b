/* The seeded rotation: isometry, determinism, seeds, padding, errors, golden bytes. */
#include <math.h>

#include "test_random.h"
#include "test_support.h"

#define GOLDEN_SEED UINT64_C(0x10DEDB)

static double norm_of(const float *v, uint32_t n) {
    double s = 0.0;
    for (uint32_t i = 0; i < n; i++) {
        s += (double)v[i] * v[i];
    }
    return sqrt(s);
}

static void test_padded_dim(void) {
    CHECK(lodedb_padded_dim(0) == 0);
    CHECK(lodedb_padded_dim(1) == 8);
    CHECK(lodedb_padded_dim(8) == 8);
    CHECK(lodedb_padded_dim(9) == 16);
    CHECK(lodedb_padded_dim(1000) == 1000);
    CHECK(lodedb_padded_dim(1001) == 1008);
    CHECK(lodedb_padded_dim(LODEDB_MAX_DIMENSION) == LODEDB_MAX_DIMENSION);
    CHECK(lodedb_padded_dim(LODEDB_MAX_DIMENSION + 1) == 0);
}

static void test_isometry_and_determinism(void) {
    static const uint32_t dims[] = {1, 3, 8, 24, 64, 100, 384, 512, 768, 1000, 1536};
    test_rng rng = test_rng_make(42);
    for (size_t d = 0; d < sizeof dims / sizeof dims[0]; d++) {
        uint32_t dim = dims[d];
        uint32_t padded = lodedb_padded_dim(dim);
        float *in = malloc(sizeof(float) * dim);
        float *a = malloc(sizeof(float) * padded);
        float *b = malloc(sizeof(float) * padded);
        float *c = malloc(sizeof(float) * padded);
        REQUIRE(in && a && b && c);
        for (uint32_t j = 0; j < dim; j++) {
            in[j] = (float)(test_rng_gaussian(&rng) * 3.0);
        }
        CHECK_OK(lodedb_rotate(dim, 7, in, a, padded));
        CHECK_OK(lodedb_rotate(dim, 7, in, b, padded));
        CHECK_OK(lodedb_rotate(dim, 8, in, c, padded));
        double n_in = norm_of(in, dim);
        CHECK(fabs(norm_of(a, padded) - n_in) <= 1e-5 * n_in);
        CHECK(memcmp(a, b, sizeof(float) * padded) == 0);
        CHECK(memcmp(a, c, sizeof(float) * padded) != 0);
        free(in);
        free(a);
        free(b);
        free(c);
    }
}

/* Rotating a basis vector spreads it: a rotation that left coordinates in place would fail. */
static void test_mixes_coordinates(void) {
    float in[512] = {0};
    float out[512];
    in[5] = 1.0f;
    CHECK_OK(lodedb_rotate(512, GOLDEN_SEED, in, out, 512));
    float largest = 0.0f;
    for (int i = 0; i < 512; i++) {
        largest = fabsf(out[i]) > largest ? fabsf(out[i]) : largest;
    }
    CHECK(largest < 0.2f);
}

static void test_errors(void) {
    float in[16] = {0};
    float out[16];
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_rotate(0, 1, in, out, 16));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT,
                 lodedb_rotate(LODEDB_MAX_DIMENSION + 1, 1, in, out, 16));
    CHECK_STATUS(LODEDB_ERR_INVALID_ARGUMENT, lodedb_rotate(8, 1, NULL, out, 16));
    CHECK_STATUS(LODEDB_ERR_BUFFER_TOO_SMALL, lodedb_rotate(9, 1, in, out, 15));
    in[3] = NAN;
    CHECK_STATUS(LODEDB_ERR_INVALID_VECTOR, lodedb_rotate(8, 1, in, out, 16));
    CHECK(strstr(lodedb_last_error_message(), "coordinate 3") != NULL);
}

/* Pins what reaches disk: the codebook, the rotation stream and the encoded row of
 * (d = 512, bits = 4, seed = 0x10DEDB). A change here breaks every stored index. */
static void test_golden(void) {
    static const uint32_t golden_centroid_bits[16] = {
        0xBDF65358u, 0xBDBABD4Eu, 0xBD922310u, 0xBD630484u, 0xBD2A5808u, 0xBCED7CCBu,
        0xBC8C5661u, 0xBBB9BF2Fu, 0x3BB9BF2Fu, 0x3C8C5661u, 0x3CED7CCBu, 0x3D2A5808u,
        0x3D630484u, 0x3D922310u, 0x3DBABD4Eu, 0x3DF65358u};
    const uint64_t golden_rotation_hash = UINT64_C(0xE37345001BE382CF);
    const uint64_t golden_row_hash = UINT64_C(0x82D576C4D2C4ADD1);
    const uint64_t golden_fingerprint = UINT64_C(0x2197900F355A374B);
    const uint32_t golden_scale_bits = 0x415583A9u;

    float centroids[16];
    CHECK_OK(lodedb_codebook(512, 4, centroids, 16));
    uint32_t bits[16];
    memcpy(bits, centroids, sizeof bits);
    printf("centroids:");
    for (int i = 0; i < 16; i++) {
        printf(" 0x%08Xu,", bits[i]);
    }
    printf("\n");
    CHECK(memcmp(bits, golden_centroid_bits, sizeof bits) == 0);

    float in[512];
    float out[512];
    for (int i = 0; i < 512; i++) {
        in[i] = (float)((i * 37) % 101 - 50) / 50.0f;
    }
    CHECK_OK(lodedb_rotate(512, GOLDEN_SEED, in, out, 512));
    uint64_t rotation_hash = test_fnv1a(out, sizeof out);
    printf("rotation hash: 0x%016llX\n", (unsigned long long)rotation_hash);
    CHECK(rotation_hash == golden_rotation_hash);

    uint64_t fingerprint = 0;
    CHECK_OK(lodedb_codebook_fingerprint(512, 4, &fingerprint));
    printf("fingerprint: 0x%016llX\n", (unsigned long long)fingerprint);
    CHECK(fingerprint == golden_fingerprint);

    lodedb_index *index = NULL;
    CHECK_OK(lodedb_index_create(512, 4, GOLDEN_SEED, &index));
    REQUIRE(index != NULL);
    uint8_t row[256];
    float scale = 0.0f;
    CHECK_OK(lodedb_encode(index, in, 1, row, sizeof row, &scale, 1));
    uint64_t row_hash = test_fnv1a(row, sizeof row);
    uint32_t scale_bits;
    memcpy(&scale_bits, &scale, sizeof scale_bits);
    printf("row hash: 0x%016llX scale bits: 0x%08Xu\n", (unsigned long long)row_hash, scale_bits);
    CHECK(row_hash == golden_row_hash);
    CHECK(scale_bits == golden_scale_bits);
    lodedb_index_free(index);
}

int main(void) {
    RUN_TEST(test_padded_dim);
    RUN_TEST(test_isometry_and_determinism);
    RUN_TEST(test_mixes_coordinates);
    RUN_TEST(test_errors);
    RUN_TEST(test_golden);
    TEST_MAIN_END();
}
