/*
 * Runtime choice of the scan kernels.
 *
 * The level is chosen once, lazily and thread-safely (an atomic compare-and-swap: racing first
 * callers compute the same answer and one of them publishes it): the environment variable
 * LODEDB_SIMD (scalar|avx2|avx512|neon|auto, any case) when it names a level this build and
 * CPU support, else the best supported level. lodedb_simd_force switches it afterwards.
 *
 * x86 detection: cpuid for the instruction sets, xgetbv for the register state the operating
 * system saves (XMM/YMM for AVX2; also opmask and ZMM for AVX-512). NEON is baseline on aarch64;
 * its dot product (Armv8.2 dotprod) is asked of the operating system. A level runs its best
 * variant (scan_kernels.h): AVX-512 with VNNI + VBMI when the CPU has both, NEON with dotprod
 * when it has that.
 * Every variant returns the same sums, so the variant never changes a result, only its speed.
 * Which kernel files are compiled in is decided by CMake (LODEDB_SCAN_HAVE_* on this file).
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "scan/scan_internal.h"

#if defined(LODEDB_SCAN_HAVE_AVX2) || defined(LODEDB_SCAN_HAVE_AVX512)
#define LODEDB_SCAN_X86 1
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
static void cpu_id(uint32_t leaf, uint32_t sub, uint32_t regs[4]) {
    int r[4];
    __cpuidex(r, (int)leaf, (int)sub);
    for (int i = 0; i < 4; i++) {
        regs[i] = (uint32_t)r[i];
    }
}
static uint32_t cpu_max_leaf(void) {
    uint32_t regs[4];
    cpu_id(0, 0, regs);
    return regs[0];
}
static uint64_t xcr0(void) { return (uint64_t)_xgetbv(0); }
#else
#include <cpuid.h>
static void cpu_id(uint32_t leaf, uint32_t sub, uint32_t regs[4]) {
    unsigned int a, b, c, d;
    __cpuid_count(leaf, sub, a, b, c, d);
    regs[0] = a;
    regs[1] = b;
    regs[2] = c;
    regs[3] = d;
}
static uint32_t cpu_max_leaf(void) { return (uint32_t)__get_cpuid_max(0, NULL); }
/* Raw encoding of xgetbv, so no -mxsave is needed on this file. */
static uint64_t xcr0(void) {
    uint32_t eax, edx;
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}
#endif

enum { CPU_AVX2 = 1, CPU_AVX512 = 2, CPU_AVX512VNNI_VBMI = 4 };

static int detect_x86(void) {
    uint32_t r1[4], r7[4];
    if (cpu_max_leaf() < 7) {
        return 0;
    }
    cpu_id(1, 0, r1);
    const uint32_t osxsave = 1u << 27, avx = 1u << 28;
    if ((r1[2] & (osxsave | avx)) != (osxsave | avx)) {
        return 0;
    }
    uint64_t xcr = xcr0();
    if ((xcr & 0x6) != 0x6) { /* XMM and YMM state */
        return 0;
    }
    cpu_id(7, 0, r7);
    int features = 0;
    if (r7[1] & (1u << 5)) {
        features |= CPU_AVX2;
    }
    const uint32_t avx512f = 1u << 16, avx512bw = 1u << 30;
    if ((features & CPU_AVX2) && (r7[1] & (avx512f | avx512bw)) == (avx512f | avx512bw) &&
        (xcr & 0xe6) == 0xe6) { /* plus opmask, ZMM_Hi256 and Hi16_ZMM state */
        features |= CPU_AVX512;
        const uint32_t vbmi = 1u << 1, vnni = 1u << 11;
        if ((r7[2] & (vbmi | vnni)) == (vbmi | vnni)) {
            features |= CPU_AVX512VNNI_VBMI;
        }
    }
    return features;
}

static atomic_int cpu_features = -1;

static int x86_features(void) {
    int f = atomic_load_explicit(&cpu_features, memory_order_acquire);
    if (f < 0) {
        f = detect_x86();
        atomic_store_explicit(&cpu_features, f, memory_order_release);
    }
    return f;
}
#endif

