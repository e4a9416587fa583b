/*
 * Code block memory: zeroed, writable and freeable at every size; on Linux a large block is
 * 2 MiB aligned, costs no RSS until written, is unmapped whole when freed, and (argument
 * "thp") is madvised for transparent huge pages. The "thp" run exits 77 (skipped) where THP cannot
 * be checked: not Linux, no /sys/kernel/mm/transparent_hugepage/enabled, THP set to never or off
 * for this process, no THPeligible in smaps, or "thp emulated" (CMake says the tests run under an
 * emulator).
 */
#if defined(__linux__) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */
#endif
#include <stdint.h>

#include "test_support.h"
#include "turbovec/block_memory.h"

#if defined(__linux__)
#include <sys/mman.h>
#include <sys/prctl.h>
#endif

#define MIB ((size_t)1 << 20)
#define SKIPPED 77

#if defined(__linux__) && defined(MADV_HUGEPAGE)
#define HUGE_PATH 1
#endif

static int all_zero(const uint8_t *bytes, size_t length) {
    for (size_t i = 0; i < length; i++) {
        if (bytes[i] != 0) {
            return 0;
        }
    }
    return 1;
}

static void test_zeroed_writable_freeable(void) {
    static const size_t sizes[] = {1, 100, 4096, 2 * MIB - 1, 2 * MIB, 2 * MIB + 1, 5 * MIB + 123};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        size_t bytes = sizes[i];
        uint8_t *memory = lodedb_block_memory_alloc(bytes);
        REQUIRE(memory != NULL);
        CHECK(all_zero(memory, bytes));
        for (size_t b = 0; b < bytes; b++) {
            memory[b] = (uint8_t)(b * 7u + 1u);
        }
        int intact = 1;
        for (size_t b = 0; b < bytes; b++) {
            intact &= memory[b] == (uint8_t)(b * 7u + 1u);
        }
        CHECK(intact);
        lodedb_block_memory_free(memory, bytes);
    }
    lodedb_block_memory_free(NULL, 0);
    lodedb_block_memory_free(NULL, 8 * MIB);
}

/* Repeated alloc/free of the same large size: a wrong munmap length would leak address space
 * or unmap a neighbour, and the second pass would see non-zero or missing memory. */
static void test_reuse_after_free(void) {
    for (int pass = 0; pass < 64; pass++) {
        size_t bytes = 3 * MIB + (size_t)pass * 4097u;
        uint8_t *memory = lodedb_block_memory_alloc(bytes);
        REQUIRE(memory != NULL);
        CHECK(memory[0] == 0 && memory[bytes / 2] == 0 && memory[bytes - 1] == 0);
        memory[0] = memory[bytes / 2] = memory[bytes - 1] = 0xAB;
        lodedb_block_memory_free(memory, bytes);
    }
}

#if defined(HUGE_PATH)
/* The /proc/self/smaps entry of the mapping holding address `at`: copies the value after
 * `field` (e.g. "THPeligible:") to out. 1 when found, 0 when the mapping or field is not. */
static int smaps_field(uintptr_t at, const char *field, char *out, size_t out_size) {
    FILE *smaps = fopen("/proc/self/smaps", "r");
    if (smaps == NULL) {
        return 0;
    }
    int inside = 0, found = 0;
    size_t field_length = strlen(field);
    char line[512];
    while (!found && fgets(line, sizeof line, smaps) != NULL) {
        unsigned long long start, end;
        int consumed = 0;
        /* A mapping's header: "start-end perms ..."; field lines never parse as two numbers. */
        if (sscanf(line, "%llx-%llx %n", &start, &end, &consumed) == 2 && consumed > 0) {
            inside = at >= start && at < end;
        } else if (inside && strncmp(line, field, field_length) == 0) {
            const char *value = line + field_length;
            while (*value == ' ' || *value == '\t') {
                value++;
            }
            snprintf(out, out_size, "%s", value);
            out[strcspn(out, "\n")] = '\0';
            found = 1;
        }
    }
    fclose(smaps);
    return found;
}

/* A large block starts on a 2 MiB boundary, spare capacity is not resident (only what is
 * written counts in RSS: no memset of the whole block), and freeing unmaps all of it, up to
 * the end of its last whole huge page. */
