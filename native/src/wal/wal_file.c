/* The WAL file: append framed records (one write each), sync, truncate, and replay a file
 * into a callback, stopping cleanly at a torn or corrupt tail. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "lodedb/lodedb.h"
#include "wal/file_io.h"
#include "wal/little_endian.h"
#include "wal/wal_frame.h"
#include "wal/wal_replay.h"
#include "wal/wal_resync.h"

/* Appends up to this size reuse the handle's buffer; bigger ones get a temporary one so a
 * single huge record does not pin its memory for the life of the handle. */
#define WAL_SCRATCH_KEEP ((size_t)1 << 20)

/* Replay reads the file through a buffer of this size, grown only for a record whose
 * declared length the rest of the file can actually hold. */
#define WAL_REPLAY_CHUNK ((size_t)1 << 20)

struct lodedb_wal {
    int fd;
    /* Bytes of whole records as far as this handle knows: where a failed append rolls back to. */
    uint64_t size;
    /* Set after a write or sync failure we could not undo: the file's state is unknown (after
     * a failed fsync the kernel may have dropped the dirty pages), so appending on top could
     * put acknowledged records behind garbage. Cleared by a synced truncate. Atomic: a sync may
     * run on one thread while another appends (group commit). */
    atomic_int broken;
    uint8_t *scratch;
    size_t scratch_capacity;
    char *path;
};

static char *copy_string(const char *s) {
    size_t n = strlen(s) + 1;
    char *copy = malloc(n);
    if (copy != NULL) {
        memcpy(copy, s, n);
    }
    return copy;
}

LODEDB_API lodedb_status lodedb_wal_open(const char *path_utf8, lodedb_wal **out_wal) {
    lodedb_clear_error();
    if (path_utf8 == NULL || out_wal == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "lodedb_wal_open: %s is NULL",
                           path_utf8 == NULL ? "path_utf8" : "out_wal");
    }
    *out_wal = NULL;
    lodedb_wal *wal = calloc(1, sizeof *wal);
    char *path = copy_string(path_utf8);
    if (wal == NULL || path == NULL) {
        free(wal);
        free(path);
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "cannot allocate a WAL handle for '%s'",
                           path_utf8);
    }
    wal->path = path;
    int created = 0;
    lodedb_status status = lodedb_file_open(path_utf8, LODEDB_FILE_APPEND, &wal->fd, &created);
    if (status != LODEDB_OK) {
        free(path);
        free(wal);
        return status;
    }
    if (created) {
        /* A record fsynced into a file whose directory entry was never flushed can vanish
         * with the file after a crash. */
        status = lodedb_file_sync_parent_directory(path_utf8);
    }
    if (status == LODEDB_OK) {
        status = lodedb_file_size(wal->fd, &wal->size, path_utf8);
    }
    if (status != LODEDB_OK) {
        lodedb_file_close(wal->fd, path_utf8);
        free(path);
        free(wal);
        return status;
    }
    *out_wal = wal;
    return LODEDB_OK;
}

LODEDB_API void lodedb_wal_close(lodedb_wal *wal) {
    if (wal == NULL) {
        return;
    }
    lodedb_file_close(wal->fd, wal->path);
    free(wal->scratch);
    free(wal->path);
    free(wal);
}

