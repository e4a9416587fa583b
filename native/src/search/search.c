/*
 * lodedb_index_search, lodedb_index_search_candidates, their document-aware forms
 * (lodedb_index_search_documents, lodedb_index_search_document_candidates) and
 * lodedb_index_score_slots.
 *
 * Two passes per query:
 * 1. Scan: the permute-dot kernels (int8 levels x int8 query weights, scan/scan_kernels.h)
 *    score every allowed live slot; blocks are the outer loop and the queries of a chunk the
 *    inner one (one accumulate call), so each block's codes are read once per chunk. A block
 *    with no allowed live slot is skipped before any kernel work. The approximate scores
 *    keep the best `candidates` slots per query in a bounded heap. Once a heap is full, a
 *    block whose score bound (largest sum, extreme scale of the block) is below the heap's
 *    minimum is skipped without per-lane work; the bound is exact (never below a lane's
 *    score), so the heaps hold the same entries as a full scan.
 * 2. Re-rank: the candidates get the exact estimate scale * <q_rot, x_hat> in double
 *    (query_weights.h), and the best k of those are returned. Scores therefore do not depend
 *    on the SIMD level, and the ranking is that of an ideal TurboQuant up to the candidate cut.
 *    lodedb_index_search_candidates skips this pass: its heaps hold exactly `count` entries
 *    and it returns them with the scan's scores (also SIMD-independent, see below). With a
 *    sign sketch (lodedb_index_set_sketch) it scans the sketch instead of the codes: group
 *    tables through accumulate_tables (search/sketch_tables.h), the same heaps and bounds.
 * With a slot -> document map the heaps keep each document's best slot (doc_topk.h) and the
 * parts' heaps are merged by document, so the candidates are documents; the rest is the same.
 *
 * Determinism: the integer sums are identical across kernels (scan_kernels.h contract), the
 * approximate score is a fixed double expression of them, and the (score, slot) order is
 * total, so a split over threads or a batch of queries returns exactly what one thread and
 * single queries return.
 */
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "scan/scan_kernels.h"
#include "search/block_bound.h"
#include "search/doc_topk.h"
#include "search/parallel.h"
#include "search/query_weights.h"
#include "search/search_buffers.h"
#include "search/sketch_tables.h"
#include "search/thread_policy.h"
#include "search/topk.h"
#include "turbovec/index.h"
#include "turbovec/sketch.h"

/* Candidate counts above this scan one query per pass (k in the tens of thousands). */
#define LARGE_CANDIDATES 65536

/* Candidates re-ranked per query: k + max(k, LODEDB_RERANK_EXTRA). Measured with
 * tests/search/test_recall.c (20,000 x 512, k = 10): recall@10 was identical to four digits
 * for margins of 0, 16, 32, 64 and 128 at both bit widths on uniform and clustered data, and
 * the result agrees with the ideal (exact-estimate) ranking over all slots; the scan's
 * rounding error is small next to the quantization error (measured first with the 8-bit LUT
 * scan, again with the int8 permute-dot scan, same margins). The re-rank costs one pass over a
 * candidate's codes, so the margin is kept small. */
#ifndef LODEDB_RERANK_EXTRA
#define LODEDB_RERANK_EXTRA 16
#endif

typedef struct scan_context {
    const struct lodedb_index *index;
    const lodedb_scan_kernels *kernels;
    lodedb_scan_levels levels;
    const int8_t *weights; /* int8 weights, or the sign sketch's group tables (sketch) */
    int sketch;            /* 1: scan the sign sketch with accumulate_tables */
    const uint8_t *blocks; /* the codes' blocks or the sketch's */
    size_t block_bytes;
    uint32_t groups;
    const double *delta;
    const double *bias;
    uint32_t query_count;
    const uint64_t *allow_mask;
    uint64_t allow_mask_words;
    const uint32_t *slot_doc; /* NULL: a plain search; else at most one hit per document */
    uint64_t block_count;
    size_t parts;
    lodedb_topk *heaps; /* parts * QUERY_CHUNK, part-major */
    int32_t *acc;       /* parts * QUERY_CHUNK * 32 */
} scan_context;

/* Bit j set when slot block * 32 + j is live and allowed. */
static uint32_t block_candidates(const scan_context *ctx, uint64_t block) {
    uint64_t word = block / 2u;
    uint32_t shift = (uint32_t)(block % 2u) * 32u;
    uint32_t live = (uint32_t)(ctx->index->live[word] >> shift);
    if (ctx->allow_mask == NULL) {
        return live;
    }
    if (word >= ctx->allow_mask_words) {
        return 0;
    }
    return live & (uint32_t)(ctx->allow_mask[word] >> shift);
}