static void test_large_block_aligned_lazy_unmapped(void) {
    size_t bytes = 64 * MIB + 12345;
    uint8_t *memory = lodedb_block_memory_alloc(bytes);
    REQUIRE(memory != NULL);
    uintptr_t start = (uintptr_t)memory;
    CHECK(start % (2 * MIB) == 0);
    memory[0] = 1;
    char rss[64];
    CHECK(smaps_field(start, "Rss:", rss, sizeof rss));
    unsigned long long rss_kb = strtoull(rss, NULL, 10);
    if (rss_kb > 4096) {
        fprintf(stderr, "a 64 MiB block with one byte written has Rss %llu kB\n", rss_kb);
    }
    CHECK(rss_kb <= 4096); /* one huge page at most, with slack */
    lodedb_block_memory_free(memory, bytes);
    char size[64];
    CHECK(!smaps_field(start, "Size:", size, sizeof size));
    CHECK(!smaps_field(start + 66 * MIB - 1, "Size:", size, sizeof size));
}

/* 0 when THP is usable here, else SKIPPED after printing why. */
static int thp_available(void) {
    FILE *enabled = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (enabled == NULL) {
        printf("skipped: no /sys/kernel/mm/transparent_hugepage/enabled (kernel without THP)\n");
        return SKIPPED;
    }
    char mode[128] = "";
    char *line = fgets(mode, sizeof mode, enabled);
    fclose(enabled);
    if (line == NULL || strstr(mode, "[never]") != NULL) {
        printf("skipped: transparent huge pages are disabled here (%s)\n",
               line == NULL ? "unreadable" : "[never]");
        return SKIPPED;
    }
#if defined(PR_GET_THP_DISABLE)
    if (prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1) {
        printf("skipped: THP is disabled for this process (prctl PR_SET_THP_DISABLE)\n");
        return SKIPPED;
    }
#endif
    return 0;
}

/* THP run: the large block's mapping is marked for huge pages (VmFlags "hg", set only by
 * madvise(MADV_HUGEPAGE)) and the kernel reports it eligible (THPeligible: 1). */
static int run_thp(void) {
    if (thp_available() != 0) {
        return SKIPPED;
    }
    size_t bytes = 16 * MIB;
    uint8_t *memory = lodedb_block_memory_alloc(bytes);
    if (memory == NULL) {
        fprintf(stderr, "allocating %zu bytes failed\n", bytes);
        return EXIT_FAILURE;
    }
    memory[0] = 1;
    char eligible[64], flags[256];
    int has_eligible = smaps_field((uintptr_t)memory, "THPeligible:", eligible, sizeof eligible);
    int has_flags = smaps_field((uintptr_t)memory, "VmFlags:", flags, sizeof flags);
    lodedb_block_memory_free(memory, bytes);
    if (!has_eligible || !has_flags) {
        printf("skipped: /proc/self/smaps has no %s for the block (older kernel)\n",
               has_eligible ? "VmFlags" : "THPeligible");
        return SKIPPED;
    }
    printf("THPeligible: %s; VmFlags: %s\n", eligible, flags);
    /* VmFlags are two-letter words separated by spaces. */
    char padded[260];
    snprintf(padded, sizeof padded, " %s ", flags);
    CHECK(strstr(padded, " hg ") != NULL);
    CHECK(strcmp(eligible, "1") == 0);
    TEST_MAIN_END();
}
#endif

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "thp") == 0) {
        if (argc > 2 && strcmp(argv[2], "emulated") == 0) {
            printf("skipped: run under an emulator, which ignores madvise and fakes smaps\n");
            return SKIPPED;
        }
#if defined(HUGE_PATH)
        return run_thp();
#else
        printf("skipped: transparent huge pages are Linux only (no MADV_HUGEPAGE here)\n");
        return SKIPPED;
#endif
    }
    RUN_TEST(test_zeroed_writable_freeable);
    RUN_TEST(test_reuse_after_free);
#if defined(HUGE_PATH)
    RUN_TEST(test_large_block_aligned_lazy_unmapped);
#endif
    TEST_MAIN_END();
}
