/* Internal: the few file operations the WAL and the snapshot codec need, over POSIX file
 * descriptors or the Windows CRT (UTF-8 paths become UTF-16 there). Every failure goes through
 * lodedb_fail with the path and the operating system's text. */
#ifndef LODEDB_WAL_FILE_IO_H
#define LODEDB_WAL_FILE_IO_H

#include <stddef.h>
#include <stdint.h>

#include "lodedb/lodedb.h"

typedef enum lodedb_file_mode {
    LODEDB_FILE_READ = 0,          /* existing file, read only */
    LODEDB_FILE_APPEND = 1,        /* created if missing, every write lands at the end */
    LODEDB_FILE_WRITE_TRUNCATE = 2 /* created or truncated, write only */
} lodedb_file_mode;

/* Opens path; *out_created is set to 1 when the call created the file (may be NULL). */
lodedb_status lodedb_file_open(const char *path_utf8, lodedb_file_mode mode, int *out_fd,
                               int *out_created);

/* Writes all length bytes, looping over short writes and EINTR. */
lodedb_status lodedb_file_write_all(int fd, const uint8_t *data, size_t length,
                                    const char *path_utf8);

/* Reads until capacity bytes or end of file; *out_read < capacity means end of file. */
lodedb_status lodedb_file_read_full(int fd, uint8_t *buffer, size_t capacity, size_t *out_read,
                                    const char *path_utf8);

/* fdatasync where it exists, fsync otherwise, _commit on Windows. */
lodedb_status lodedb_file_sync(int fd, const char *path_utf8);

lodedb_status lodedb_file_truncate(int fd, uint64_t length, const char *path_utf8);

lodedb_status lodedb_file_size(int fd, uint64_t *out_size, const char *path_utf8);

/* Closes fd; reports the error close() returns (NFS may report a failed write only there). */
lodedb_status lodedb_file_close(int fd, const char *path_utf8);

/* Makes the directory entry of a newly created file durable (fsync of the parent directory on
 * POSIX; nothing to do on Windows, where NTFS journals the entry with the file). */
lodedb_status lodedb_file_sync_parent_directory(const char *path_utf8);

#endif
