/*
 * The storage benchmark's CLIP-like data set (no real CLIP vectors can be downloaded here).
 *
 * Real CLIP image embeddings are far from uniform on the sphere: they share a strong common
 * direction (random pairs have cosine ~0.2-0.5), fall into topics and sub-topics, and vary
 * within a topic along a few dozen directions. The generator reproduces that, from one seed:
 *
 *   mu                   one common direction (unit)
 *   t[0..63]             64 topic directions (unit)
 *   s[0..1023]           16 sub-topic directions per topic (unit)
 *   b[0..47], lambda_r   48 shared "style" directions (unit), weights 1/sqrt(r+1) scaled so
 *                        that sum(lambda_r^2) = 1 (a decaying spectrum, not axis-aligned)
 *
 *   stored vector: c = floor(1024 u^2) (u uniform: cluster sizes fall off like 1/sqrt(c)),
 *     x = normalise(0.60 mu + 0.55 t[c/16] + 0.45 s[c] + 0.60 sum_r z_r lambda_r b_r
 *                   + 0.25 g / sqrt(dim))           z_r, g: standard normal
 *   query (held out, a perturbed neighbour): i = a uniformly drawn stored vector,
 *     q = normalise(x_i + 0.60 (sum_r z'_r lambda_r b_r + 0.5 g' / sqrt(dim)))
 *
 * Random numbers: SplitMix64 from the seed; normals by Box-Muller (the cosine branch only);
 * all unit directions are normalised Gaussians drawn first (mu, t, s, b), then the stored
 * vectors in order, then the queries. Everything is computed in double and stored as float.
 */
#include "storage_dataset.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOPICS 64
#define SUBTOPICS 16
#define STYLES 48

typedef struct splitmix {
    uint64_t state;
} splitmix;