static lodedb_status refuse_if_broken(const lodedb_wal *wal) {
    if (atomic_load(&wal->broken)) {
        return lodedb_fail(LODEDB_ERR_IO,
                           "WAL '%s' is in an unknown state after an earlier failed write or "
                           "sync; replay it and truncate it (with LODEDB_FLAG_SYNC) before "
                           "appending again",
                           wal->path);
    }
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_wal_append(lodedb_wal *wal, const uint8_t *payload,
                                           size_t payload_length, uint32_t flags) {
    lodedb_clear_error();
    if (wal == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "lodedb_wal_append: wal is NULL");
    }
    if (payload == NULL && payload_length > 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "lodedb_wal_append: payload is NULL but payload_length is %zu",
                           payload_length);
    }
    if (payload_length > LODEDB_WAL_MAX_PAYLOAD) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "lodedb_wal_append: payload of %zu bytes exceeds the WAL record "
                           "limit of %zu bytes",
                           payload_length, LODEDB_WAL_MAX_PAYLOAD);
    }
    if ((flags & ~(uint32_t)LODEDB_FLAG_SYNC) != 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "lodedb_wal_append: unknown flags 0x%08x",
                           flags);
    }
    lodedb_status status = refuse_if_broken(wal);
    if (status != LODEDB_OK) {
        return status;
    }
    size_t record_length = payload_length + LODEDB_WAL_RECORD_OVERHEAD;
    uint8_t *record;
    if (record_length <= WAL_SCRATCH_KEEP) {
        if (wal->scratch_capacity < record_length) {
            size_t capacity = wal->scratch_capacity == 0 ? 4096 : wal->scratch_capacity;
            while (capacity < record_length) {
                capacity *= 2;
            }
            uint8_t *grown = realloc(wal->scratch, capacity);
            if (grown == NULL) {
                return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY,
                                   "cannot allocate %zu bytes to frame a WAL record", capacity);
            }
            wal->scratch = grown;
            wal->scratch_capacity = capacity;
        }
        record = wal->scratch;
    } else {
        record = malloc(record_length);
        if (record == NULL) {
            return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY,
                               "cannot allocate %zu bytes to frame a WAL record", record_length);
        }
    }
    status = lodedb_wal_encode(payload, payload_length, record, record_length, NULL);
    if (status == LODEDB_OK) {
        /* One write of header + payload: a crash leaves a prefix of this record at worst,
         * which replay reports as a torn tail. */
        status = lodedb_file_write_all(wal->fd, record, record_length, wal->path);
        if (status != LODEDB_OK) {
            /* Cut the partial record off so the next append does not land behind garbage
             * (replay would stop there and lose it). The write error stays the message. */
            char message[1024];
            snprintf(message, sizeof message, "%s", lodedb_last_error_message());
            if (lodedb_file_truncate(wal->fd, wal->size, wal->path) != LODEDB_OK) {
                atomic_store(&wal->broken, 1);
            }
            lodedb_fail(status, "%s", message);
        } else {
            wal->size += record_length;
        }
    }
    if (record != wal->scratch) {
        free(record);
    }
    if (status == LODEDB_OK && (flags & LODEDB_FLAG_SYNC) != 0) {
        status = lodedb_file_sync(wal->fd, wal->path);
        if (status != LODEDB_OK) {
            atomic_store(&wal->broken, 1);
        }
    }
    return status;
}

LODEDB_API lodedb_status lodedb_wal_sync(lodedb_wal *wal) {
    lodedb_clear_error();
    if (wal == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "lodedb_wal_sync: wal is NULL");
    }
    lodedb_status status = refuse_if_broken(wal);
    if (status != LODEDB_OK) {
        return status;
    }
    status = lodedb_file_sync(wal->fd, wal->path);
    if (status != LODEDB_OK) {
        atomic_store(&wal->broken, 1);
    }
    return status;
}

LODEDB_API lodedb_status lodedb_wal_truncate(lodedb_wal *wal, uint64_t length, uint32_t flags) {
    lodedb_clear_error();
    if (wal == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "lodedb_wal_truncate: wal is NULL");
    }
    if ((flags & ~(uint32_t)LODEDB_FLAG_SYNC) != 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "lodedb_wal_truncate: unknown flags 0x%08x",
                           flags);
    }
    uint64_t size = 0;
    lodedb_status status = lodedb_file_size(wal->fd, &size, wal->path);
    if (status != LODEDB_OK) {
        return status;
    }
    if (length > size) {
        /* Growing would append zeros, which replay reads as a corrupt tail. */
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "lodedb_wal_truncate: length %llu is beyond the end of '%s' (%llu "
                           "bytes); truncation only shortens",
                           (unsigned long long)length, wal->path, (unsigned long long)size);
    }
    status = lodedb_file_truncate(wal->fd, length, wal->path);
    if (status != LODEDB_OK) {
        return status;
    }
    wal->size = length;
    if ((flags & LODEDB_FLAG_SYNC) != 0) {
        status = lodedb_file_sync(wal->fd, wal->path);
        if (status != LODEDB_OK) {
            atomic_store(&wal->broken, 1);
            return status;
        }
        atomic_store(&wal->broken, 0);
    }
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_wal_size(const lodedb_wal *wal, uint64_t *out_size) {
    lodedb_clear_error();
    if (wal == NULL || out_size == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "lodedb_wal_size: %s is NULL",
                           wal == NULL ? "wal" : "out_size");
    }
    return lodedb_file_size(wal->fd, out_size, wal->path);
}

/* ---- Replay --------------------------------------------------------------------------------- */

