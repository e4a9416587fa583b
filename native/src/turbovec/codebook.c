/* Lloyd-Max codebooks for the Beta marginal, their fingerprint, and the public accessors. */
/* Bits reach disk: no fused multiply-add. The build passes -ffp-contract=off (GCC ignores
 * the pragma); clang honours the standard pragma as well, should a build omit the flag. */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include "turbovec/codebook.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

#define LODEDB_PI 3.14159265358979323846

/*
 * Numerics. With x = sin(t), f(x) dx is proportional to w(t) dt = cos(t)^(n-2) dt on
 * (-pi/2, pi/2): bounded and smooth for every n >= 2 (n = 2 is the arcsine law, uniform in t),
 * and evaluated as exp((n-2) log cos t) so large n neither underflows nor overflows before
 * the weight itself is negligible. The density is symmetric and log-concave, so the Lloyd-Max
 * quantizer is unique and symmetric: we solve the positive half only (count/2 centroids on
 * [0, 1] with a fixed boundary at 0) and mirror it, which makes the table exactly symmetric.
 *
 * Cell masses M0 = int w dt and first moments M1 = int sin(t) w dt come from cumulative
 * trapezoid sums on a uniform grid with the Euler-Maclaurin end correction (O(h^4)), plus a
 * Simpson step from the last grid node to the boundary. Beyond 13 standard deviations
 * (x = 13/sqrt(n)) the mass is below 1e-37 and the grid stops there, so a large n still gets
 * a fine grid where its mass is.
 */
#define GRID_INTERVALS 8192

typedef struct marginal {
    double exponent; /* n - 2 */
    double t_max;
    double step;
    double *m0; /* GRID_INTERVALS + 1 cumulative masses */
    double *m1; /* GRID_INTERVALS + 1 cumulative first moments */
} marginal;

static double weight(const marginal *m, double t) {
    double c = cos(t);
    if (m->exponent == 0.0) {
        return 1.0;
    }
    if (c <= 0.0) {
        return 0.0;
    }
    return exp(m->exponent * log(c));
}

/* d/dt of w and of sin(t) w, for the end correction. */
static void weight_derivatives(const marginal *m, double t, double *dw, double *dg) {
    double w = weight(m, t);
    double c = cos(t);
    double s = sin(t);
    double d = c > 0.0 ? -m->exponent * (s / c) * w : 0.0;
    *dw = d;
    *dg = c * w + s * d;
}

static int marginal_init(marginal *m, uint32_t n) {
    m->exponent = (double)n - 2.0;
    double x_max = 13.0 / sqrt((double)n);
    m->t_max = x_max >= 1.0 ? LODEDB_PI / 2.0 : asin(x_max);
    m->step = m->t_max / GRID_INTERVALS;
    m->m0 = malloc(sizeof(double) * (GRID_INTERVALS + 1));
    m->m1 = malloc(sizeof(double) * (GRID_INTERVALS + 1));
    if (m->m0 == NULL || m->m1 == NULL) {
        free(m->m0);
        free(m->m1);
        return 0;
    }
    double h = m->step;
    double prev_w = weight(m, 0.0);
    double prev_g = 0.0;
    double sum0 = 0.0;
    double sum1 = 0.0;
    double dw0, dg0;
    weight_derivatives(m, 0.0, &dw0, &dg0);
    m->m0[0] = 0.0;
    m->m1[0] = 0.0;
    for (uint32_t k = 1; k <= GRID_INTERVALS; k++) {
        double t = h * (double)k;
        double w = weight(m, t);
        double g = sin(t) * w;
        sum0 += 0.5 * h * (prev_w + w);
        sum1 += 0.5 * h * (prev_g + g);
        double dw, dg;
        weight_derivatives(m, t, &dw, &dg);
        m->m0[k] = sum0 - h * h / 12.0 * (dw - dw0);
        m->m1[k] = sum1 - h * h / 12.0 * (dg - dg0);
        prev_w = w;
        prev_g = g;
    }
    return 1;
}

