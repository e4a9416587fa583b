/*
 * lodedb.h: the one public header of the LodeDb native core (C11).
 *
 * Contract (see docs/architecture.md):
 * - Every fallible function returns an lodedb_status (LODEDB_OK = 0). On failure a
 *   human-readable message is available from lodedb_last_error_message() on the same thread.
 *   Nothing here aborts or prints.
 * - Callers own every buffer they pass; sizes are explicit. The only memory the library
 *   allocates for the caller are the handles, released by their matching _free/_close.
 * - Handles are not internally locked: any number of threads may call the const functions
 *   (search, score, export, info, save) on one index at once, but a mutating call
 *   (add, replace, remove, compact, import) needs exclusive access. The managed layer locks.
 *   A WAL handle likewise, except that lodedb_wal_sync may run beside one appending thread.
 * - All on-disk integers are little-endian; every record and file carries a CRC32C.
 *
 * The managed binding (bindings/LodeDb.Native) is generated from this file by
 * bindings/generator/generate_bindings.py; a test fails when the two drift apart.
 * Keep declarations simple: fixed-width integers, pointers, and plain structs.
 */
#ifndef LODEDB_LODEDB_H
#define LODEDB_LODEDB_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#if defined(LODEDB_BUILDING_LIBRARY)
#define LODEDB_API __declspec(dllexport)
#else
#define LODEDB_API __declspec(dllimport)
#endif
#else
#define LODEDB_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on any incompatible change of this header. The managed side refuses a mismatch. */
#define LODEDB_ABI_VERSION 1

/* A slot number that names no slot (unused result entries, removed slots in a compaction map). */
#define LODEDB_NO_SLOT UINT64_MAX

/* Flag for functions that write files: fsync the data before returning. */
#define LODEDB_FLAG_SYNC 1

/* Bytes of framing around every WAL payload (see lodedb_wal_encode). */
#define LODEDB_WAL_RECORD_OVERHEAD 20

/* Largest supported vector dimension (the smallest is 1). The managed layer validates with
 * this value rather than a copy of it. */
#define LODEDB_MAX_DIMENSION 65536

/* The supported bit widths (bits per coordinate) as a mask: bit b set when b is supported, so
 * 2 and 4 today. The managed layer validates with this value rather than a copy of it. */
#define LODEDB_SUPPORTED_BITS_MASK 20u

/* The threads argument of a search that lets the library choose how many threads to use (see
 * lodedb_index_search and lodedb_index_search_threads). */
#define LODEDB_THREADS_AUTO UINT32_MAX

/* Most threads one search uses: a larger threads argument counts as this many. */
#define LODEDB_MAX_THREADS 64

typedef enum lodedb_status {
    LODEDB_OK = 0,
    /* Not an error: an iteration reached its clean end (lodedb_wal_next). */
    LODEDB_DONE = 1,
    /* A null pointer, a zero count, an unsupported bit width, a buffer of the wrong size... */
    LODEDB_ERR_INVALID_ARGUMENT = 2,
    /* A vector with NaN/Inf, a coordinate of absurd magnitude, or a zero vector. */
    LODEDB_ERR_INVALID_VECTOR = 3,
    /* A vector or row does not match the index dimension or code size. */
    LODEDB_ERR_DIMENSION_MISMATCH = 4,
    /* A slot number beyond the index, or an operation on a removed slot. */
    LODEDB_ERR_OUT_OF_RANGE = 5,
    LODEDB_ERR_OUT_OF_MEMORY = 6,
    /* An operating-system I/O call failed; the message carries errno's text. */
    LODEDB_ERR_IO = 7,
    /* Bytes that do not parse: bad magic, CRC mismatch, impossible length or header field. */
    LODEDB_ERR_CORRUPT = 8,
    /* A format version, SIMD level or feature this build or CPU does not support. */
    LODEDB_ERR_UNSUPPORTED = 9,
    /* An output buffer is too small; the message says how large it must be. */
    LODEDB_ERR_BUFFER_TOO_SMALL = 10,
    /* A caller callback asked to stop (lodedb_wal_replay_file). */
    LODEDB_ERR_ABORTED = 11,
    /* A bug in LodeDb: please report the message. */
    LODEDB_ERR_INTERNAL = 12
} lodedb_status;

