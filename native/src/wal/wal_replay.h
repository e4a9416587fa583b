/* Internal: lodedb_wal_replay_file with the read buffer size as a parameter, so tests and the
 * fuzzer can make records straddle refills and force the buffer to grow with tiny inputs. */
#ifndef LODEDB_WAL_WAL_REPLAY_H
#define LODEDB_WAL_WAL_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "lodedb/lodedb.h"

/* chunk: initial buffer bytes (raised to LODEDB_WAL_RECORD_OVERHEAD when smaller). */
lodedb_status lodedb_wal_replay_file_chunked(const char *path_utf8, size_t chunk,
                                             lodedb_wal_record_fn fn, void *context,
                                             uint64_t *out_valid_bytes, uint64_t *out_record_count);

#endif
