/* Snapshot codec: an index to bytes and back (lodedb_index_serialize / _deserialize) and to
 * a file (lodedb_index_save / _load). Built only on the public index functions, so the
 * in-memory block layout can change without touching the file format. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "snapshot/snapshot_format.h"
#include "turbovec/index.h"
#include "wal/file_io.h"
#include "wal/little_endian.h"

/* Rows moved per export/import call: bounded by bytes so a 65536-d index does not allocate
 * 4096 rows of 32 KiB at once. */
#define SNAPSHOT_CHUNK_BYTES ((size_t)1 << 20)
#define SNAPSHOT_FILE_BUFFER ((size_t)1 << 20)

static uint64_t rows_per_chunk(uint64_t code_bytes_per_row) {
    uint64_t rows = SNAPSHOT_CHUNK_BYTES / (code_bytes_per_row + 4u);
    return rows == 0 ? 1 : rows;
}

/* ---- Writing: one routine, two sinks (a caller buffer or a file) ------------------------- */

typedef struct snapshot_sink {
    uint8_t *buffer; /* memory sink: the caller's buffer; file sink: a staging buffer */
    size_t capacity;
    size_t used;
    int fd; /* -1 for the memory sink */
    const char *path;
    uint32_t body_crc;
    int in_body;
} snapshot_sink;

static lodedb_status sink_flush(snapshot_sink *sink) {
    if (sink->fd < 0 || sink->used == 0) {
        return LODEDB_OK;
    }
    lodedb_status status = lodedb_file_write_all(sink->fd, sink->buffer, sink->used, sink->path);
    sink->used = 0;
    return status;
}

static lodedb_status sink_write(snapshot_sink *sink, const uint8_t *data, size_t length) {
    if (sink->in_body) {
        sink->body_crc = lodedb_crc32c(sink->body_crc, data, length);
    }
    while (length > 0) {
        if (sink->used == sink->capacity) {
            if (sink->fd < 0) {
                /* The size was computed up front; running out means the index changed under
                 * us, which the threading contract forbids. */
                return lodedb_fail(LODEDB_ERR_INTERNAL,
                                   "snapshot grew past its computed size of %zu bytes",
                                   sink->capacity);
            }
            lodedb_status status = sink_flush(sink);
            if (status != LODEDB_OK) {
                return status;
            }
        }
        size_t n = sink->capacity - sink->used;
        if (n > length) {
            n = length;
        }
        memcpy(sink->buffer + sink->used, data, n);
        sink->used += n;
        data += n;
        length -= n;
    }
    return LODEDB_OK;
}

/* Header, then codes chunk by chunk; scales and the tombstone bitmap are gathered on the way
 * (4.125 bytes a row) and written after the codes, then the body CRC. */
static lodedb_status write_snapshot(const lodedb_index *index, const lodedb_index_info *info,
                                    const lodedb_snapshot_layout *layout, snapshot_sink *sink) {
    uint64_t rows = info->slot_count;
    uint64_t cbpr = info->code_bytes_per_row;
    uint64_t chunk = rows_per_chunk(cbpr);
    if (chunk > rows) {
        chunk = rows == 0 ? 1 : rows;
    }
    size_t scales_bytes = (size_t)(layout->removed_offset - layout->scales_offset);
    size_t removed_bytes = (size_t)(layout->crc_offset - layout->removed_offset);
    uint8_t *tail = calloc(scales_bytes + removed_bytes + 1, 1);
    uint8_t *codes = malloc((size_t)(chunk * cbpr));
    float *scales = malloc((size_t)chunk * sizeof *scales);
    lodedb_status status = LODEDB_OK;
    if (tail == NULL || codes == NULL || scales == NULL) {
        status =
            lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "cannot allocate buffers to serialise %llu rows",
                        (unsigned long long)rows);
        goto done;
    }
    uint8_t header[LODEDB_SNAPSHOT_HEADER_BYTES];
    lodedb_snapshot_header h = {
        LODEDB_SNAPSHOT_VERSION,    info->dim, info->padded_dim, info->bits, info->seed,
        info->codebook_fingerprint, rows};
    lodedb_snapshot_write_header(header, &h, cbpr);
    status = sink_write(sink, header, sizeof header);
    sink->in_body = 1;
    uint8_t *removed = tail + scales_bytes;
    for (uint64_t first = 0; status == LODEDB_OK && first < rows; first += chunk) {
        uint64_t n = rows - first < chunk ? rows - first : chunk;
        status =
            lodedb_index_export_rows(index, first, n, codes, (size_t)(n * cbpr), scales, (size_t)n);
        for (uint64_t i = 0; status == LODEDB_OK && i < n; i++) {
            uint64_t slot = first + i;
            int32_t live = 0;
            status = lodedb_index_is_live(index, slot, &live);
            if (status == LODEDB_OK && !live) {
                /* Deleted vectors do not travel into the snapshot. */
                memset(codes + i * cbpr, 0, (size_t)cbpr);
                scales[i] = 0.0f;
                removed[slot / 8] |= (uint8_t)(1u << (slot % 8));
            }
            lodedb_store_le_f32(tail + slot * 4u, scales[i]);
        }
        if (status == LODEDB_OK) {
            status = sink_write(sink, codes, (size_t)(n * cbpr));
        }
    }
    if (status == LODEDB_OK) {
        status = sink_write(sink, tail, scales_bytes + removed_bytes);
    }
    if (status == LODEDB_OK) {
        uint8_t crc[4];
        sink->in_body = 0;
        lodedb_store_le32(crc, sink->body_crc);
        status = sink_write(sink, crc, sizeof crc);
    }
