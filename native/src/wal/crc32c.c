/* CRC32C (Castagnoli): slicing-by-8 in portable C, plus the SSE4.2 / ARMv8 CRC instructions
 * when the CPU has them. Both give identical results (test_crc32c compares them on random
 * buffers of every length up to a few KiB and at every alignment). */
#include "wal/crc32c.h"

#include <stdatomic.h>
#include <string.h>

#include "lodedb/lodedb.h"
#include "wal/crc32c_tables.h"

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define LODEDB_CRC32C_X86 1
#include <cpuid.h>
#include <nmmintrin.h>
#elif defined(__aarch64__) && defined(__linux__) && (defined(__GNUC__) || defined(__clang__))
#define LODEDB_CRC32C_ARM 1
#include <arm_acle.h>
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
#endif

/* Reads 4 bytes as a little-endian integer whatever the host order or the pointer alignment
 * (memcpy instead of a cast: the WAL hands us payloads at any offset). */
static uint32_t load_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

uint32_t lodedb_crc32c_portable(uint32_t crc, const uint8_t *data, size_t length) {
    const uint32_t(*t)[256] = lodedb_crc32c_table;
    crc = ~crc;
    while (length >= 8) {
        uint32_t lo = load_le32(data) ^ crc;
        uint32_t hi = load_le32(data + 4);
        crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
              t[3][hi & 0xFF] ^ t[2][(hi >> 8) & 0xFF] ^ t[1][(hi >> 16) & 0xFF] ^ t[0][hi >> 24];
        data += 8;
        length -= 8;
    }
    while (length > 0) {
        crc = (crc >> 8) ^ t[0][(crc ^ *data) & 0xFF];
        data++;
        length--;
    }
    return ~crc;
}

#if defined(LODEDB_CRC32C_X86)

/* Clang (>= 14, so Zig's `zig cc` too) guards the _mm_crc32_* intrinsics with its own "crc32"
 * feature, which "sse4.2" alone does not enable there; GCC knows them under "sse4.2". */
#if defined(__clang__)
#define LODEDB_CRC32C_TARGET __attribute__((target("sse4.2,crc32")))
#else
#define LODEDB_CRC32C_TARGET __attribute__((target("sse4.2")))
#endif

LODEDB_CRC32C_TARGET uint32_t lodedb_crc32c_hardware(uint32_t crc, const uint8_t *data,
                                                     size_t length) {
    uint64_t c = (uint32_t)~crc;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, data, sizeof word);
        c = _mm_crc32_u64(c, word);
        data += 8;
        length -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (length > 0) {
        c32 = _mm_crc32_u8(c32, *data);
        data++;
        length--;
    }
    return ~c32;
}

/* cpuid leaf 1, ECX bit 20 (SSE4.2, which brings CRC32). Not __builtin_cpu_supports: it needs
 * libgcc's __cpu_model, which Zig's compiler-rt (our cross builds) does not provide. */
static int detect_hardware(void) {
    unsigned int a = 0, b = 0, c = 0, d = 0;
    return (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSE4_2)) ? 1 : 0;
}

#elif defined(LODEDB_CRC32C_ARM)

__attribute__((target("+crc"))) uint32_t lodedb_crc32c_hardware(uint32_t crc, const uint8_t *data,
                                                                size_t length) {
    crc = ~crc;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, data, sizeof word);
        crc = __crc32cd(crc, word);
        data += 8;
        length -= 8;
    }
    while (length > 0) {
        crc = __crc32cb(crc, *data);
        data++;
        length--;
    }
    return ~crc;
}

static int detect_hardware(void) { return (getauxval(AT_HWCAP) & HWCAP_CRC32) ? 1 : 0; }

#else

uint32_t lodedb_crc32c_hardware(uint32_t crc, const uint8_t *data, size_t length) {
    return lodedb_crc32c_portable(crc, data, length);
}

static int detect_hardware(void) { return 0; }

#endif

/* 0: not probed yet, 1: no hardware path, 2: hardware path. Relaxed is enough: every thread
 * that probes computes the same answer. */
static atomic_int hardware_state = 0;

int lodedb_crc32c_hardware_available(void) {
    int state = atomic_load_explicit(&hardware_state, memory_order_relaxed);
    if (state == 0) {
        state = detect_hardware() ? 2 : 1;
        atomic_store_explicit(&hardware_state, state, memory_order_relaxed);
    }
    return state == 2;
}

LODEDB_API uint32_t lodedb_crc32c(uint32_t crc, const uint8_t *data, size_t length) {
    if (data == NULL || length == 0) {
        return crc;
    }
    if (lodedb_crc32c_hardware_available()) {
        return lodedb_crc32c_hardware(crc, data, length);
    }
    return lodedb_crc32c_portable(crc, data, length);
}
