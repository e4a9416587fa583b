/* Internal: the torn-tail vs interior-corruption rule. A bad frame with nothing valid after it
 * is a torn tail (a crash mid-append, never acknowledged); a bad frame followed by any frame
 * that decodes is damage to acknowledged data. */
#ifndef LODEDB_WAL_WAL_RESYNC_H
#define LODEDB_WAL_WAL_RESYNC_H

#include <stddef.h>
#include <stdint.h>

/* Finds the first offset >= from (within data) where a frame decodes (lodedb_wal_next says OK,
 * or UNSUPPORTED: an intact record of a newer writer is evidence too). Returns 1 and sets
 * *out_offset when found, 0 when none. Leaves the thread's last error message as it found it. */
int lodedb_wal_find_frame(const uint8_t *data, size_t length, size_t from, size_t *out_offset);

#endif
