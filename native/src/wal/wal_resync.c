/* The resync search behind the torn-tail vs interior-corruption rule (see wal_resync.h). The
 * frame carries magic + CRC, so scanning for the magic and decoding only there is cheap. */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "lodedb/lodedb.h"
#include "wal/little_endian.h"
#include "wal/wal_frame.h"
#include "wal/wal_resync.h"

int lodedb_wal_find_frame(const uint8_t *data, size_t length, size_t from, size_t *out_offset) {
    if (data == NULL || length < LODEDB_WAL_RECORD_OVERHEAD) {
        return 0;
    }
    /* The caller's message (why the frame before was rejected) must survive the probes. */
    char saved[1024];
    snprintf(saved, sizeof saved, "%s", lodedb_last_error_message());
    int found = 0;
    for (size_t at = from; at + LODEDB_WAL_RECORD_OVERHEAD <= length; at++) {
        if (lodedb_load_le32(data + at) != LODEDB_WAL_MAGIC) {
            continue;
        }
        lodedb_wal_record record;
        lodedb_status status = lodedb_wal_next(data, length, at, &record);
        if (status == LODEDB_OK || status == LODEDB_ERR_UNSUPPORTED) {
            *out_offset = at;
            found = 1;
            break;
        }
    }
    lodedb_fail(LODEDB_ERR_CORRUPT, "%s", saved);
    return found;
}