static uint32_t lowest_bit(uint32_t x) {
#if defined(__GNUC__) || defined(__clang__)
    return (uint32_t)__builtin_ctz(x);
#else
    uint32_t n = 0;
    while (!(x & 1u)) {
        x >>= 1;
        n++;
    }
    return n;
#endif
}

static void scan_part(void *context, size_t part) {
    const scan_context *ctx = context;
    const struct lodedb_index *index = ctx->index;
    uint64_t begin = ctx->block_count * part / ctx->parts;
    uint64_t end = ctx->block_count * (part + 1) / ctx->parts;
    int32_t *acc = ctx->acc + part * QUERY_CHUNK * LODEDB_BLOCK_SIZE;
    lodedb_topk *heaps = ctx->heaps + part * QUERY_CHUNK;
    for (uint64_t block = begin; block < end; block++) {
        uint32_t candidates = block_candidates(ctx, block);
        if (candidates == 0) {
            continue;
        }
        const uint8_t *codes = ctx->blocks + (size_t)block * ctx->block_bytes;
        if (ctx->sketch) {
            ctx->kernels->accumulate_tables(codes, (const uint8_t *)ctx->weights, ctx->query_count,
                                            ctx->groups, acc);
        } else {
            ctx->kernels->accumulate(codes, &ctx->levels, ctx->weights, ctx->query_count,
                                     ctx->groups, acc);
        }
        const float *scales = index->scales + block * LODEDB_BLOCK_SIZE;
        float scale_min = 0.0f;
        float scale_max = 0.0f;
        int bounded = lodedb_block_scale_range(scales, &scale_min, &scale_max);
        for (uint32_t q = 0; q < ctx->query_count; q++) {
            const int32_t *sums = acc + q * LODEDB_BLOCK_SIZE;
            double delta = ctx->delta[q];
            double bias = ctx->bias[q];
            lodedb_topk *heap = &heaps[q];
            /* Block reject, exact: lane j's score is F(scale_j, s_j) =
             * (float)(scale_j * (delta * s_j + bias)), each operation rounded once in double
             * (no contraction), and rounding is monotone. With delta >= 0 and scales >= 0,
             * F(scale_j, s_j) <= F(scale_j, s_max), and with dot = delta * s_max + bias that
             * is at most F(scale_max, .) when dot >= 0 and F(scale_min, .) when dot < 0. When
             * that bound is below the heap's minimum, every lane would fail the lane test
             * below (approx < minimum), so skipping the block keeps exactly the same heap. A
             * NaN anywhere makes the compare false and takes the per-lane path. */
            if (bounded && heap->size == heap->capacity && delta >= 0.0) {
                double dot = delta * lodedb_block_max_sum(sums) + bias;
                float bound = (float)((double)(dot >= 0.0 ? scale_max : scale_min) * dot);
                if (bound < heap->items[0].score) {
                    continue;
                }
            }
            /* All 32 lanes in branch-free (vectorisable) loops: the scores, then the lanes not
             * below the heap's minimum at the start of the block; only allowed lanes of those
             * are pushed, each re-checked against the minimum as it rises. */
            float approx[LODEDB_BLOCK_SIZE];
            for (uint32_t j = 0; j < LODEDB_BLOCK_SIZE; j++) {
                double dot = delta * (double)sums[j] + bias;
                approx[j] = (float)((double)scales[j] * dot);
            }
            uint32_t lanes = candidates;
            if (heap->size == heap->capacity) {
                float minimum = heap->items[0].score;
                uint32_t passing = 0;
                for (uint32_t j = 0; j < LODEDB_BLOCK_SIZE; j++) {
                    passing |= (uint32_t) !(approx[j] < minimum) << j;
                }
                lanes &= passing;
            }
            for (uint32_t left = lanes; left != 0; left &= left - 1u) {
                uint32_t j = lowest_bit(left);
                if (heap->size == heap->capacity && approx[j] < heap->items[0].score) {
                    continue;
                }
                uint64_t slot = block * LODEDB_BLOCK_SIZE + j;
                if (ctx->slot_doc == NULL) {
                    lodedb_topk_push(heap, approx[j], slot);
                } else {
                    lodedb_topk_push_doc(heap, approx[j], slot, ctx->slot_doc[slot]);
                }
            }
        }
    }
}