typedef enum lodedb_simd {
    LODEDB_SIMD_SCALAR = 0,
    LODEDB_SIMD_AVX2 = 1,
    LODEDB_SIMD_AVX512 = 2,
    LODEDB_SIMD_NEON = 3
} lodedb_simd;

/* ---- Library ------------------------------------------------------------------------------ */

/* LODEDB_ABI_VERSION of the compiled library. */
LODEDB_API uint32_t lodedb_abi_version(void);

/* Semantic version of the library, e.g. "0.1.0". Static storage. */
LODEDB_API const char *lodedb_version(void);

/* Message of the last failed call on this thread; "" when none. Valid until the next call
 * into the library on this thread. Never NULL. */
LODEDB_API const char *lodedb_last_error_message(void);

/* Stable upper-case name of a status, e.g. "LODEDB_ERR_CORRUPT". Static storage. */
LODEDB_API const char *lodedb_status_name(lodedb_status status);

/* CRC32C (Castagnoli) of data, continuing from crc (start with 0). */
LODEDB_API uint32_t lodedb_crc32c(uint32_t crc, const uint8_t *data, size_t length);

/* Makes the directory entry of path durable after the file was created or renamed there
 * (fsync of the parent directory on POSIX; nothing to do on Windows, where NTFS journals it). */
LODEDB_API lodedb_status lodedb_sync_parent_directory(const char *path_utf8);

/* ---- SIMD dispatch ------------------------------------------------------------------------ */

/* The kernel family the scan uses now. Chosen once: the environment variable LODEDB_SIMD
 * (scalar|avx2|avx512|neon|auto) when it names a supported level, else the best supported. */
LODEDB_API lodedb_simd lodedb_simd_level(void);

/* 1 when the level is compiled into this build and the running CPU supports it, else 0. */
LODEDB_API int32_t lodedb_simd_supported(lodedb_simd level);

/* Switches the process to another supported level (tests, odd machines). Not to be called
 * while a search runs. LODEDB_ERR_UNSUPPORTED when the level is not supported. */
LODEDB_API lodedb_status lodedb_simd_force(lodedb_simd level);

/* "scalar", "avx2", "avx512", "neon"; "unknown" otherwise. Static storage. */
LODEDB_API const char *lodedb_simd_name(lodedb_simd level);

/* ---- TurboQuant primitives (exposed for tests, doctor and the managed checks) -------------- */

/* The dimension rounded up to a multiple of 8 (the width codes are stored at). 0 if dim is 0
 * or above LODEDB_MAX_DIMENSION. */
LODEDB_API uint32_t lodedb_padded_dim(uint32_t dim);

/* The Lloyd-Max centroids for (dim, bits), ascending; centroid_count must be 1 << bits. */
LODEDB_API lodedb_status lodedb_codebook(uint32_t dim, uint32_t bits, float *centroids,
                                         size_t centroid_count);

/* A 64-bit fingerprint of the codebook of (dim, bits), stored in file headers. */
LODEDB_API lodedb_status lodedb_codebook_fingerprint(uint32_t dim, uint32_t bits,
                                                     uint64_t *out_fingerprint);

/* Applies the seeded rotation to one vector: input has dim floats, output receives
 * lodedb_padded_dim(dim) floats. Bit-identical on every platform and SIMD level. */
LODEDB_API lodedb_status lodedb_rotate(uint32_t dim, uint64_t seed, const float *input,
                                       float *output, size_t output_length);

/* ---- Index -------------------------------------------------------------------------------- */

/*
 * An index holds slots 0..slot_count-1. Each slot stores a vector's packed codes and its
 * length-correction scale, or is a tombstone (removed). Slots are never renumbered except by
 * lodedb_index_compact.
 *
 * Canonical row layout (export/import/encode, and on disk): code_bytes_per_row bytes of
 * packed codes, coordinate order after rotation. 4 bits: coordinate 2i in the low nibble of
 * byte i, 2i+1 in the high nibble. 2 bits: coordinate 4i+j in bits 2j..2j+1 of byte i.
 * The in-memory SIMD block layout is private and may change between versions.
 */
