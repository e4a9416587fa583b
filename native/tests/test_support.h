/* A tiny test harness: each test file is one executable registered with CTest. A failed
 * CHECK prints file:line and the expression, and the executable exits non-zero. */
#ifndef LODEDB_TEST_SUPPORT_H
#define LODEDB_TEST_SUPPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lodedb/lodedb.h"

static int lodedb_test_failures = 0;

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        if (!(expr)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #expr);               \
            lodedb_test_failures++;                                                                \
        }                                                                                          \
    } while (0)

/* Checks a status and prints the library's message when it is not the expected one. */
#define CHECK_STATUS(expected, call)                                                               \
    do {                                                                                           \
        lodedb_status check_status_ = (call);                                                      \
        if (check_status_ != (expected)) {                                                         \
            fprintf(stderr, "%s:%d: %s returned %s, expected %s (%s)\n", __FILE__, __LINE__,       \
                    #call, lodedb_status_name(check_status_), lodedb_status_name(expected),        \
                    lodedb_last_error_message());                                                  \
            lodedb_test_failures++;                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_OK(call) CHECK_STATUS(LODEDB_OK, call)

/* Stops the current test function after a failure that makes the rest meaningless. */
#define REQUIRE(expr)                                                                              \
    do {                                                                                           \
        if (!(expr)) {                                                                             \
            fprintf(stderr, "%s:%d: REQUIRE failed: %s\n", __FILE__, __LINE__, #expr);             \
            lodedb_test_failures++;                                                                \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define RUN_TEST(fn)                                                                               \
    do {                                                                                           \
        int before_ = lodedb_test_failures;                                                        \
        fn();                                                                                      \
        printf("%s %s\n", lodedb_test_failures == before_ ? "ok  " : "FAIL", #fn);                 \
    } while (0)

#define TEST_MAIN_END() return lodedb_test_failures == 0 ? EXIT_SUCCESS : EXIT_FAILURE

#endif