/* Cumulative mass and first moment from 0 to x (0 <= x). */
static void marginal_cumulative(const marginal *m, double x, double *out0, double *out1) {
    double t = x >= 1.0 ? LODEDB_PI / 2.0 : asin(x);
    if (t >= m->t_max) {
        *out0 = m->m0[GRID_INTERVALS];
        *out1 = m->m1[GRID_INTERVALS];
        return;
    }
    uint32_t k = (uint32_t)(t / m->step);
    if (k >= GRID_INTERVALS) {
        k = GRID_INTERVALS - 1;
    }
    double a = m->step * (double)k;
    double mid = 0.5 * (a + t);
    double span = t - a;
    double wa = weight(m, a), wm = weight(m, mid), wt = weight(m, t);
    *out0 = m->m0[k] + span / 6.0 * (wa + 4.0 * wm + wt);
    *out1 = m->m1[k] + span / 6.0 * (sin(a) * wa + 4.0 * sin(mid) * wm + sin(t) * wt);
}

void lodedb_lloyd_max(uint32_t n, uint32_t count, double *centroids) {
    /* n = 1 would be two point masses at +-1 (no density); the 1-d "rotation" of a padded
     * index never reaches it since padded dimensions are >= 8. Treat it as n = 2. */
    if (n < 2) {
        n = 2;
    }
    uint32_t half = count / 2;
    double c[LODEDB_MAX_CENTROIDS / 2];
    marginal m;
    double sigma = 1.0 / sqrt((double)n);
    if (!marginal_init(&m, n)) {
        /* Out of memory for 130 KiB: fall back to the Gaussian-shaped starting point. */
        for (uint32_t i = 0; i < half; i++) {
            double v = sigma * (0.5 + (double)i) * (4.0 / (double)half);
            centroids[half + i] = v < 1.0 ? v : 1.0;
            centroids[half - 1 - i] = -centroids[half + i];
        }
        return;
    }
    double x_top = sin(m.t_max);
    /* Start evenly spread over +-2.5 sigma (or the whole support when that is narrower),
     * ordered as Lloyd's iteration keeps it, and close to the answer. */
    double span = 2.5 * sigma < x_top ? 2.5 * sigma : x_top;
    for (uint32_t i = 0; i < half; i++) {
        c[i] = span * (0.5 + (double)i) / (double)half;
    }
    for (uint32_t iteration = 0; iteration < 100000; iteration++) {
        double change = 0.0;
        double lo0 = 0.0, lo1 = 0.0;
        for (uint32_t i = 0; i < half; i++) {
            double hi0, hi1;
            if (i + 1 < half) {
                marginal_cumulative(&m, 0.5 * (c[i] + c[i + 1]), &hi0, &hi1);
            } else {
                hi0 = m.m0[GRID_INTERVALS];
                hi1 = m.m1[GRID_INTERVALS];
            }
            double mass = hi0 - lo0;
            double next = mass > 0.0 ? (hi1 - lo1) / mass : c[i];
            double delta = fabs(next - c[i]);
            change = delta > change ? delta : change;
            c[i] = next;
            lo0 = hi0;
            lo1 = hi1;
        }
        if (change <= 1e-14 * sigma) {
            break;
        }
    }
    free(m.m0);
    free(m.m1);
    for (uint32_t i = 0; i < half; i++) {
        centroids[half + i] = c[i];
        centroids[half - 1 - i] = -c[i];
    }
}

static uint64_t fnv1a_u32(uint64_t hash, uint32_t value) {
    for (int i = 0; i < 4; i++) {
        hash ^= (value >> (8 * i)) & 0xFFu;
        hash *= UINT64_C(0x100000001B3);
    }
    return hash;
}

/* Process-wide cache of solved codebooks: a solve costs 1-20 ms, and every index create,
 * snapshot load and fingerprint check needs one (loading a snapshot needs two). Lookups and
 * inserts hold a spinlock for a few copies only; the solve itself runs outside it, so two
 * threads missing at once both solve (same result) rather than wait. */
#define CODEBOOK_CACHE_SIZE 32

typedef struct codebook_cache_entry {
    uint32_t n;
    uint32_t count; /* 0 = empty */
    double centroids[LODEDB_MAX_CENTROIDS];
} codebook_cache_entry;