typedef struct lodedb_index lodedb_index;

typedef struct lodedb_index_info {
    uint32_t dim;
    uint32_t padded_dim;
    uint32_t bits;
    uint32_t block_size; /* vectors per SIMD block */
    uint64_t seed;
    uint64_t codebook_fingerprint;
    uint64_t slot_count; /* live + removed */
    uint64_t live_count;
    uint64_t code_bytes_per_row; /* padded_dim * bits / 8 */
    uint64_t memory_bytes;       /* heap bytes held by the index */
} lodedb_index_info;

/* bits is 2 or 4; dim in 1..LODEDB_MAX_DIMENSION; seed fixes the rotation. */
LODEDB_API lodedb_status lodedb_index_create(uint32_t dim, uint32_t bits, uint64_t seed,
                                             lodedb_index **out_index);

/* Releases the index; NULL is ignored. */
LODEDB_API void lodedb_index_free(lodedb_index *index);

LODEDB_API lodedb_status lodedb_index_get_info(const lodedb_index *index,
                                               lodedb_index_info *out_info);

/* Encodes count vectors (count * dim floats, row-major) and appends them as new slots.
 * All or nothing: an invalid vector adds none and the message names its row and coordinate.
 * *out_first_slot receives the slot of the first vector; the rest follow consecutively. */
LODEDB_API lodedb_status lodedb_index_add(lodedb_index *index, const float *vectors, uint64_t count,
                                          uint64_t *out_first_slot);

/* Encodes one vector into an existing slot (a removed slot becomes live again). */
LODEDB_API lodedb_status lodedb_index_replace(lodedb_index *index, uint64_t slot,
                                              const float *vector);

/* Marks a slot removed (tombstone). Removing a removed slot is LODEDB_ERR_OUT_OF_RANGE. */
LODEDB_API lodedb_status lodedb_index_remove(lodedb_index *index, uint64_t slot);

/* *out_live = 1 when the slot holds a vector, 0 when removed. */
LODEDB_API lodedb_status lodedb_index_is_live(const lodedb_index *index, uint64_t slot,
                                              int32_t *out_live);

/* Drops removed slots and renumbers the live ones in order. old_to_new (old_slot_count
 * entries, the slot_count before the call) receives each old slot's new number, or
 * LODEDB_NO_SLOT for removed ones. */
LODEDB_API lodedb_status lodedb_index_compact(lodedb_index *index, uint64_t *old_to_new,
                                              uint64_t old_slot_count);

/* Encodes count vectors to canonical rows without adding them (e.g. to log codes in a WAL).
 * codes_length must be count * code_bytes_per_row and scales_length count. */
LODEDB_API lodedb_status lodedb_encode(const lodedb_index *index, const float *vectors,
                                       uint64_t count, uint8_t *codes, size_t codes_length,
                                       float *scales, size_t scales_length);

/* Copies canonical rows of slots first_slot..first_slot+count-1 (removed slots included:
 * use lodedb_index_is_live). Buffer sizes as for lodedb_encode. */
LODEDB_API lodedb_status lodedb_index_export_rows(const lodedb_index *index, uint64_t first_slot,
                                                  uint64_t count, uint8_t *codes,
                                                  size_t codes_length, float *scales,
                                                  size_t scales_length);

/* Appends count canonical rows as new live slots without re-encoding. Scales must be finite.
 * *out_first_slot receives the first new slot. */
LODEDB_API lodedb_status lodedb_index_import_rows(lodedb_index *index, const uint8_t *codes,
                                                  size_t codes_length, const float *scales,
                                                  size_t scales_length, uint64_t count,
                                                  uint64_t *out_first_slot);

/* Overwrites one slot with a canonical row (a removed slot becomes live again). */
LODEDB_API lodedb_status lodedb_index_replace_row(lodedb_index *index, uint64_t slot,
                                                  const uint8_t *codes, size_t codes_length,
                                                  float scale);