static void reset_outputs(uint64_t *out_slots, float *out_scores, uint32_t *out_counts,
                          size_t entries, uint64_t query_count) {
    if (out_slots != NULL) {
        for (size_t i = 0; i < entries; i++) {
            out_slots[i] = LODEDB_NO_SLOT;
        }
    }
    if (out_scores != NULL) {
        for (size_t i = 0; i < entries; i++) {
            out_scores[i] = 0.0f;
        }
    }
    if (out_counts != NULL) {
        for (uint64_t i = 0; i < query_count; i++) {
            out_counts[i] = 0;
        }
    }
}

/* The merged hits of the parts of one query, sorted, with each document's later (worse) hits
 * dropped: every part kept its best documents (doc_topk.h), so the first `candidates`
 * distinct documents are those of a single scan. Returns how many hits are left. */
static size_t merge_documents(lodedb_hit *merged, size_t count, size_t candidates,
                              lodedb_doc_entry *seen, uint32_t bits) {
    lodedb_doc_table_clear(seen, bits);
    size_t kept = 0;
    for (size_t i = 0; i < count && kept < candidates; i++) {
        if (lodedb_doc_set_add(seen, bits, merged[i].doc)) {
            merged[kept++] = merged[i];
        }
    }
    return kept;
}

/* rerank: 1 scans k + max(k, LODEDB_RERANK_EXTRA) candidates and returns the best k by the
 * exact estimate (lodedb_index_search); 0 returns the scan's best k by the permute-dot score
 * itself (lodedb_index_search_candidates, for callers that re-score elsewhere).
 * slot_doc: NULL, or slot_doc_count (= slot_count) document numbers: candidates are then
 * documents, each at its best slot by the scan's score (doc_topk.h). */