done:
    free(tail);
    free(codes);
    free(scales);
    return status;
}

static lodedb_status describe(const lodedb_index *index, lodedb_index_info *info,
                              lodedb_snapshot_layout *layout) {
    lodedb_status status = lodedb_index_get_info(index, info);
    if (status != LODEDB_OK) {
        return status;
    }
    if (!lodedb_snapshot_compute_layout(info->slot_count, info->code_bytes_per_row, layout) ||
        layout->total_length > (uint64_t)SIZE_MAX) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY,
                           "a snapshot of %llu rows of %llu bytes does not fit in memory",
                           (unsigned long long)info->slot_count,
                           (unsigned long long)info->code_bytes_per_row);
    }
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_index_serialize(const lodedb_index *index, uint8_t *buffer,
                                                size_t buffer_length, size_t *out_length) {
    lodedb_clear_error();
    if (index == NULL || out_length == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "lodedb_index_serialize: %s is NULL",
                           index == NULL ? "index" : "out_length");
    }
    lodedb_index_info info;
    lodedb_snapshot_layout layout;
    lodedb_status status = describe(index, &info, &layout);
    if (status != LODEDB_OK) {
        return status;
    }
    *out_length = (size_t)layout.total_length;
    if (buffer == NULL) {
        return LODEDB_OK;
    }
    if (buffer_length < (size_t)layout.total_length) {
        return lodedb_fail(LODEDB_ERR_BUFFER_TOO_SMALL,
                           "lodedb_index_serialize: buffer holds %zu bytes, the snapshot needs "
                           "%llu",
                           buffer_length, (unsigned long long)layout.total_length);
    }
    snapshot_sink sink = {buffer, (size_t)layout.total_length, 0, -1, NULL, 0, 0};
    return write_snapshot(index, &info, &layout, &sink);
}

LODEDB_API lodedb_status lodedb_index_save(const lodedb_index *index, const char *path_utf8,
                                           uint32_t flags) {
    lodedb_clear_error();
    if (index == NULL || path_utf8 == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "lodedb_index_save: %s is NULL",
                           index == NULL ? "index" : "path_utf8");
    }
    if ((flags & ~(uint32_t)LODEDB_FLAG_SYNC) != 0) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "lodedb_index_save: unknown flags 0x%08x",
                           flags);
    }
    lodedb_index_info info;
    lodedb_snapshot_layout layout;
    lodedb_status status = describe(index, &info, &layout);
    if (status != LODEDB_OK) {
        return status;
    }
    uint8_t *staging = malloc(SNAPSHOT_FILE_BUFFER);
    if (staging == NULL) {
        return lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "cannot allocate a %zu-byte write buffer",
                           SNAPSHOT_FILE_BUFFER);
    }
    int fd = -1;
    status = lodedb_file_open(path_utf8, LODEDB_FILE_WRITE_TRUNCATE, &fd, NULL);
    if (status == LODEDB_OK) {
        snapshot_sink sink = {staging, SNAPSHOT_FILE_BUFFER, 0, fd, path_utf8, 0, 0};
        status = write_snapshot(index, &info, &layout, &sink);
        if (status == LODEDB_OK) {
            status = sink_flush(&sink);
        }
        if (status == LODEDB_OK && (flags & LODEDB_FLAG_SYNC) != 0) {
            status = lodedb_file_sync(fd, path_utf8);
        }
        lodedb_status closed = lodedb_file_close(fd, path_utf8);
        if (status == LODEDB_OK) {
            status = closed;
        }
    }
    free(staging);
    return status;
}