/*
 * Top-k search for query_count queries (query_count * dim floats, row-major).
 * Score = the TurboQuant estimate of <vector, query>: cosine similarity when both were
 * normalised. Results of query q are at [q*k, q*k + out_counts[q]), best first, ties broken
 * by lower slot; out_counts[q] = min(k, allowed live slots). Unused entries get
 * LODEDB_NO_SLOT and score 0.
 * allow_mask: NULL allows every live slot; else bit (s % 64) of word s / 64 allows slot s and
 * slots beyond allow_mask_words * 64 are not allowed. Removed slots are never returned.
 * threads: 0 or 1 scans on the calling thread (no other thread is used); n > 1 allows up to
 * min(n, LODEDB_MAX_THREADS) threads, and LODEDB_THREADS_AUTO lets the library choose; in both
 * cases the library uses fewer for small indexes, where handing work to a thread costs more
 * than it saves (lodedb_index_search_threads says how many a search would use). The first call
 * that uses more than one starts worker threads that the library keeps for later calls.
 * Results never depend on the thread count.
 * out_slots and out_scores hold query_count * k entries, out_counts query_count.
 */
LODEDB_API lodedb_status lodedb_index_search(const lodedb_index *index, const float *queries,
                                             uint64_t query_count, uint32_t k,
                                             const uint64_t *allow_mask, uint64_t allow_mask_words,
                                             uint32_t threads, uint64_t *out_slots,
                                             float *out_scores, uint32_t *out_counts);

/*
 * The scan half of lodedb_index_search without its exact re-rank: the best count slots per
 * query by the scan's approximate score (int8 levels x int8 query weights), which is also what
 * they are returned with.
 * For callers that re-score the candidates themselves (e.g. from full-precision vectors kept
 * elsewhere), where the exact TurboQuant re-rank would be wasted work. Arguments, filtering
 * (allow_mask, removed slots), threads and the output layout are those of
 * lodedb_index_search with k = count: out_counts[q] = min(count, allowed live slots), best
 * first, ties broken by lower slot. The scores do not depend on the SIMD level or threads.
 * The set holds the slots whose approximate score is highest; it differs from the top count
 * by the exact estimate only where the two scores disagree on order.
 */
LODEDB_API lodedb_status lodedb_index_search_candidates(const lodedb_index *index,
                                                        const float *queries, uint64_t query_count,
                                                        uint32_t count, const uint64_t *allow_mask,
                                                        uint64_t allow_mask_words, uint32_t threads,
                                                        uint64_t *out_slots, float *out_scores,
                                                        uint32_t *out_counts);

/*
 * Document-aware top-k: lodedb_index_search where several slots belong to one document
 * (chunks of a text) and results are documents. slot_documents holds one document number per
 * slot (slot_document_count must equal the index's slot_count; numbers are any uint32 values,
 * only equality matters). The scan keeps at most one slot per document in its heap, so
 * out_counts[q] = min(k, documents with an allowed live slot) from one call, however many
 * chunks of one document score above every other document.
 * Each document is represented by its best slot by the scan's score (ties: lower slot), and
 * the candidates are the best k + max(k, 16) documents by that score; those slots get the
 * exact re-rank of lodedb_index_search and the best k are returned, best first, ties broken
 * by lower slot. So a returned slot is the document's best chunk by the scan, its score that
 * chunk's exact estimate. Filters, threads, the output layout and determinism (no dependence
 * on SIMD level, threads or batching) are those of lodedb_index_search. slot_documents NULL
 * (with slot_document_count 0) is lodedb_index_search itself.
 */
LODEDB_API lodedb_status lodedb_index_search_documents(
    const lodedb_index *index, const float *queries, uint64_t query_count, uint32_t k,
    const uint64_t *allow_mask, uint64_t allow_mask_words, const uint32_t *slot_documents,
    uint64_t slot_document_count, uint32_t threads, uint64_t *out_slots, float *out_scores,
    uint32_t *out_counts);

/*
 * lodedb_index_search_candidates over documents: the best count documents per query, each at
 * its best slot by the scan's approximate score (ties: lower slot), with that score, best
 * first. slot_documents as for lodedb_index_search_documents; NULL (with count 0) is
 * lodedb_index_search_candidates itself. A caller re-scoring the candidates elsewhere gets
 * one slot per document: the document's best chunk by the scan.
 */
