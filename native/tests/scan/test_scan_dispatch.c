/* Runtime dispatch: LODEDB_SIMD handling, lodedb_simd_force, names and the kernel tables.
 * Run once plainly and once per LODEDB_SIMD value (see CMakeLists.txt); the expectations are
 * derived from the environment and from lodedb_simd_supported. */
#if !defined(_WIN32)
#include <pthread.h>
#endif

#include "scan/scan_kernels.h"
#include "test_support.h"

static const lodedb_simd all_levels[] = {LODEDB_SIMD_SCALAR, LODEDB_SIMD_AVX2, LODEDB_SIMD_AVX512,
                                         LODEDB_SIMD_NEON};
#define LEVEL_COUNT (sizeof all_levels / sizeof all_levels[0])

static lodedb_simd expected_best(void) {
    const lodedb_simd order[] = {LODEDB_SIMD_AVX512, LODEDB_SIMD_AVX2, LODEDB_SIMD_NEON};
    for (size_t i = 0; i < 3; i++) {
        if (lodedb_simd_supported(order[i])) {
            return order[i];
        }
    }
    return LODEDB_SIMD_SCALAR;
}

static lodedb_simd expected_initial(void) {
    const char *env = getenv("LODEDB_SIMD");
    if (env != NULL) {
        for (size_t i = 0; i < LEVEL_COUNT; i++) {
            const char *name = lodedb_simd_name(all_levels[i]);
            size_t n = strlen(name);
            int same = strlen(env) == n;
            for (size_t c = 0; same && c < n; c++) {
                char x = env[c] >= 'A' && env[c] <= 'Z' ? (char)(env[c] - 'A' + 'a') : env[c];
                same = x == name[c];
            }
            if (same && lodedb_simd_supported(all_levels[i])) {
                return all_levels[i];
            }
        }
    }
    return expected_best();
}

#if !defined(_WIN32)
static void *ask_level(void *out) {
    *(lodedb_simd *)out = lodedb_simd_level();
    return NULL;
}
#endif