static lodedb_status search_impl(const lodedb_index *index, const float *queries,
                                 uint64_t query_count, uint32_t k, const uint64_t *allow_mask,
                                 uint64_t allow_mask_words, const uint32_t *slot_doc,
                                 uint64_t slot_doc_count, uint32_t threads, uint64_t *out_slots,
                                 float *out_scores, uint32_t *out_counts, int rerank) {
    lodedb_clear_error();
    if (k > 0 && query_count > SIZE_MAX / sizeof(uint64_t) / k) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "query_count %llu * k %u overflows the result buffers",
                           (unsigned long long)query_count, k);
    }
    size_t entries = (size_t)query_count * k;
    reset_outputs(out_slots, out_scores, out_counts, entries, query_count);
    if (index == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "index must not be NULL");
    }
    if (query_count == 0) {
        return LODEDB_OK;
    }
    if (k == 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "k must be at least 1");
    }
    if (queries == NULL || out_slots == NULL || out_scores == NULL || out_counts == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "queries, out_slots, out_scores and out_counts must not be NULL");
    }
    if (slot_doc == NULL && slot_doc_count != 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "slot_documents is NULL but slot_document_count is %llu",
                           (unsigned long long)slot_doc_count);
    }
    if (slot_doc != NULL && slot_doc_count != index->slot_count) {
        return lodedb_fail(LODEDB_ERR_DIMENSION_MISMATCH,
                           "slot_document_count %llu differs from the index's %llu slots",
                           (unsigned long long)slot_doc_count,
                           (unsigned long long)index->slot_count);
    }
    if (query_count > SIZE_MAX / sizeof(float) / index->dim) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "query_count %llu is too large",
                           (unsigned long long)query_count);
    }
    lodedb_status status = lodedb_validate_vectors(queries, query_count, index->dim, "query", 0);
    if (status != LODEDB_OK) {
        return status;
    }
    if (index->live_count == 0) {
        return LODEDB_OK;
    }

    uint64_t extra = k > LODEDB_RERANK_EXTRA ? k : LODEDB_RERANK_EXTRA;
    uint64_t wanted = rerank ? (uint64_t)k + extra : (uint64_t)k;
    size_t candidates = (size_t)(wanted < index->live_count ? wanted : index->live_count);
    if (slot_doc != NULL && candidates > LODEDB_DOC_EMPTY) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "k %u is too large for a document search",
                           k);
    }
    uint32_t doc_bits = slot_doc != NULL ? lodedb_doc_table_bits(candidates) : 0u;
    uint64_t block_count = (index->slot_count + LODEDB_BLOCK_SIZE - 1) / LODEDB_BLOCK_SIZE;
    /* Results do not depend on the split (thread_policy.h owns the rule). */
    size_t parts = lodedb_search_parts(threads, index->slot_count, block_count);
    /* Very large k: one query at a time keeps the heaps' memory at parts * candidates. */
    uint32_t chunk_limit = candidates > LARGE_CANDIDATES ? 1u : QUERY_CHUNK;
    /* Buffers sized for the queries actually asked: a single query at d = 1536 would otherwise
     * allocate 16 queries' rotations (~200 KiB), which glibc serves with a fresh mmap whose
     * page faults cost more than scanning a small index. */
    if (query_count < chunk_limit) {
        chunk_limit = (uint32_t)query_count;
    }
    /* Candidate searches of an index with a sign sketch rank by the sketch (lodedb.h). */
    int sketch = !rerank && index->sketch != NULL;
    uint32_t groups = sketch ? lodedb_sketch_groups(index->padded_dim) : index->groups;
    /* A query's scan operand: groups * terms int8 weights, or 16 table bytes per sketch group */
    size_t weight_bytes = sketch ? (size_t)groups * 16u : (size_t)index->padded_dim;
    search_buffers buf;
    if (!lodedb_search_buffers_alloc(&buf, index, parts, candidates, chunk_limit, weight_bytes,
                                     doc_bits)) {
        lodedb_search_buffers_free(&buf);
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "out of memory for the search buffers");
    }
    scan_context ctx = {
        .index = index,
        .kernels = lodedb_scan_kernels_active(),
        .weights = buf.weights,
        .sketch = sketch,
        .blocks = sketch ? index->sketch : index->blocks,
        .block_bytes = sketch ? lodedb_sketch_block_bytes(index) : lodedb_index_block_bytes(index),
        .groups = groups,
        .delta = buf.delta,
        .bias = buf.bias,
        .allow_mask = allow_mask,
        .allow_mask_words = allow_mask_words,
        .slot_doc = slot_doc,
        .block_count = block_count,
        .parts = parts,
        .heaps = buf.heaps,
        .acc = buf.acc,
    };
    double level_min = 0.0, level_step = 0.0;
    lodedb_query_levels(index, &ctx.levels, &level_min, &level_step);
    for (uint64_t first = 0; first < query_count; first += chunk_limit) {
        uint32_t chunk =
            (uint32_t)(query_count - first < chunk_limit ? query_count - first : chunk_limit);
        for (uint32_t q = 0; q < chunk; q++) {
            double *q_rot = buf.q_rot + (size_t)q * index->padded_dim;
            lodedb_query_rotate(index, queries + (first + q) * index->dim, q_rot, buf.scratch);
            if (sketch) {
                lodedb_sketch_tables(index, q_rot, (uint8_t *)(buf.weights + q * weight_bytes),
                                     &buf.delta[q], &buf.bias[q]);
            } else {
                lodedb_query_weights(index, level_min, level_step, q_rot,
                                     buf.weights + q * weight_bytes, &buf.delta[q], &buf.bias[q]);
            }
        }
        for (size_t part = 0; part < parts; part++) {
            for (uint32_t q = 0; q < chunk; q++) {
                lodedb_topk *heap = &buf.heaps[part * QUERY_CHUNK + q];
                heap->items = buf.heap_items + (part * chunk_limit + q) * candidates;
                heap->size = 0;
                heap->capacity = candidates;
                if (slot_doc != NULL) {
                    heap->docs = buf.docs + ((part * chunk_limit + q) << doc_bits);
                    heap->doc_bits = doc_bits;
                    lodedb_doc_table_clear(heap->docs, doc_bits);
                }
            }
        }
        ctx.query_count = chunk;
        lodedb_run_parallel(scan_part, &ctx, parts);

        for (uint32_t q = 0; q < chunk; q++) {
            size_t merged = 0;
            for (size_t part = 0; part < parts; part++) {
                const lodedb_topk *heap = &buf.heaps[part * QUERY_CHUNK + q];
                memcpy(buf.merged + merged, heap->items, heap->size * sizeof(lodedb_hit));
                merged += heap->size;
            }
            lodedb_hits_sort(buf.merged, merged);
            if (slot_doc != NULL && parts > 1) {
                merged = merge_documents(buf.merged, merged, candidates,
                                         buf.docs + ((parts * chunk_limit) << doc_bits), doc_bits);
            }
            if (merged > candidates) {
                merged = candidates;
            }
            if (rerank) {
                const double *q_rot = buf.q_rot + (size_t)q * index->padded_dim;
                for (size_t i = 0; i < merged; i++) {
                    buf.merged[i].score =
                        lodedb_query_exact_score(index, ctx.kernels, q_rot, buf.merged[i].slot);
                }
                lodedb_hits_sort(buf.merged, merged);
            }
            size_t returned = merged < k ? merged : k;
            size_t base = (size_t)(first + q) * k;
            for (size_t i = 0; i < returned; i++) {
                out_slots[base + i] = buf.merged[i].slot;
                out_scores[base + i] = buf.merged[i].score;
            }
            out_counts[first + q] = (uint32_t)returned;
        }
    }
    lodedb_search_buffers_free(&buf);
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_index_search(const lodedb_index *index, const float *queries,
                                             uint64_t query_count, uint32_t k,
                                             const uint64_t *allow_mask, uint64_t allow_mask_words,
                                             uint32_t threads, uint64_t *out_slots,
                                             float *out_scores, uint32_t *out_counts) {
    return search_impl(index, queries, query_count, k, allow_mask, allow_mask_words, NULL, 0,
                       threads, out_slots, out_scores, out_counts, 1);
}