LODEDB_API lodedb_status lodedb_index_search_document_candidates(
    const lodedb_index *index, const float *queries, uint64_t query_count, uint32_t count,
    const uint64_t *allow_mask, uint64_t allow_mask_words, const uint32_t *slot_documents,
    uint64_t slot_document_count, uint32_t threads, uint64_t *out_slots, float *out_scores,
    uint32_t *out_counts);

/*
 * The sign sketch: enabled != 0 keeps, in memory only, one bit per padded coordinate of every
 * slot (the sign of its code; padded_dim / 8 bytes per slot, derived from the codes now and
 * kept current by every later change), and from then on lodedb_index_search_candidates and
 * lodedb_index_search_document_candidates rank by that 1-bit estimate instead of the codes'
 * (a quarter of a 4-bit scan's bytes, half of a 2-bit one's), for callers that re-score the
 * candidates from full-precision vectors and ask for a few more of them. lodedb_index_search,
 * lodedb_index_search_documents and lodedb_index_score_slots keep scanning the codes. The
 * candidate scores are then the sketch's estimate, again independent of SIMD level, threads
 * and batching; filters, output layout and ties are unchanged. enabled = 0 frees the sketch.
 * Not saved with the index: a loaded index starts without it. memory_bytes counts it.
 */
LODEDB_API lodedb_status lodedb_index_set_sketch(lodedb_index *index, int32_t enabled);

/*
 * How many threads a search of this index would use now for a threads argument (see
 * lodedb_index_search): 1 for 0 or 1; for n > 1 at most min(n, LODEDB_MAX_THREADS); for
 * LODEDB_THREADS_AUTO at most min(online CPUs this process may run on, 8) and only when the
 * index holds 65,536 slots or more; and never more than one per 16 blocks of 32 slots. 1 for a
 * NULL index.
 */
LODEDB_API uint32_t lodedb_index_search_threads(const lodedb_index *index, uint32_t threads);

/* The estimated score of one query against the given slots, for re-ranking. */
LODEDB_API lodedb_status lodedb_index_score_slots(const lodedb_index *index, const float *query,
                                                  const uint64_t *slots, uint64_t slot_count,
                                                  float *out_scores);

/* ---- Snapshot files of an index ----------------------------------------------------------- */

typedef struct lodedb_snapshot_header {
    uint32_t format_version;
    uint32_t dim;
    uint32_t padded_dim;
    uint32_t bits;
    uint64_t seed;
    uint64_t codebook_fingerprint;
    uint64_t row_count;
} lodedb_snapshot_header;

/* Serialises the whole index (rows, scales, tombstones) to buffer. With buffer NULL only
 * *out_length (the size needed) is set. */
LODEDB_API lodedb_status lodedb_index_serialize(const lodedb_index *index, uint8_t *buffer,
                                                size_t buffer_length, size_t *out_length);

/* Rebuilds an index from serialised bytes. Validates magic, version, every header field, the
 * codebook fingerprint and the CRCs; never trusts a length. LODEDB_ERR_CORRUPT for damaged
 * bytes; LODEDB_ERR_UNSUPPORTED for a newer format version or intact bytes written with
 * another codebook (re-encode from the original vectors). Removed slots are stored as zero
 * codes, so a deleted vector never reaches disk. */
LODEDB_API lodedb_status lodedb_index_deserialize(const uint8_t *data, size_t length,
                                                  lodedb_index **out_index);

/* Writes the serialised index to path (created or truncated; the caller renames into place).
 * flags: LODEDB_FLAG_SYNC fsyncs the file before returning. */
LODEDB_API lodedb_status lodedb_index_save(const lodedb_index *index, const char *path_utf8,
                                           uint32_t flags);

LODEDB_API lodedb_status lodedb_index_load(const char *path_utf8, lodedb_index **out_index);

/* Parses and validates only the header of serialised bytes. */
LODEDB_API lodedb_status lodedb_snapshot_read_header(const uint8_t *data, size_t length,
                                                     lodedb_snapshot_header *out_header);

/* ---- Write-ahead log ---------------------------------------------------------------------- */