typedef struct replay_buffer {
    uint8_t *data;
    size_t capacity;
    size_t start;  /* first unconsumed byte */
    size_t end;    /* one past the last byte read */
    uint64_t base; /* file offset of data[0] */
    int eof;
} replay_buffer;

/* Moves the unconsumed bytes to the front and reads more after them. */
static lodedb_status replay_fill(replay_buffer *b, int fd, const char *path) {
    if (b->start > 0) {
        memmove(b->data, b->data + b->start, b->end - b->start);
        b->base += b->start;
        b->end -= b->start;
        b->start = 0;
    }
    size_t want = b->capacity - b->end;
    size_t got = 0;
    lodedb_status status = lodedb_file_read_full(fd, b->data + b->end, want, &got, path);
    if (status != LODEDB_OK) {
        return status;
    }
    b->end += got;
    if (got < want) {
        b->eof = 1;
    }
    return LODEDB_OK;
}

/* Called at a frame that does not decode (b->start): reads whatever follows it and decides
 * between a torn tail (LODEDB_OK: the valid prefix ends here, the last error message says
 * why) and interior corruption (LODEDB_ERR_CORRUPT naming both offsets). The rest of the file
 * is read whole: this runs once, only on damage or after a crash mid-append. */
static lodedb_status classify_bad_frame(const replay_buffer *b, int fd, const char *path,
                                        uint64_t file_size) {
    char reason[1024];
    snprintf(reason, sizeof reason, "%s", lodedb_last_error_message());
    uint64_t bad_offset = b->base + b->start;
    uint64_t read_end = b->base + b->end;
    size_t held = b->end - b->start;
    size_t unread = file_size > read_end ? (size_t)(file_size - read_end) : 0;
    uint8_t *rest = malloc(held + unread + 1);
    if (rest == NULL) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY,
                           "cannot allocate %zu bytes to check what follows the bad WAL frame "
                           "at offset %llu of '%s'",
                           held + unread, (unsigned long long)bad_offset, path);
    }
    memcpy(rest, b->data + b->start, held);
    size_t got = 0;
    lodedb_status status = LODEDB_OK;
    if (unread > 0) {
        status = lodedb_file_read_full(fd, rest + held, unread, &got, path);
    }
    size_t found = 0;
    if (status == LODEDB_OK) {
        if (lodedb_wal_find_frame(rest, held + got, 1, &found)) {
            status = lodedb_fail(LODEDB_ERR_CORRUPT,
                                 "interior corruption in WAL '%s': the frame at offset %llu is "
                                 "damaged (%s) and a valid frame follows at offset %llu, so "
                                 "acknowledged records would be lost; nothing was replayed past "
                                 "offset %llu (repair the folder explicitly)",
                                 path, (unsigned long long)bad_offset, reason,
                                 (unsigned long long)(bad_offset + found),
                                 (unsigned long long)bad_offset);
        } else {
            lodedb_fail(LODEDB_ERR_CORRUPT, "%s", reason); /* a torn tail: keep why */
        }
    }
    free(rest);
    return status;
}