/* ---- Reading ------------------------------------------------------------------------------ */

LODEDB_API lodedb_status lodedb_index_deserialize(const uint8_t *data, size_t length,
                                                  lodedb_index **out_index) {
    lodedb_clear_error();
    if (out_index == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT,
                           "lodedb_index_deserialize: out_index is NULL");
    }
    *out_index = NULL;
    lodedb_snapshot_header h;
    lodedb_snapshot_layout layout;
    lodedb_status status = lodedb_snapshot_parse_header(data, length, &h, &layout);
    if (status != LODEDB_OK) {
        return status;
    }
    /* Every size below is now bounded by length, which is real memory. */
    if (layout.total_length != (uint64_t)length) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "snapshot is %zu bytes long, its header (%llu rows of %llu bytes) "
                           "says %llu",
                           length, (unsigned long long)h.row_count,
                           (unsigned long long)layout.code_bytes_per_row,
                           (unsigned long long)layout.total_length);
    }
    size_t body_length = (size_t)(layout.crc_offset - layout.codes_offset);
    uint32_t stored_crc = lodedb_load_le32(data + layout.crc_offset);
    uint32_t crc = lodedb_crc32c(0, data + layout.codes_offset, body_length);
    if (crc != stored_crc) {
        return lodedb_fail(LODEDB_ERR_CORRUPT,
                           "snapshot body CRC mismatch at offset %llu: stored 0x%08x, computed "
                           "0x%08x over %zu bytes",
                           (unsigned long long)layout.crc_offset, stored_crc, crc, body_length);
    }
    uint64_t rows = h.row_count;
    const uint8_t *scale_bytes = data + layout.scales_offset;
    for (uint64_t s = 0; s < rows; s++) {
        float scale = lodedb_load_le_f32(scale_bytes + s * 4u);
        if (!isfinite(scale)) {
            return lodedb_fail(
                LODEDB_ERR_CORRUPT, "snapshot scale of row %llu (offset %llu) is not finite",
                (unsigned long long)s, (unsigned long long)(layout.scales_offset + s * 4u));
        }
    }
    const uint8_t *removed = data + layout.removed_offset;
    if (rows % 8 != 0) {
        uint8_t last = removed[rows / 8];
        if ((last >> (rows % 8)) != 0) {
            return lodedb_fail(LODEDB_ERR_CORRUPT,
                               "snapshot tombstone bitmap has bits set past row %llu (byte 0x%02x "
                               "at offset %llu)",
                               (unsigned long long)rows, last,
                               (unsigned long long)(layout.removed_offset + rows / 8));
        }
    }

    /* Last of the checks: the fingerprint costs a codebook build. */
    status = lodedb_snapshot_check_fingerprint(&h);
    if (status != LODEDB_OK) {
        return status;
    }
    lodedb_index *index = NULL;
    status = lodedb_index_create(h.dim, h.bits, h.seed, &index);
    if (status != LODEDB_OK) {
        return status;
    }
    lodedb_index_info info;
    status = lodedb_index_get_info(index, &info);
    if (status == LODEDB_OK &&
        (info.padded_dim != h.padded_dim || info.code_bytes_per_row != layout.code_bytes_per_row ||
         info.codebook_fingerprint != h.codebook_fingerprint)) {
        status =
            lodedb_fail(LODEDB_ERR_INTERNAL,
                        "a new index of dim %u at %u bits disagrees with its own snapshot "
                        "header (padded_dim %u, %llu bytes a row, fingerprint 0x%016llx)",
                        h.dim, h.bits, info.padded_dim, (unsigned long long)info.code_bytes_per_row,
                        (unsigned long long)info.codebook_fingerprint);
    }
    uint64_t cbpr = layout.code_bytes_per_row;
    uint64_t chunk = rows_per_chunk(cbpr);
    float *scales = NULL;
    if (status == LODEDB_OK) {
        /* The rows are imported in chunks: size the storage once, so the loaded index holds
         * exactly its rows instead of the slack of repeated doubling (+30% measured at 100k). */
        status = lodedb_index_reserve_exact(index, rows);
    }
    if (status == LODEDB_OK && rows > 0) {
        if (chunk > rows) {
            chunk = rows;
        }
        scales = malloc((size_t)chunk * sizeof *scales);
        if (scales == NULL) {
            status = lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY, "cannot allocate %llu scales",
                                 (unsigned long long)chunk);
        }
    }
    for (uint64_t first = 0; status == LODEDB_OK && first < rows; first += chunk) {
        uint64_t n = rows - first < chunk ? rows - first : chunk;
        for (uint64_t i = 0; i < n; i++) {
            scales[i] = lodedb_load_le_f32(scale_bytes + (first + i) * 4u);
        }
        uint64_t first_slot = 0;
        status = lodedb_index_import_rows(index, data + layout.codes_offset + first * cbpr,
                                          (size_t)(n * cbpr), scales, (size_t)n, n, &first_slot);
        if (status == LODEDB_OK && first_slot != first) {
            status = lodedb_fail(LODEDB_ERR_INTERNAL,
                                 "importing snapshot rows from %llu landed at slot %llu",
                                 (unsigned long long)first, (unsigned long long)first_slot);
        }
    }
    for (uint64_t s = 0; status == LODEDB_OK && s < rows; s++) {
        if ((removed[s / 8] >> (s % 8)) & 1u) {
            status = lodedb_index_remove(index, s);
        }
    }
    free(scales);
    if (status != LODEDB_OK) {
        lodedb_index_free(index);
        return status;
    }
    *out_index = index;
    return LODEDB_OK;
}