#if defined(LODEDB_SCAN_HAVE_NEON_DOTPROD)
#if defined(__linux__)
#include <sys/auxv.h>
static int cpu_has_dotprod(void) {
    return (getauxval(AT_HWCAP) & (1ul << 20)) != 0; /* HWCAP_ASIMDDP */
}
#elif defined(__APPLE__)
static int cpu_has_dotprod(void) { return 1; } /* every Apple arm64 CPU (A11 and later) */
#elif defined(_WIN32)
#include <windows.h>
static int cpu_has_dotprod(void) {
    return IsProcessorFeaturePresent(43) != 0; /* PF_ARM_V82_DP_INSTRUCTIONS_AVAILABLE */
}
#else
static int cpu_has_dotprod(void) { return 0; }
#endif
#endif

LODEDB_API int32_t lodedb_simd_supported(lodedb_simd level) {
    switch (level) {
    case LODEDB_SIMD_SCALAR: return 1;
    case LODEDB_SIMD_AVX2:
#if defined(LODEDB_SCAN_HAVE_AVX2)
        return (x86_features() & CPU_AVX2) != 0;
#else
        return 0;
#endif
    case LODEDB_SIMD_AVX512:
#if defined(LODEDB_SCAN_HAVE_AVX512)
        return (x86_features() & CPU_AVX512) != 0;
#else
        return 0;
#endif
    case LODEDB_SIMD_NEON:
#if defined(LODEDB_SCAN_HAVE_NEON)
        return 1;
#else
        return 0;
#endif
    }
    return 0;
}

LODEDB_API const char *lodedb_simd_name(lodedb_simd level) {
    switch (level) {
    case LODEDB_SIMD_SCALAR: return "scalar";
    case LODEDB_SIMD_AVX2: return "avx2";
    case LODEDB_SIMD_AVX512: return "avx512";
    case LODEDB_SIMD_NEON: return "neon";
    }
    return "unknown";
}

static int is_compiled(lodedb_simd level) {
    switch (level) {
    case LODEDB_SIMD_SCALAR: return 1;
#if defined(LODEDB_SCAN_HAVE_AVX2)
    case LODEDB_SIMD_AVX2: return 1;
#endif
#if defined(LODEDB_SCAN_HAVE_AVX512)
    case LODEDB_SIMD_AVX512: return 1;
#endif
#if defined(LODEDB_SCAN_HAVE_NEON)
    case LODEDB_SIMD_NEON: return 1;
#endif
    default: return 0;
    }
}

static lodedb_simd best_level(void) {
    static const lodedb_simd order[] = {LODEDB_SIMD_AVX512, LODEDB_SIMD_AVX2, LODEDB_SIMD_NEON};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (lodedb_simd_supported(order[i])) {
            return order[i];
        }
    }
    return LODEDB_SIMD_SCALAR;
}

static int equals_ignoring_case(const char *a, const char *b) {
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        if (x != *b) {
            return 0;
        }
    }
    return *a == '\0' && *b == '\0';
}

static lodedb_simd initial_level(void) {
    static const lodedb_simd named[] = {LODEDB_SIMD_SCALAR, LODEDB_SIMD_AVX2, LODEDB_SIMD_AVX512,
                                        LODEDB_SIMD_NEON};
    const char *env = getenv("LODEDB_SIMD");
    if (env != NULL) {
        for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
            if (equals_ignoring_case(env, lodedb_simd_name(named[i])) &&
                lodedb_simd_supported(named[i])) {
                return named[i];
            }
        }
    }
    return best_level(); /* "auto", unset, unknown or unsupported */
}

static atomic_int active_level = -1;

LODEDB_API lodedb_simd lodedb_simd_level(void) {
    int level = atomic_load_explicit(&active_level, memory_order_acquire);
    if (level < 0) {
        int expected = -1;
        int chosen = (int)initial_level();
        if (atomic_compare_exchange_strong_explicit(&active_level, &expected, chosen,
                                                    memory_order_acq_rel, memory_order_acquire)) {
            level = chosen;
        } else {
            level = expected;
        }
    }
    return (lodedb_simd)level;
}

LODEDB_API lodedb_status lodedb_simd_force(lodedb_simd level) {
    lodedb_clear_error();
    if (!lodedb_simd_supported(level)) {
        const char *why = !is_compiled(level) ? "it is not compiled into this build"
                                              : "the CPU or operating system lacks it";
        return lodedb_fail(LODEDB_ERR_UNSUPPORTED, "SIMD level %s (%d) is not supported: %s",
                           lodedb_simd_name(level), (int)level, why);
    }
    atomic_store_explicit(&active_level, (int)level, memory_order_release);
    return LODEDB_OK;
}