static lodedb_status replay_fd(int fd, const char *path, uint64_t file_size, size_t chunk,
                               lodedb_wal_record_fn fn, void *context, uint64_t *valid_bytes,
                               uint64_t *record_count) {
    replay_buffer b = {0};
    /* At least one record header fits, so a refill always has room to make progress. */
    b.capacity = chunk < LODEDB_WAL_RECORD_OVERHEAD ? LODEDB_WAL_RECORD_OVERHEAD : chunk;
    if (file_size < (uint64_t)b.capacity) {
        b.capacity = (size_t)file_size < LODEDB_WAL_RECORD_OVERHEAD ? LODEDB_WAL_RECORD_OVERHEAD
                                                                    : (size_t)file_size;
    }
    b.data = malloc(b.capacity);
    if (b.data == NULL) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY,
                           "cannot allocate a %zu-byte replay buffer for '%s'", b.capacity, path);
    }
    lodedb_status status = LODEDB_OK;
    for (;;) {
        size_t available = b.end - b.start;
        if (available < LODEDB_WAL_RECORD_OVERHEAD && !b.eof) {
            status = replay_fill(&b, fd, path);
            if (status != LODEDB_OK) {
                break;
            }
            continue;
        }
        if (available == 0) {
            break; /* clean end */
        }
        size_t needed = LODEDB_WAL_RECORD_OVERHEAD;
        if (available >= LODEDB_WAL_RECORD_OVERHEAD &&
            lodedb_load_le32(b.data + b.start) == LODEDB_WAL_MAGIC) {
            uint32_t declared = lodedb_load_le32(b.data + b.start + 8);
            if ((size_t)declared <= LODEDB_WAL_MAX_PAYLOAD) {
                needed += declared;
            }
        }
        if (available < needed && !b.eof) {
            uint64_t record_offset = b.base + b.start;
            if (needed > b.capacity) {
                /* Never allocate for a length the file cannot hold: that record is torn. */
                if (file_size < record_offset || file_size - record_offset < (uint64_t)needed) {
                    lodedb_fail(LODEDB_ERR_CORRUPT,
                                "torn WAL record at offset %llu of '%s': %zu bytes declared, "
                                "the file ends %llu bytes later",
                                (unsigned long long)record_offset, path, needed,
                                (unsigned long long)(file_size > record_offset
                                                         ? file_size - record_offset
                                                         : 0));
                    status = classify_bad_frame(&b, fd, path, file_size);
                    break;
                }
                uint8_t *grown = malloc(needed);
                if (grown == NULL) {
                    status = lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY,
                                         "cannot allocate %zu bytes for the WAL record at "
                                         "offset %llu of '%s'",
                                         needed, (unsigned long long)record_offset, path);
                    break;
                }
                memcpy(grown, b.data + b.start, available);
                free(b.data);
                b.data = grown;
                b.capacity = needed;
                b.base = record_offset;
                b.start = 0;
                b.end = available;
            }
            status = replay_fill(&b, fd, path);
            if (status != LODEDB_OK) {
                break;
            }
            continue;
        }
        lodedb_wal_record record;
        lodedb_status next = lodedb_wal_next(b.data + b.start, available, 0, &record);
        if (next == LODEDB_ERR_CORRUPT) {
            /* The valid prefix ends here: a torn tail, or damage if a valid frame follows. */
            status = classify_bad_frame(&b, fd, path, file_size);
            break;
        }
        if (next != LODEDB_OK) {
            status = next; /* LODEDB_ERR_UNSUPPORTED: a newer writer's record */
            break;
        }
        const uint8_t *payload = b.data + b.start + LODEDB_WAL_RECORD_OVERHEAD;
        b.start += (size_t)record.next_offset;
        *valid_bytes = b.base + b.start;
        *record_count += 1;
        if (fn != NULL && fn(context, payload, (size_t)record.payload_length) != 0) {
            status = lodedb_fail(LODEDB_ERR_ABORTED,
                                 "WAL replay of '%s' stopped by the callback at record %llu "
                                 "(ending at offset %llu)",
                                 path, (unsigned long long)*record_count,
                                 (unsigned long long)*valid_bytes);
            break;
        }
    }
    free(b.data);
    return status;
}

LODEDB_API lodedb_status lodedb_wal_replay_file(const char *path_utf8, lodedb_wal_record_fn fn,
                                                void *context, uint64_t *out_valid_bytes,
                                                uint64_t *out_record_count) {
    return lodedb_wal_replay_file_chunked(path_utf8, WAL_REPLAY_CHUNK, fn, context, out_valid_bytes,
                                          out_record_count);
}

lodedb_status lodedb_wal_replay_file_chunked(const char *path_utf8, size_t chunk,
                                             lodedb_wal_record_fn fn, void *context,
                                             uint64_t *out_valid_bytes,
                                             uint64_t *out_record_count) {
    lodedb_clear_error();
    uint64_t valid_bytes = 0;
    uint64_t record_count = 0;
    if (out_valid_bytes != NULL) {
        *out_valid_bytes = 0;
    }
    if (out_record_count != NULL) {
        *out_record_count = 0;
    }
    if (path_utf8 == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "lodedb_wal_replay_file: path_utf8 is NULL");
    }
    int fd = -1;
    lodedb_status status = lodedb_file_open(path_utf8, LODEDB_FILE_READ, &fd, NULL);
    if (status != LODEDB_OK) {
        return status;
    }
    uint64_t file_size = 0;
    status = lodedb_file_size(fd, &file_size, path_utf8);
    if (status == LODEDB_OK) {
        status =
            replay_fd(fd, path_utf8, file_size, chunk, fn, context, &valid_bytes, &record_count);
    }
    lodedb_file_close(fd, path_utf8);
    if (out_valid_bytes != NULL) {
        *out_valid_bytes = valid_bytes;
    }
    if (out_record_count != NULL) {
        *out_record_count = record_count;
    }
    return status;
}
