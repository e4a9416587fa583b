/* Library-wide entry points: versions, status names, the thread-local last error. */
#include "core/errors.h"
#include "test_support.h"

static void abi_version_matches_header(void) {
    CHECK(lodedb_abi_version() == LODEDB_ABI_VERSION);
    CHECK(strlen(lodedb_version()) > 0);
}

static void status_names_are_stable(void) {
    CHECK(strcmp(lodedb_status_name(LODEDB_OK), "LODEDB_OK") == 0);
    CHECK(strcmp(lodedb_status_name(LODEDB_ERR_CORRUPT), "LODEDB_ERR_CORRUPT") == 0);
    CHECK(strcmp(lodedb_status_name((lodedb_status)999), "LODEDB_STATUS_UNKNOWN") == 0);
}

static void last_error_keeps_the_message_and_clears(void) {
    lodedb_clear_error();
    CHECK(strcmp(lodedb_last_error_message(), "") == 0);
    CHECK(lodedb_fail(LODEDB_ERR_IO, "cannot open %s", "x.wal") == LODEDB_ERR_IO);
    CHECK(strcmp(lodedb_last_error_message(), "cannot open x.wal") == 0);
    lodedb_clear_error();
    CHECK(strcmp(lodedb_last_error_message(), "") == 0);
}

static void long_messages_are_cut_not_overflowed(void) {
    char big[4096];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    lodedb_fail(LODEDB_ERR_IO, "%s", big);
    size_t n = strlen(lodedb_last_error_message());
    CHECK(n > 0 && n < sizeof big - 1);
}

int main(void) {
    RUN_TEST(abi_version_matches_header);
    RUN_TEST(status_names_are_stable);
    RUN_TEST(last_error_keeps_the_message_and_clears);
    RUN_TEST(long_messages_are_cut_not_overflowed);
    TEST_MAIN_END();
}