static codebook_cache_entry codebook_cache[CODEBOOK_CACHE_SIZE];
static uint32_t codebook_cache_next;
static atomic_flag codebook_cache_lock = ATOMIC_FLAG_INIT;

static void cache_lock(void) {
    while (atomic_flag_test_and_set_explicit(&codebook_cache_lock, memory_order_acquire)) {
    }
}

static void cache_unlock(void) {
    atomic_flag_clear_explicit(&codebook_cache_lock, memory_order_release);
}

static void lloyd_max_cached(uint32_t n, uint32_t count, double *centroids) {
    int found = 0;
    cache_lock();
    for (uint32_t i = 0; i < CODEBOOK_CACHE_SIZE; i++) {
        if (codebook_cache[i].count == count && codebook_cache[i].n == n) {
            memcpy(centroids, codebook_cache[i].centroids, sizeof(double) * count);
            found = 1;
            break;
        }
    }
    cache_unlock();
    if (found) {
        return;
    }
    lodedb_lloyd_max(n, count, centroids);
    cache_lock();
    codebook_cache_entry *entry = &codebook_cache[codebook_cache_next];
    codebook_cache_next = (codebook_cache_next + 1u) % CODEBOOK_CACHE_SIZE;
    entry->n = n;
    entry->count = count;
    memcpy(entry->centroids, centroids, sizeof(double) * count);
    cache_unlock();
}

lodedb_status lodedb_codebook_table_build(uint32_t dim, uint32_t bits,
                                          lodedb_codebook_table *table) {
    uint32_t padded = lodedb_padded_dim(dim);
    if (padded == 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "dimension %u is outside 1..%u", dim,
                           (unsigned)LODEDB_MAX_DIMENSION);
    }
    if (!lodedb_bits_supported(bits)) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "bit width %u is not supported (2 or 4)",
                           bits);
    }
    memset(table, 0, sizeof *table);
    table->bits = bits;
    table->count = 1u << bits;
    double exact[LODEDB_MAX_CENTROIDS];
    lloyd_max_cached(padded, table->count, exact);
    for (uint32_t i = 0; i < table->count; i++) {
        table->centroids[i] = (float)exact[i];
    }
    for (uint32_t i = 0; i + 1 < table->count; i++) {
        /* The float midpoint of the float centroids: every platform gets the same bits. */
        table->boundaries[i] = (table->centroids[i] + table->centroids[i + 1]) * 0.5f;
    }
    /* FNV-1a 64 over little-endian u32 dim, u32 bits, then each centroid's float bits. */
    uint64_t hash = UINT64_C(0xCBF29CE484222325);
    hash = fnv1a_u32(hash, dim);
    hash = fnv1a_u32(hash, bits);
    for (uint32_t i = 0; i < table->count; i++) {
        uint32_t raw;
        memcpy(&raw, &table->centroids[i], sizeof raw);
        hash = fnv1a_u32(hash, raw);
    }
    table->fingerprint = hash;
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_codebook(uint32_t dim, uint32_t bits, float *centroids,
                                         size_t centroid_count) {
    lodedb_clear_error();
    if (centroids == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "centroids must not be NULL");
    }
    lodedb_codebook_table table;
    lodedb_status status = lodedb_codebook_table_build(dim, bits, &table);
    if (status != LODEDB_OK) {
        return status;
    }
    if (centroid_count != table.count) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "centroid_count is %llu; a %u-bit codebook has %u centroids",
                           (unsigned long long)centroid_count, bits, table.count);
    }
    memcpy(centroids, table.centroids, sizeof(float) * table.count);
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_codebook_fingerprint(uint32_t dim, uint32_t bits,
                                                     uint64_t *out_fingerprint) {
    lodedb_clear_error();
    if (out_fingerprint == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "out_fingerprint must not be NULL");
    }
    *out_fingerprint = 0;
    lodedb_codebook_table table;
    lodedb_status status = lodedb_codebook_table_build(dim, bits, &table);
    if (status != LODEDB_OK) {
        return status;
    }
    *out_fingerprint = table.fingerprint;
    return LODEDB_OK;
}