LODEDB_API lodedb_status lodedb_index_load(const char *path_utf8, lodedb_index **out_index) {
    lodedb_clear_error();
    if (path_utf8 == NULL || out_index == NULL) {
        return lodedb_fail(LODEDB_ERR_INVALID_ARGUMENT, "lodedb_index_load: %s is NULL",
                           path_utf8 == NULL ? "path_utf8" : "out_index");
    }
    *out_index = NULL;
    int fd = -1;
    lodedb_status status = lodedb_file_open(path_utf8, LODEDB_FILE_READ, &fd, NULL);
    if (status != LODEDB_OK) {
        return status;
    }
    uint64_t size = 0;
    uint8_t *data = NULL;
    status = lodedb_file_size(fd, &size, path_utf8);
    if (status == LODEDB_OK && size > (uint64_t)SIZE_MAX - 1) {
        status = lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY,
                             "snapshot '%s' of %llu bytes does not fit in memory", path_utf8,
                             (unsigned long long)size);
    }
    if (status == LODEDB_OK) {
        /* The allocation follows the file's real size, never a length read from it. One byte
         * more than the size lets the read notice a file that grew meanwhile. */
        data = malloc((size_t)size + 1);
        if (data == NULL) {
            status = lodedb_fail(LODEDB_ERR_OUT_OF_MEMORY,
                                 "cannot allocate %llu bytes to read snapshot '%s'",
                                 (unsigned long long)size, path_utf8);
        }
    }
    size_t got = 0;
    if (status == LODEDB_OK) {
        status = lodedb_file_read_full(fd, data, (size_t)size + 1, &got, path_utf8);
    }
    lodedb_file_close(fd, path_utf8);
    if (status == LODEDB_OK && got != (size_t)size) {
        status = lodedb_fail(LODEDB_ERR_IO,
                             "snapshot '%s' changed size while being read (%llu bytes, read %zu)",
                             path_utf8, (unsigned long long)size, got);
    }
    if (status == LODEDB_OK) {
        status = lodedb_index_deserialize(data, got, out_index);
        if (status != LODEDB_OK) {
            /* Name the file in the message the codec produced. */
            char message[768];
            snprintf(message, sizeof message, "%s", lodedb_last_error_message());
            lodedb_fail(status, "%s: %s", path_utf8, message);
        }
    }
    free(data);
    return status;
}