LODEDB_API lodedb_status lodedb_index_search_candidates(const lodedb_index *index,
                                                        const float *queries, uint64_t query_count,
                                                        uint32_t count, const uint64_t *allow_mask,
                                                        uint64_t allow_mask_words, uint32_t threads,
                                                        uint64_t *out_slots, float *out_scores,
                                                        uint32_t *out_counts) {
    return search_impl(index, queries, query_count, count, allow_mask, allow_mask_words, NULL, 0,
                       threads, out_slots, out_scores, out_counts, 0);
}

LODEDB_API lodedb_status lodedb_index_search_documents(
    const lodedb_index *index, const float *queries, uint64_t query_count, uint32_t k,
    const uint64_t *allow_mask, uint64_t allow_mask_words, const uint32_t *slot_documents,
    uint64_t slot_document_count, uint32_t threads, uint64_t *out_slots, float *out_scores,
    uint32_t *out_counts) {
    return search_impl(index, queries, query_count, k, allow_mask, allow_mask_words, slot_documents,
                       slot_document_count, threads, out_slots, out_scores, out_counts, 1);
}

LODEDB_API lodedb_status lodedb_index_search_document_candidates(
    const lodedb_index *index, const float *queries, uint64_t query_count, uint32_t count,
    const uint64_t *allow_mask, uint64_t allow_mask_words, const uint32_t *slot_documents,
    uint64_t slot_document_count, uint32_t threads, uint64_t *out_slots, float *out_scores,
    uint32_t *out_counts) {
    return search_impl(index, queries, query_count, count, allow_mask, allow_mask_words,
                       slot_documents, slot_document_count, threads, out_slots, out_scores,
                       out_counts, 0);
}

LODEDB_API lodedb_status lodedb_index_score_slots(const lodedb_index *index, const float *query,
                                                  const uint64_t *slots, uint64_t slot_count,
                                                  float *out_scores) {
    lodedb_clear_error();
    if (out_scores != NULL) {
        for (uint64_t i = 0; i < slot_count; i++) {
            out_scores[i] = 0.0f;
        }
    }
    if (index == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "index must not be NULL");
    }
    if (slot_count == 0) {
        return LODEDB_OK;
    }
    if (query == NULL || slots == NULL || out_scores == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "query, slots and out_scores must not be NULL");
    }
    lodedb_status status = lodedb_validate_vectors(query, 1, index->dim, "query", 0);
    if (status != LODEDB_OK) {
        return status;
    }
    for (uint64_t i = 0; i < slot_count; i++) {
        if (slots[i] >= index->slot_count) {
            return lodedb_fail(LODEDB_ERR_OUT_OF_RANGE,
                               "slots[%llu] = %llu is beyond the index (%llu slots)",
                               (unsigned long long)i, (unsigned long long)slots[i],
                               (unsigned long long)index->slot_count);
        }
        if (!lodedb_index_slot_live(index, slots[i])) {
            return lodedb_fail(LODEDB_ERR_OUT_OF_RANGE, "slots[%llu] = %llu is removed",
                               (unsigned long long)i, (unsigned long long)slots[i]);
        }
    }
    double *q_rot = malloc(sizeof(double) * 2u * index->padded_dim);
    if (q_rot == NULL) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "out of memory for the query buffers");
    }
    lodedb_query_rotate(index, query, q_rot, q_rot + index->padded_dim);
    const lodedb_scan_kernels *kernels = lodedb_scan_kernels_active();
    for (uint64_t i = 0; i < slot_count; i++) {
        out_scores[i] = lodedb_query_exact_score(index, kernels, q_rot, slots[i]);
    }
    free(q_rot);
    return LODEDB_OK;
}