static uint64_t next_u64(splitmix *r) {
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double next_unit(splitmix *r) { /* in (0, 1) */
    return ((double)(next_u64(r) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double next_normal(splitmix *r) {
    double u1 = next_unit(r), u2 = next_unit(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

static void normalise(double *v, uint32_t dim) {
    double norm = 0.0;
    for (uint32_t j = 0; j < dim; j++) {
        norm += v[j] * v[j];
    }
    double inv = 1.0 / sqrt(norm);
    for (uint32_t j = 0; j < dim; j++) {
        v[j] *= inv;
    }
}

static void unit_gaussian(splitmix *r, double *v, uint32_t dim) {
    for (uint32_t j = 0; j < dim; j++) {
        v[j] = next_normal(r);
    }
    normalise(v, dim);
}

static void *must_alloc(size_t bytes) {
    void *p = calloc(1, bytes);
    if (p == NULL) {
        fprintf(stderr, "out of memory (%zu bytes)\n", bytes);
        exit(2);
    }
    return p;
}

/* out += scale * (sum_r z_r lambda_r b_r), with fresh z_r. */
static void add_style(splitmix *r, const double *styles, const double *lambda, uint32_t dim,
                      double scale, double *out) {
    for (uint32_t s = 0; s < STYLES; s++) {
        double w = scale * lambda[s] * next_normal(r);
        const double *b = styles + (size_t)s * dim;
        for (uint32_t j = 0; j < dim; j++) {
            out[j] += w * b[j];
        }
    }
}

static void add_isotropic(splitmix *r, uint32_t dim, double scale, double *out) {
    double per = scale / sqrt((double)dim);
    for (uint32_t j = 0; j < dim; j++) {
        out[j] += per * next_normal(r);
    }
}

void storage_generate(const storage_dataset_params *p, float *base, float *queries) {
    uint32_t dim = p->dim;
    splitmix r = {p->seed};
    double *mu = must_alloc(sizeof(double) * dim);
    double *topics = must_alloc(sizeof(double) * dim * TOPICS);
    double *subtopics = must_alloc(sizeof(double) * dim * TOPICS * SUBTOPICS);
    double *styles = must_alloc(sizeof(double) * dim * STYLES);
    double lambda[STYLES];
    double *v = must_alloc(sizeof(double) * dim);

    unit_gaussian(&r, mu, dim);
    for (size_t t = 0; t < TOPICS; t++) {
        unit_gaussian(&r, topics + t * dim, dim);
    }
    for (size_t s = 0; s < (size_t)TOPICS * SUBTOPICS; s++) {
        unit_gaussian(&r, subtopics + s * dim, dim);
    }
    double lambda_sum = 0.0;
    for (uint32_t s = 0; s < STYLES; s++) {
        unit_gaussian(&r, styles + (size_t)s * dim, dim);
        lambda[s] = 1.0 / sqrt((double)s + 1.0);
        lambda_sum += lambda[s] * lambda[s];
    }
    for (uint32_t s = 0; s < STYLES; s++) {
        lambda[s] /= sqrt(lambda_sum);
    }

    for (uint64_t i = 0; i < p->count; i++) {
        double u = next_unit(&r);
        size_t c = (size_t)((double)(TOPICS * SUBTOPICS) * u * u);
        if (c >= (size_t)TOPICS * SUBTOPICS) {
            c = (size_t)TOPICS * SUBTOPICS - 1;
        }
        const double *t = topics + (c / SUBTOPICS) * dim, *s = subtopics + c * dim;
        for (uint32_t j = 0; j < dim; j++) {
            v[j] = 0.60 * mu[j] + 0.55 * t[j] + 0.45 * s[j];
        }
        add_style(&r, styles, lambda, dim, 0.60, v);
        add_isotropic(&r, dim, 0.25, v);
        normalise(v, dim);
        for (uint32_t j = 0; j < dim; j++) {
            base[i * dim + j] = (float)v[j];
        }
    }

    for (uint64_t q = 0; q < p->queries; q++) {
        uint64_t i = (uint64_t)(next_unit(&r) * (double)p->count);
        if (i >= p->count) {
            i = p->count - 1;
        }
        for (uint32_t j = 0; j < dim; j++) {
            v[j] = base[i * dim + j];
        }
        add_style(&r, styles, lambda, dim, 0.60, v);
        add_isotropic(&r, dim, 0.60 * 0.5, v);
        normalise(v, dim);
        for (uint32_t j = 0; j < dim; j++) {
            queries[q * dim + j] = (float)v[j];
        }
    }

    free(v);
    free(styles);
    free(subtopics);
    free(topics);
    free(mu);
}

/* Eight partial sums so the compiler vectorises without reassociating (no -ffast-math). */
static float dot(const float *a, const float *b, uint32_t dim) {
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    uint32_t j = 0;
    for (; j + 8 <= dim; j += 8) {
        for (int l = 0; l < 8; l++) {
            s[l] += a[j + (uint32_t)l] * b[j + (uint32_t)l];
        }
    }
    float total = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
    for (; j < dim; j++) {
        total += a[j] * b[j];
    }
    return total;
}

void storage_exact_topk(const float *base, uint64_t count, const float *queries,
                        uint64_t query_count, uint32_t dim, uint32_t k, int32_t *truth) {
    float *scores = must_alloc(sizeof(float) * k);
    for (uint64_t q = 0; q < query_count; q++) {
        int32_t *ids = truth + q * k;
        uint32_t filled = 0;
        for (uint64_t i = 0; i < count; i++) {
            float score = dot(base + i * dim, queries + q * dim, dim);
            if (filled == k && score <= scores[k - 1]) {
                continue; /* equal scores keep the lower id already held */
            }
            uint32_t at = filled < k ? filled++ : k - 1;
            while (at > 0 && scores[at - 1] < score) {
                scores[at] = scores[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }
            scores[at] = score;
            ids[at] = (int32_t)i;
        }
        for (uint32_t j = filled; j < k; j++) {
            ids[j] = -1;
        }
    }
    free(scores);
}

static int write_rows(const char *path, const void *rows, uint64_t count, uint32_t width) {
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        fprintf(stderr, "cannot write %s\n", path);
        return -1;
    }
    int32_t header = (int32_t)width;
    const unsigned char *bytes = rows;
    for (uint64_t i = 0; i < count; i++) {
        if (fwrite(&header, 4, 1, f) != 1 || fwrite(bytes + i * width * 4u, 4, width, f) != width) {
            fclose(f);
            fprintf(stderr, "write failed: %s\n", path);
            return -1;
        }
    }
    return fclose(f) == 0 ? 0 : -1;
}

/* Reads rows of (int32 width, width 4-byte values); every row must have the first row's width. */
static int read_rows(const char *path, void **out, uint64_t *out_count, uint32_t *out_width) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot open %s (run `lodedb-storage-bench gen` first)\n", path);
        return -1;
    }
    int32_t width = 0;
    if (fread(&width, 4, 1, f) != 1 || width <= 0 || width > 65536 || fseek(f, 0, SEEK_END) != 0) {
        fclose(f);
        fprintf(stderr, "%s: not a vectors file (bad first row header)\n", path);
        return -1;
    }
    long size = ftell(f);
    uint64_t row_bytes = 4u * ((uint64_t)width + 1u);
    if (size <= 0 || (uint64_t)size % row_bytes != 0) {
        fclose(f);
        fprintf(stderr, "%s: size %ld is not a multiple of %llu-byte rows\n", path, size,
                (unsigned long long)row_bytes);
        return -1;
    }
    uint64_t count = (uint64_t)size / row_bytes;
    unsigned char *data = must_alloc((size_t)(count * (uint64_t)width * 4u));
    rewind(f);
    for (uint64_t i = 0; i < count; i++) {
        int32_t header = 0;
        if (fread(&header, 4, 1, f) != 1 || header != width ||
            fread(data + i * (uint64_t)width * 4u, 4, (size_t)width, f) != (size_t)width) {
            fclose(f);
            free(data);
            fprintf(stderr, "%s: row %llu is damaged (width %d expected)\n", path,
                    (unsigned long long)i, width);
            return -1;
        }
    }
    fclose(f);
    *out = data;
    *out_count = count;
    *out_width = (uint32_t)width;
    return 0;
}

int storage_write_fvecs(const char *path, const float *vectors, uint64_t count, uint32_t dim) {
    return write_rows(path, vectors, count, dim);
}

int storage_read_fvecs(const char *path, float **out, uint64_t *out_count, uint32_t *out_dim) {
    void *data = NULL;
    int status = read_rows(path, &data, out_count, out_dim);
    *out = data;
    return status;
}

int storage_write_ivecs(const char *path, const int32_t *rows, uint64_t count, uint32_t k) {
    return write_rows(path, rows, count, k);
}

int storage_read_ivecs(const char *path, int32_t **out, uint64_t *out_count, uint32_t *out_k) {
    void *data = NULL;
    int status = read_rows(path, &data, out_count, out_k);
    *out = data;
    return status;
}
