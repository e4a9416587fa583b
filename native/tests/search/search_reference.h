/* Shared by the search tests (search_reference.c): result buffers, a filled index, the
 * allow-mask rule, and the searches spelled out slot by slot, the one reference they are all
 * checked against. Helpers here return what they found; the CHECKs stay in each test. */
#ifndef LODEDB_TESTS_SEARCH_REFERENCE_H
#define LODEDB_TESTS_SEARCH_REFERENCE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../turbovec/test_random.h"
#include "scan/scan_kernels.h"
#include "search/query_weights.h"
#include "search/topk.h"
#include "turbovec/index.h"

typedef struct results {
    uint64_t *slots;
    float *scores;
    uint32_t *counts;
} results;

/* Result buffers for `queries` queries of k hits each (malloc'd; results_free). */
results results_new(uint64_t queries, uint32_t k);
void results_free(results *r);
/* Whether a and b hold the same bytes (slots, scores, counts). */
int results_equal(const results *a, const results *b, uint64_t queries, uint32_t k);

/* An index of n seeded unit vectors; the vectors are returned when out_vectors is not NULL. */
lodedb_index *make_filled(uint32_t dim, uint32_t bits, uint64_t n, uint64_t seed,
                          float **out_vectors);

/* make_filled(dim, bits, n, seed) and one seeded unit query of dim floats in query (from its
 * own stream, query_seed): the setup of the small edge-case tests. */
lodedb_index *make_with_query(uint32_t dim, uint32_t bits, uint64_t n, uint64_t seed,
                              uint64_t query_seed, float *query);

/* Whether slot is allowed by mask (NULL: every slot). */
int allowed(const uint64_t *mask, uint64_t words, uint64_t slot);

/* The removal pattern of the agreement tests: every 7th slot, then every live slot of
 * 640..799 (whole blocks of 32 with nothing live, which the scan skips). Returns how many
 * removals failed (0 expected). */
int remove_scattered_and_whole_blocks(lodedb_index *index, uint64_t n);

/* A dense random allow mask of `words` words with word 20 empty (a whole skipped range). */
void random_mask_with_a_hole(test_rng *rng, uint64_t *mask, int words);

/* The scan with no early reject: the approximate score of every allowed live slot from the
 * scalar kernel's sums (the same double expression as src/search/search.c), sorted by
 * (score, lower slot) into hits (slot_count + 1 entries); returns how many. q_rot (2 *
 * padded_dim doubles) receives the rotated query, for exact estimates afterwards. */
size_t reference_approximate_hits(const lodedb_index *index, const float *query,
                                  const uint64_t *mask, uint64_t words, double *q_rot,
                                  lodedb_hit *hits);

/* Every search of the core spelled out slot by slot for one query: the approximate hits
 * above; with slot_doc (slot -> document) only each document's first, i.e. best, hit; the
 * best `candidates` of those; with rerank their exact estimates (scalar kernel), sorted again;
 * the best `count` into slots and scores, padded with LODEDB_NO_SLOT and 0. The plain search
 * is candidates = k + max(k, 16) (LODEDB_RERANK_EXTRA's default) with rerank; the candidate
 * search is candidates = count without. Every shortcut of the scan must return these bytes. */
void reference_top(const lodedb_index *index, const float *query, const uint64_t *mask,
                   uint64_t words, const uint32_t *slot_doc, uint64_t candidates, int rerank,
                   uint32_t count, uint64_t *slots, float *scores, uint32_t *out_count);

/* candidates = k + max(k, 16): what the re-ranking searches take from the scan. */
uint64_t rerank_candidates(uint32_t k);

/* One of the core's searches with its extra arguments bound, so one harness can repeat it:
 * plain (lodedb_index_search), candidates (_search_candidates), or a document search with its
 * slot -> document map. */
typedef lodedb_status (*slot_search_fn)(const lodedb_index *, const float *, uint64_t, uint32_t,
                                        const uint64_t *, uint64_t, uint32_t, uint64_t *, float *,
                                        uint32_t *);
typedef lodedb_status (*doc_search_fn)(const lodedb_index *, const float *, uint64_t, uint32_t,
                                       const uint64_t *, uint64_t, const uint32_t *, uint64_t,
                                       uint32_t, uint64_t *, float *, uint32_t *);
typedef struct search_call {
    slot_search_fn slots;    /* set for the slot searches */
    doc_search_fn documents; /* set for the document searches */
    const uint32_t *map;     /* their slot -> document map */
    uint64_t map_length;
} search_call;

lodedb_status search_call_run(const search_call *call, const lodedb_index *index,
                              const float *queries, uint64_t qn, uint32_t k, const uint64_t *mask,
                              uint64_t words, uint32_t threads, results *out, uint64_t first);

/* The agreement every search owes: `expected` (the batched call on one thread) equals the same
 * call one query at a time, with each of `threads`, and at every SIMD level this CPU has (with
 * simd_threads threads; the level is restored). Returns how many runs differ or fail, each
 * named on stderr; 0 when all agree. print_levels: print the levels compared. */
int agreement_failures(const search_call *call, const lodedb_index *index, const float *queries,
                       uint64_t qn, uint32_t k, const uint64_t *mask, uint64_t words,
                       const results *expected, const uint32_t *threads, size_t thread_count,
                       uint32_t simd_threads, int print_levels);

#endif