/* Must run first: the level is chosen lazily by whichever caller comes first. */
static void first_calls_race_to_one_level(void) {
    lodedb_simd seen[8];
#if !defined(_WIN32)
    pthread_t threads[8];
    for (int i = 0; i < 8; i++) {
        REQUIRE(pthread_create(&threads[i], NULL, ask_level, &seen[i]) == 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
    }
#else
    for (int i = 0; i < 8; i++) {
        seen[i] = lodedb_simd_level();
    }
#endif
    for (int i = 0; i < 8; i++) {
        CHECK(seen[i] == expected_initial());
    }
}

static void environment_picks_the_level(void) {
    const char *env = getenv("LODEDB_SIMD");
    printf("LODEDB_SIMD=%s -> level %s (best supported: %s)\n", env ? env : "(unset)",
           lodedb_simd_name(lodedb_simd_level()), lodedb_simd_name(expected_best()));
    CHECK(lodedb_simd_level() == expected_initial());
    CHECK(lodedb_simd_supported(lodedb_simd_level()) == 1);
    const lodedb_scan_kernels *active = lodedb_scan_kernels_active();
    REQUIRE(active != NULL);
    CHECK(active->level == lodedb_simd_level());
}

static void names_are_stable(void) {
    CHECK(strcmp(lodedb_simd_name(LODEDB_SIMD_SCALAR), "scalar") == 0);
    CHECK(strcmp(lodedb_simd_name(LODEDB_SIMD_AVX2), "avx2") == 0);
    CHECK(strcmp(lodedb_simd_name(LODEDB_SIMD_AVX512), "avx512") == 0);
    CHECK(strcmp(lodedb_simd_name(LODEDB_SIMD_NEON), "neon") == 0);
    CHECK(strcmp(lodedb_simd_name((lodedb_simd)42), "unknown") == 0);
}

static void supported_levels_have_kernels(void) {
    CHECK(lodedb_simd_supported(LODEDB_SIMD_SCALAR) == 1);
    CHECK(lodedb_simd_supported((lodedb_simd)42) == 0);
    CHECK(lodedb_scan_kernels_for((lodedb_simd)42) == NULL);
    printf("supported:");
    for (size_t i = 0; i < LEVEL_COUNT; i++) {
        const lodedb_scan_kernels *k = lodedb_scan_kernels_for(all_levels[i]);
        int supported = lodedb_simd_supported(all_levels[i]);
        CHECK(supported == 0 || supported == 1);
        CHECK((k != NULL) == (supported == 1));
        if (k != NULL) {
            CHECK(k->level == all_levels[i]);
            CHECK(k->accumulate != NULL);
        }
        printf(" %s=%s", lodedb_simd_name(all_levels[i]), supported ? "yes" : "no");
    }
    printf("\n");
#if defined(__x86_64__) || defined(_M_X64)
    CHECK(lodedb_simd_supported(LODEDB_SIMD_NEON) == 0);
#endif
#if defined(__aarch64__)
    CHECK(lodedb_simd_supported(LODEDB_SIMD_NEON) == 1);
    CHECK(lodedb_simd_supported(LODEDB_SIMD_AVX2) == 0);
    CHECK(lodedb_simd_supported(LODEDB_SIMD_AVX512) == 0);
#endif
}

/* A level runs its best variant the CPU has (VNNI+VBMI before plain AVX-512BW, dotprod before
 * plain NEON), and every variant that runs here belongs to a supported level. */
static void levels_pick_their_best_variant(void) {
    static const lodedb_scan_variant best_first[] = {
        LODEDB_SCAN_AVX512VNNI_VBMI, LODEDB_SCAN_AVX512BW, LODEDB_SCAN_AVX2,
        LODEDB_SCAN_NEON_DOTPROD,    LODEDB_SCAN_NEON,     LODEDB_SCAN_SCALAR};
    for (size_t i = 0; i < LEVEL_COUNT; i++) {
        const lodedb_scan_kernels *k = lodedb_scan_kernels_for(all_levels[i]);
        if (k == NULL) {
            continue;
        }
        for (size_t v = 0; v < sizeof best_first / sizeof best_first[0]; v++) {
            const lodedb_scan_kernels *candidate = lodedb_scan_variant_kernels(best_first[v], NULL);
            if (candidate != NULL && candidate->level == all_levels[i]) {
                CHECK(k == candidate);
                printf("%s runs %s\n", lodedb_simd_name(all_levels[i]),
                       lodedb_scan_variant_name(k->variant));
                break;
            }
        }
    }
    for (int v = 0; v < LODEDB_SCAN_VARIANT_COUNT; v++) {
        const char *why = NULL;
        const lodedb_scan_kernels *k = lodedb_scan_variant_kernels((lodedb_scan_variant)v, &why);
        CHECK((k == NULL) == (why != NULL));
        CHECK(lodedb_scan_variant_name((lodedb_scan_variant)v) != NULL);
        if (k != NULL) {
            CHECK((int)k->variant == v);
            CHECK(lodedb_simd_supported(k->level) == 1);
        }
    }
    CHECK(lodedb_scan_variant_name(LODEDB_SCAN_VARIANT_COUNT) == NULL);
}

static void force_switches_or_refuses(void) {
    lodedb_simd original = lodedb_simd_level();
    for (size_t i = 0; i < LEVEL_COUNT; i++) {
        lodedb_simd level = all_levels[i];
        if (lodedb_simd_supported(level)) {
            CHECK_OK(lodedb_simd_force(level));
            CHECK(lodedb_simd_level() == level);
            CHECK(lodedb_scan_kernels_active()->level == level);
        } else {
            lodedb_simd before = lodedb_simd_level();
            CHECK_STATUS(LODEDB_ERR_UNSUPPORTED, lodedb_simd_force(level));
            const char *message = lodedb_last_error_message();
            printf("force %s: %s\n", lodedb_simd_name(level), message);
            CHECK(strstr(message, lodedb_simd_name(level)) != NULL);
            CHECK(lodedb_simd_level() == before);
        }
    }
    CHECK_STATUS(LODEDB_ERR_UNSUPPORTED, lodedb_simd_force((lodedb_simd)42));
    CHECK(strlen(lodedb_last_error_message()) > 0);
    CHECK_OK(lodedb_simd_force(original));
    CHECK(strcmp(lodedb_last_error_message(), "") == 0);
    CHECK(lodedb_simd_level() == original);
}

int main(void) {
    RUN_TEST(first_calls_race_to_one_level);
    RUN_TEST(environment_picks_the_level);
    RUN_TEST(names_are_stable);
    RUN_TEST(supported_levels_have_kernels);
    RUN_TEST(levels_pick_their_best_variant);
    RUN_TEST(force_switches_or_refuses);
    TEST_MAIN_END();
}