static const char *const variant_names[LODEDB_SCAN_VARIANT_COUNT] = {
    "scalar", "avx2", "avx512bw", "avx512vnni-vbmi", "neon", "neon-dotprod"};

const char *lodedb_scan_variant_name(lodedb_scan_variant variant) {
    return (unsigned)variant < LODEDB_SCAN_VARIANT_COUNT ? variant_names[variant] : NULL;
}

/* The compiled table of a variant, or NULL. */
static const lodedb_scan_kernels *compiled_variant(lodedb_scan_variant variant) {
    switch (variant) {
    case LODEDB_SCAN_SCALAR: return &lodedb_scan_kernels_scalar;
#if defined(LODEDB_SCAN_HAVE_AVX2)
    case LODEDB_SCAN_AVX2: return &lodedb_scan_kernels_avx2;
#endif
#if defined(LODEDB_SCAN_HAVE_AVX512)
    case LODEDB_SCAN_AVX512BW: return &lodedb_scan_kernels_avx512bw;
#endif
#if defined(LODEDB_SCAN_HAVE_AVX512VNNI_VBMI)
    case LODEDB_SCAN_AVX512VNNI_VBMI: return &lodedb_scan_kernels_avx512vnni_vbmi;
#endif
#if defined(LODEDB_SCAN_HAVE_NEON)
    case LODEDB_SCAN_NEON: return &lodedb_scan_kernels_neon;
#endif
#if defined(LODEDB_SCAN_HAVE_NEON_DOTPROD)
    case LODEDB_SCAN_NEON_DOTPROD: return &lodedb_scan_kernels_neon_dotprod;
#endif
    default: return NULL;
    }
}

static int variant_runs_here(lodedb_scan_variant variant) {
    switch (variant) {
    case LODEDB_SCAN_SCALAR: return 1;
    case LODEDB_SCAN_AVX2: return lodedb_simd_supported(LODEDB_SIMD_AVX2);
    case LODEDB_SCAN_AVX512BW: return lodedb_simd_supported(LODEDB_SIMD_AVX512);
    case LODEDB_SCAN_AVX512VNNI_VBMI:
#if defined(LODEDB_SCAN_HAVE_AVX512VNNI_VBMI)
        return lodedb_simd_supported(LODEDB_SIMD_AVX512) &&
               (x86_features() & CPU_AVX512VNNI_VBMI) != 0;
#else
        return 0;
#endif
    case LODEDB_SCAN_NEON: return lodedb_simd_supported(LODEDB_SIMD_NEON);
    case LODEDB_SCAN_NEON_DOTPROD:
#if defined(LODEDB_SCAN_HAVE_NEON_DOTPROD)
        return cpu_has_dotprod();
#else
        return 0;
#endif
    default: return 0;
    }
}

const lodedb_scan_kernels *lodedb_scan_variant_kernels(lodedb_scan_variant variant,
                                                       const char **why) {
    const lodedb_scan_kernels *kernels = compiled_variant(variant);
    const char *reason = NULL;
    if (kernels == NULL) {
        reason = "it is not compiled into this build (another architecture or compiler)";
    } else if (!variant_runs_here(variant)) {
        reason = "the CPU or operating system lacks it";
        kernels = NULL;
    }
    if (why != NULL) {
        *why = reason;
    }
    return kernels;
}

const lodedb_scan_kernels *lodedb_scan_kernels_for(lodedb_simd level) {
    if (!lodedb_simd_supported(level)) {
        return NULL;
    }
    /* Best first within each level. */
    static const lodedb_scan_variant order[] = {
        LODEDB_SCAN_AVX512VNNI_VBMI, LODEDB_SCAN_AVX512BW, LODEDB_SCAN_AVX2,
        LODEDB_SCAN_NEON_DOTPROD,    LODEDB_SCAN_NEON,     LODEDB_SCAN_SCALAR};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const lodedb_scan_kernels *k = lodedb_scan_variant_kernels(order[i], NULL);
        if (k != NULL && k->level == level) {
            return k;
        }
    }
    return NULL;
}

const lodedb_scan_kernels *lodedb_scan_kernels_active(void) {
    const lodedb_scan_kernels *kernels = lodedb_scan_kernels_for(lodedb_simd_level());
    return kernels != NULL ? kernels : &lodedb_scan_kernels_scalar;
}