/*
 * A WAL file is a sequence of framed records; payload bytes are opaque to the library.
 * Frame (little-endian): magic u32 "LWAL", version u16, flags u16, payload length u32,
 * CRC32C u32 of the 12 bytes before it plus the payload, reserved u32 (zero), payload.
 */
typedef struct lodedb_wal lodedb_wal;

typedef struct lodedb_wal_record {
    uint64_t payload_offset;
    uint64_t payload_length;
    uint64_t next_offset;
} lodedb_wal_record;

/* Called once per valid record; return 0 to go on, anything else to stop. */
typedef int32_t (*lodedb_wal_record_fn)(void *context, const uint8_t *payload,
                                        size_t payload_length);

/* Opens (creating if missing) a WAL for appending at its current end. Replay it first and
 * truncate a torn tail before appending. */
LODEDB_API lodedb_status lodedb_wal_open(const char *path_utf8, lodedb_wal **out_wal);

/* Closes the file; NULL is ignored. */
LODEDB_API void lodedb_wal_close(lodedb_wal *wal);

/* Appends one framed record in a single write. LODEDB_FLAG_SYNC: fdatasync before return. */
LODEDB_API lodedb_status lodedb_wal_append(lodedb_wal *wal, const uint8_t *payload,
                                           size_t payload_length, uint32_t flags);

/* fdatasyncs the file: every append that returned before this call began is durable when it
 * returns LODEDB_OK. The one call that may run on a handle while another thread appends to it
 * (group commit: writers append one by one, one thread syncs for all of them); a failure marks
 * the handle broken, so appends are refused until a synced truncate. */
LODEDB_API lodedb_status lodedb_wal_sync(lodedb_wal *wal);

/* Cuts the file to length bytes (after a checkpoint: 0; after replay: the valid length).
 * A length beyond the end is LODEDB_ERR_INVALID_ARGUMENT. */
LODEDB_API lodedb_status lodedb_wal_truncate(lodedb_wal *wal, uint64_t length, uint32_t flags);

LODEDB_API lodedb_status lodedb_wal_size(const lodedb_wal *wal, uint64_t *out_size);

/* Frames a payload into out (payload_length + LODEDB_WAL_RECORD_OVERHEAD bytes). */
LODEDB_API lodedb_status lodedb_wal_encode(const uint8_t *payload, size_t payload_length,
                                           uint8_t *out, size_t out_length, size_t *out_written);

/* Decodes the record starting at offset of data. LODEDB_OK: *out_record is filled.
 * LODEDB_DONE: offset == length (clean end). LODEDB_ERR_CORRUPT: a torn or corrupt record
 * starts at offset, so the valid prefix is offset bytes long. LODEDB_ERR_UNSUPPORTED: an
 * intact record (CRC valid) of a newer frame version or with unknown flags: do not truncate
 * it as a torn tail. Safe on arbitrary bytes. */
LODEDB_API lodedb_status lodedb_wal_next(const uint8_t *data, size_t length, uint64_t offset,
                                         lodedb_wal_record *out_record);

/* Reads a WAL file and calls fn for each valid record in order, stopping cleanly at the end
 * or at a torn tail. *out_valid_bytes is the length of the valid prefix and
 * *out_record_count the records delivered. A bad frame with no decodable frame anywhere after
 * it is a torn tail (a crash mid-append); a bad frame followed by any decodable frame is
 * interior corruption: LODEDB_ERR_CORRUPT, with the message naming both offsets (outputs
 * describe the prefix before the bad frame; records after it were not delivered). Returns
 * LODEDB_OK for a clean end or a torn tail
 * (compare *out_valid_bytes with the file size; the last error message then says why the
 * tail was rejected), LODEDB_ERR_ABORTED when fn stopped it (the record it stopped on is
 * counted in both outputs), LODEDB_ERR_UNSUPPORTED at an intact record of a newer version
 * (outputs describe the prefix before it), LODEDB_ERR_IO when the file cannot be read. */
LODEDB_API lodedb_status lodedb_wal_replay_file(const char *path_utf8, lodedb_wal_record_fn fn,
                                                void *context, uint64_t *out_valid_bytes,
                                                uint64_t *out_record_count);

#ifdef __cplusplus
}
#endif

#endif /* LODEDB_LODEDB_H */
